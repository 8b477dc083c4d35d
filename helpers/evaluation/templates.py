"""Prompt templates per candidate: notebook 00's, zero-shot, few-shot (worked examples) and retrieval."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..prompts import template_uses_passages as uses_passages
from ..prompts import validate as check_template  # the one template check
from .data import USE_CASES

__all__ = [
    "PROMPT_KINDS",
    "candidate_prompt",
    "check_template",
    "few_shot_examples",
    "few_shot_template",
    "poc_templates",
    "uses_passages",
]


PROMPT_KINDS = ("poc", "zero_shot", "few_shot", "retrieval")


def few_shot_template(template: str, examples: Sequence[tuple[str, str]]) -> str:
    """Insert worked examples (input, reference output) into ``template`` just before the real input.

    The lead-in line before ``$model_input`` (e.g. ``Conversation:``) and the cue after it (e.g.
    ``Advisor brief:``) are repeated for each example, so the model sees the exact pattern to continue. Any ``$``
    in an example is escaped as ``$$`` (fmeval's composer reads ``$name`` as a placeholder).
    """
    check_template(template)
    if not examples:
        return template
    before, after = template.split("$model_input")
    cut = before.rfind("\n\n")
    instructions, lead = (before[:cut], before[cut + 2 :]) if cut != -1 else ("", before)
    cue = after.rstrip()

    def escape(text: str) -> str:
        return text.strip().replace("$", "$$")

    blocks = [f"{lead}{escape(text)}{cue} {escape(reference)}" for text, reference in examples]
    head = f"{instructions}\n\n" if instructions else ""
    return head + "\n\n".join(blocks) + "\n\n" + lead + "$model_input" + after


def few_shot_examples(n: int = 1) -> list[tuple[str, str]]:
    """The ``n`` shortest training conversations and their reference briefs (never an evaluation record)."""
    from .. import datasets

    train = datasets.load("conversations_train").sort_values(["word_count", "id"]).head(n)
    return list(zip(train.transcript, train.reference_summary, strict=True))


def poc_templates(saved: dict[str, Any]) -> dict[str, str]:
    """The prompt templates notebook 00 saved (``prompt_templates``), checked; a clear error when missing."""
    if not isinstance(saved, dict) or not all(u in saved for u in USE_CASES):
        raise ValueError(
            "The workshop state has no prompt_templates for both use cases: run notebook 00 first "
            "(it saves the PoC's templates with the quality bar)."
        )
    return {u: check_template(saved[u], f"notebook 00's {u} template") for u in USE_CASES}


def candidate_prompt(use_case: str, kind: str, poc: dict[str, str], examples: int = 1) -> tuple[str, str]:
    """(prompt template, input column) for a prompt ``kind``:

    * ``poc``: notebook 00's template (chatbot: with retrieved passages when the template asks for them);
    * ``zero_shot``: the bare question or "Summarize this conversation" (``helpers.prompts``), no passages;
    * ``few_shot`` (summary): notebook 00's template plus ``examples`` worked examples from the training split;
    * ``retrieval`` (chatbot): notebook 00's template, or the retrieval-and-tone template, with passages.
    """
    from .. import prompts

    if kind not in PROMPT_KINDS:
        raise ValueError(f"Unknown prompt kind {kind!r}; use one of {', '.join(PROMPT_KINDS)}.")
    if use_case == "summary":
        if kind == "retrieval":
            raise ValueError("'retrieval' is a chatbot prompt; for summaries use poc, zero_shot or few_shot.")
        if kind == "zero_shot":
            return check_template(prompts.template("summary", "zero_shot")), "transcript"
        if kind == "few_shot":
            return check_template(few_shot_template(poc["summary"], few_shot_examples(examples))), "transcript"
        return poc["summary"], "transcript"
    if kind == "few_shot":
        raise ValueError("'few_shot' is a summary prompt; for the chatbot use poc, zero_shot or retrieval.")
    if kind == "zero_shot":
        return check_template(prompts.template("chatbot", "zero_shot")), "question_only"
    template = poc["chatbot"]
    if kind == "retrieval" and not uses_passages(template):
        template = prompts.template("chatbot", "retrieval_tone")
    return template, ("question_with_passages" if uses_passages(template) else "question_only")
