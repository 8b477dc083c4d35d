"""Human-in-the-loop instruction data for notebook 06: drafts to review, the labeling job's answers, consolidation,
agreement between annotators, and the rows of a fine-tuning set.

* :func:`review_tasks` and :func:`draft_briefs`: the conversations to review (the summary prompts of
  ``data/labeling/prompts.jsonl``) and a model's draft brief for each; :func:`write_manifest` writes them as a
  Ground Truth input manifest (``source`` = the transcript, ``draft``, ``id``).
* :func:`wait_for_labeling_job` and :func:`job_answers`: a labeling job's status, and each worker's answer read from
  its output (``output.manifest``, then the worker-response file each line points to, or the answers a pass-through
  consolidation put in the label).
* :func:`collect_answers`: the answers of the job, and, for objects it did not label (or for all of them where
  Ground Truth could not be used: :func:`ground_truth_unavailable`), the **shipped annotations**
  (``data/labeling/simulated_annotators.jsonl``, :func:`shipped_answers`), each row saying where it came from.
* :func:`consolidate`, :func:`agreement`, :func:`plot_agreement`: one correction per object by a rule the notebook
  shows, and how much two annotators agree (ROUGE-L between their corrections, their ratings of the draft).
* :func:`channel_rows` and :func:`merge_instruction_rows`: the rows a training job trained on, and the fine-tuning
  set: reviewed briefs plus conversations of the base instruction data.

One module per job: :mod:`~helpers.human_loop.tasks`, :mod:`~helpers.human_loop.answers`,
:mod:`~helpers.human_loop.consolidation` and :mod:`~helpers.human_loop.training_rows`.
``from helpers import human_loop`` (or ``from helpers.human_loop import ...``) gives every name below.
"""

from .answers import (
    ANSWER_COLUMNS,
    GROUND_TRUTH_NOTICE,
    RUNNING,
    SHIPPED,
    collect_answers,
    ground_truth_unavailable,
    job_answers,
    parse_answer,
    quality_hints,
    rating,
    shipped_answers,
    wait_for_labeling_job,
)
from .consolidation import agreement, agreement_summary, consolidate, plot_agreement
from .tasks import draft_briefs, endpoint_in_service, practice_task, review_tasks, write_manifest
from .training_rows import channel_rows, merge_instruction_rows

__all__ = [
    "ANSWER_COLUMNS",
    "GROUND_TRUTH_NOTICE",
    "RUNNING",
    "SHIPPED",
    "agreement",
    "agreement_summary",
    "channel_rows",
    "collect_answers",
    "consolidate",
    "draft_briefs",
    "endpoint_in_service",
    "ground_truth_unavailable",
    "job_answers",
    "merge_instruction_rows",
    "parse_answer",
    "plot_agreement",
    "practice_task",
    "quality_hints",
    "rating",
    "review_tasks",
    "shipped_answers",
    "wait_for_labeling_job",
    "write_manifest",
]
