"""The simulated annotators of local mode: two workers that label in the local worker portal by themselves.

``data/labeling/simulated_annotators.jsonl`` holds two annotators' answers to the labeling prompts
(``annotator-a``: careful and slow; ``annotator-b``: fast and uneven), with the time each answer took. In local
mode they are members of every work team (Cognito users ``annotator-a`` and ``annotator-b`` in the team's groups)
and the local SageMaker drives them, one low-priority thread each, so that a notebook needs no mode branch. Each
works as a person does in the portal, through the same HTTP paths (:mod:`helpers.labeling`):

1. take the next task of a job ("Start working"): the portal gives a simulated annotator only tasks its data covers,
   matched by the task input's ``id`` (or ``prompt_id``) with the prompt ids, or by its ``source`` with a prompt's
   text or transcript;
2. read the form on the task page, and fill it: the first ``crowd-text-area`` gets the annotator's answer;
   a ``crowd-radio-group`` or ``crowd-slider`` gets a rating of the draft that the page shows as the text area's
   preset (the data holds no ratings: the annotator rates the draft by how much of it its answer keeps,
   5 for nearly all of it down to 1; the middle of the scale when the page shows no draft);
3. wait its recorded time, compressed (``WORKSHOP_LABELING_TIME_SCALE`` real seconds per recorded second, default
   0.002), then submit, reporting its recorded time as ``timeSpentInSeconds``.

Their worker metadata says that they are simulated (``workerMetadata.localSimulation``).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("helpers.local.labeling_workers")

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "labeling"
SIMULATED = {"annotator-a": "annotator-a", "annotator-b": "annotator-b"}  # Cognito username -> annotator id
NICENESS = 10
_LOCK = threading.Lock()
_THREADS: dict[str, threading.Thread] = {}
_WAKE: dict[str, threading.Event] = {}
_REGIONS: set[tuple[str, str]] = set()


@functools.cache
def _data() -> tuple[dict[str, dict[str, dict[str, Any]]], dict[str, str]]:
    """(prompt id -> annotator id -> answer row, prompt text or transcript -> prompt id)."""
    answers: dict[str, dict[str, dict[str, Any]]] = {}
    texts: dict[str, str] = {}
    try:
        for raw in (DATA_DIR / "simulated_annotators.jsonl").read_text().splitlines():
            row = json.loads(raw)
            answers.setdefault(row["prompt_id"], {})[row["annotator_id"]] = row
        for raw in (DATA_DIR / "prompts.jsonl").read_text().splitlines():
            prompt = json.loads(raw)
            for text in (prompt.get("context"), prompt.get("prompt")):
                if text and text.strip():
                    texts[text.strip()] = prompt["id"]
    except OSError:
        log.warning("no simulated annotator data in %s: the simulated annotators answer nothing", DATA_DIR)
    return answers, texts


def prompt_id(task_input: dict[str, Any]) -> str | None:
    """The labeling prompt a task is about: its ``id`` / ``prompt_id``, or the prompt whose text or transcript is
    its ``source``."""
    answers, texts = _data()
    for key in ("id", "prompt_id"):
        if isinstance(task_input.get(key), str) and task_input[key] in answers:
            return task_input[key]
    source = task_input.get("source")
    return texts.get(source.strip()) if isinstance(source, str) else None


def answer_row(annotator: str, task_input: dict[str, Any]) -> dict[str, Any] | None:
    """The annotator's recorded answer for this task, or None."""
    found = prompt_id(task_input)
    return _data()[0].get(found, {}).get(annotator) if found else None


def knows(annotator: str, task_input: dict[str, Any]) -> bool:
    """True when the annotator's data has an answer for this task."""
    return answer_row(annotator, task_input) is not None


def fill(task: Any, answer: str) -> dict[str, Any]:
    """The crowd-form output a simulated annotator gives on a task page (see the module's docstring)."""
    from helpers.human_loop import rating
    from helpers.labeling import radio_answer

    content: dict[str, Any] = {}
    areas = task.text_areas()
    draft = (areas[0].value or "") if areas else ""
    score = rating(draft, answer)
    for i, area in enumerate(areas):
        content[area.name] = answer if i == 0 else area.value or ""
    groups: dict[Any, list[Any]] = {}
    for button in task.radio_buttons():
        groups.setdefault(button.group, []).append(button)
    for buttons in groups.values():
        numeric = [b for b in buttons if (b.value or "").lstrip("-").isdigit()]
        if numeric:
            values = sorted(int(b.value) for b in numeric)
            target = values[0] + (score - 1) / 4 * (values[-1] - values[0])
            chosen = min(numeric, key=lambda b: abs(int(b.value) - target))
        else:
            chosen = buttons[min(len(buttons) - 1, round((score - 1) / 4 * (len(buttons) - 1)))]
        content.update(radio_answer(task, chosen.value or "on"))
    for item in task.fields:
        if item.element == "crowd-slider":
            lo, hi = float(item.attributes.get("min", 0)), float(item.attributes.get("max", 100))
            step = float(item.attributes.get("step", 1)) or 1.0
            value = lo + round((score - 1) / 4 * (hi - lo) / step) * step
            content[item.name] = int(value) if value.is_integer() else value
        elif item.element in ("crowd-input", "input", "textarea", "select") and item.name not in content:
            content[item.name] = item.value or ""
        elif item.element == "crowd-checkbox":
            content.setdefault(item.name, {})[item.value or "on"] = False
    return content


def simulation_note(held: Any) -> dict[str, Any]:
    """``workerMetadata.localSimulation`` of a simulated annotator's answer."""
    waited = (held.submitted - held.accepted).total_seconds() if held.submitted else None
    return {
        "simulated": True,
        "annotatorId": held.member.simulated,
        "data": "data/labeling/simulated_annotators.jsonl",
        "note": "timeSpentInSeconds is the annotator's recorded time; the local SageMaker ran the task in "
        f"{waited:.3f} s (WORKSHOP_LABELING_TIME_SCALE={_scale()})",
    }


def _scale() -> float:
    from .labeling import time_scale

    return time_scale()


# ------------------------------------------------------------------------------------------ membership and threads
def join(team: Any, account: str, region: str) -> None:
    """Make the simulated annotators members of ``team`` (Cognito users in its groups) and start their threads."""
    from moto.cognitoidp.models import cognitoidp_backends

    backend = cognitoidp_backends[account][region]
    for pool_id, group_name in team.groups():
        pool = backend.user_pools.get(pool_id)
        if pool is None:
            continue
        for username, annotator in SIMULATED.items():
            if username not in pool.users:
                attributes = [{"Name": "name", "Value": f"Simulated {annotator} (local SageMaker)"}]
                backend.admin_create_user(pool_id, username, "SUPPRESS", None, attributes)
            backend.admin_add_user_to_group(pool_id, group_name, username)
    with _LOCK:
        _REGIONS.add((account, region))
        for username in SIMULATED:
            if username not in _THREADS or not _THREADS[username].is_alive():
                _WAKE[username] = threading.Event()
                thread = threading.Thread(target=_work, args=(username,), name=f"simulated-{username}", daemon=True)
                _THREADS[username] = thread
                thread.start()
    wake()


def wake() -> None:
    """Tell the simulated annotators to look for work now (a job started)."""
    with _LOCK:
        for event in _WAKE.values():
            event.set()


def _lower_priority() -> None:
    try:  # Linux: a thread's own niceness
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, 0) + NICENESS)
    except (OSError, AttributeError):
        pass


def _work(username: str) -> None:
    """A simulated annotator's loop: look for tasks in every job of its teams, label them, repeat."""
    _lower_priority()
    while True:
        _WAKE[username].wait(timeout=0.5)
        _WAKE[username].clear()
        try:
            _work_once(username)
        except Exception:  # logged; the annotator carries on
            log.warning("simulated annotator %s failed on a task", username, exc_info=True)
            time.sleep(1.0)


def _work_once(username: str) -> None:
    from helpers.labeling import next_task, portal_url, submit_answer

    from .labeling import registry_for, time_scale

    with _LOCK:
        regions = sorted(_REGIONS)
    for account, region in regions:
        reg = registry_for(region, account)
        for job in list(reg.jobs.values()) if reg else []:
            member = job.workteam.member(account, username) if job.status == "InProgress" else None
            if member is None or not job.available(member):
                continue
            portal = portal_url(job.workteam.workforce.subdomain)
            while job.status == "InProgress":
                task = next_task(portal, job.name, username)
                if task is None:
                    break
                found = job.assignment(task.assignment_id)
                row = answer_row(SIMULATED[username], found[0].task_input) if found else None
                if row is None:  # not ours to answer (the portal only gives covered tasks): leave it to expire
                    break
                time.sleep(float(row["time_spent_s"]) * time_scale())
                submit_answer(task, fill(task, row["answer"]), time_spent_s=float(row["time_spent_s"]))
