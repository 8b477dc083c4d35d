"""The local worker portal: where people (and the simulated annotators) work on the local SageMaker's labeling jobs.

A WSGI middleware in front of moto, under ``/_workshop/labeling/`` (a path no S3 bucket can have). It stands in for
Ground Truth's worker portal, at the workforce's ``SubDomain``:

* ``<region>/<workforce>/``: choose who you are (a member of one of the workforce's teams), then your jobs and
  how many tasks each has for you; ``tasks.json?worker=`` gives the same as JSON;
* ``<region>/<workforce>/jobs/<job>/next?worker=``: "Start working": accept the next task (the one you hold, else
  a new one) and go to its page; 204 (or a page saying so) when there is none;
* ``<region>/<workforce>/tasks/<task>``: the task page: the job's worker task template rendered for the task with
  Ground Truth's rules, AWS's ``crowd-html-elements.js`` replaced by a local stand-in (``static/``), which posts the
  crowd-form's answer to
* ``<region>/<workforce>/tasks/<task>/submit`` (POST, JSON ``{"answerContent": {...}, "timeSpentInSeconds": s}``).

There is no sign-in: a worker is named by ``?worker=<username>``. On AWS, workers sign in with Cognito (or the
workforce's OIDC provider) instead.
"""

from __future__ import annotations

import html
import json
import logging
import re
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .labeling import PORTAL_PREFIX, LabelingJob, Registry, SubmitError, Workforce, registry_for

log = logging.getLogger("helpers.local.labeling_portal")

STATIC_DIR = Path(__file__).resolve().parent / "labeling_static"
SHIM_PATH = f"{PORTAL_PREFIX}/static/crowd-html-elements.js"
_CROWD_SCRIPT = re.compile(re.escape("https://assets.crowd.aws/crowd-html-elements.js"), re.IGNORECASE)
_STYLE = """
body { font-family: sans-serif; margin: 0 1.5em 2em; }
.workshop-banner { background: #232f3e; color: #fff; padding: 0.6em 1em; margin: 0 -1.5em 1em; font-size: 0.9em; }
.workshop-banner a { color: #ffb84d; }
table { border-collapse: collapse; } td, th { border: 1px solid #d5dbdb; padding: 0.3em 0.8em; text-align: left; }
"""


class PortalRefusal(Exception):
    """A request the portal refuses: HTTP status and message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _response(status: int, body: bytes | str, content_type: str, headers: dict[str, str] | None = None) -> Any:
    from werkzeug.wrappers import Response

    return Response(body, status=status, content_type=content_type, headers=headers or {})


def _json(status: int, body: Any) -> Any:
    return _response(status, json.dumps(body), "application/json")


def _page(title: str, body: str, status: int = 200, head: str = "") -> Any:
    document = (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_STYLE}</style>{head}</head><body>\n{body}\n</body></html>\n"
    )
    return _response(status, document, "text/html; charset=utf-8")


def _banner(workforce: Workforce, extra: str = "") -> str:
    return (
        '<div class="workshop-banner"><strong>Local worker portal</strong> of the workshop\'s local SageMaker, a '
        f"stand-in for Ground Truth's (workforce <b>{html.escape(workforce.name)}</b>, {workforce.region}). "
        f"{extra}</div>"
    )


class Portal:
    """WSGI middleware: the worker portal under ``/_workshop/labeling/``; everything else goes to ``app``."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PORTAL_PREFIX + "/"):
            return self.app(environ, start_response)
        from werkzeug.wrappers import Request

        request = Request(environ)
        try:
            response = self.route(request, path[len(PORTAL_PREFIX) + 1 :])
        except PortalRefusal as exc:
            response = _refusal(request, exc.status, str(exc))
        except SubmitError as exc:
            response = _refusal(request, exc.status, str(exc))
        except Exception as exc:  # logged; the worker sees a server error
            log.exception("worker portal: %s failed", path)
            response = _refusal(request, 500, f"The local worker portal failed: {exc}")
        return response(environ, start_response)

    # -------------------------------------------------------------------------------- routing
    def route(self, request: Any, rest: str) -> Any:
        """Dispatch a portal request (``rest``: the path after the prefix)."""
        if rest == "static/crowd-html-elements.js":
            body = (STATIC_DIR / "crowd-html-elements.js").read_bytes()
            return _response(200, body, "application/javascript; charset=UTF-8")
        parts = [urllib.parse.unquote(p) for p in rest.split("/")]
        if len(parts) < 2:
            raise PortalRefusal(404, "Not a page of the worker portal.")
        region, workforce_name, tail = parts[0], parts[1], [p for p in parts[2:] if p]
        reg = registry_for(region)
        workforce = reg.workforces.get(workforce_name) if reg else None
        if workforce is None:
            raise PortalRefusal(
                404, f"No workforce {workforce_name} in {region} (the local SageMaker may have restarted)."
            )
        base = f"{PORTAL_PREFIX}/{region}/{urllib.parse.quote(workforce_name)}"
        method = request.method
        if not tail and method == "GET":
            return self.home(request, reg, workforce, base)
        if tail == ["tasks.json"] and method == "GET":
            return _json(200, self.jobs(reg, workforce, self.worker(request), base))
        if len(tail) == 3 and tail[0] == "jobs" and tail[2] == "next" and method == "GET":
            return self.next(request, reg, workforce, tail[1], base)
        if len(tail) == 2 and tail[0] == "tasks" and method == "GET":
            return self.task_page(reg, workforce, tail[1], base)
        if len(tail) == 3 and tail[0] == "tasks" and tail[2] == "submit" and method == "POST":
            return self.submit(request, reg, workforce, tail[1], base)
        raise PortalRefusal(404 if method == "GET" else 405, f"No such portal page: {method} {request.path}")

    @staticmethod
    def worker(request: Any) -> str:
        """The worker a request is for (``?worker=``)."""
        worker = request.args.get("worker", "").strip()
        if not worker:
            raise PortalRefusal(400, "Say who you are: add ?worker=<your username> to the address.")
        return worker

    @staticmethod
    def _teams(reg: Registry, workforce: Workforce) -> list[Any]:
        return [t for t in reg.workteams.values() if t.workforce is workforce]

    def jobs(self, reg: Registry, workforce: Workforce, worker: str, base: str) -> dict[str, Any]:
        """The jobs in progress for ``worker``, with the number of tasks they can take now."""
        member_of = [t for t in self._teams(reg, workforce) if t.member(reg.account, worker)]
        if not member_of:
            raise PortalRefusal(403, f"{worker} is not a member of any work team of workforce {workforce.name}.")
        jobs = []
        for job in list(reg.jobs.values()):
            if job.workteam not in member_of or job.status != "InProgress":
                continue
            member = job.workteam.member(reg.account, worker)
            task = job.request["HumanTaskConfig"]
            jobs.append(
                {
                    "job": job.name,
                    "title": task["TaskTitle"],
                    "description": task["TaskDescription"],
                    "workteam": job.workteam.name,
                    "available": job.available(member) if member else 0,
                    "next": f"{base}/jobs/{urllib.parse.quote(job.name)}/next?"
                    + urllib.parse.urlencode({"worker": worker}),
                }
            )
        return {"worker": worker, "workforce": workforce.name, "jobs": jobs}

    def _job(self, reg: Registry, workforce: Workforce, name: str) -> LabelingJob:
        job = reg.jobs.get(name)
        if job is None or job.workteam.workforce is not workforce:
            raise PortalRefusal(404, f"No labeling job {name} for workforce {workforce.name}.")
        return job

    # -------------------------------------------------------------------------------- pages
    def home(self, request: Any, reg: Registry, workforce: Workforce, base: str) -> Any:
        """Who are you, then your jobs."""
        from .labeling_workers import SIMULATED

        worker = request.args.get("worker", "").strip()
        if not worker:
            rows = []
            for team in self._teams(reg, workforce):
                for name in team.member_names(reg.account):
                    note = " (simulated: the local SageMaker works as this annotator)" if name in SIMULATED else ""
                    link = f"{base}/?" + urllib.parse.urlencode({"worker": name})
                    rows.append(
                        f"<tr><td>{html.escape(team.name)}</td><td><a href='{html.escape(link)}'>"
                        f"{html.escape(name)}</a>{note}</td></tr>"
                    )
            table = "<table><tr><th>Work team</th><th>Worker</th></tr>" + "".join(rows) + "</table>"
            body = (
                _banner(workforce, "There is no sign-in here: choose who you are.")
                + "<h1>Labeling tasks</h1><p>Members of this workforce's work teams (users of their Cognito groups):</p>"
                + (table if rows else "<p>No work teams yet.</p>")
            )
            return _page("Worker portal (local)", body)
        listing = self.jobs(reg, workforce, worker, base)
        rows = "".join(
            f"<tr><td>{html.escape(j['title'])}<br><small>{html.escape(j['job'])}</small></td>"
            f"<td>{html.escape(j['description'])}</td><td>{j['available']}</td>"
            f"<td>{'<a href=' + chr(39) + html.escape(j['next']) + chr(39) + '>Start working</a>' if j['available'] else ''}</td></tr>"
            for j in listing["jobs"]
        )
        body = (
            _banner(workforce, f"Signed in as <b>{html.escape(worker)}</b>. <a href='{base}/'>Not you?</a>")
            + "<h1>Jobs</h1><table><tr><th>Job</th><th>Description</th><th>Tasks for you</th><th></th></tr>"
            + (rows or "<tr><td colspan='4'>No jobs in progress for you.</td></tr>")
            + "</table>"
        )
        return _page("Worker portal (local)", body)

    def next(self, request: Any, reg: Registry, workforce: Workforce, job_name: str, base: str) -> Any:
        """Accept the worker's next task of a job and go to it."""
        worker = self.worker(request)
        job = self._job(reg, workforce, job_name)
        member = job.workteam.member(reg.account, worker)
        if member is None:
            raise PortalRefusal(403, f"{worker} is not a member of work team {job.workteam.name}.")
        assignment = job.next_assignment(member)
        if assignment is None:
            if _wants_json(request):
                return _response(204, b"", "application/json")
            body = _banner(workforce) + (
                f"<p>No task of job {html.escape(job.name)} is left for you ({job.status}). "
                f"<a href='{base}/?{urllib.parse.urlencode({'worker': worker})}'>Back to your jobs</a></p>"
            )
            return _page("No more tasks", body)
        return _response(303, b"", "text/plain", {"Location": f"{base}/tasks/{assignment.id}"})

    def _find(self, reg: Registry, workforce: Workforce, assignment_id: str) -> tuple[LabelingJob, Any, Any]:
        for job in list(reg.jobs.values()):
            if job.workteam.workforce is workforce:
                found = job.assignment(assignment_id)
                if found:
                    return job, found[0], found[1]
        raise PortalRefusal(404, f"No task {assignment_id} in workforce {workforce.name}.")

    def task_page(self, reg: Registry, workforce: Workforce, assignment_id: str, base: str) -> Any:
        """The task: the worker task template rendered for its data object, with the local crowd elements."""
        from helpers.labeling import render_template

        job, obj, held = self._find(reg, workforce, assignment_id)
        rendered = _CROWD_SCRIPT.sub(SHIM_PATH, render_template(job.template, obj.task_input))
        task = job.request["HumanTaskConfig"]
        info = {
            "job": job.name,
            "assignmentId": held.id,
            "worker": held.member.username,
            "submitUrl": f"{base}/tasks/{held.id}/submit",
            "timeLimitSeconds": job.time_limit_s,
            "acceptanceTime": held.accepted.isoformat() + "Z",
        }
        home = f"{base}/?" + urllib.parse.urlencode({"worker": held.member.username})
        state = "already submitted" if held.submitted else f"submit within {job.time_limit_s} s of accepting it"
        banner = _banner(
            workforce,
            "The crowd-* elements on this page come from a small local stand-in for AWS's crowd-html-elements.js, "
            f"which cannot be fetched here. Job <b>{html.escape(job.name)}</b>, task {obj.index + 1} of "
            f"{len(job.objects)}, worker <b>{html.escape(held.member.username)}</b>: {state}. "
            f"<a href='{html.escape(home)}'>Your jobs</a>",
        )
        data = json.dumps(info).replace("</", "<\\/")
        body = (
            f"{banner}<h1>{html.escape(task['TaskTitle'])}</h1><p>{html.escape(task['TaskDescription'])}</p>\n"
            f"<!-- worker task template -->\n{rendered}\n<!-- end of worker task template -->"
        )
        head = f'<script type="application/json" id="workshop-task">{data}</script>'
        return _page(f"{task['TaskTitle']} (local worker portal)", body, head=head)

    def submit(self, request: Any, reg: Registry, workforce: Workforce, assignment_id: str, base: str) -> Any:
        """Take a worker's answer (the crowd-form's JSON)."""
        job, _, held = self._find(reg, workforce, assignment_id)
        try:
            payload = json.loads(request.get_data() or b"{}")
        except ValueError:
            raise PortalRefusal(400, 'The answer must be JSON: {"answerContent": {...}}.') from None
        if not isinstance(payload, dict) or "answerContent" not in payload:
            raise PortalRefusal(400, "The answer must be JSON with answerContent (the crowd-form's output).")
        spent = payload.get("timeSpentInSeconds")
        if spent is not None and not isinstance(spent, int | float):
            raise PortalRefusal(400, "timeSpentInSeconds must be a number.")
        job.submit(assignment_id, payload["answerContent"], spent)
        worker = held.member.username
        following = f"{base}/jobs/{urllib.parse.quote(job.name)}/next?" + urllib.parse.urlencode({"worker": worker})
        return _json(200, {"status": "submitted", "job": job.name, "assignmentId": assignment_id, "next": following})


def _wants_json(request: Any) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _refusal(request: Any, status: int, message: str) -> Any:
    if request.method == "POST" or _wants_json(request) or request.path.endswith(".json"):
        return _json(status, {"message": message})
    return _page("Worker portal (local)", f"<p>{html.escape(message)}</p>", status=status)
