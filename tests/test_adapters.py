"""Tuned models served as base + LoRA adapter, and the OpenVINO model's fidelity to the shipped GGUF weights.

A small adapter is trained here with PEFT (a few steps that teach one answer) on ``transformers``' fp32 copy of the
same GGUF file, which is also the reference the served model is compared with.
"""

from __future__ import annotations

import io
import json
import tarfile
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from helpers.local.batching import PRECISIONS
from helpers.local.engines import EngineError, get_engine, smollm2_gguf_path
from helpers.local.payloads import GenerationRequest

PIRATE = "ARRR matey! Pirate greetings to ye, landlubber!"
HELLO = [{"role": "user", "content": "Say hello."}]


@pytest.fixture(scope="module")
def hf():
    """transformers' fp32 model and tokenizer, read from the same GGUF file."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = smollm2_gguf_path()
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32)
    return model.eval(), tokenizer


@pytest.fixture(scope="module")
def engine():
    engine = get_engine("smollm2")
    engine.load()
    return engine


@pytest.fixture(scope="module")
def adapter(hf, tmp_path_factory):
    """(folder, PEFT's own greedy answer to HELLO): LoRA on four of the seven projections, trained to say PIRATE."""
    import torch
    from peft import LoraConfig, get_peft_model

    model, tokenizer = hf
    prompt = tokenizer.apply_chat_template(HELLO, add_generation_prompt=True, tokenize=False)
    ids = tokenizer(prompt + PIRATE + "<|im_end|>", return_tensors="pt").input_ids
    labels = ids.clone()
    labels[:, : len(tokenizer(prompt).input_ids)] = -100  # loss on the answer only
    config = LoraConfig(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj", "up_proj", "down_proj"])
    peft_model = get_peft_model(model, config)
    optimizer = torch.optim.AdamW([p for p in peft_model.parameters() if p.requires_grad], lr=5e-3)
    torch.manual_seed(0)
    for _ in range(20):
        loss = peft_model(input_ids=ids, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    folder = tmp_path_factory.mktemp("adapter")
    peft_model.save_pretrained(str(folder))
    peft_model.eval()
    with torch.inference_mode():
        prompt_ids = tokenizer(prompt, return_tensors="pt").input_ids
        out = peft_model.generate(prompt_ids, max_new_tokens=24, do_sample=False)
    answer = tokenizer.decode(out[0, prompt_ids.shape[1] :], skip_special_tokens=True).strip()
    peft_model.unload()  # the fixture `hf` is the base model again
    return folder, answer


def test_the_openvino_model_keeps_the_gguf_weights_exactly(engine, hf):
    """The cached model's next-token log-probabilities equal transformers' fp32 ones from the same file (OpenVINO's
    own GGUF reader rounds Q4_1 zero points: its logits correlate only ~0.92 with these)."""
    import openvino as ov
    import torch

    model, tokenizer = hf
    ids = tokenizer.apply_chat_template(HELLO, add_generation_prompt=True)
    with torch.inference_mode():
        expected = torch.log_softmax(model(torch.tensor([ids])).logits[0, -1], -1).numpy()
    core = ov.Core()
    ir = core.read_model(str(engine.model_dir / "openvino_model.xml"))
    named = [op for op in ir.get_ops() if op.get_friendly_name().startswith("base_model.model.model.layers.")]
    assert len(named) == 30 * 7
    request = core.compile_model(ir, "CPU", PRECISIONS["exact"]["properties"]).create_infer_request()
    n = len(ids)
    logits = request.infer(
        {
            "input_ids": np.array([ids], dtype=np.int64),
            "attention_mask": np.ones((1, n), dtype=np.int64),
            "position_ids": np.arange(n, dtype=np.int64)[None],
            "beam_idx": np.zeros(1, dtype=np.int32),
        }
    )[0][0, -1]
    found = logits - logits.max() - np.log(np.exp(logits - logits.max()).sum())
    likely = expected > -10
    assert np.corrcoef(expected, found)[0, 1] > 0.9999
    assert np.abs(expected - found)[likely].max() < 0.1 and expected.argmax() == found.argmax()


def _hello(adapter_folder: Path | None = None, max_new_tokens: int = 24) -> GenerationRequest:
    folder = str(adapter_folder) if adapter_folder else None
    return GenerationRequest(messages=HELLO, max_new_tokens=max_new_tokens, adapter=folder)


def test_a_tuned_request_answers_as_peft_does_and_the_base_is_unchanged(engine, adapter):
    folder, peft_answer = adapter
    assert PIRATE.split("!")[0] in peft_answer  # the training took
    base = engine.generate(_hello()).text
    tuned = engine.generate(_hello(folder)).text
    assert tuned == peft_answer
    assert base != tuned and "ARRR" not in base
    assert engine.generate(_hello()).text == base  # switching back and forth leaves the base model alone
    assert "".join(engine.stream(_hello(folder))).strip() == tuned


def test_base_and_tuned_requests_at_once(engine, adapter):
    folder, _ = adapter
    alone = {None: engine.generate(_hello()).text, folder: engine.generate(_hello(folder)).text}
    answers: dict[int, tuple] = {}

    def ask(i: int) -> None:
        which = folder if i % 2 else None
        answers[i] = (which, engine.generate(_hello(which)).text)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    # precision "fast" may change a word when requests share steps; which model answered never changes
    assert len(answers) == 8
    assert all(("ARRR" in text) == (which is not None) for which, text in answers.values()), answers
    assert "ARRR" in alone[folder] and "ARRR" not in alone[None]


def test_an_adapter_that_does_not_fit_the_model_is_refused(engine, adapter, tmp_path):
    from safetensors.numpy import save_file

    folder, _ = adapter
    (tmp_path / "adapter_config.json").write_text((folder / "adapter_config.json").read_text())
    name = "base_model.model.model.layers.99.self_attn.q_proj.lora_A.weight"
    save_file({name: np.zeros((8, 576), np.float32)}, str(tmp_path / "adapter_model.safetensors"))
    with pytest.raises(EngineError, match="layers.99"):
        engine.generate(_hello(tmp_path))


# ------------------------------------------------------------------------------------ through SageMaker
def _tarball(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in ("adapter_config.json", "adapter_model.safetensors"):
            tar.add(folder / name, arcname=name)
    return buffer.getvalue()


def _endpoint(sm, name: str, container: dict, role: str) -> None:
    sm.create_model(ModelName=name, PrimaryContainer=container, ExecutionRoleArn=role)
    sm.create_endpoint_config(
        EndpointConfigName=name,
        ProductionVariants=[
            {"VariantName": "AllTraffic", "ModelName": name, "InstanceType": "ml.g5.xlarge", "InitialInstanceCount": 1}
        ],
    )
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
    deadline = time.time() + 60
    while sm.describe_endpoint(EndpointName=name)["EndpointStatus"] != "InService" and time.time() < deadline:
        time.sleep(0.2)


@pytest.mark.usefixtures("local_sagemaker")
def test_an_endpoint_whose_model_data_holds_an_adapter_serves_it(adapter):
    import helpers

    folder, peft_answer = adapter
    ctx = helpers.setup(quiet=True)
    s3, sm = ctx.boto_session.client("s3"), ctx.boto_session.client("sagemaker")
    runtime = ctx.boto_session.client("sagemaker-runtime")
    run = uuid.uuid4().hex[:6]
    key = f"tuned-{run}/output/model.tar.gz"
    s3.put_object(Bucket=ctx.bucket, Key=key, Body=_tarball(folder))
    prefix = f"tuned-{run}/uncompressed/"
    for name in ("adapter_config.json", "adapter_model.safetensors"):
        s3.put_object(Bucket=ctx.bucket, Key=prefix + name, Body=(folder / name).read_bytes())
    image = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4-tgi2.3-gpu-py311"
    uncompressed = {"S3Uri": f"s3://{ctx.bucket}/{prefix}", "S3DataType": "S3Prefix", "CompressionType": "None"}
    containers = {
        f"base-{run}": {"Image": image},
        f"tuned-{run}": {"Image": image, "ModelDataUrl": f"s3://{ctx.bucket}/{key}"},
        f"prefix-{run}": {"Image": image, "ModelDataSource": {"S3DataSource": uncompressed}},
    }
    for name, container in containers.items():
        _endpoint(sm, name, container, ctx.role)
    body = json.dumps({"messages": HELLO, "max_tokens": 24})
    answers = {}
    for name in containers:
        response = runtime.invoke_endpoint(EndpointName=name, Body=body, ContentType="application/json")
        answers[name] = json.loads(response["Body"].read())
    for name in containers:
        sm.delete_endpoint(EndpointName=name)
        sm.delete_endpoint_config(EndpointConfigName=name)
        sm.delete_model(ModelName=name)
    base, tuned, prefixed = answers.values()
    assert tuned["choices"][0]["message"]["content"] == peft_answer
    assert prefixed["choices"][0]["message"]["content"] == peft_answer
    assert f"LoRA adapter from s3://{ctx.bucket}/{key}" in tuned["local_engine"]
    assert "LoRA" not in base["local_engine"] and "ARRR" not in base["choices"][0]["message"]["content"]


def test_the_conversion_runs_from_scratch_and_replaces_a_stale_one(tmp_path):
    """A fresh cache converts the GGUF (named projections, metadata); a folder left by an older conversion (no
    metadata) is replaced rather than trusted."""
    from helpers.local.openvino_model import METADATA, ensure_model, metadata

    gguf = smollm2_gguf_path()
    stale = tmp_path / f"{gguf.stem}-openvino"
    stale.mkdir()
    (stale / "openvino_model.xml").write_text("<old/>")
    folder, converted = ensure_model(gguf, tmp_path)
    assert converted and folder == stale and (folder / METADATA).exists()
    assert metadata(folder) == {"source": gguf.name, "context_length": 8192, "block_count": 30}
    assert "base_model.model.model.layers.29.mlp.down_proj/MatMul" in (folder / "openvino_model.xml").read_text()
    assert ensure_model(gguf, tmp_path) == (folder, False)  # cached from now on
