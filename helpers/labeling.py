"""Ground Truth custom worker task templates, and the worker's side of a labeling job (notebook 06).

* :func:`render_template` renders a worker task template with Ground Truth's rules: Liquid, every value HTML-escaped
  unless told otherwise (``skip_autoescape``), and Ground Truth's filters ``escape``, ``escape_once``,
  ``skip_autoescape``, ``to_json`` and ``grant_read_access``. The local SageMaker renders tasks with it; notebooks
  preview a template with :func:`preview_html` (the same, without the page's scripts). The task input is ``task.input`` in the template: the manifest line itself, or
  what a pre-annotation Lambda returned as ``taskInput``.
* :func:`portal_url` turns ``SubDomain`` (from ``DescribeWorkteam`` or ``DescribeWorkforce``) into the worker
  portal's address.
* Local mode only: :func:`next_task` takes the next task of a job for a worker, as the portal's "Start working"
  does; :func:`submit_answer` posts an answer to the task's submit path, the one the page's ``crowd-form`` posts to;
  :func:`labeling_form` is an ipywidgets form that does both. On AWS, workers sign in to the portal with the
  invitation they receive; nothing here is used there.
"""

from __future__ import annotations

import html
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

CROWD_ELEMENTS_URL = "https://assets.crowd.aws/crowd-html-elements.js"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


class TemplateError(ValueError):
    """A worker task template that Liquid cannot parse or render; the message names the line."""


# ------------------------------------------------------------------------------------------ templates
def liquid_environment(grant_read_access: Callable[[str], str] | None = None) -> Any:
    """A Liquid environment with Ground Truth's rules: autoescape on, and Ground Truth's extra filters.

    ``grant_read_access`` turns an ``s3://`` URI into a short-lived HTTPS URL (a presigned URL); without it the
    filter leaves the URI as it is.
    """
    from liquid import Environment
    from markupsafe import Markup

    env = Environment(autoescape=True)

    def to_json(value: Any) -> Markup:
        return Markup(json.dumps(value, ensure_ascii=False, default=str))

    def skip_autoescape(value: Any) -> Markup:
        return Markup("" if value is None else str(value))

    def read_access(value: Any) -> str:
        text = "" if value is None else str(value)
        return grant_read_access(text) if grant_read_access and text.startswith("s3://") else text

    env.filters["to_json"] = to_json
    env.filters["skip_autoescape"] = skip_autoescape
    env.filters["grant_read_access"] = read_access
    return env


def parse_template(text: str, grant_read_access: Callable[[str], str] | None = None) -> Any:
    """Parse a worker task template; raise :class:`TemplateError` (with the line, where Liquid or a look at each
    ``{{ ... }}`` finds it) when it does not parse."""
    from liquid.exceptions import LiquidError

    env = liquid_environment(grant_read_access)
    try:
        return env.from_string(text)
    except LiquidError as exc:
        message = _one_line(exc)
        if exc.context() is None:  # Liquid gave no position: find the first output statement that fails alone
            for match in re.finditer(r"{{.*?}}", text, re.S):
                try:
                    env.from_string(match.group(0))
                except LiquidError:
                    line = text.count("\n", 0, match.start()) + 1
                    message += f" -> line {line}: {match.group(0)!r}"
                    break
        raise TemplateError(f"the worker task template does not parse: {message}") from None


def render_template(
    template: str | Any, task_input: dict[str, Any], grant_read_access: Callable[[str], str] | None = None
) -> str:
    """Render a worker task template (text or parsed) for one task, with ``task.input`` = ``task_input``."""
    from liquid.exceptions import LiquidError

    parsed = parse_template(template, grant_read_access) if isinstance(template, str) else template
    try:
        return parsed.render(task={"input": task_input})
    except LiquidError as exc:
        raise TemplateError(f"the worker task template cannot be rendered: {_one_line(exc)}") from None


def preview_html(template: str | Any, task_input: dict[str, Any]) -> str:
    """A task rendered with Ground Truth's rules for display in a notebook, without its ``<script>`` elements: AWS's
    ``crowd-html-elements.js`` is not loaded there (nothing is fetched), so the ``crowd-*`` elements show as their
    text. The worker portal shows the whole page."""
    return _without_scripts(render_template(template, task_input))


def _one_line(exc: Exception) -> str:
    """Liquid's error with its location, on one line."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    where = next((line for line in lines if line.startswith("->")), "")
    return f"{lines[0] if lines else exc.__class__.__name__} {where}".strip()


# ------------------------------------------------------------------------------------------ the portal
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


def labeling_form(task: Task, on_submit: Callable[[dict[str, Any]], None] | None = None) -> Any:
    """An ipywidgets form for one task of the local portal: the rendered task (text only: the page's scripts do not
    run in a notebook), a text box per ``crowd-text-area`` (with its preset), a choice per ``crowd-radio-group``
    and a slider per ``crowd-slider``. Submit posts the answer to the task's submit path, like the page does."""
    import time

    import ipywidgets as widgets

    accepted = time.monotonic()
    inputs: list[tuple[FormField, Any]] = []
    rows: list[Any] = [widgets.HTML(_without_scripts(task.template_html))]
    groups_done: set[int | None] = set()
    for item in task.fields:  # in the page's order
        if item.element == "crowd-text-area":
            box = widgets.Textarea(value=item.value or "", layout=widgets.Layout(width="100%", height="12em"))
            inputs.append((item, box))
            rows += [widgets.Label(item.attributes.get("label") or item.name), box]
        elif item.element == "crowd-radio-button" and item.group not in groups_done:
            groups_done.add(item.group)
            buttons = [b for b in task.radio_buttons() if b.group == item.group]
            choice = widgets.RadioButtons(
                options=[(b.text or b.value or "on", b.value or "on") for b in buttons], value=None
            )
            inputs.append((item, choice))
            rows.append(choice)
        elif item.element == "crowd-slider":
            lo, hi = float(item.attributes.get("min", 0)), float(item.attributes.get("max", 100))
            step = float(item.attributes.get("step", 1))
            slider = widgets.FloatSlider(value=float(item.value or lo), min=lo, max=hi, step=step)
            inputs.append((item, slider))
            rows += [widgets.Label(item.name), slider]
    button = widgets.Button(description="Submit", button_style="primary")
    output = widgets.Output()

    def submit(_: Any) -> None:
        answer: dict[str, Any] = {}
        for item, widget in inputs:
            if item.element == "crowd-radio-button":
                if widget.value is not None:
                    answer.update(radio_answer(task, widget.value))
            elif item.element == "crowd-slider":
                answer[item.name] = widget.value
            else:
                answer[item.name] = widget.value
        with output:
            output.clear_output()
            try:
                reply = submit_answer(task, answer, time.monotonic() - accepted)
            except PortalError as exc:
                print(f"Not submitted: {exc}")
                return
            button.disabled = True
            print(f"Submitted task {task.assignment_id} of {task.job} as {task.worker}.")
        if on_submit:
            on_submit(reply)

    button.on_click(submit)
    return widgets.VBox([*rows, button, output])


def _without_scripts(fragment: str) -> str:
    """An HTML fragment without its ``<script>`` elements (an ipywidgets HTML widget shows markup only)."""
    return re.sub(r"(?is)<script\b.*?</script>", "", fragment) or html.escape("(empty task)")
