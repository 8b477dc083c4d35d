"""The batching decoder behind the SmolLM2 engine: exactness, batching, streaming, limits, deadlines, cancel."""

from __future__ import annotations

import threading
import time

import pytest

from helpers.local import fastlm
from helpers.local.engines import EngineTimeout, SmolLM2Engine
from helpers.local.payloads import GenerationRequest, PayloadError

PROMPTS = [
    "What is the capital of France?",
    "Write one sentence about ordering a new laptop at work.",
    "Summarise: the client wants to move 20% of the portfolio into municipal bonds before the end of March.",
]


@pytest.fixture(scope="module")
def hf():
    return SmolLM2Engine().load_hf()


@pytest.fixture(scope="module")
def fp32(hf):
    model, tokenizer = hf
    return fastlm.Batcher(fastlm.LlamaModel(model, "fp32"), tokenizer)


@pytest.fixture(scope="module")
def fast():
    engine = SmolLM2Engine(precision="fast")
    engine.load()
    return engine


def _ids(tokenizer, text: str) -> list[int]:
    return list(tokenizer.apply_chat_template([{"role": "user", "content": text}], add_generation_prompt=True))


def _run(batcher: fastlm.Batcher, ticket: fastlm.Ticket) -> fastlm.Ticket:
    batcher.submit(ticket)
    while (event := ticket.events.get())[0] == "text":
        pass
    assert event[0] == "done", event
    return ticket


def test_fp32_decoding_equals_transformers_generate(hf, fp32):
    """Greedy decoding in fp32 is deterministic: the fast loop must give generate()'s tokens exactly."""
    import torch

    model, tokenizer = hf
    for text in PROMPTS:
        ids = _ids(tokenizer, text)
        with torch.inference_mode():
            expected = model.generate(
                torch.tensor([ids]),
                attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                max_new_tokens=24,
                do_sample=False,
                pad_token_id=tokenizer.eos_token_id,
            )[0, len(ids) :].tolist()
        assert _run(fp32, fastlm.Ticket(ids, 24)).generated == expected, text


def test_prompts_longer_than_a_prefill_chunk_are_fed_in_chunks(hf):
    """A 300-token prompt through 64-token chunks gives the same tokens as in one piece (fp32)."""
    model, tokenizer = hf
    ids = _ids(tokenizer, "Summarise: " + " ".join(["The client asked about rebalancing towards bonds."] * 25))
    assert len(ids) > 256
    whole = fastlm.Batcher(fastlm.LlamaModel(model, "fp32"), tokenizer, prefill_chunk=1024)
    chunked = fastlm.Batcher(fastlm.LlamaModel(model, "fp32"), tokenizer, prefill_chunk=64)
    assert _run(chunked, fastlm.Ticket(ids, 12)).generated == _run(whole, fastlm.Ticket(ids, 12)).generated


def test_fast_engine_is_deterministic_and_answers_sensibly(fast):
    request = GenerationRequest(messages=[{"role": "user", "content": PROMPTS[0]}], max_new_tokens=12)
    first, second = fast.generate(request), fast.generate(request)
    assert first == second and "Paris" in first.text


def test_concurrent_requests_share_steps_and_each_stops_on_its_own(fast):
    """Eight requests at once run in one batch; each ends at its own max_new_tokens."""
    results: dict[int, object] = {}
    steps_before = fast.batcher.steps

    def ask(i: int) -> None:
        results[i] = fast.generate(GenerationRequest(prompt=PROMPTS[i % 3], max_new_tokens=4 + 4 * i))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(results) == 8
    for i, result in results.items():
        assert result.completion_tokens <= 4 + 4 * i
        assert result.finish_reason == "stop" or result.completion_tokens == 4 + 4 * i
    assert fast.batcher.max_batch_seen >= 4
    # one request alone would need 32 + prefill steps for the longest; together they took far fewer than the sum
    assert fast.batcher.steps - steps_before < sum(4 + 4 * i for i in range(8))


def test_concurrent_streams_each_deliver_their_answer_in_pieces(fast):
    requests = [GenerationRequest(prompt=p, max_new_tokens=16) for p in PROMPTS]
    pieces: dict[int, list[str]] = {i: [] for i in range(3)}

    def stream(i: int) -> None:
        pieces[i].extend(fast.stream(requests[i]))

    threads = [threading.Thread(target=stream, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for i in range(3):
        assert len(pieces[i]) > 1 and "".join(pieces[i]).strip()


def test_a_request_beyond_the_context_is_a_validation_error(fast):
    with pytest.raises(PayloadError, match=r"`inputs` tokens \+ `max_new_tokens` must be <= 8192"):
        fast.generate(GenerationRequest(prompt="Hello", max_new_tokens=9000))
    assert fast.batcher.stats()["waiting"] == 0


def test_closing_a_stream_cancels_the_request(fast):
    stream = fast.stream(GenerationRequest(prompt="Write a long story about a ship.", max_new_tokens=400))
    next(stream)
    stream.close()  # what the server does when a streaming client disconnects
    deadline = time.time() + 10
    while time.time() < deadline and fast.batcher.stats()["active"]:
        time.sleep(0.05)
    assert fast.batcher.stats()["active"] == 0


def test_a_slow_request_times_out_alone(fast, monkeypatch):
    """A request past its deadline fails with a timeout; one sent next to it still completes."""
    monkeypatch.setenv("WORKSHOP_INVOCATION_TIMEOUT_S", "0.3")
    errors: list[BaseException] = []

    def slow() -> None:
        try:
            fast.generate(GenerationRequest(prompt="Write a long story about a ship.", max_new_tokens=2000))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.05)
    monkeypatch.setenv("WORKSHOP_INVOCATION_TIMEOUT_S", "300")
    quick = fast.generate(GenerationRequest(prompt=PROMPTS[0], max_new_tokens=6))
    thread.join(60)
    assert quick.completion_tokens > 0
    assert len(errors) == 1 and isinstance(errors[0], EngineTimeout)


def test_kv_budget_is_enforced_at_submit(hf):
    model, tokenizer = hf
    small = fastlm.Batcher(fastlm.LlamaModel(model, "fp32"), tokenizer, kv_budget_tokens=64)
    with pytest.raises(fastlm.ContextTooLong, match="KV-cache budget"):
        small.submit(fastlm.Ticket(_ids(tokenizer, PROMPTS[2]), 60))


def test_unknown_precision_is_refused(hf):
    with pytest.raises(ValueError, match="precision must be one of"):
        fastlm.LlamaModel(hf[0], "fp8")


def test_prompts_sharing_a_beginning_reuse_its_keys_and_values(hf):
    """The second prompt takes the shared instructions from the prefix cache and gives the tokens it gives alone
    (fp32); the cached entry is cut to the shared part."""
    model, tokenizer = hf
    instructions = "You are Naxt's assistant. " + " ".join(["Answer politely and briefly, in Naxt's tone."] * 8)
    first, second = (_ids(tokenizer, f"{instructions}\n\nQuestion: {q}") for q in ("How do I order a laptop?",
                                                                                   "How do I book a desk?"))  # fmt: skip
    shared = next(i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b)
    assert shared > 64
    alone = _run(fastlm.Batcher(fastlm.LlamaModel(model, "fp32"), tokenizer, prefix_cache_tokens=0),
                 fastlm.Ticket(second, 12)).generated  # fmt: skip
    batcher = fastlm.Batcher(fastlm.LlamaModel(model, "fp32"), tokenizer, prefill_chunk=64)
    _run(batcher, fastlm.Ticket(first, 12))
    ticket = _run(batcher, fastlm.Ticket(second, 12))
    assert ticket.reused == shared and ticket.generated == alone
    assert batcher.stats()["prefix_tokens_reused"] == shared
    assert batcher.prefixes.tokens <= shared + len(second) + 12  # the first entry now holds only the shared part


def test_prefix_cache_keeps_within_its_budget_and_never_takes_the_whole_prompt():
    import torch

    def cache(n: int) -> list:
        return [(torch.full((1, n, 2), float(n)), torch.full((1, n, 2), float(n)))]

    prefixes = fastlm.PrefixCache(max_tokens=100, min_tokens=4)
    prefixes.add(list(range(60)), cache(60))
    prefixes.add(list(range(100, 160)), cache(60))  # over the budget: the older entry, never used, goes
    assert prefixes.tokens == 60
    target = cache(70)
    assert prefixes.take(list(range(100, 160)), target) == 59  # the same prompt: its last token is computed again
    assert prefixes.take(list(range(50)), cache(50)) == 0  # the evicted entry is gone
    assert prefixes.take([100, 101, 102, 7, 8], cache(5)) == 0  # shorter than min_tokens
    assert float(target[0][0][0, 0, 0]) == 60.0 and prefixes.hits == 1


def test_the_engine_gives_memory_back_when_idle():
    calls = []
    engine = SmolLM2Engine(precision="fast")
    engine.load()
    engine.batcher.on_idle = lambda: calls.append(time.perf_counter())
    engine.generate(GenerationRequest(messages=[{"role": "user", "content": PROMPTS[0]}], max_new_tokens=4))
    deadline = time.time() + 5
    while not calls and time.time() < deadline:
        time.sleep(0.01)
    assert len(calls) == 1
