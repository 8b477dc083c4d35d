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

One module per job: :mod:`~helpers.labeling.templates`, :mod:`~helpers.labeling.portal` and
:mod:`~helpers.labeling.form`. ``from helpers import labeling`` gives every name below.
"""

from .form import labeling_form
from .portal import (
    LOCAL_HOSTS,
    FormField,
    PortalError,
    Task,
    list_jobs,
    next_task,
    parse_task_page,
    portal_url,
    radio_answer,
    submit_answer,
)
from .templates import (
    CROWD_ELEMENTS_URL,
    TemplateError,
    liquid_environment,
    parse_template,
    preview_html,
    render_template,
)

__all__ = [
    "CROWD_ELEMENTS_URL",
    "LOCAL_HOSTS",
    "FormField",
    "PortalError",
    "Task",
    "TemplateError",
    "labeling_form",
    "liquid_environment",
    "list_jobs",
    "next_task",
    "parse_task_page",
    "parse_template",
    "portal_url",
    "preview_html",
    "radio_answer",
    "render_template",
    "submit_answer",
]
