"""The SmolLM2 engine on OpenVINO GenAI: batching, limits, deadlines, cancellation, failures, threads, telemetry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import openvino_genai as ov_genai
import pytest

from helpers.local import batching
from helpers.local.engines import EngineError, EngineTimeout, get_engine
from helpers.local.payloads import GenerationRequest, PayloadError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def engine():
    engine = get_engine("smollm2")
    engine.load()
    return engine


def _ask(text: str, max_new_tokens: int = 16) -> GenerationRequest:
    return GenerationRequest(messages=[{"role": "user", "content": text}], max_new_tokens=max_new_tokens)


def test_concurrent_requests_share_steps(engine):
    steps_before = engine.batcher.steps
    results: dict[int, object] = {}

    def ask(i: int) -> None:
        results[i] = engine.generate(_ask(f"Tell me fact number {i} about cats.", 4 + 4 * i))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for i, result in results.items():
        assert 0 < result.completion_tokens <= 4 + 4 * i
        assert result.finish_reason == "stop" or result.completion_tokens == 4 + 4 * i
    assert len(results) == 8 and engine.batcher.max_batch_seen >= 4
    # one at a time would take at least the sum of their lengths in steps; together they took far fewer
    assert engine.batcher.steps - steps_before < sum(4 + 4 * i for i in range(8))


def test_a_request_beyond_the_context_is_a_validation_error(engine):
    with pytest.raises(PayloadError, match=r"`inputs` tokens \+ `max_new_tokens` must be <= 8192"):
        engine.generate(GenerationRequest(prompt="Hello", max_new_tokens=9000))
    assert engine.batcher.stats()["waiting"] == 0


def test_the_kv_budget_is_enforced_at_submit(engine, monkeypatch):
    monkeypatch.setattr(engine.batcher, "kv_budget_tokens", 64)
    with pytest.raises(PayloadError, match="KV-cache budget, WORKSHOP_ENGINE_KV_TOKENS"):
        engine.generate(_ask("Write a long story about a ship.", 60))


def test_closing_a_stream_cancels_the_request(engine):
    stream = engine.stream(
        GenerationRequest(
            messages=[{"role": "user", "content": "Write a long story about a ship."}], max_new_tokens=400
        )
    )
    next(stream)
    stream.close()  # what the server does when a streaming client disconnects
    deadline = time.time() + 10
    while time.time() < deadline and engine.batcher.stats()["active"]:
        time.sleep(0.05)
    assert engine.batcher.stats()["active"] == 0


def test_a_slow_request_times_out_alone(engine, monkeypatch):
    """A request past its deadline fails with a timeout; one sent next to it still completes."""
    monkeypatch.setenv("WORKSHOP_INVOCATION_TIMEOUT_S", "0.3")
    errors: list[BaseException] = []

    def slow() -> None:
        try:
            engine.generate(
                GenerationRequest(
                    messages=[{"role": "user", "content": "Write a long story about a ship."}], max_new_tokens=2000
                )
            )
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.05)
    monkeypatch.setenv("WORKSHOP_INVOCATION_TIMEOUT_S", "60")
    quick = engine.generate(_ask("What is the capital of France?", 6))
    thread.join(60)
    assert quick.completion_tokens > 0
    assert len(errors) == 1 and isinstance(errors[0], EngineTimeout)


def test_a_caller_never_waits_past_its_deadline(engine, monkeypatch):
    """Even if the engine never answered a request, its caller gives up shortly after the deadline."""
    import helpers.local.engines as engines

    monkeypatch.setattr(engines, "_WAIT_GRACE_S", 0.2)
    ticket = batching.Ticket([1, 2, 3], 5, deadline=time.perf_counter() + 0.2)  # never submitted: no answer comes
    start = time.perf_counter()
    with pytest.raises(EngineTimeout):
        list(engine._events(ticket))
    assert time.perf_counter() - start < 2 and ticket.cancelled.is_set()


class _FailingOnce:
    """A pipeline whose next step raises, as a crash inside OpenVINO would."""

    def __init__(self, pipeline):
        self._pipeline = pipeline

    def __getattr__(self, name):
        return getattr(self._pipeline, name)

    def step(self):
        raise RuntimeError("injected failure")


def test_a_failure_in_the_engine_fails_the_requests_in_flight_and_restarts(engine):
    lane = engine.batcher.lanes["base"]
    restarts = engine.batcher.restarts
    lane.pipeline = _FailingOnce(lane.pipeline)
    with pytest.raises(EngineError, match="injected failure"):
        engine.generate(_ask("What is the capital of France?"))
    assert engine.batcher.restarts == restarts + 1 and not isinstance(lane.pipeline, _FailingOnce)
    assert engine.generate(_ask("What is the capital of France?", 12)).text  # the engine goes on


def test_a_dead_driver_thread_is_replaced_at_the_next_request(engine):
    batcher = engine.batcher
    batcher.close()  # stops the thread, as a crash of the driver would
    assert not batcher._thread.is_alive()
    batcher._closed = False
    assert engine.generate(_ask("What is the capital of France?", 12)).text
    assert batcher._thread.is_alive()


def test_tokenization_is_thread_safe(engine):
    texts = [f"Request {i}: summarise the meeting about the {i}th laptop order." * (1 + i % 5) for i in range(24)]
    expected = [engine.input_ids(_ask(text)) for text in texts]
    found: dict[int, list[int]] = {}

    def encode(i: int) -> None:
        for _ in range(5):
            found[i] = engine.input_ids(_ask(texts[i]))

    threads = [threading.Thread(target=encode, args=(i,)) for i in range(len(texts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [found[i] for i in range(len(texts))] == expected


def test_nothing_is_sent_anywhere(tmp_path):
    """Load the engine and answer in a fresh process that records every network call Python makes: none, and
    OpenVINO's telemetry client cannot even be imported there."""
    script = """
import json, sys
calls = []
sys.addaudithook(lambda event, args: calls.append([event, repr(args)[:200]]) if event.startswith("socket.") else None)
from helpers.local.engines import SmolLM2Engine
from helpers.local.payloads import GenerationRequest
engine = SmolLM2Engine()
engine.load()
text = engine.generate(GenerationRequest(prompt="Say hello.", max_new_tokens=5)).text
try:
    import openvino_telemetry
    telemetry = "importable"
except ImportError:
    telemetry = "blocked"
print(json.dumps({"calls": calls, "telemetry": telemetry, "text": text}))
"""
    env = {**os.environ, "HOME": str(tmp_path), "WORKSHOP_HOME": str(tmp_path / "home")}
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["calls"] == [] and result["telemetry"] == "blocked" and result["text"]
    assert not (tmp_path / "intel").exists()  # where OpenVINO's telemetry would keep its consent and client id


# ------------------------------------------------------------------------------------- scheduling, no model
class _FakeHandle:
    def __init__(self, config):
        self.config, self.produced, self.unread, self.state = config, 0, [], ov_genai.GenerationStatus.RUNNING

    def advance(self):
        if self.state == ov_genai.GenerationStatus.RUNNING:
            self.produced += 1
            self.unread.append(100 + self.produced)
            if self.produced >= self.config.max_new_tokens:
                self.state = ov_genai.GenerationStatus.FINISHED

    def can_read(self):
        return bool(self.unread)

    def read(self):
        class Output:
            generated_ids = self.unread
            finish_reason = (
                ov_genai.GenerationFinishReason.LENGTH
                if self.state == ov_genai.GenerationStatus.FINISHED
                else ov_genai.GenerationFinishReason.NONE
            )

        self.unread = []
        return {0: Output()}

    def get_status(self):
        return self.state

    def cancel(self):
        self.state = ov_genai.GenerationStatus.CANCEL


class _FakePipeline:
    """Stands in for ContinuousBatchingPipeline to test the driver's scheduling (order of requests, adapters)."""

    def __init__(self, log):
        self.log, self.handles = log, []

    def add_request(self, request_id, ids, config):
        handle = _FakeHandle(config)
        self.handles.append(handle)
        self.log.append(("add", int(ids.data[0][0])))  # the ticket's (only) prompt token names it
        return handle

    def step(self):
        for handle in self.handles:
            handle.advance()

    def generate(self, ids, configs):
        self.log.append(("generate", configs[0].max_new_tokens))


class _FakeTokenizer:
    def decode(self, ids, skip_special_tokens=True):
        return "".join(f"<{i}>" for i in ids)


def test_adapters_are_served_one_at_a_time_in_order_of_arrival(monkeypatch, tmp_path):
    from safetensors.numpy import save_file

    weights = tmp_path / "adapter_model.safetensors"
    prefix = "base_model.model.model.layers.0.self_attn.q_proj"
    save_file(
        {
            f"{prefix}.lora_A.weight": np.zeros((1, 4), np.float32),
            f"{prefix}.lora_B.weight": np.zeros((4, 1), np.float32),
        },
        str(weights),
    )
    log: list = []
    monkeypatch.setattr(
        batching, "_adapter", lambda path: log.append(("adapter", path)) or ov_genai.Adapter(str(weights))
    )
    a, b = batching.LoRA("a", 2.0), batching.LoRA("b", 2.0)
    batcher = batching.Batcher(lambda lora: _FakePipeline(log), _FakeTokenizer(), max_batch=4)
    tickets = [
        batching.Ticket([11], 3, lora=a),
        batching.Ticket([12], 3, lora=b),
        batching.Ticket([13], 3),  # the base lane does not wait for adapters
        batching.Ticket([14], 3, lora=a),  # arrived after b: waits for b, is not served with the first a
    ]
    try:
        with batcher._wake:  # queue all four before the driver looks
            batcher._waiting.extend(tickets)
            batcher._wake.notify()
        for ticket in tickets:
            kind, info = ticket.events.get(timeout=10)
            while kind == "text":
                kind, info = ticket.events.get(timeout=10)
            assert kind == "done" and info["completion_tokens"] == 3 and ticket.text == "<101><102><103>"
    finally:
        batcher.close()
    switches = [i for i, entry in enumerate(log) if entry[0] == "adapter"]
    assert [log[i][1] for i in switches] == ["a", "b", "a"] and batcher.adapter_switches == 3
    assert switches[0] < log.index(("add", 11)) < switches[1] < log.index(("add", 12)) < switches[2]
    assert log.index(("add", 14)) > switches[2]
    assert log.index(("add", 13)) < switches[1]  # the base request did not wait for the switch to b
