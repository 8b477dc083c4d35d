"""Ground Truth in the local SageMaker: workforces, work teams, custom labeling jobs, the worker portal and the
simulated annotators; output files checked field by field against Ground Truth's documented layout.

Formats (Ground Truth developer guide): worker responses, ``annotations/worker-response/iteration-1/<object>/
<YYYY-MM-DD_HH:MM:SS>.json`` = ``{"answers": [{acceptanceTime, answerContent, submissionTime, timeSpentInSeconds,
workerId, workerMetadata: {identityData: {identityProviderType, issuer, sub}}}]}`` (times ``YYYY-MM-DDTHH:MM:SS.mmmZ``,
"Output data", worker metadata); output manifest lines = the input line + ``<label>`` + ``<label>-metadata``
(custom jobs: ``worker-response-ref`` without a post-annotation Lambda, whose label is then ``{}``); consolidation
request ``[{datasetObjectId, dataObject: {content|s3Uri}, annotations: [{workerId, annotationData: {content}}]}]``.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from helpers import human_loop, labeling
from helpers.local import labeling as local_labeling
from helpers.local import labeling_workers

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "data" / "labeling" / "brief_review.liquid.html"
PROMPTS = [json.loads(line) for line in (REPO / "data/labeling/prompts.jsonl").read_text().splitlines()]
ANSWERS = [json.loads(line) for line in (REPO / "data/labeling/simulated_annotators.jsonl").read_text().splitlines()]
SUMMARIES = [p for p in PROMPTS if p["task"] == "write_summary"]
GT_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
CREATION_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$")
WORKER_ID = re.compile(r"^private\.us-east-1\.[A-Z2-7]{26}$")
PASS_PRE = "arn:aws:lambda:us-east-1:432418664414:function:PRE-PassThrough"
PASS_ACS = "arn:aws:lambda:us-east-1:432418664414:function:ACS-PassThrough"


# ------------------------------------------------------------------------------------------ units (no server)
def test_templates_render_with_ground_truths_rules():
    """The filter examples of Ground Truth's "Adding automation with Liquid", output for output."""
    source = (
        "auto-escape: {{ text }}\nexplicit escape: {{ text | escape }}\nexplicit escape_once: {{ once | escape_once }}\n"
        "skip_autoescape: {{ text | skip_autoescape }}\nto_json: {{ obj | to_json }}\n"
        "grant_read_access: {{ uri | grant_read_access }}\nref: {{ task.input.source-ref }}"
    )
    template = labeling.parse_template(source, grant_read_access=lambda uri: "https://signed/" + uri[5:] + "?t=1&x=2")
    text = "Have you read 'James & the Giant Peach'?"
    rendered = template.render(
        text=text,
        once="Have you read 'James &amp; the Giant Peach'?",
        obj={"point_number": 8, "coords": [59, 76]},
        uri="s3://mybucket/myphoto.png",
        task={"input": {"source-ref": "s3://b/k"}},
    )
    assert rendered.splitlines() == [
        "auto-escape: Have you read &#39;James &amp; the Giant Peach&#39;?",
        "explicit escape: Have you read &#39;James &amp; the Giant Peach&#39;?",
        "explicit escape_once: Have you read &#39;James &amp; the Giant Peach&#39;?",
        "skip_autoescape: Have you read 'James & the Giant Peach'?",
        'to_json: {"point_number": 8, "coords": [59, 76]}',
        "grant_read_access: https://signed/mybucket/myphoto.png?t=1&amp;x=2",
        "ref: s3://b/k",
    ]


def test_the_workshops_template_is_a_ground_truth_custom_template():
    text = TEMPLATE.read_text()
    assert text.startswith('<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>')
    task_input = {
        "source": "Alice: <script>alert('x')</script> & more",
        "draft": 'Say "hi" <b>now</b>',
        "id": "lab-031",
    }
    page = labeling.render_template(text, task_input)
    assert "<crowd-form>" in page and "</crowd-form>" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in page
    assert 'value="Say &#34;hi&#34; &lt;b&gt;now&lt;/b&gt;"' in page or 'value="Say &quot;hi&quot;' in page
    assert re.search(r'<crowd-text-area name="corrected_brief"[^>]*required', page)
    assert re.findall(r'<crowd-radio-button name="rating-(\d)" value="(\d)"', page) == [
        (str(i), str(i)) for i in range(1, 6)
    ]
    assert "lab-031" not in page and "endcomment" not in page  # the id is for matching, not for workers


def test_a_template_that_does_not_parse_is_refused_with_its_line():
    with pytest.raises(labeling.TemplateError, match=r"line 3: '\{\{ \}\}'"):
        labeling.parse_template("<crowd-form>\n<p>ok</p>\n<p>{{ }}</p>\n</crowd-form>")
    with pytest.raises(labeling.TemplateError, match="expected tag endif"):
        labeling.parse_template("{% if task.input.source %}<p>open</p>")
    with pytest.raises(labeling.TemplateError, match="unknown filter 'nofilter'"):
        labeling.render_template("{{ task.input.source | nofilter }}", {"source": "x"})


def test_the_input_manifest_is_checked_line_by_line():
    uri = "s3://bucket/in.manifest"
    assert local_labeling.read_manifest(b'{"source": "a"}\n\n{"source-ref": "s3://b/k"}\n', uri) == [
        (1, {"source": "a"}),
        (3, {"source-ref": "s3://b/k"}),
    ]
    for body, message in [
        (b'{"source": "a"}\n{"text": "b"}\n', "line 2 of the input manifest s3://bucket/in.manifest has neither"),
        (b'{"source": "a"}\n{"source": \n', "line 2 of the input manifest s3://bucket/in.manifest is not valid JSON"),
        (b'["source"]\n', "line 1 of the input manifest s3://bucket/in.manifest is not a JSON object"),
        (
            json.dumps({"source": "x" * 110_000}).encode(),
            "line 1 of the input manifest s3://bucket/in.manifest is larger",
        ),
        (b"\n\n", "has no data objects"),
    ]:
        with pytest.raises(local_labeling.JobSetupError, match=re.escape(message)):
            local_labeling.read_manifest(body, uri)


def test_simulated_annotators_answer_only_what_their_data_covers():
    prompt = SUMMARIES[0]
    assert labeling_workers.prompt_id({"id": prompt["id"], "source": "anything"}) == prompt["id"]
    assert labeling_workers.prompt_id({"source": prompt["context"] + "\n"}) == prompt["id"]  # by transcript
    assert labeling_workers.prompt_id({"source": PROMPTS[0]["prompt"]}) == PROMPTS[0]["id"]  # by question
    assert labeling_workers.prompt_id({"source": "a conversation nobody recorded", "id": "conv-001"}) is None
    row = labeling_workers.answer_row("annotator-a", {"id": prompt["id"]})
    assert row == next(a for a in ANSWERS if a["prompt_id"] == prompt["id"] and a["annotator_id"] == "annotator-a")
    assert labeling_workers.knows("annotator-b", {"id": prompt["id"]})
    assert not labeling_workers.knows("annotator-c", {"id": prompt["id"]})
    answer = row["answer"]
    assert human_loop.rating(answer, answer) == 5
    assert human_loop.rating("", answer) == 3
    assert human_loop.rating("Nothing in common whatsoever here.", answer) == 1
    page = _task_page(labeling.render_template(TEMPLATE.read_text(), {"source": "t", "draft": answer, "id": "x"}))
    task = labeling.parse_task_page(page, "http://127.0.0.1:1/_workshop/labeling/r/w/tasks/a1")
    content = labeling_workers.fill(task, answer)
    assert content["corrected_brief"] == answer
    assert content["rating-5"] == {"5": True} and content["rating-1"] == {"1": False}
    assert sum(v[k] for name, v in content.items() if name.startswith("rating-") for k in v) == 1


def _task_page(rendered: str, assignment: str = "a1") -> str:
    info = {"job": "j", "assignmentId": assignment, "worker": "w", "submitUrl": f"x/{assignment}/submit"}
    info["timeLimitSeconds"] = 60
    return (
        f'<html><head><script type="application/json" id="workshop-task">{json.dumps(info)}</script></head><body>'
        f"<!-- worker task template -->{rendered}<!-- end of worker task template --></body></html>"
    )


class _Team:
    """A stand-in work team for the assignment rules (no server)."""

    name = "team"


def _job(objects: int, workers: int = 2, limit_s: int = 60, concurrent: int | None = None):
    task = {"NumberOfHumanWorkersPerDataObject": workers, "TaskTimeLimitInSeconds": limit_s}
    if concurrent:
        task["MaxConcurrentTaskCount"] = concurrent
    request = {
        "LabelingJobName": "unit",
        "LabelAttributeName": "label",
        "HumanTaskConfig": task,
        "OutputConfig": {"S3OutputPath": "s3://bucket/out"},
    }
    job = local_labeling.LabelingJob(request, "arn:unit", "us-east-1", _Team(), None, "http://127.0.0.1:1")
    job.objects = [
        local_labeling.DataObject(i, i + 1, {"source": f"s{i}"}, {"source": f"s{i}"}) for i in range(objects)
    ]
    job.status = "InProgress"
    return job


def _member(name: str) -> local_labeling.Member:
    return local_labeling.Member(name, f"sub-{name}", "Cognito", "https://cognito-idp.example/pool")


def test_assignments_follow_ground_truths_rules():
    t0 = datetime(2026, 1, 1, 12, 0, 0)
    job = _job(objects=2, workers=2, limit_s=60, concurrent=1)
    alice, bob, carol = _member("alice"), _member("bob"), _member("carol")
    first = job.next_assignment(alice, t0)
    assert first.index == 0 and job.next_assignment(alice, t0 + timedelta(seconds=5)) is first  # the task they hold
    assert job.next_assignment(bob, t0).index == 0  # two workers per object
    assert job.next_assignment(carol, t0) is None  # object 0 is full; object 1 is outside the batch of 1
    assert job.available(carol, t0) == 0
    job.submit(first.id, {"a": 1}, None, t0 + timedelta(seconds=10))
    assert first.time_spent_s == 10.0 and job.objects[0].state == "pending"
    with pytest.raises(local_labeling.SubmitError, match="already submitted"):
        job.submit(first.id, {"a": 1}, None, t0 + timedelta(seconds=11))
    assert job.next_assignment(alice, t0 + timedelta(seconds=12)) is None  # never the same object twice
    # Bob lets the time limit pass: his task goes back to the pool, and his late answer is refused.
    held = job.held_by(bob, t0 + timedelta(seconds=30))
    late = t0 + timedelta(seconds=61)
    assert job.held_by(bob, late) is None and job.next_assignment(carol, late).index == 0
    with pytest.raises(local_labeling.SubmitError, match=r"expired.*TaskTimeLimitInSeconds \(60 s\)"):
        job.submit(held.id, {"a": 2}, None, late)
    carol_task = job.held_by(carol, late)
    job.submit(carol_task.id, {"a": 3}, 999.0, late + timedelta(seconds=1))
    assert carol_task.time_spent_s == 60.0  # reported active time, capped at the time limit
    assert job.objects[0].state == "consolidating" and [a.member.username for a in job.objects[0].answers()] == [
        "alice",
        "carol",
    ]
    with pytest.raises(local_labeling.SubmitError, match="answerContent must be a JSON object"):
        job.submit(job.next_assignment(bob, late).id, ["not", "an", "object"], None, late)
    job.status = "Stopping"
    with pytest.raises(local_labeling.SubmitError, match="is Stopping"):
        job.submit(job.held_by(bob, late).id, {"a": 4}, None, late)


def test_the_end_of_the_availability_lifetime_labels_what_has_answers_and_fails_the_rest():
    t0 = datetime(2026, 1, 1, 12, 0, 0)
    job = _job(objects=3, workers=2)
    task = job.next_assignment(_member("alice"), t0)
    job.submit(task.id, {"a": 1}, None, t0)
    open_task = job.next_assignment(_member("bob"), t0)
    job.close_out(label_partial=True, fail_empty=True)
    assert [o.state for o in job.objects] == ["consolidating", "failed", "failed"]
    assert open_task.cancelled and "TaskAvailabilityLifetimeInSeconds" in job.objects[1].metadata["failure-reason"]
    stopped = _job(objects=2, workers=2)
    stopped.submit(stopped.next_assignment(_member("alice"), t0).id, {"a": 1}, None, t0)
    stopped.close_out(label_partial=True, fail_empty=False)
    assert [o.state for o in stopped.objects] == ["consolidating", "pending"]


class _FakeS3:
    """Keeps what a job writes."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def put_object(self, Bucket: str, Key: str, Body: bytes, **_: object) -> None:  # noqa: N803 - boto3's names
        self.objects[f"s3://{Bucket}/{Key}"] = Body


def test_a_job_past_its_availability_lifetime_completes_with_what_it_has():
    """The job's own loop: past TaskAvailabilityLifetimeInSeconds, answered objects are labeled, the others fail."""
    now = datetime.now(UTC).replace(tzinfo=None)
    job = _job(objects=3, workers=2)
    job.submit(job.next_assignment(_member("alice"), now).id, {"a": 1}, 5.0, now)
    job.started = now - timedelta(seconds=job.lifetime_s + 1)
    s3 = _FakeS3()
    local_labeling._watch(job, s3)
    assert job.status == "Completed" and job.output_uri == "s3://bucket/out/unit/manifests/output/output.manifest"
    assert job.counters() == {
        "TotalLabeled": 1,
        "HumanLabeled": 1,
        "MachineLabeled": 0,
        "FailedNonRetryableError": 2,
        "Unlabeled": 0,
    }
    lines = [json.loads(line) for line in s3.objects[job.output_uri].splitlines()]
    assert lines[0]["label"] == {} and lines[0]["label-metadata"]["worker-response-ref"].startswith(
        "s3://bucket/out/unit/annotations/worker-response/iteration-1/0/"
    )
    for line in lines[1:]:
        assert "label" not in line and "TaskAvailabilityLifetimeInSeconds" in line["label-metadata"]["failure-reason"]
        assert line["label-metadata"]["job-name"] == "unit" and line["label-metadata"]["human-annotated"] == "yes"
    nobody = _job(objects=2)
    nobody.started = now - timedelta(seconds=nobody.lifetime_s + 1)
    local_labeling._watch(nobody, _FakeS3())  # every object fails: the loop still ends
    assert nobody.status == "Completed" and nobody.counters()["FailedNonRetryableError"] == 2


def test_builtin_passthrough_lambdas_come_from_botocores_documentation():
    accounts = local_labeling.builtin_lambda_accounts()
    assert accounts["us-east-1"] == "432418664414" and accounts["eu-west-1"] == "568282634449"
    local_labeling._check_lambda(PASS_PRE, "PRE", "us-east-1")
    local_labeling._check_lambda(PASS_ACS, "ACS", "us-east-1")


def test_portal_addresses():
    assert labeling.portal_url("abc123.labeling.us-east-1.sagemaker.aws") == (
        "https://abc123.labeling.us-east-1.sagemaker.aws/"
    )
    local = "127.0.0.1:5055/_workshop/labeling/us-east-1/naxt"
    assert labeling.portal_url(local) == "http://127.0.0.1:5055/_workshop/labeling/us-east-1/naxt/"
    with pytest.raises(labeling.PortalError, match="sign in there"):
        labeling.list_jobs("https://abc123.labeling.us-east-1.sagemaker.aws/", "me")


# ------------------------------------------------------------------------------------------ against the server
@pytest.fixture(scope="module")
def pool(ctx):
    """A Cognito user pool with an app client, a group and the learner in it."""
    cognito = ctx.boto_session.client("cognito-idp")
    pool_id = cognito.create_user_pool(PoolName=f"labeling-{uuid.uuid4().hex[:6]}")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="groundtruth")["UserPoolClient"]
    cognito.create_group(UserPoolId=pool_id, GroupName="advisors")
    cognito.create_group(UserPoolId=pool_id, GroupName="reviewers")
    for user in ("learner", "outsider"):
        cognito.admin_create_user(UserPoolId=pool_id, Username=user, MessageAction="SUPPRESS")
    cognito.admin_add_user_to_group(UserPoolId=pool_id, GroupName="advisors", Username="learner")
    yield {"UserPool": pool_id, "ClientId": client_id["ClientId"], "cognito": cognito}
    cognito.delete_user_pool(UserPoolId=pool_id)


@pytest.fixture(scope="module")
def workforce(ctx, sm, pool):
    name = f"naxt-{uuid.uuid4().hex[:6]}"
    arn = sm.create_workforce(
        WorkforceName=name, CognitoConfig={"UserPool": pool["UserPool"], "ClientId": pool["ClientId"]}, Tags=ctx.tags
    )["WorkforceArn"]
    yield {"name": name, "arn": arn}
    _tear_down(sm, name)


def _tear_down(sm, workforce: str) -> None:
    """Stop the jobs of the workforce's teams, delete the teams, then the workforce."""
    teams = [t for t in sm.list_workteams(MaxResults=100)["Workteams"] if t["WorkforceArn"].endswith("/" + workforce)]
    arns = {t["WorkteamArn"] for t in teams}
    for job in sm.list_labeling_jobs(MaxResults=100)["LabelingJobSummaryList"]:
        if job["WorkteamArn"] in arns and job["LabelingJobStatus"] in ("Initializing", "InProgress"):
            sm.stop_labeling_job(LabelingJobName=job["LabelingJobName"])
            _wait(sm, job["LabelingJobName"], until=("Stopped", "Completed", "Failed"))
    for team in teams:
        sm.delete_workteam(WorkteamName=team["WorkteamName"])
    sm.delete_workforce(WorkforceName=workforce)


@pytest.fixture(scope="module")
def team(ctx, sm, pool, workforce):
    name = f"advisors-{uuid.uuid4().hex[:6]}"
    member = {"UserPool": pool["UserPool"], "UserGroup": "advisors", "ClientId": pool["ClientId"]}
    arn = sm.create_workteam(
        WorkteamName=name,
        WorkforceName=workforce["name"],
        MemberDefinitions=[{"CognitoMemberDefinition": member}],
        Description="Naxt advisors who review briefs",
        Tags=ctx.tags,
    )["WorkteamArn"]
    described = sm.describe_workteam(WorkteamName=name)["Workteam"]
    return {"name": name, "arn": arn, "portal": labeling.portal_url(described["SubDomain"])}


@pytest.fixture(scope="module")
def template_uri(ctx, s3):
    key = f"{ctx.prefix}/test-labeling/templates/brief_review.liquid.html"
    s3.put_object(Bucket=ctx.bucket, Key=key, Body=TEMPLATE.read_bytes())
    return f"s3://{ctx.bucket}/{key}"


def _manifest(ctx, s3, rows: list, name: str | None = None) -> str:
    key = f"{ctx.prefix}/test-labeling/input/{name or uuid.uuid4().hex[:8]}.manifest"
    body = "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n"
    s3.put_object(Bucket=ctx.bucket, Key=key, Body=body.encode())
    return f"s3://{ctx.bucket}/{key}"


def _create_job(ctx, sm, team, template_uri, manifest, workers=1, **task):
    name = f"briefs-{uuid.uuid4().hex[:8]}"
    config = {
        "WorkteamArn": team["arn"],
        "UiConfig": {"UiTemplateS3Uri": template_uri},
        "TaskTitle": "Review an advisor brief",
        "TaskDescription": "Rate the model's draft brief and correct it",
        "NumberOfHumanWorkersPerDataObject": workers,
        "TaskTimeLimitInSeconds": 600,
        "TaskAvailabilityLifetimeInSeconds": 3600,
        **task,
    }
    sm.create_labeling_job(
        LabelingJobName=name,
        LabelAttributeName="brief",
        InputConfig={"DataSource": {"S3DataSource": {"ManifestS3Uri": manifest}}},
        OutputConfig={"S3OutputPath": ctx.s3_uri("test-labeling", "output") + "/"},
        RoleArn=ctx.role,
        HumanTaskConfig=config,
        Tags=ctx.tags,
    )
    return name


def _wait(sm, name: str, until=("Completed", "Failed", "Stopped"), timeout: float = 60) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        described = sm.describe_labeling_job(LabelingJobName=name)
        if described["LabelingJobStatus"] in until:
            return described
        time.sleep(0.1)
    raise AssertionError(f"{name} is still {described['LabelingJobStatus']} after {timeout} s: {described}")


def _read(s3, uri: str) -> bytes:
    bucket, key = uri.removeprefix("s3://").split("/", 1)
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def _error(call, *args, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _summary_rows(count: int, start: int = 0) -> list[dict]:
    return [
        {"source": p["context"], "draft": f"Situation: draft brief {i}.", "id": p["id"]}
        for i, p in enumerate(SUMMARIES[start : start + count])
    ]


def test_workforces_and_work_teams(ctx, sm, pool, workforce, team):
    cognito = pool["cognito"]
    described = sm.describe_workforce(WorkforceName=workforce["name"])["Workforce"]
    assert (
        described["WorkforceArn"]
        == workforce["arn"]
        == (f"arn:aws:sagemaker:us-east-1:{ctx.account}:workforce/{workforce['name']}")
    )
    assert described["CognitoConfig"] == {"UserPool": pool["UserPool"], "ClientId": pool["ClientId"]}
    assert described["Status"] == "Active" and described["SourceIpConfig"] == {"Cidrs": []}
    assert described["SubDomain"].endswith(f"/_workshop/labeling/us-east-1/{workforce['name']}")
    assert [w["WorkforceName"] for w in sm.list_workforces()["Workforces"]] == [workforce["name"]]
    code, message = _error(
        sm.create_workforce, WorkforceName="second", CognitoConfig={"UserPool": pool["UserPool"], "ClientId": "x"}
    )
    assert code == "ValidationException" and "one private workforce per region" in message
    code, message = _error(
        sm.create_workforce, WorkforceName="bad_name", CognitoConfig={"UserPool": "p_1", "ClientId": "c"}
    )
    assert code == "ValidationException" and message.startswith(
        "1 validation error detected: Value 'bad_name' at 'workforceName' failed to satisfy constraint"
    )
    # the team: its SubDomain is the workforce's portal, and the simulated annotators are members
    described = sm.describe_workteam(WorkteamName=team["name"])["Workteam"]
    assert (
        described["WorkteamArn"]
        == team["arn"]
        == (f"arn:aws:sagemaker:us-east-1:{ctx.account}:workteam/private-crowd/{team['name']}")
    )
    assert (
        described["WorkforceArn"] == workforce["arn"] and described["Description"] == "Naxt advisors who review briefs"
    )
    assert described["SubDomain"] == sm.describe_workforce(WorkforceName=workforce["name"])["Workforce"]["SubDomain"]
    assert team["portal"].startswith("http://127.0.0.1:")
    members = cognito.list_users_in_group(UserPoolId=pool["UserPool"], GroupName="advisors")["Users"]
    assert sorted(u["Username"] for u in members) == ["annotator-a", "annotator-b", "learner"]
    assert team["name"] in [t["WorkteamName"] for t in sm.list_workteams(NameContains="advisors")["Workteams"]]
    assert sm.list_tags(ResourceArn=team["arn"])["Tags"] == ctx.tags
    assert sm.list_tags(ResourceArn=workforce["arn"])["Tags"] == ctx.tags
    member = {"UserPool": pool["UserPool"], "UserGroup": "advisors", "ClientId": pool["ClientId"]}
    for definition, expected in [
        ({**member, "UserGroup": "nobody"}, "User group nobody does not exist"),
        ({**member, "ClientId": "another"}, "is not the workforce's app client"),
        ({**member, "UserPool": "us-east-1_other"}, "is not the workforce's user pool"),
    ]:
        code, message = _error(
            sm.create_workteam,
            WorkteamName=f"t-{uuid.uuid4().hex[:6]}",
            MemberDefinitions=[{"CognitoMemberDefinition": definition}],
            Description="d",
        )
        assert code == "ValidationException" and expected in message
    code, _ = _error(
        sm.create_workteam,
        WorkteamName=team["name"],
        MemberDefinitions=[{"CognitoMemberDefinition": member}],
        Description="d",
    )
    assert code == "ResourceInUse"
    code, message = _error(sm.delete_workforce, WorkforceName=workforce["name"])
    assert code == "ResourceInUse" and team["name"] in message
    code, _ = _error(sm.describe_workteam, WorkteamName="no-such-team")
    assert code == "ValidationException"
    # a second team on the other group, then deleted
    other = f"reviewers-{uuid.uuid4().hex[:6]}"
    sm.create_workteam(
        WorkteamName=other,
        MemberDefinitions=[{"CognitoMemberDefinition": {**member, "UserGroup": "reviewers"}}],
        Description="d",
    )
    assert sm.describe_workteam(WorkteamName=other)["Workteam"]["WorkforceArn"] == workforce["arn"]
    assert sm.delete_workteam(WorkteamName=other)["Success"] is True


def test_the_simulated_annotators_label_a_job_by_themselves(ctx, sm, s3, team, template_uri):
    rows = _summary_rows(3)
    manifest = _manifest(ctx, s3, rows)
    name = _create_job(ctx, sm, team, template_uri, manifest, workers=2)
    assert sm.describe_labeling_job(LabelingJobName=name)["LabelingJobStatus"] in ("Initializing", "InProgress")
    described = _wait(sm, name)
    assert described["LabelingJobStatus"] == "Completed", described.get("FailureReason")
    assert described["LabelCounters"] == {
        "TotalLabeled": 3,
        "HumanLabeled": 3,
        "MachineLabeled": 0,
        "FailedNonRetryableError": 0,
        "Unlabeled": 0,
    }
    assert described["LabelingJobArn"] == f"arn:aws:sagemaker:us-east-1:{ctx.account}:labeling-job/{name}"
    assert described["JobReferenceCode"] and described["Tags"] == ctx.tags
    output = described["LabelingJobOutput"]["OutputDatasetS3Uri"]
    assert output == ctx.s3_uri("test-labeling", "output", name, "manifests", "output", "output.manifest")
    lines = [json.loads(line) for line in _read(s3, output).decode().splitlines()]
    assert len(lines) == 3
    for row, line in zip(rows, lines, strict=True):
        assert set(line) == {"source", "draft", "id", "brief", "brief-metadata"}
        assert {k: line[k] for k in row} == row  # the input line unchanged
        assert line["brief"] == {}  # no consolidation Lambda: an empty label ...
        metadata = line["brief-metadata"]
        assert set(metadata) == {"type", "job-name", "human-annotated", "creation-date", "worker-response-ref"}
        assert metadata["type"] == "groundtruth/custom" and metadata["job-name"] == name
        assert metadata["human-annotated"] == "yes" and CREATION_DATE.match(metadata["creation-date"])
        index = lines.index(line)
        ref = metadata["worker-response-ref"]  # ... and where the worker responses are
        assert re.fullmatch(
            re.escape(ctx.s3_uri("test-labeling", "output", name, "annotations", "worker-response", "iteration-1"))
            + rf"/{index}/\d{{4}}-\d\d-\d\d_\d\d:\d\d:\d\d\.json",
            ref,
        )
        response = json.loads(_read(s3, ref))
        assert list(response) == ["answers"] and len(response["answers"]) == 2
        expected = {a["annotator_id"]: a for a in ANSWERS if a["prompt_id"] == row["id"]}
        seen = set()
        for answer in response["answers"]:
            assert list(answer) == [
                "acceptanceTime",
                "answerContent",
                "submissionTime",
                "timeSpentInSeconds",
                "workerId",
                "workerMetadata",
            ]
            assert GT_TIME.match(answer["acceptanceTime"]) and GT_TIME.match(answer["submissionTime"])
            assert answer["acceptanceTime"] <= answer["submissionTime"]
            assert WORKER_ID.match(answer["workerId"])
            identity = answer["workerMetadata"]["identityData"]
            assert identity["identityProviderType"] == "Cognito"
            assert identity["issuer"] == f"https://cognito-idp.us-east-1.amazonaws.com/{team_pool(sm, team)}"
            simulation = answer["workerMetadata"]["localSimulation"]
            annotator = simulation["annotatorId"]
            seen.add(annotator)
            assert simulation["simulated"] is True and "simulated_annotators.jsonl" in simulation["data"]
            assert answer["timeSpentInSeconds"] == float(expected[annotator]["time_spent_s"])
            content = answer["answerContent"]
            assert content["corrected_brief"] == expected[annotator]["answer"]
            ratings = [
                int(k) for name_, v in content.items() if name_.startswith("rating-") for k, on in v.items() if on
            ]
            assert len(ratings) == 1 and 1 <= ratings[0] <= 5
        assert seen == {"annotator-a", "annotator-b"}
    intermediate = ctx.s3_uri(
        "test-labeling", "output", name, "annotations", "intermediate", "1", "annotations.manifest"
    )
    assert _read(s3, intermediate) == _read(s3, output)
    listed = sm.list_labeling_jobs(NameContains=name, StatusEquals="Completed")["LabelingJobSummaryList"]
    assert [j["LabelingJobName"] for j in listed] == [name]
    assert listed[0]["WorkteamArn"] == team["arn"] and listed[0]["LabelCounters"]["HumanLabeled"] == 3
    assert listed[0]["LabelingJobOutput"] == {"OutputDatasetS3Uri": output}
    assert sm.list_tags(ResourceArn=described["LabelingJobArn"])["Tags"] == ctx.tags


def team_pool(sm, team) -> str:
    definition = sm.describe_workteam(WorkteamName=team["name"])["Workteam"]["MemberDefinitions"][0]
    return definition["CognitoMemberDefinition"]["UserPool"]


def _http(method: str, url: str, body: dict | None = None, accept: str = "text/html") -> tuple[int, str, str]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Accept": accept})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode()


def test_a_person_labels_in_the_portal(ctx, sm, s3, team, template_uri):
    """Objects the simulated annotators have no data for; a person takes them in the portal and posts the answers
    the page's crowd-form would; PRE-/ACS-PassThrough write Ground Truth's consolidation files."""
    rows = [
        {"source": "Dana: I'd like <b>less</b> risk & more cash.", "draft": "Situation: wants less risk.", "id": "t-1"},
        {"source": "Kim: Please move the call to Friday.", "draft": "Next step: call Friday.", "id": "t-2"},
    ]
    name = _create_job(
        ctx,
        sm,
        team,
        template_uri,
        _manifest(ctx, s3, rows),
        PreHumanTaskLambdaArn=PASS_PRE,
        AnnotationConsolidationConfig={"AnnotationConsolidationLambdaArn": PASS_ACS},
    )
    _wait(sm, name, until=("InProgress",))
    portal = team["portal"]
    status, _, page = _http("GET", portal)
    assert status == 200 and "?worker=learner" in page and "annotator-a</a> (simulated" in page
    status, _, page = _http("GET", portal + "?worker=learner")
    assert status == 200 and "Start working" in page and name in page
    assert [j["available"] for j in labeling.list_jobs(portal, "learner") if j["job"] == name] == [2]
    assert [j["available"] for j in labeling.list_jobs(portal, "annotator-a") if j["job"] == name] == [0]
    with pytest.raises(labeling.PortalError, match="outsider is not a member"):
        labeling.list_jobs(portal, "outsider")
    status, _, _ = _http("GET", portal + f"jobs/{name}/next?worker=outsider")
    assert status == 403
    task = labeling.next_task(portal, name, "learner")
    assert labeling.next_task(portal, name, "learner").assignment_id == task.assignment_id  # the task they hold
    status, content_type, page = _http("GET", task.page_url)
    assert status == 200 and content_type.startswith("text/html")
    assert '<script src="/_workshop/labeling/static/crowd-html-elements.js"></script>' in page
    assert "assets.crowd.aws" not in page and "local stand-in for AWS's crowd-html-elements.js" in page
    assert "Dana: I&#39;d like &lt;b&gt;less&lt;/b&gt; risk &amp; more cash." in page
    assert [f.name for f in task.text_areas()] == ["corrected_brief"]
    assert task.text_areas()[0].value == "Situation: wants less risk."
    status, content_type, script = _http(
        "GET", portal.split("/_workshop/")[0] + "/_workshop/labeling/static/crowd-html-elements.js"
    )
    assert status == 200 and content_type.startswith("application/javascript") and "LOCAL STAND-IN" in script
    status, _, reply = _http("POST", task.submit_url, {"answer": "no answerContent"})
    assert status == 400 and "answerContent" in json.loads(reply)["message"]
    first_answer = {
        "corrected_brief": "Situation: the client wants less risk and more cash.",
        **labeling.radio_answer(task, "2"),
    }
    reply = labeling.submit_answer(task, first_answer, time_spent_s=42.5)
    assert reply["status"] == "submitted" and reply["next"].endswith(f"/jobs/{name}/next?worker=learner")
    with pytest.raises(labeling.PortalError, match="HTTP 409: This task was already submitted"):
        labeling.submit_answer(task, first_answer)
    second = labeling.next_task(portal, name, "learner")
    assert second.assignment_id != task.assignment_id
    labeling.submit_answer(
        second, {"corrected_brief": "Next step: call on Friday.", **labeling.radio_answer(second, "5")}
    )
    assert labeling.next_task(portal, name, "learner") is None
    described = _wait(sm, name)
    assert described["LabelingJobStatus"] == "Completed" and described["LabelCounters"]["HumanLabeled"] == 2
    lines = [json.loads(line) for line in _read(s3, described["LabelingJobOutput"]["OutputDatasetS3Uri"]).splitlines()]
    base = ctx.s3_uri("test-labeling", "output", name, "annotations", "consolidated-annotation")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=ctx.bucket, Prefix=base.split(ctx.bucket + "/")[1])["Contents"]]
    requests = [k for k in keys if "/consolidation-request/iteration-1/" in k]
    responses = [k for k in keys if "/consolidation-response/iteration-1/" in k]
    assert requests and responses and all(re.search(r"/\d{4}-\d\d-\d\d_\d\d:\d\d:\d\d\.json$", k) for k in keys)
    consolidation = [item for k in requests for item in json.loads(_read(s3, f"s3://{ctx.bucket}/{k}"))]
    assert sorted(item["datasetObjectId"] for item in consolidation) == ["0", "1"]
    item = next(i for i in consolidation if i["datasetObjectId"] == "0")
    assert item["dataObject"] == {"content": rows[0]["source"]}
    (annotation,) = item["annotations"]
    assert set(annotation) == {"workerId", "annotationData"} and WORKER_ID.match(annotation["workerId"])
    assert json.loads(annotation["annotationData"]["content"]) == first_answer
    for line in lines:
        metadata = line["brief-metadata"]
        assert "worker-response-ref" not in metadata  # a consolidation Lambda: the label holds the answers
        assert metadata["type"] == "groundtruth/custom" and metadata["human-annotated"] == "yes"
        (only,) = line["brief"]["annotationsFromAllWorkers"]
        assert WORKER_ID.match(only["workerId"])
        assert set(json.loads(only["annotationData"]["content"])) == {"corrected_brief"} | {
            f"rating-{i}" for i in range(1, 6)
        }
    worker_response = json.loads(
        _read(
            s3,
            "s3://"
            + ctx.bucket
            + "/"
            + next(
                o["Key"]
                for o in s3.list_objects_v2(
                    Bucket=ctx.bucket, Prefix=f"{ctx.prefix}/test-labeling/output/{name}/annotations/worker-response/"
                )["Contents"]
                if "/iteration-1/0/" in o["Key"]
            ),
        )
    )
    (answer,) = worker_response["answers"]
    assert answer["answerContent"] == first_answer and answer["timeSpentInSeconds"] == 42.5
    assert "localSimulation" not in answer["workerMetadata"]  # a person
    assert answer["workerMetadata"]["identityData"]["sub"] == _sub(ctx, sm, team, "learner")
    status, _, reply = _http("POST", task.submit_url, {"answerContent": {}})
    assert status == 409 and "Completed" in json.loads(reply)["message"]


def _sub(ctx, sm, team, username: str) -> str:
    cognito = ctx.boto_session.client("cognito-idp")
    pool_id = team_pool(sm, team)
    attributes = cognito.admin_get_user(UserPoolId=pool_id, Username=username)["UserAttributes"]
    return next(a["Value"] for a in attributes if a["Name"] == "sub")


def test_stopping_a_job_keeps_what_was_answered(ctx, sm, s3, team, template_uri):
    rows = [
        {"source": f"A conversation nobody has data for, number {i}.", "draft": "d", "id": f"s-{i}"} for i in range(3)
    ]
    manifest = _manifest(ctx, s3, rows)
    name = _create_job(ctx, sm, team, template_uri, manifest, workers=2)
    _wait(sm, name, until=("InProgress",))
    task = labeling.next_task(team["portal"], name, "learner")
    labeling.submit_answer(task, {"corrected_brief": "partial", **labeling.radio_answer(task, "3")})
    code, message = _error(sm.delete_workteam, WorkteamName=team["name"])
    assert code == "ValidationException" and name in message
    sm.stop_labeling_job(LabelingJobName=name)
    assert sm.describe_labeling_job(LabelingJobName=name)["LabelingJobStatus"] in ("Stopping", "Stopped")
    described = _wait(sm, name)
    assert described["LabelingJobStatus"] == "Stopped"
    assert described["LabelCounters"] == {
        "TotalLabeled": 1,
        "HumanLabeled": 1,
        "MachineLabeled": 0,
        "FailedNonRetryableError": 0,
        "Unlabeled": 2,
    }
    lines = [json.loads(line) for line in _read(s3, described["LabelingJobOutput"]["OutputDatasetS3Uri"]).splitlines()]
    assert lines[0]["brief"] == {} and "worker-response-ref" in lines[0]["brief-metadata"]
    assert lines[1:] == rows[1:]  # unlabeled objects: the input lines as they were
    code, message = _error(sm.stop_labeling_job, LabelingJobName=name)
    assert code == "ValidationException" and "Stopped" in message
    code, _ = _error(sm.stop_labeling_job, LabelingJobName="no-such-job")
    assert code == "ResourceNotFound"
    code, _ = _error(sm.describe_labeling_job, LabelingJobName="no-such-job")
    assert code == "ResourceNotFound"
    # StoppingConditions: the job stops once one object is labeled
    name = _create_job_with_stopping(ctx, sm, team, template_uri, _manifest(ctx, s3, rows))
    _wait(sm, name, until=("InProgress",))
    task = labeling.next_task(team["portal"], name, "learner")
    labeling.submit_answer(task, {"corrected_brief": "one is enough", **labeling.radio_answer(task, "4")})
    described = _wait(sm, name)
    assert described["LabelingJobStatus"] == "Stopped" and described["LabelCounters"]["HumanLabeled"] == 1


def _create_job_with_stopping(ctx, sm, team, template_uri, manifest) -> str:
    name = f"briefs-{uuid.uuid4().hex[:8]}"
    sm.create_labeling_job(
        LabelingJobName=name,
        LabelAttributeName="brief",
        InputConfig={"DataSource": {"S3DataSource": {"ManifestS3Uri": manifest}}},
        OutputConfig={"S3OutputPath": ctx.s3_uri("test-labeling", "output")},
        RoleArn=ctx.role,
        StoppingConditions={"MaxHumanLabeledObjectCount": 1},
        HumanTaskConfig={
            "WorkteamArn": team["arn"],
            "UiConfig": {"UiTemplateS3Uri": template_uri},
            "TaskTitle": "t",
            "TaskDescription": "d",
            "NumberOfHumanWorkersPerDataObject": 1,
            "TaskTimeLimitInSeconds": 300,
        },
        Tags=ctx.tags,
    )
    return name


def test_bad_requests_are_refused_and_bad_data_fails_the_job(ctx, sm, s3, team, template_uri):
    manifest = _manifest(ctx, s3, _summary_rows(1, start=5))
    base = {
        "LabelingJobName": f"bad-{uuid.uuid4().hex[:6]}",
        "LabelAttributeName": "brief",
        "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": manifest}}},
        "OutputConfig": {"S3OutputPath": ctx.s3_uri("test-labeling", "output")},
        "RoleArn": ctx.role,
    }
    task = {
        "WorkteamArn": team["arn"],
        "UiConfig": {"UiTemplateS3Uri": template_uri},
        "TaskTitle": "t",
        "TaskDescription": "d",
        "NumberOfHumanWorkersPerDataObject": 1,
        "TaskTimeLimitInSeconds": 300,
    }
    broken = f"{ctx.prefix}/test-labeling/templates/broken.liquid.html"
    s3.put_object(Bucket=ctx.bucket, Key=broken, Body=b"<crowd-form>\n{% if task.input.source %}\n</crowd-form>\n")
    unknown_team = team["arn"].rsplit("/", 1)[0] + "/nobody"
    for change, code, expected in [
        ({"LabelingJobName": "bad_name"}, "ValidationException", "Value 'bad_name' at 'labelingJobName' failed"),
        (
            {"HumanTaskConfig": {**task, "NumberOfHumanWorkersPerDataObject": 10}},
            "ValidationException",
            "Value '10' at 'humanTaskConfig.numberOfHumanWorkersPerDataObject' failed to satisfy constraint: "
            "Member must have value less than or equal to 9",
        ),
        (
            {"HumanTaskConfig": {**task, "TaskTimeLimitInSeconds": 30000}},
            "ValidationException",
            "at most 28800 (8 hours)",
        ),
        ({"LabelAttributeName": "brief-metadata"}, "ValidationException", "cannot end with -metadata"),
        (
            {"HumanTaskConfig": {**task, "WorkteamArn": unknown_team}},
            "ValidationException",
            f"Workteam {unknown_team} does not exist",
        ),
        (
            {
                "HumanTaskConfig": {
                    **task,
                    "WorkteamArn": "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default",
                }
            },
            "ValidationException",
            "Amazon Mechanical Turk",
        ),
        (
            {"HumanTaskConfig": {**task, "UiConfig": {"UiTemplateS3Uri": f"s3://{ctx.bucket}/{broken}"}}},
            "ValidationException",
            "the worker task template does not parse: expected tag endif",
        ),
        (
            {"HumanTaskConfig": {**task, "UiConfig": {"UiTemplateS3Uri": f"s3://{ctx.bucket}/missing.html"}}},
            "ValidationException",
            "Cannot read the worker task template",
        ),
        (
            {
                "HumanTaskConfig": {
                    **task,
                    "PreHumanTaskLambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:mine",
                }
            },
            "ValidationException",
            "Local mode runs no Lambda functions",
        ),
    ]:
        code_, message = _error(sm.create_labeling_job, **{**base, "HumanTaskConfig": task, **change})
        assert (code_, expected in message) == (code, True), message
    # bad data fails the job, with the line
    rows = [{"source": "fine"}, {"text": "no source here"}]
    name = _create_job(ctx, sm, team, template_uri, _manifest(ctx, s3, rows))
    described = _wait(sm, name)
    assert described["LabelingJobStatus"] == "Failed"
    assert "line 2 of the input manifest" in described["FailureReason"]
    assert "neither a 'source' nor a 'source-ref'" in described["FailureReason"]
    assert "LabelingJobOutput" not in described
    code, _ = _error(sm.create_labeling_job, **{**base, "LabelingJobName": name, "HumanTaskConfig": task})
    assert code == "ResourceInUse"
    unrenderable = f"{ctx.prefix}/test-labeling/templates/unrenderable.liquid.html"
    s3.put_object(
        Bucket=ctx.bucket, Key=unrenderable, Body=b"<crowd-form>{{ task.input.source | nofilter }}</crowd-form>"
    )
    name = _create_job(ctx, sm, team, f"s3://{ctx.bucket}/{unrenderable}", manifest)
    described = _wait(sm, name)
    assert described["LabelingJobStatus"] == "Failed" and "unknown filter 'nofilter'" in described["FailureReason"]
    missing = _create_job(ctx, sm, team, template_uri, ctx.s3_uri("test-labeling", "input", "nothing.manifest"))
    described = _wait(sm, missing)
    assert described["LabelingJobStatus"] == "Failed" and "cannot read the input manifest" in described["FailureReason"]


def test_a_notebook_form_answers_through_the_portal(ctx, sm, s3, team, template_uri):
    """The learner's ipywidgets form posts the same answer JSON as the page's crowd-form."""
    rows = [{"source": "Lee: please send the fee schedule.", "draft": "Requests: fee schedule.", "id": "w-1"}]
    name = _create_job(ctx, sm, team, template_uri, _manifest(ctx, s3, rows))
    _wait(sm, name, until=("InProgress",))
    task = labeling.next_task(team["portal"], name, "learner")
    form = labeling.labeling_form(task)
    kinds = [type(child).__name__ for child in form.children]
    assert kinds == ["HTML", "RadioButtons", "Label", "Textarea", "Button", "Output"]
    assert "Lee: please send the fee schedule." in form.children[0].value and "<script" not in form.children[0].value
    radio, text, button = form.children[1], form.children[3], form.children[4]
    assert text.value == "Requests: fee schedule." and radio.options[3] == ("4: minor edits", "4")
    text.value, radio.value = "Requests: the fee schedule, by email.", "4"
    button.click()
    assert button.disabled
    described = _wait(sm, name)
    (line,) = [json.loads(x) for x in _read(s3, described["LabelingJobOutput"]["OutputDatasetS3Uri"]).splitlines()]
    (answer,) = json.loads(_read(s3, line["brief-metadata"]["worker-response-ref"]))["answers"]
    assert answer["answerContent"] == {
        "corrected_brief": "Requests: the fee schedule, by email.",
        **{f"rating-{i}": {str(i): i == 4} for i in range(1, 6)},
    }


def test_oidc_workforces_and_the_default_workforce_of_a_first_cognito_team(ctx):
    """Other regions (one private workforce per region): an OIDC workforce and its team; and the workforce
    "default" that the first Cognito team of a region creates, as on AWS."""
    oidc_sm = ctx.boto_session.client("sagemaker", region_name="eu-west-1")
    endpoints = {
        k: f"https://idp.example.com/{k.lower()}" for k in ("Issuer", "AuthorizationEndpoint", "TokenEndpoint")
    }
    endpoints |= {k: f"https://idp.example.com/{k.lower()}" for k in ("UserInfoEndpoint", "LogoutEndpoint", "JwksUri")}
    oidc = {"ClientId": "portal", "ClientSecret": "s3cret", **endpoints}
    oidc_sm.create_workforce(WorkforceName="naxt-oidc", OidcConfig=oidc)
    described = oidc_sm.describe_workforce(WorkforceName="naxt-oidc")["Workforce"]
    assert described["OidcConfig"] == {k: v for k, v in oidc.items() if k != "ClientSecret"}
    assert described["SubDomain"].endswith("/_workshop/labeling/eu-west-1/naxt-oidc")
    code, message = _error(
        oidc_sm.create_workteam,
        WorkteamName="cognito-team",
        MemberDefinitions=[{"CognitoMemberDefinition": {"UserPool": "eu-west-1_x", "UserGroup": "g", "ClientId": "c"}}],
        Description="d",
    )
    assert code == "ValidationException" and "OIDC" in message
    oidc_sm.create_workteam(
        WorkteamName="oidc-team",
        MemberDefinitions=[{"OidcMemberDefinition": {"Groups": ["advisors"]}}],
        Description="d",
    )
    team = oidc_sm.describe_workteam(WorkteamName="oidc-team")["Workteam"]
    assert team["MemberDefinitions"] == [{"OidcMemberDefinition": {"Groups": ["advisors"]}}]
    oidc_sm.delete_workteam(WorkteamName="oidc-team")
    oidc_sm.delete_workforce(WorkforceName="naxt-oidc")
    assert oidc_sm.list_workforces()["Workforces"] == []

    west_sm = ctx.boto_session.client("sagemaker", region_name="us-west-2")
    cognito = ctx.boto_session.client("cognito-idp", region_name="us-west-2")
    pool_id = cognito.create_user_pool(PoolName="west")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="gt")["UserPoolClient"]["ClientId"]
    cognito.create_group(UserPoolId=pool_id, GroupName="team")
    member = {"UserPool": pool_id, "UserGroup": "team", "ClientId": client_id}
    west_sm.create_workteam(
        WorkteamName="first", MemberDefinitions=[{"CognitoMemberDefinition": member}], Description="d"
    )
    (workforce,) = west_sm.list_workforces()["Workforces"]
    assert workforce["WorkforceName"] == "default" and workforce["CognitoConfig"] == {
        "UserPool": pool_id,
        "ClientId": client_id,
    }
    west_sm.delete_workteam(WorkteamName="first")
    west_sm.delete_workforce(WorkforceName="default")
    cognito.delete_user_pool(UserPoolId=pool_id)
