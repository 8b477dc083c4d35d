"""The workshop's Ground Truth template in a real browser: headless Chromium opens a task in the local worker portal,
a worker fills it in (keyboard and mouse events), submits, and the answer stored for the job has Ground Truth's shape.

Chromium is Debian's ``chromium`` package (``make setup`` installs it where it is missing); the test drives it
through the Chrome DevTools Protocol with ``websocket-client``. No browser is downloaded. When Chromium is missing
or cannot start, the test fails and says why: it is never skipped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

from helpers import labeling

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "data" / "labeling" / "brief_review.liquid.html"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
GT_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


class Browser:
    """Headless Chromium driven through the DevTools Protocol (one page)."""

    def __init__(self) -> None:
        binary = next((found for name in BROWSERS if (found := shutil.which(name))), None)
        if binary is None:
            pytest.fail(
                "Chromium is not installed, so the worker task template cannot be tested in a browser. Install "
                "Debian's package (make setup does it where apt-get is available: apt-get install -y chromium)."
            )
        self.profile = tempfile.mkdtemp(prefix="chromium-test-")
        command = [
            binary,
            "--headless=new",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--remote-allow-origins=*",
            "--remote-debugging-port=0",
            f"--user-data-dir={self.profile}",
            "about:blank",
        ]
        if os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.time() + 60
        while not port_file.exists() or not port_file.read_text().strip():
            if self.process.poll() is not None or time.time() > deadline:
                self.process.kill()
                error = (self.process.stderr.read() if self.process.stderr else "")[-2000:]
                pytest.fail(f"Chromium ({binary}) did not start: exit code {self.process.poll()}.\n{error}")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            targets = json.loads(response.read())
        page = next(t for t in targets if t.get("type") == "page")
        import websocket

        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.next_id = 0
        self.send("Page.enable")
        self.send("Runtime.enable")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a DevTools method and return its result (events on the way are ignored)."""
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20) -> Any:
        """Wait until a JavaScript expression is truthy; return its value."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"still false after {timeout} s: {expression}")

    def click(self, selector: str) -> None:
        """Click the middle of an element with the mouse, as a person does."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView({{block: 'center'}});"
            " const r = e.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()"
        )
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            extra = {"button": "left", "clickCount": 1} if kind != "mouseMoved" else {}
            self.send("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], **extra)

    def type_over(self, selector: str, text: str) -> None:
        """Click into a text field, select all of it (Ctrl+A) and type ``text`` over it."""
        self.click(selector)
        for kind in ("keyDown", "keyUp"):
            self.send(
                "Input.dispatchKeyEvent",
                type=kind,
                modifiers=2,
                key="a",
                code="KeyA",
                windowsVirtualKeyCode=65,
                commands=["selectAll"] if kind == "keyDown" else [],
            )
        self.send("Input.insertText", text=text)

    def close(self) -> None:
        """Stop the browser and remove its profile."""
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    opened = Browser()
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def team(ctx):
    """A Cognito pool, workforce and work team with the learner in it; removed afterwards."""
    sm, cognito = ctx.boto_session.client("sagemaker"), ctx.boto_session.client("cognito-idp")
    pool = cognito.create_user_pool(PoolName=f"browser-{uuid.uuid4().hex[:6]}")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="groundtruth")["UserPoolClient"]["ClientId"]
    cognito.create_group(UserPoolId=pool, GroupName="advisors")
    cognito.admin_create_user(UserPoolId=pool, Username="learner", MessageAction="SUPPRESS")
    cognito.admin_add_user_to_group(UserPoolId=pool, GroupName="advisors", Username="learner")
    workforce = f"browser-{uuid.uuid4().hex[:6]}"
    sm.create_workforce(WorkforceName=workforce, CognitoConfig={"UserPool": pool, "ClientId": client}, Tags=ctx.tags)
    name = f"advisors-{uuid.uuid4().hex[:6]}"
    arn = sm.create_workteam(
        WorkteamName=name,
        WorkforceName=workforce,
        MemberDefinitions=[
            {"CognitoMemberDefinition": {"UserPool": pool, "UserGroup": "advisors", "ClientId": client}}
        ],
        Description="Naxt advisors",
        Tags=ctx.tags,
    )["WorkteamArn"]
    subdomain = sm.describe_workteam(WorkteamName=name)["Workteam"]["SubDomain"]
    yield {"name": name, "arn": arn, "portal": labeling.portal_url(subdomain)}
    for job in sm.list_labeling_jobs(StatusEquals="InProgress")["LabelingJobSummaryList"]:
        if job["WorkteamArn"] == arn:
            sm.stop_labeling_job(LabelingJobName=job["LabelingJobName"])
            while sm.describe_labeling_job(LabelingJobName=job["LabelingJobName"])["LabelingJobStatus"] == "Stopping":
                time.sleep(0.1)
    sm.delete_workteam(WorkteamName=name)
    sm.delete_workforce(WorkforceName=workforce)
    cognito.delete_user_pool(UserPoolId=pool)


def test_a_worker_fills_in_the_template_in_chromium(ctx, team, browser):
    sm, s3 = ctx.boto_session.client("sagemaker"), ctx.boto_session.client("s3")
    base = f"{ctx.prefix}/test-labeling-browser"
    s3.put_object(Bucket=ctx.bucket, Key=f"{base}/brief_review.liquid.html", Body=TEMPLATE.read_bytes())
    row = {
        "source": "Recorded call. Dana Ortiz (advisor), Sam Lee (client).\nSam Lee: Move $20,000 to cash <today>.",
        "draft": "Situation: Sam wants cash. Requests: none.",
        "id": "browser-1",
    }
    s3.put_object(Bucket=ctx.bucket, Key=f"{base}/input.manifest", Body=(json.dumps(row) + "\n").encode())
    name = f"browser-{uuid.uuid4().hex[:8]}"
    sm.create_labeling_job(
        LabelingJobName=name,
        LabelAttributeName="brief",
        InputConfig={"DataSource": {"S3DataSource": {"ManifestS3Uri": f"s3://{ctx.bucket}/{base}/input.manifest"}}},
        OutputConfig={"S3OutputPath": f"s3://{ctx.bucket}/{base}/output/"},
        RoleArn=ctx.role,
        HumanTaskConfig={
            "WorkteamArn": team["arn"],
            "UiConfig": {"UiTemplateS3Uri": f"s3://{ctx.bucket}/{base}/brief_review.liquid.html"},
            "TaskTitle": "Review an advisor brief",
            "TaskDescription": "Rate the draft and correct it",
            "NumberOfHumanWorkersPerDataObject": 1,
            "TaskTimeLimitInSeconds": 600,
        },
        Tags=ctx.tags,
    )
    deadline = time.time() + 30
    while sm.describe_labeling_job(LabelingJobName=name)["LabelingJobStatus"] != "InProgress":
        assert time.time() < deadline, sm.describe_labeling_job(LabelingJobName=name)
        time.sleep(0.1)

    # "Start working" in the portal: the browser follows the redirect to the task page
    browser.send("Page.navigate", url=team["portal"] + f"jobs/{name}/next?worker=learner")
    browser.wait_for("document.readyState === 'complete' && !!document.querySelector('crowd-text-area textarea')")
    assert "local stand-in for AWS's crowd-html-elements.js" in browser.evaluate("document.body.innerText")
    assert browser.evaluate("document.querySelector('.transcript').textContent") == row["source"]  # escaped, shown
    assert browser.evaluate("document.querySelector('crowd-text-area textarea').value") == row["draft"]
    assert browser.wait_for("document.querySelectorAll('crowd-radio-button input[type=radio]').length") == 5
    assert browser.evaluate("!!document.querySelector('crowd-button[form-action=submit] button')")  # added by the form

    # Submitting without a rating: the template's onsubmit handler refuses, nothing is posted
    browser.click("crowd-button[form-action=submit] button")
    assert browser.wait_for("getComputedStyle(document.querySelector('.rating-error')).display === 'block'")
    assert browser.evaluate("document.body.getAttribute('data-workshop-submitted')") is None

    corrected = "Situation: Sam Lee wants $20,000 moved to cash today.\nNext step: Dana Ortiz confirms the transfer."
    browser.type_over("crowd-text-area textarea", corrected)
    browser.click("crowd-radio-button[name='rating-2'] label")
    assert browser.evaluate("document.querySelector(\"crowd-radio-button[name='rating-2']\").checked") is True
    browser.click("crowd-button[form-action=submit] button")
    state = browser.wait_for("document.body.getAttribute('data-workshop-submitted')")
    assert state == "true", browser.evaluate("document.getElementById('workshop-submit-status').textContent")

    deadline = time.time() + 30
    while (described := sm.describe_labeling_job(LabelingJobName=name))["LabelingJobStatus"] != "Completed":
        assert time.time() < deadline and described["LabelingJobStatus"] == "InProgress", described
        time.sleep(0.1)
    manifest = described["LabelingJobOutput"]["OutputDatasetS3Uri"]
    (line,) = [json.loads(x) for x in _read(s3, manifest).splitlines()]
    assert line["brief"] == {} and line["brief-metadata"]["type"] == "groundtruth/custom"
    response = json.loads(_read(s3, line["brief-metadata"]["worker-response-ref"]))
    (answer,) = response["answers"]
    assert list(answer) == [
        "acceptanceTime",
        "answerContent",
        "submissionTime",
        "timeSpentInSeconds",
        "workerId",
        "workerMetadata",
    ]
    assert answer["answerContent"] == {
        "corrected_brief": corrected,
        "rating-1": {"1": False},
        "rating-2": {"2": True},
        "rating-3": {"3": False},
        "rating-4": {"4": False},
        "rating-5": {"5": False},
    }
    assert GT_TIME.match(answer["acceptanceTime"]) and GT_TIME.match(answer["submissionTime"])
    assert isinstance(answer["timeSpentInSeconds"], float) and 0 < answer["timeSpentInSeconds"] < 120
    assert answer["workerMetadata"]["identityData"]["identityProviderType"] == "Cognito"
    assert "localSimulation" not in answer["workerMetadata"]


def _read(s3, uri: str) -> bytes:
    bucket, key = uri.removeprefix("s3://").split("/", 1)
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()
