"""Continuous batching for the SmolLM2 engine, on OpenVINO GenAI's ``ContinuousBatchingPipeline``.

One thread (the *driver*) owns the pipelines: it admits queued requests (``add_request``), runs ``step()`` (one
forward pass for every request in progress: prompts are fed in chunks, decoding requests add one token each),
reads each request's new tokens and hands text to its caller through a queue. Requests join at any step and
leave at their own ``max_new_tokens``, stop string, deadline or cancellation.

Two *lanes*, each a pipeline over the same cached model:

* ``base``: the model as shipped (with OpenVINO's prefix cache in precision ``exact``: a prompt that starts like a
  recent one reuses the keys and values of that beginning).
* ``lora``: made on first use, for endpoints whose model data holds a LoRA adapter. Its graph has a LoRA branch
  on every projection; OpenVINO applies one adapter configuration to a whole step, so the lane serves one adapter
  at a time and switches, in order of arrival, when the requests of the current one are done. It has no prefix
  cache: keys and values computed under one adapter are wrong for another.

A failure inside a step fails that lane's requests in flight with :class:`EngineFailed` (the endpoint answers a
``ModelError``) and rebuilds the lane; the other requests go on. Callers never wait without a deadline.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import queue
import random
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("helpers.local.batching")

# How the CPU computes, per WORKSHOP_ENGINE_PRECISION. "fast": OpenVINO's defaults (bfloat16, and int8 activations
# for the 4-bit weights, where the CPU has them); the kernels depend on how many tokens a step has, so a greedy answer
# can change with the requests sharing its steps, and a prompt partly served from a prefix cache could answer
# differently from the same prompt computed whole: the prefix cache is off. "exact": float32 and no dynamic
# quantisation: the same answer whatever shares a step, so the prefix cache is on. About 30% slower.
PRECISIONS: dict[str, dict[str, Any]] = {
    "fast": {"properties": {}, "prefix_cache": False},
    "exact": {
        "properties": {"INFERENCE_PRECISION_HINT": "f32", "DYNAMIC_QUANTIZATION_GROUP_SIZE": 0},
        "prefix_cache": True,
    },
}
KV_BLOCK_TOKENS = 32  # the CPU plugin's paged-attention block
_YIELD_S = 0.0002  # step() holds the GIL: after each one, let the server's threads run
_LORA_TENSOR = re.compile(r"^base_model\.model\.model\.layers\.(\d+)\.(self_attn|mlp)\.(\w+)\.lora_([AB])\.weight$")


class ContextTooLong(ValueError):
    """The prompt plus ``max_new_tokens`` exceed the model's context or the server's KV-cache budget."""


class RequestTimedOut(RuntimeError):
    """The request passed its deadline before it finished."""


class RequestCancelled(RuntimeError):
    """The caller went away (e.g. a streaming client disconnected)."""


class EngineFailed(RuntimeError):
    """The engine failed while this request was in flight (the engine restarted; a new request may succeed)."""


class AdapterError(ValueError):
    """A LoRA adapter that this model cannot serve (wrong format, modules or layers)."""


@dataclass(frozen=True)
class LoRA:
    """A PEFT LoRA adapter on disk: ``adapter_model.safetensors`` and ``adapter_config.json``."""

    path: str
    scale: float  # PEFT's lora_alpha / r (or / sqrt(r) with rsLoRA)


def read_adapter(folder: Path, layers: int) -> LoRA:
    """Check a PEFT LoRA adapter folder against the model (``layers`` blocks) and return it with its scale."""
    from safetensors import safe_open

    config_path, weights = folder / "adapter_config.json", folder / "adapter_model.safetensors"
    if not config_path.exists() or not weights.exists():
        raise AdapterError(f"{folder} needs adapter_config.json and adapter_model.safetensors (PEFT's layout)")
    try:
        config = json.loads(config_path.read_text())
    except json.JSONDecodeError as exc:
        raise AdapterError(f"adapter_config.json is not valid JSON: {exc}") from None
    if config.get("peft_type", "LORA") != "LORA":
        raise AdapterError(f"only LoRA adapters are served, not {config.get('peft_type')}")
    if config.get("modules_to_save"):
        raise AdapterError("adapters that also train whole modules (modules_to_save) are not served")
    with safe_open(str(weights), "np") as tensors:
        names = list(tensors.keys())
    for name in names:
        match = _LORA_TENSOR.match(name)
        if not match or int(match.group(1)) >= layers:
            raise AdapterError(f"tensor {name!r} does not fit SmolLM2-135M-Instruct's {layers} layers of projections")
    r, alpha = float(config.get("r", 8)), float(config.get("lora_alpha", 8))
    scale = alpha / math.sqrt(r) if config.get("use_rslora") else alpha / r
    return LoRA(str(weights), scale)


@dataclass
class Ticket:
    """One request. ``events`` yields ``("text", piece)``, then ``("done", info)`` or ``("error", exception)``."""

    prompt_ids: list[int]
    max_new_tokens: int
    temperature: float = 0.0
    top_p: float = 1.0
    stop: list[str] = field(default_factory=list)
    deadline: float = math.inf
    lora: LoRA | None = None
    events: queue.Queue = field(default_factory=queue.Queue)
    cancelled: threading.Event = field(default_factory=threading.Event)
    # filled in by the driver
    generated: list[int] = field(default_factory=list)
    text: str = ""  # what the caller has been sent
    finish_reason: str = ""
    handle: Any = None

    def cancel(self) -> None:
        """Stop generating for this request at the next step."""
        self.cancelled.set()

    @property
    def capacity(self) -> int:
        """Tokens of KV cache the request needs at most."""
        return len(self.prompt_ids) + self.max_new_tokens


@dataclass
class _Lane:
    name: str
    make: Any  # () -> pipeline
    pipeline: Any = None
    active: list[Ticket] = field(default_factory=list)
    lora: LoRA | None = None  # the adapter the lane is set to


class Batcher:
    """Drives the pipelines from one thread; :meth:`submit` may be called from any thread."""

    def __init__(
        self,
        make_pipeline: Any,
        tokenizer: Any,
        max_batch: int = 16,
        max_context: int = 8192,
        kv_budget_tokens: int = 8192,
    ) -> None:
        self.tokenizer = tokenizer
        self.tokenizer_lock = threading.Lock()  # OpenVINO's tokenizer is not documented as thread-safe
        self.max_batch, self.max_context, self.kv_budget_tokens = max_batch, max_context, kv_budget_tokens
        self.lanes = {
            "base": _Lane("base", lambda: make_pipeline(lora=False)),
            "lora": _Lane("lora", lambda: make_pipeline(lora=True)),
        }
        self.lanes["base"].pipeline = self.lanes["base"].make()
        self._waiting: list[Ticket] = []
        self._wake = threading.Condition()
        self._ids = itertools.count(1)
        self.steps = self.max_batch_seen = self.adapter_switches = self.restarts = 0
        self._closed = False
        self._thread = self._start()

    # ------------------------------------------------------------------ public
    def submit(self, ticket: Ticket) -> Ticket:
        """Queue a request; raises :class:`ContextTooLong` when it cannot fit."""
        if ticket.capacity > self.max_context:
            raise ContextTooLong(
                f"Input validation error: `inputs` tokens + `max_new_tokens` must be <= {self.max_context}. "
                f"Given: {len(ticket.prompt_ids)} `inputs` tokens and {ticket.max_new_tokens} `max_new_tokens`"
            )
        if ticket.capacity > self.kv_budget_tokens:
            raise ContextTooLong(
                f"Input validation error: `inputs` tokens + `max_new_tokens` must be <= {self.kv_budget_tokens} "
                f"on this local server (its KV-cache budget, WORKSHOP_ENGINE_KV_TOKENS). Given: "
                f"{len(ticket.prompt_ids)} `inputs` tokens and {ticket.max_new_tokens} `max_new_tokens`"
            )
        with self._wake:
            if not self._thread.is_alive():  # a bug killed the driver: start another rather than hang
                log.error("the batching thread had died: restarting it")
                self.restarts += 1
                self._thread = self._start()
            self._waiting.append(ticket)
            self._wake.notify()
        return ticket

    def stats(self) -> dict[str, int]:
        """Requests active and waiting, steps run, the largest batch so far, adapter switches and restarts."""
        return {
            "active": sum(len(lane.active) for lane in self.lanes.values()),
            "waiting": len(self._waiting),
            "steps": self.steps,
            "max_batch_seen": self.max_batch_seen,
            "adapter_switches": self.adapter_switches,
            "restarts": self.restarts,
        }

    def close(self) -> None:
        """Stop the driver thread (requests in flight fail)."""
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join(10)

    def decode(self, ids: list[int]) -> str:
        """Token ids to text, special tokens left out."""
        with self.tokenizer_lock:
            return self.tokenizer.decode(ids, skip_special_tokens=True)

    # ------------------------------------------------------------------ driver
    def _start(self) -> threading.Thread:
        thread = threading.Thread(target=self._loop, name="openvino-batcher", daemon=True)
        thread.start()
        return thread

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._closed and not self._waiting and not self._busy():
                    self._wake.wait(0.5)
                if self._closed:
                    for ticket in self._waiting + [t for lane in self.lanes.values() for t in lane.active]:
                        self._finish(ticket, error=EngineFailed("the engine was stopped"))
                    return
                waiting, self._waiting = self._waiting, []
            waiting = self._admit(waiting)
            if waiting:
                with self._wake:
                    self._waiting[:0] = waiting  # keep their order ahead of newer requests
            for lane in self.lanes.values():
                if lane.active:
                    self._step(lane)
            time.sleep(_YIELD_S)

    def _busy(self) -> bool:
        return any(lane.active for lane in self.lanes.values())

    def _admit(self, waiting: list[Ticket]) -> list[Ticket]:
        """Start the requests that can start now; return the rest, in order."""
        left, lora_blocked = [], False
        for ticket in waiting:
            if ticket.cancelled.is_set():
                self._finish(ticket, error=RequestCancelled("cancelled before it started"))
                continue
            if time.perf_counter() > ticket.deadline:
                self._finish(ticket, error=RequestTimedOut("the request passed its deadline before it started"))
                continue
            lane = self.lanes["lora" if ticket.lora else "base"]
            ready = len(lane.active) < self.max_batch
            if ticket.lora and ready:
                if lora_blocked or (lane.lora != ticket.lora and lane.active):
                    ready, lora_blocked = False, True  # first in, first served: later adapters wait too
                elif lane.lora != ticket.lora:
                    ready = self._switch(lane, ticket)
            if not ready:
                left.append(ticket)
                continue
            try:
                self._add(lane, ticket)
            except Exception as exc:  # e.g. a request OpenVINO refuses
                log.exception("add_request failed")
                self._finish(ticket, error=EngineFailed(f"the engine refused the request: {exc}"))
        self.max_batch_seen = max(self.max_batch_seen, *(len(lane.active) for lane in self.lanes.values()))
        return left

    def _add(self, lane: _Lane, ticket: Ticket) -> None:
        import numpy as np
        import openvino as ov
        import openvino_genai as ov_genai

        config = ov_genai.GenerationConfig()
        config.max_new_tokens = ticket.max_new_tokens
        if ticket.stop:  # we cut the text ourselves; this only ends generation early
            config.stop_strings = set(ticket.stop)
            config.include_stop_str_in_output = True
        if ticket.temperature > 0:
            config.do_sample = True
            config.temperature = ticket.temperature
            config.top_p = ticket.top_p
            config.rng_seed = random.getrandbits(31)
        ids = ov.Tensor(np.array([ticket.prompt_ids], dtype=np.int64))
        ticket.handle = lane.pipeline.add_request(next(self._ids), ids, config)
        lane.active.append(ticket)

    def _switch(self, lane: _Lane, ticket: Ticket) -> bool:
        """Set the idle LoRA lane to the ticket's adapter (OpenVINO applies adapters on ``generate()``, so one
        token is generated for it); False, with the ticket failed, if that cannot be done."""
        import numpy as np
        import openvino as ov
        import openvino_genai as ov_genai

        try:
            if lane.pipeline is None:
                lane.pipeline = lane.make()
            config = ov_genai.GenerationConfig()
            config.max_new_tokens = 1
            config.adapters = ov_genai.AdapterConfig(_adapter(ticket.lora.path), ticket.lora.scale)
            lane.pipeline.generate([ov.Tensor(np.array([[ticket.prompt_ids[0]]], dtype=np.int64))], [config])
        except Exception as exc:
            log.exception("switching to adapter %s failed", ticket.lora.path)
            lane.pipeline, lane.lora = None, None
            self._finish(ticket, error=EngineFailed(f"the LoRA adapter could not be applied: {exc}"))
            return False
        lane.lora = ticket.lora
        self.adapter_switches += 1
        return True

    def _step(self, lane: _Lane) -> None:
        try:
            lane.pipeline.step()
            self.steps += 1
            for ticket in list(lane.active):
                self._read(lane, ticket)
        except Exception as exc:
            log.exception("the %s lane failed: its requests in flight fail and it restarts", lane.name)
            for ticket in list(lane.active):
                self._finish(ticket, error=EngineFailed(f"the local engine failed ({exc}); it has restarted"))
            lane.active.clear()
            self.restarts += 1
            lane.pipeline, lane.lora = None, None
            if lane.name == "base":
                lane.pipeline = lane.make()

    def _read(self, lane: _Lane, ticket: Ticket) -> None:
        import openvino_genai as ov_genai

        if ticket.cancelled.is_set() or time.perf_counter() > ticket.deadline:
            ticket.handle.cancel()
            lane.active.remove(ticket)
            if ticket.cancelled.is_set():
                self._finish(ticket, error=RequestCancelled("cancelled"))
            else:
                self._finish(ticket, error=RequestTimedOut("the request passed its deadline before it finished"))
            return
        finished = False
        if ticket.handle.can_read():
            for output in ticket.handle.read().values():
                ticket.generated.extend(output.generated_ids)
                finished |= output.finish_reason != ov_genai.GenerationFinishReason.NONE
        status = ticket.handle.get_status()
        if status == ov_genai.GenerationStatus.IGNORED:
            lane.active.remove(ticket)
            self._finish(ticket, error=ContextTooLong("the request does not fit the engine's KV cache"))
            return
        finished |= status != ov_genai.GenerationStatus.RUNNING
        stopped = self._emit(ticket, final=finished)
        if finished or stopped:
            if not finished:
                ticket.handle.cancel()
            lane.active.remove(ticket)
            full = len(ticket.generated) >= ticket.max_new_tokens and not stopped
            self._finish(ticket, "length" if full else "stop")

    def _emit(self, ticket: Ticket, final: bool) -> bool:
        """Send the caller the text it has not seen; holds back a possible start of a stop string (and half a
        character) until it is sure. Returns True when a stop string was reached."""
        text = self.decode(ticket.generated)
        stopped = False
        for stop in ticket.stop:
            if stop and (i := text.find(stop)) != -1:
                text, stopped = text[:i], True
        safe = text
        if not (final or stopped):
            safe = text.rstrip("\ufffd")  # half of a multi-byte character: wait for the rest
            hold = max((k for stop in ticket.stop for k in range(1, len(stop)) if safe.endswith(stop[:k])), default=0)
            safe = safe[: len(safe) - hold]
        if len(safe) > len(ticket.text) and safe.startswith(ticket.text):
            ticket.events.put(("text", safe[len(ticket.text) :]))
            ticket.text = safe
        return stopped

    def _finish(self, ticket: Ticket, reason: str = "", error: BaseException | None = None) -> None:
        ticket.finish_reason = reason
        ticket.handle = None
        if error is not None:
            ticket.events.put(("error", error))
        else:
            ticket.events.put(("done", {"finish_reason": reason, "completion_tokens": len(ticket.generated)}))


_ADAPTERS: dict[str, Any] = {}


def _adapter(path: str) -> Any:
    """OpenVINO's Adapter for a safetensors file, read once per process."""
    import openvino_genai as ov_genai

    if path not in _ADAPTERS:
        _ADAPTERS[path] = ov_genai.Adapter(path)
    return _ADAPTERS[path]


def placeholder_adapter(model_dir: Path) -> Path:
    """A zero LoRA adapter (rank 1) on every projection of the model, written once beside it. Registering it
    when the LoRA lane is built gives every projection a LoRA branch, whichever modules later adapters train."""
    import numpy as np
    import openvino as ov
    from safetensors.numpy import save_file

    from .openvino_model import IR_NAME

    path = model_dir / "all_projections_lora.safetensors"
    if path.exists():
        return path
    model = ov.Core().read_model(str(model_dir / IR_NAME))
    tensors = {}
    for op in model.get_ops():
        name = op.get_friendly_name()
        if op.get_type_name() == "MatMul" and name.startswith("base_model.") and name.endswith("/MatMul"):
            out_features, in_features = op.input(1).get_partial_shape().to_shape()
            prefix = name.removesuffix("/MatMul")
            tensors[f"{prefix}.lora_A.weight"] = np.zeros((1, in_features), np.float32)
            tensors[f"{prefix}.lora_B.weight"] = np.zeros((out_features, 1), np.float32)
    tmp = path.with_suffix(f".tmp-{random.getrandbits(32)}")
    save_file(tensors, str(tmp))
    tmp.rename(path)
    return path
