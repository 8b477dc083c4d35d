"""The worker portal: its address, and (local mode only) a worker's side of a labeling job.

:func:`portal_url` turns ``SubDomain`` (from ``DescribeWorkteam`` or ``DescribeWorkforce``) into the worker portal's
address. Local mode only: :func:`next_task` takes the next task of a job for a worker, as the portal's "Start
working" does; :func:`submit_answer` posts an answer to the task's submit path, the one the page's ``crowd-form``
posts to. On AWS, workers sign in to the portal with the invitation they receive; nothing here is used there.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def portal_url(subdomain: str) -> str:
    """The worker portal's address from ``SubDomain``: ``https://`` for AWS's portal domain, ``http://`` for the
    local SageMaker's portal on this machine."""
    host = subdomain.split("/", 1)[0].rsplit(":", 1)[0]
    scheme = "http" if host in LOCAL_HOSTS else "https"
    return f"{scheme}://{subdomain.rstrip('/')}/"


@dataclass
class FormField:
    """One input of a task's ``crowd-form`` as the page declares it."""

    element: str  # crowd-text-area, crowd-radio-button, crowd-slider, crowd-input, crowd-checkbox, input, textarea
    name: str
    value: str | None = None  # preset (text) or the button's value
    attributes: dict[str, str] = field(default_factory=dict)
    group: int | None = None  # the crowd-radio-group it belongs to
    text: str = ""  # the text a radio button or check box shows


@dataclass
class Task:
    """A task a worker accepted in the local portal: where to submit, and the form the page shows."""

    job: str
    assignment_id: str
    worker: str
    submit_url: str
    page_url: str
    time_limit_s: int
    fields: list[FormField]
    template_html: str  # the rendered worker task template, as the page shows it

    def text_areas(self) -> list[FormField]:
        """The page's ``crowd-text-area`` elements."""
        return [f for f in self.fields if f.element == "crowd-text-area"]

    def radio_buttons(self) -> list[FormField]:
        """The page's ``crowd-radio-button`` elements."""
        return [f for f in self.fields if f.element == "crowd-radio-button"]


class _FormParser(HTMLParser):
    """Collects the crowd-form's inputs, the task's data block and the rendered template from a task page."""

    _ELEMENTS = ("crowd-text-area", "crowd-radio-button", "crowd-slider", "crowd-input", "crowd-checkbox")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[FormField] = []
        self.task_json = ""
        self._in_task_json = False
        self._groups = 0
        self._group_stack: list[int] = []
        self._in_form = 0
        self._labelled: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "script" and attributes.get("id") == "workshop-task":
            self._in_task_json = True
        elif tag == "crowd-form":
            self._in_form += 1
        elif tag == "crowd-radio-group":
            self._groups += 1
            self._group_stack.append(self._groups)
        elif tag in self._ELEMENTS and attributes.get("name"):
            group = self._group_stack[-1] if self._group_stack else None
            self.fields.append(FormField(tag, attributes["name"], attributes.get("value"), attributes, group))
            if tag in ("crowd-radio-button", "crowd-checkbox"):
                self._labelled = self.fields[-1]
        elif self._in_form and tag in ("input", "textarea", "select") and attributes.get("name"):
            self.fields.append(FormField(tag, attributes["name"], attributes.get("value"), attributes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_task_json = False
        elif tag == "crowd-form":
            self._in_form = max(0, self._in_form - 1)
        elif tag == "crowd-radio-group" and self._group_stack:
            self._group_stack.pop()
        elif tag in ("crowd-radio-button", "crowd-checkbox"):
            self._labelled = None

    def handle_data(self, data: str) -> None:
        if self._in_task_json:
            self.task_json += data
        elif self._labelled is not None:
            self._labelled.text = " ".join(f"{self._labelled.text} {data}".split())


def parse_task_page(page: str, page_url: str) -> Task:
    """The task on a local portal page: its submit path, time limit and the crowd-form's inputs."""
    parser = _FormParser()
    parser.feed(page)
    if not parser.task_json.strip():
        raise ValueError(f"{page_url} is not a task page of the local worker portal")
    info = json.loads(parser.task_json)
    start, end = page.find("<!-- worker task template -->"), page.find("<!-- end of worker task template -->")
    return Task(
        job=info["job"],
        assignment_id=info["assignmentId"],
        worker=info["worker"],
        submit_url=urllib.parse.urljoin(page_url, info["submitUrl"]),
        page_url=page_url,
        time_limit_s=int(info["timeLimitSeconds"]),
        fields=parser.fields,
        template_html=page[start:end] if 0 <= start < end else "",
    )


def _get(url: str, accept: str = "application/json", timeout: float = 30) -> tuple[int, str, str]:
    """GET ``url`` (redirects followed): status, final URL, body."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the local portal
            return response.status, response.geturl(), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        raise PortalError(exc.code, exc.read().decode("utf-8", "replace")) from None


class PortalError(RuntimeError):
    """The local worker portal refused a request; ``status`` is its HTTP status."""

    def __init__(self, status: int, body: str):
        try:
            message = json.loads(body).get("message", body)
        except ValueError:
            message = body
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


def _require_local(portal: str) -> None:
    host = urllib.parse.urlsplit(portal).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise PortalError(
            403,
            "This is AWS's worker portal: sign in there with the invitation Ground Truth sent you. Only the local "
            "SageMaker's portal takes answers from a notebook.",
        )


def list_jobs(portal: str, worker: str) -> list[dict[str, Any]]:
    """The jobs in progress for ``worker`` in the local portal, with how many tasks each has for them."""
    _require_local(portal)
    query = urllib.parse.urlencode({"worker": worker})
    _, _, body = _get(urllib.parse.urljoin(portal, f"tasks.json?{query}"))
    return json.loads(body)["jobs"]


def next_task(portal: str, job_name: str, worker: str) -> Task | None:
    """Accept the next task of ``job_name`` for ``worker`` (the portal's "Start working"); None when the job has no
    task left for them. A task the worker accepted and has not submitted is given again."""
    _require_local(portal)
    query = urllib.parse.urlencode({"worker": worker})
    url = urllib.parse.urljoin(portal, f"jobs/{urllib.parse.quote(job_name)}/next?{query}")
    status, final_url, body = _get(url)
    if status == 204 or not body.strip():
        return None
    return parse_task_page(body, final_url)


def submit_answer(task: Task, answer_content: dict[str, Any], time_spent_s: float | None = None) -> dict[str, Any]:
    """Post an answer to the task's submit path, as the page's crowd-form does; returns the portal's reply.

    ``answer_content`` is what the crowd-form would send: ``{name: value}`` for each input (text for a
    ``crowd-text-area``, ``{value: true|false}`` for each ``crowd-radio-button``, a number for a ``crowd-slider``).
    ``time_spent_s``: the time actively spent on the task (default: the time since the task was accepted).
    """
    payload: dict[str, Any] = {"answerContent": answer_content}
    if time_spent_s is not None:
        payload["timeSpentInSeconds"] = float(time_spent_s)
    request = urllib.request.Request(
        task.submit_url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the local portal
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise PortalError(exc.code, exc.read().decode("utf-8", "replace")) from None


def radio_answer(task: Task, chosen_value: str) -> dict[str, dict[str, bool]]:
    """The crowd-form output of the radio buttons in ``chosen_value``'s group with that one chosen:
    ``{button name: {button value: checked}}`` for every button of the group."""
    buttons = task.radio_buttons()
    chosen = next((b for b in buttons if (b.value or "on") == chosen_value), None)
    if chosen is None:
        raise ValueError(f"no radio button with value {chosen_value!r}: {[b.value for b in buttons]}")
    answer: dict[str, dict[str, bool]] = {}
    for button in buttons:
        if button.group == chosen.group:
            answer.setdefault(button.name, {})[button.value or "on"] = button is chosen
    return answer
