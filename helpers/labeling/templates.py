"""Ground Truth custom worker task templates, rendered with Ground Truth's rules.

:func:`render_template` renders a worker task template with Ground Truth's rules: Liquid, every value HTML-escaped
unless told otherwise (``skip_autoescape``), and Ground Truth's filters ``escape``, ``escape_once``,
``skip_autoescape``, ``to_json`` and ``grant_read_access``. The local SageMaker renders tasks with it; notebooks
preview a template with :func:`preview_html` (the same, without the page's scripts). The task input is ``task.input``
in the template: the manifest line itself, or what a pre-annotation Lambda returned as ``taskInput``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any

CROWD_ELEMENTS_URL = "https://assets.crowd.aws/crowd-html-elements.js"


class TemplateError(ValueError):
    """A worker task template that Liquid cannot parse or render; the message names the line."""


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


def _without_scripts(fragment: str) -> str:
    """An HTML fragment without its ``<script>`` elements (an ipywidgets HTML widget shows markup only)."""
    return re.sub(r"(?is)<script\b.*?</script>", "", fragment) or html.escape("(empty task)")
