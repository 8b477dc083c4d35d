"""A lean, batching decoder for Llama-architecture models (SmolLM2-135M-Instruct) on the CPU.

Why not ``model.generate()``: on 2 cores a plain fp32 ``generate()`` spends most of each token reading 540 MB of
fp32 weights and running hundreds of small ops, and it serves one request at a time. Here:

* **one forward pass serves every active request** (continuous batching): each step packs the next token of every
  decoding request together with a chunk of a new request's prompt (chunked prefill), runs the linear layers once
  on all those tokens, and attention per request against its own KV cache. A request joins at the next step and
  leaves at its own ``max_new_tokens``, end-of-sequence or stop string, so a long request never holds a short one;
* **smaller weights**: precision ``fast`` (the default) keeps activations and norms in fp32, attention and the KV
  cache in bfloat16, and runs the matrix products in bfloat16 for prompt chunks and large batches, and on the
  GGUF's own 4-bit weights (int8 for the embedding / LM head) when a step has at most ``INT_MAX_TOKENS`` tokens,
  where reading the weights is the cost; precision ``fp32`` keeps the exact fp32 arithmetic of ``transformers``
  (greedy outputs equal ``generate()``'s), for comparisons;
* **a bounded KV cache**: each request's cache is one allocation sized to its prompt plus ``max_new_tokens``;
  requests wait in the queue while the total would pass ``kv_budget_tokens``;
* **a prefix cache** (:class:`PrefixCache`): a prompt that begins like a recent one (chat template, instructions,
  few-shot examples) copies the keys and values of that beginning instead of computing them.

:class:`Batcher` runs the loop in one background thread; callers get a :class:`Ticket` whose events are the text
pieces and the final result.
"""

from __future__ import annotations

import logging
import math
import os
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("helpers.local.fastlm")

PRECISIONS = ("fast", "fp32")
# Steps with at most this many tokens use the 4- and 8-bit weights: reading the weights dominates there (measured
# on 2 cores: a decode step of 8 requests took 49 ms with them, 86 ms with the bfloat16 matrices; see bench/).
INT_MAX_TOKENS = 8


class ContextTooLong(ValueError):
    """Prompt plus ``max_new_tokens`` do not fit the model's context (a 4xx for the caller)."""


class RequestTimedOut(RuntimeError):
    """The request passed its deadline before it finished."""


class RequestCancelled(RuntimeError):
    """The caller went away (e.g. a streaming client disconnected)."""


# ------------------------------------------------------------------------------------------------ model
@dataclass
class _Linear:
    dense: Any  # [out, in] in the compute dtype
    q4: Any = None  # int4, packed for torch's CPU kernel, groups of 32 along the input (precision "fast")
    q4_scales_zeros: Any = None
    q8: Any = None  # int8 [out, in] with per-row scales (precision "fast", for matrices that are not 4-bit)
    q8_scale: Any = None


Q4_GROUP = 32


class LlamaModel:
    """The weights of a ``LlamaForCausalLM`` rearranged for :meth:`forward` (fused QKV and gate/up matrices)."""

    def __init__(self, source: Any, precision: str = "fast") -> None:
        """``source``: a loaded ``LlamaForCausalLM``, or the folder of a saved one (``config.json`` and
        ``model.safetensors``), read one tensor at a time so that loading never holds two copies of the weights."""
        import torch

        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
        cfg, eos, tensor = _open_source(source)
        self.precision = precision
        # activations and norms in fp32; the matrices' inputs and weights, attention and the KV cache in bfloat16
        self.dtype = torch.float32
        self.matmul_dtype = torch.float32 if precision == "fp32" else torch.bfloat16
        # the KV cache in bfloat16 too: half the memory and half the bytes that decode attention reads (ROUGE-L on
        # the bench's 22 records moved by 0.0001 against an fp32 cache)
        self.kv_dtype = self.matmul_dtype
        self.layers_n, self.heads, self.kv_heads = (
            cfg.num_hidden_layers,
            cfg.num_attention_heads,
            cfg.num_key_value_heads,
        )
        self.head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // cfg.num_attention_heads
        self.hidden = cfg.hidden_size
        self.eps = cfg.rms_norm_eps
        self.max_positions = cfg.max_position_embeddings
        eos = eos or cfg.eos_token_id
        self.eos_ids = set(eos if isinstance(eos, list) else [eos])
        if getattr(cfg, "tie_word_embeddings", True):
            self.lm_head = self._linear(tensor("model.embed_tokens.weight"), four_bit=False)
            self.embed = self.lm_head.dense  # rows are looked up, then widened to fp32
        else:
            self.lm_head = self._linear(tensor("lm_head.weight"), four_bit=False)
            self.embed = tensor("model.embed_tokens.weight").to(self.matmul_dtype).contiguous()
        self.norm = tensor("model.norm.weight").to(self.dtype)
        self.layers = []
        for i in range(self.layers_n):
            p = f"model.layers.{i}."
            w = {name: tensor(p + name + ".weight") for name in _LAYER_WEIGHTS}
            self.layers.append(
                {
                    "norm1": w["input_layernorm"].to(self.dtype),
                    "norm2": w["post_attention_layernorm"].to(self.dtype),
                    "qkv": self._linear(
                        torch.cat([w["self_attn.q_proj"], w["self_attn.k_proj"], w["self_attn.v_proj"]])
                    ),
                    "o": self._linear(w["self_attn.o_proj"]),
                    "gate_up": self._linear(torch.cat([w["mlp.gate_proj"], w["mlp.up_proj"]])),
                    "down": self._linear(w["mlp.down_proj"]),
                }
            )
        inv_freq = 1.0 / (
            cfg.rope_theta ** (torch.arange(0, self.head_dim, 2, dtype=torch.int64).float() / self.head_dim)
        )
        angles = torch.outer(torch.arange(self.max_positions).float(), inv_freq)
        angles = torch.cat([angles, angles], dim=-1)
        self.cos, self.sin = angles.cos().to(self.dtype), angles.sin().to(self.dtype)

    def _linear(self, weight: Any, four_bit: bool = True) -> _Linear:
        """Keep ``weight`` dense in the compute dtype and, for precision "fast", quantized for small steps.

        SmolLM2's GGUF stores the layers' matrices in Q4_1 (groups of 32 input weights share a scale and a
        minimum): the 4-bit copy with groups of 32 holds exactly those values (scales in bfloat16). The embedding
        (Q8_0 in the GGUF) gets int8 with one scale per row.
        """
        import torch

        dense = weight.to(self.matmul_dtype).contiguous()
        if self.precision == "fp32":
            return _Linear(dense)
        w = weight.float()
        out_features, in_features = w.shape
        if four_bit and in_features % Q4_GROUP == 0:
            groups = w.reshape(out_features, -1, Q4_GROUP)
            low, high = groups.amin(-1), groups.amax(-1)
            scale = ((high - low) / 15).clamp(min=1e-12)
            q = torch.round((groups - low[..., None]) / scale[..., None]).clamp(0, 15).to(torch.int32)
            packed = torch._convert_weight_to_int4pack_for_cpu(q.reshape(out_features, in_features), 2)
            # the kernel computes (q - 8) * scale + zero
            scales_zeros = torch.stack([scale.t(), (low + 8 * scale).t()], dim=-1).to(self.matmul_dtype).contiguous()
            return _Linear(dense, q4=packed, q4_scales_zeros=scales_zeros)
        scale = (w.abs().amax(dim=1) / 127.0).clamp(min=1e-12)
        q = torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8).contiguous()
        return _Linear(dense, q8=q, q8_scale=scale.to(self.matmul_dtype))

    def _mm(self, x: Any, lin: _Linear) -> Any:
        """``x @ lin.T`` in the compute dtype (the result stays in it: adding it to the fp32 residual stream
        promotes it inside the addition, without a separate conversion pass)."""
        import torch
        import torch.nn.functional as F

        if x.dtype != self.matmul_dtype:
            x = x.to(self.matmul_dtype)
        if x.shape[0] <= INT_MAX_TOKENS and lin.q4 is not None:
            return torch._weight_int4pack_mm_for_cpu(x, lin.q4, Q4_GROUP, lin.q4_scales_zeros)
        if x.shape[0] <= INT_MAX_TOKENS and lin.q8 is not None:
            return torch._weight_int8pack_mm(x, lin.q8, lin.q8_scale)
        return F.linear(x, lin.dense)

    def _rms(self, x: Any, weight: Any) -> Any:
        """RMS norm computed in fp32 (as ``transformers``), written in the compute dtype (the next matrix's input)."""
        import torch

        normed = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return torch.mul(weight, normed, out=torch.empty(x.shape, dtype=self.matmul_dtype))

    def new_cache(self, capacity: int) -> list[tuple[Any, Any]]:
        """An empty KV cache for one request: per layer, keys and values [kv_heads, capacity, head_dim].

        All of them are views of one allocation, so that a finished request's cache goes back to the system in
        one piece (many small tensors would leave the process's heap fragmented and its memory high)."""
        import torch

        block = torch.empty((self.layers_n, 2, self.kv_heads, capacity, self.head_dim), dtype=self.kv_dtype)
        return [(block[i, 0], block[i, 1]) for i in range(self.layers_n)]

    def forward(self, segments: list[tuple[list[int], int, list[tuple[Any, Any]], bool]]) -> list[Any]:
        """Run one packed step. Each segment is ``(token_ids, start_position, cache, wants_logits)``: the next
        token of a decoding request, or a chunk of a prompt. Returns, for each segment that wants them, the fp32
        logits of its last token (in segment order)."""
        import torch
        import torch.nn.functional as F

        ids = torch.tensor([t for seg in segments for t in seg[0]], dtype=torch.long)
        positions = torch.cat([torch.arange(start, start + len(toks)) for toks, start, _c, _w in segments])
        n = ids.shape[0]
        heads, kv, hd = self.heads, self.kv_heads, self.head_dim
        cos, sin = self.cos[positions][:, None, :], self.sin[positions][:, None, :]  # [n, 1, hd]
        half = hd // 2
        bounds, offset = [], 0
        masks = []
        for toks, start, _cache, _wants in segments:
            t = len(toks)
            bounds.append((offset, offset + t, start))
            if t > 1 and start > 0:  # a later chunk of a prompt: causal, offset by what is cached
                key_pos = torch.arange(start + t)
                masks.append(key_pos[None, :] <= torch.arange(start, start + t)[:, None])
            else:
                masks.append(None)
            offset += t
        x = self.embed[ids].to(self.dtype)  # [n, hidden]

        def rope(v: Any) -> Any:  # v [n, h, hd]
            return v * cos + torch.cat([-v[..., half:], v[..., :half]], dim=-1) * sin

        for li, w in enumerate(self.layers):
            h = self._rms(x, w["norm1"])
            qkv = self._mm(h, w["qkv"])
            qk = rope(qkv[:, : (heads + kv) * hd].view(n, heads + kv, hd))  # queries and keys in one go
            q, k = qk[:, :heads], qk[:, heads:]
            v = qkv[:, (heads + kv) * hd :].view(n, kv, hd)
            q_t, k_t, v_t = q.transpose(0, 1)[None], k.transpose(0, 1), v.transpose(0, 1)  # heads first
            out = torch.empty((1, heads, n, hd), dtype=self.kv_dtype)
            for (a, b, start), (_toks, _s, cache, _w), mask in zip(bounds, segments, masks, strict=True):
                keys, values = cache[li]
                end = start + b - a
                keys[:, start:end] = k_t[:, a:b]
                values[:, start:end] = v_t[:, a:b]
                query, k_all, v_all = q_t[:, :, a:b], keys[None, :, :end], values[None, :, :end]
                if query.dtype != k_all.dtype:  # "fast": bfloat16 attention (AMX for prompt chunks)
                    query = query.to(k_all.dtype)
                out[:, :, a:b] = F.scaled_dot_product_attention(
                    query, k_all, v_all, attn_mask=mask, is_causal=b - a > 1 and mask is None, enable_gqa=True
                )
            x = x + self._mm(out[0].transpose(0, 1).reshape(n, heads * hd), w["o"])
            h = self._rms(x, w["norm2"])
            gate, up = self._mm(h, w["gate_up"]).chunk(2, dim=-1)
            x = x + self._mm(F.silu(gate) * up, w["down"])  # "fast": in bfloat16, the down projection's input
        last = [b - 1 for (a, b, _s), seg in zip(bounds, segments, strict=True) if seg[3]]
        if not last:
            return []
        h = self._rms(x[last], self.norm)
        logits = self._mm(h, self.lm_head).float()
        return list(logits)


def _open_source(source: Any) -> tuple[Any, Any, Any]:
    """(config, eos token id(s) of the generation config, a function name -> fp32 tensor) for a model or folder."""
    from pathlib import Path

    if hasattr(source, "state_dict"):
        state = source.state_dict()
        eos = getattr(getattr(source, "generation_config", None), "eos_token_id", None)
        return source.config, eos, lambda name: state[name].detach()
    from transformers import AutoConfig, GenerationConfig

    folder = Path(source)
    config = AutoConfig.from_pretrained(str(folder))
    try:
        eos = GenerationConfig.from_pretrained(str(folder)).eos_token_id
    except OSError:  # no generation_config.json
        eos = None
    return config, eos, _SafetensorsReader(folder / "model.safetensors")


class _SafetensorsReader:
    """Reads one tensor of a ``.safetensors`` file at a time with plain reads, as fp32.

    Not memory-mapped on purpose: the pages of a mapped file stay resident while any tensor from it lives, so
    loading would briefly hold the whole fp32 file (540 MB for SmolLM2) beside the converted weights.
    """

    _DTYPES = {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}

    def __init__(self, path: Any) -> None:
        import json
        import struct

        self.path = path
        with open(path, "rb") as handle:
            (size,) = struct.unpack("<Q", handle.read(8))
            self.header = json.loads(handle.read(size))
        self.data_start = 8 + size

    def __call__(self, name: str) -> Any:
        import torch

        entry = self.header[name]
        begin, end = entry["data_offsets"]
        buffer = bytearray(end - begin)
        with open(self.path, "rb") as handle:
            handle.seek(self.data_start + begin)
            handle.readinto(buffer)
        dtype = getattr(torch, self._DTYPES[entry["dtype"]])
        return torch.frombuffer(buffer, dtype=dtype).reshape(entry["shape"]).to(torch.float32, copy=True)


_LAYER_WEIGHTS = (
    "input_layernorm",
    "post_attention_layernorm",
    "self_attn.q_proj",
    "self_attn.k_proj",
    "self_attn.v_proj",
    "self_attn.o_proj",
    "mlp.gate_proj",
    "mlp.up_proj",
    "mlp.down_proj",
)


# ------------------------------------------------------------------------------------------------ requests
@dataclass
class Ticket:
    """One request in the batcher. ``events`` yields ``("text", piece)``, then ``("done", info)`` or
    ``("error", exception)``."""

    prompt_ids: list[int]
    max_new_tokens: int
    temperature: float = 0.0
    top_p: float = 1.0
    stop: list[str] = field(default_factory=list)
    deadline: float = math.inf
    events: queue.Queue = field(default_factory=queue.Queue)
    cancelled: threading.Event = field(default_factory=threading.Event)
    # filled in by the batcher
    generated: list[int] = field(default_factory=list)
    text: str = ""
    finish_reason: str = ""
    prefilled: int = 0
    reused: int = 0  # prompt tokens whose keys and values came from the prefix cache
    cache: Any = None

    def cancel(self) -> None:
        """Stop generating for this request at the next step (its slot is freed)."""
        self.cancelled.set()

    @property
    def capacity(self) -> int:
        return len(self.prompt_ids) + self.max_new_tokens


class PrefixCache:
    """Keys and values of recent prompts, so that a prompt starting with the same tokens skips computing them.

    Evaluations and chat send many prompts that share a long beginning: the chat template, the instructions, the
    worked examples of a few-shot template. After a request's prompt is computed, its keys and values (a view of
    its cache: no copy) are kept here. A new prompt takes the longest common beginning from any entry (at least
    ``min_tokens``, always leaving its last token to compute); the entry it matched is then cut to that common
    part (copied, so the rest of the old request's cache is freed), which is what later prompts share too. Entries
    never matched go first when the total passes ``max_tokens``, then the least recently used.
    """

    def __init__(self, max_tokens: int = 3072, min_tokens: int = 32) -> None:
        self.max_tokens, self.min_tokens = max_tokens, min_tokens
        self._entries: list[dict[str, Any]] = []  # least recently used first
        self.hits = 0
        self.reused_tokens = 0

    @property
    def tokens(self) -> int:
        """Tokens held, counted at the size of the caches they keep alive (a view keeps its request's whole cache)."""
        return sum(_held(e) for e in self._entries)

    def add(self, prompt_ids: list[int], cache: list[tuple[Any, Any]]) -> None:
        """Offer a computed prompt (its ``cache`` holds its keys and values from position 0)."""
        if self.max_tokens <= 0 or len(prompt_ids) < self.min_tokens:
            return
        ids = tuple(prompt_ids)
        for entry in self._entries:
            if entry["ids"][: len(ids)] == ids:  # nothing new: an entry already starts with this prompt
                return
        entry = {"ids": ids, "kv": cache, "hits": 0}
        if _held(entry) > self.max_tokens:
            return
        self._entries.append(entry)
        self._evict()

    def take(self, prompt_ids: list[int], cache: list[tuple[Any, Any]]) -> int:
        """Copy the longest cached beginning of ``prompt_ids`` into ``cache``; returns how many tokens."""
        limit = len(prompt_ids) - 1
        best, best_n = None, 0
        for entry in self._entries:
            n = _common_prefix(entry["ids"], prompt_ids, limit)
            if n > best_n:
                best, best_n = entry, n
        if best is None or best_n < self.min_tokens:
            return 0
        if best_n < len(best["ids"]):  # keep only the shared part: that is what the next prompts share too
            best["ids"] = best["ids"][:best_n]
            best["kv"] = [(k[:, :best_n].clone(), v[:, :best_n].clone()) for k, v in best["kv"]]
        for (k_dst, v_dst), (k_src, v_src) in zip(cache, best["kv"], strict=True):
            k_dst[:, :best_n] = k_src[:, :best_n]
            v_dst[:, :best_n] = v_src[:, :best_n]
        best["hits"] += 1
        self._entries.remove(best)
        self._entries.append(best)
        self.hits += 1
        self.reused_tokens += best_n
        return best_n

    def _evict(self) -> None:
        while self._entries and self.tokens > self.max_tokens:
            never_used = [e for e in self._entries if not e["hits"]]
            self._entries.remove((never_used or self._entries)[0])


def _held(entry: dict[str, Any]) -> int:
    return entry["kv"][0][0].shape[1]


def _common_prefix(a: tuple[int, ...], b: list[int], limit: int) -> int:
    n = min(len(a), len(b), limit)
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class Batcher:
    """Continuous batching over one :class:`LlamaModel` in a background thread."""

    def __init__(
        self,
        model: LlamaModel,
        tokenizer: Any,
        max_batch: int = 16,
        prefill_chunk: int = 256,
        kv_budget_tokens: int = 8_192,
        gather_ms: float = 2.0,
        prefix_cache_tokens: int = 3072,
        on_idle: Any = None,
    ) -> None:
        """``kv_budget_tokens``: prompt plus new tokens of all active requests (bfloat16 SmolLM2: 23 KB a token);
        ``prefix_cache_tokens``: see :class:`PrefixCache`; ``on_idle``: called when the last request has left
        (the engine gives freed memory back to the system there)."""
        self.model, self.tokenizer = model, tokenizer
        self.max_batch, self.prefill_chunk = max_batch, prefill_chunk
        self.kv_budget_tokens, self.gather_s = kv_budget_tokens, gather_ms / 1000
        self.on_idle = on_idle
        self.eos_ids = model.eos_ids  # the model's (SmolLM2: <|im_end|>), as generate() uses
        self.prefixes = PrefixCache(prefix_cache_tokens)
        self._waiting: deque[Ticket] = deque()
        self._active: list[Ticket] = []
        self._wake = threading.Condition()
        self.steps = 0
        self.max_batch_seen = 0
        self._thread = threading.Thread(target=self._loop, name="fastlm-batcher", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ public
    def submit(self, ticket: Ticket) -> Ticket:
        """Queue a request; raises :class:`ContextTooLong` when it cannot fit the model's context."""
        limit = self.model.max_positions
        if ticket.capacity > limit:
            raise ContextTooLong(
                f"Input validation error: `inputs` tokens + `max_new_tokens` must be <= {limit}. "
                f"Given: {len(ticket.prompt_ids)} `inputs` tokens and {ticket.max_new_tokens} `max_new_tokens`"
            )
        if ticket.capacity > self.kv_budget_tokens:
            raise ContextTooLong(
                f"Input validation error: `inputs` tokens + `max_new_tokens` must be <= {self.kv_budget_tokens} "
                f"on this local server (its KV-cache budget). Given: {len(ticket.prompt_ids)} `inputs` tokens and "
                f"{ticket.max_new_tokens} `max_new_tokens`"
            )
        with self._wake:
            self._waiting.append(ticket)
            self._wake.notify()
        return ticket

    def stats(self) -> dict[str, int]:
        """Requests active and waiting, steps run, the largest batch so far, and prompt tokens reused."""
        return {
            "active": len(self._active),
            "waiting": len(self._waiting),
            "steps": self.steps,
            "max_batch_seen": self.max_batch_seen,
            "prefix_hits": self.prefixes.hits,
            "prefix_tokens_reused": self.prefixes.reused_tokens,
        }

    # ------------------------------------------------------------------ loop
    def _admit(self) -> None:
        used = sum(t.capacity for t in self._active)
        while self._waiting and len(self._active) < self.max_batch:
            ticket = self._waiting[0]
            if self._active and used + ticket.capacity > self.kv_budget_tokens:
                break  # waits for memory
            self._waiting.popleft()
            ticket.cache = self.model.new_cache(ticket.capacity)
            ticket.prefilled = ticket.reused = self.prefixes.take(ticket.prompt_ids, ticket.cache)
            self._active.append(ticket)
            used += ticket.capacity

    def _loop(self) -> None:
        import torch

        while True:
            if not self._waiting and not self._active and self.on_idle is not None and self.steps:
                self.on_idle()  # once per idle spell: the wait below lasts until a request comes
            with self._wake:
                while not self._waiting and not self._active:
                    self._wake.wait()
                if not self._active and self.gather_s:
                    self._wake.wait(self.gather_s)  # let concurrent requests arrive together
                self._admit()
            try:
                with torch.inference_mode():
                    self._step()
            except Exception as exc:  # a bug must not kill the server: fail the requests in flight
                log.exception("batch step failed")
                for ticket in self._active:
                    ticket.events.put(("error", exc))
                self._active = []

    def _step(self) -> None:
        now = time.perf_counter()
        for ticket in list(self._active):
            if ticket.cancelled.is_set():
                self._finish(ticket, error=RequestCancelled("the request was cancelled"))
            elif now > ticket.deadline:
                self._finish(ticket, error=RequestTimedOut("the request passed its deadline before it finished"))
        if not self._active:
            return
        segments, owners = [], []
        budget = self.prefill_chunk
        for ticket in self._active:
            if ticket.prefilled < len(ticket.prompt_ids):
                if budget <= 0:
                    continue
                chunk = ticket.prompt_ids[ticket.prefilled : ticket.prefilled + budget]
                done = ticket.prefilled + len(chunk) == len(ticket.prompt_ids)
                segments.append((chunk, ticket.prefilled, ticket.cache, done))
                owners.append((ticket, len(chunk), done))
                budget -= len(chunk)
            else:
                position = len(ticket.prompt_ids) + len(ticket.generated) - 1
                segments.append(([ticket.generated[-1]], position, ticket.cache, True))
                owners.append((ticket, 1, True))
        self.max_batch_seen = max(self.max_batch_seen, len(segments))
        logits = iter(self.model.forward(segments))
        self.steps += 1
        for ticket, n, wants in owners:
            if ticket.prefilled < len(ticket.prompt_ids):
                ticket.prefilled += n
                if ticket.prefilled == len(ticket.prompt_ids):
                    self.prefixes.add(ticket.prompt_ids, ticket.cache)
            if wants:
                self._emit(ticket, self._choose(ticket, next(logits)))

    def _choose(self, ticket: Ticket, logits: Any) -> int:
        import torch

        if ticket.temperature <= 0:
            return int(torch.argmax(logits))
        probs = torch.softmax(logits / ticket.temperature, dim=-1)
        if ticket.top_p < 1.0:
            ordered, index = torch.sort(probs, descending=True)
            keep = torch.cumsum(ordered, dim=-1) - ordered < ticket.top_p
            probs = torch.zeros_like(probs).scatter(0, index[keep], ordered[keep])
        return int(torch.multinomial(probs, 1))

    def _emit(self, ticket: Ticket, token: int) -> None:
        ticket.generated.append(token)
        if token in self.eos_ids:
            self._finish(ticket, "stop")
            return
        text = self.tokenizer.decode(ticket.generated, skip_special_tokens=True)
        full = len(ticket.generated) >= ticket.max_new_tokens
        stopped = False
        if not text.endswith("\ufffd") or full:  # else half of a multi-byte character: wait for the rest
            for stop in ticket.stop:
                if stop and (i := text.find(stop)) != -1:
                    text, stopped = text[:i], True
            if len(text) > len(ticket.text):
                ticket.events.put(("text", text[len(ticket.text) :]))
                ticket.text = text
        if stopped:
            self._finish(ticket, "stop")
        elif full:
            self._finish(ticket, "length")

    def _finish(self, ticket: Ticket, reason: str = "", error: BaseException | None = None) -> None:
        ticket.finish_reason = reason
        ticket.cache = None
        if ticket in self._active:
            self._active.remove(ticket)
        if error is not None:
            ticket.events.put(("error", error))
        else:
            ticket.events.put(("done", {"finish_reason": reason, "completion_tokens": len(ticket.generated)}))


def default_threads() -> int:
    """Threads for torch: the CPUs this process may use (at most 8)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(8, cpus))
