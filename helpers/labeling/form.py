"""An ipywidgets form for one task of the local worker portal (local mode only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .portal import FormField, PortalError, Task, radio_answer, submit_answer
from .templates import _without_scripts


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
