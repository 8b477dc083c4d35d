"""helpers.training: instruction data in JumpStart's layout, the recipe's hyperparameters, the training cost."""

from __future__ import annotations

import json
import string

import pandas as pd
import pytest

from helpers import datasets, prompts
from helpers.training import (
    amortised_usd_per_1000,
    instruction_rows,
    jumpstart_template,
    training_cost,
    upload_channel,
)


def test_template_json_is_the_evaluation_prompt_with_the_rows_field():
    template = prompts.template("summary", "tone")
    built = jumpstart_template(template, "transcript", "brief")
    assert built["completion"] == "{brief}"
    fields = [name for _, name, _, _ in string.Formatter().parse(built["prompt"]) if name]
    assert fields == ["transcript"]
    # what the recipe renders with str.format is exactly what fmeval sends with $model_input
    assert built["prompt"].format(transcript="T") == template.replace("$model_input", "T")
    braces = jumpstart_template("Answer as JSON {like: this}.\n$model_input")
    assert braces["prompt"].format(transcript="Q") == "Answer as JSON {like: this}.\nQ"
    with pytest.raises(ValueError, match="model_input"):
        jumpstart_template("no placeholder here")


def test_instruction_rows_come_from_the_training_conversations_only():
    train = datasets.load("conversations_train")
    rows = instruction_rows(train, 5)
    assert [r["id"] for r in rows] == list(train["id"][:5])
    assert rows[0]["brief"] == train["reference_summary"].iloc[0]
    evaluation_ids = set(datasets.load("conversations_eval")["id"])
    assert not {r["id"] for r in instruction_rows(train, len(train))} & evaluation_ids
    with pytest.raises(ValueError, match="between 1 and"):
        instruction_rows(train, len(train) + 1)
    broken = pd.DataFrame([{"id": "c-1", "transcript": "hello", "reference_summary": " "}])
    with pytest.raises(ValueError, match="c-1 has no reference_summary"):
        instruction_rows(broken, 1)


class _S3:
    def __init__(self):
        self.objects: dict[tuple[str, str], bytes] = {}

    def put_object(self, Bucket, Key, Body):  # noqa: N803 - boto3's names
        self.objects[Bucket, Key] = Body


def test_upload_channel_writes_rows_and_template_and_refuses_a_row_without_a_field():
    s3 = _S3()
    template = {"prompt": "Summarize {transcript}", "completion": "{brief}"}
    uri = upload_channel([{"transcript": "t", "brief": "b"}], template, s3, "s3://bucket/prefix/train")
    assert uri == "s3://bucket/prefix/train/"
    assert json.loads(s3.objects["bucket", "prefix/train/template.json"]) == template
    assert s3.objects["bucket", "prefix/train/train.jsonl"].decode().splitlines() == [
        '{"transcript": "t", "brief": "b"}'
    ]
    with pytest.raises(ValueError, match="Row 2 has no field 'brief'"):
        upload_channel([{"transcript": "t", "brief": "b"}, {"transcript": "t"}], template, _S3(), "s3://b/p")


def test_training_cost_bills_seconds_on_the_instance_and_amortises_over_requests():
    description = {
        "TrainingJobName": "job",
        "ResourceConfig": {"InstanceType": "ml.g5.2xlarge", "InstanceCount": 1},
        "BillableTimeInSeconds": 1200,
    }
    cost = training_cost(description, measured_on="its ml.g5.2xlarge")
    assert cost.usd == pytest.approx(1.515 * 1200 / 3600) and cost.billable_seconds == 1200
    assert amortised_usd_per_1000(0.5, 1.0, 10_000) == pytest.approx(0.5 + 0.1)
    with pytest.raises(ValueError, match="requests must be positive"):
        amortised_usd_per_1000(0.5, 1.0, 0)
    with pytest.raises(ValueError, match="No price"):
        training_cost({**description, "ResourceConfig": {"InstanceType": "ml.x9.huge"}}, "")
