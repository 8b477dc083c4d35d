"""Prompt templates for Naxt's two use cases, in the form fmeval expects.

A template is one string with the placeholder ``$model_input`` exactly once (fmeval's ``PromptComposer`` fills
it with :class:`string.Template`); any other ``$`` is written ``$$`` (better: write amounts as ``USD`` in
instructions). The model input is
the transcript for summaries and, for the chatbot, the question with or without retrieved policy passages
(:func:`chatbot_input`), so a saved template plus its model input reproduces the exact prompt.

Each use case has three iterations, in the order notebook 00 tries them (``STEPS``):

* summary: ``zero_shot`` -> ``format`` (instructions and the advisor-brief format) -> ``tone``;
* chatbot: ``zero_shot`` -> ``retrieval`` (answer from retrieved passages) -> ``retrieval_tone`` (Naxt's tone).
"""

from __future__ import annotations

from collections.abc import Sequence
from string import Template
from typing import TYPE_CHECKING

from .monitoring_job.naxt_checks import parse_chatbot_input  # the inverse of chatbot_input, used by the checks

if TYPE_CHECKING:  # only for type hints: prompts does not need scikit-learn
    from .retrieval import Passage

__all__ = [
    "PLACEHOLDER",
    "TEMPLATES",
    "STEPS",
    "BRIEF_FORMAT",
    "template",
    "validate",
    "render",
    "chatbot_input",
    "parse_chatbot_input",
    "model_inputs",
    "uses_passages",
    "template_uses_passages",
    "build_prompts",
]

PLACEHOLDER = "$model_input"

BRIEF_FORMAT = (
    "Situation: <the client's situation>. Requests: <what the client asked for>. Decisions: <what was agreed>. "
    "Action items: <owner> — <task> by <Month D>; <owner> — <task> by <Month D>. "
    "Next step: <call|meeting|email check-in> on <Month D> to <purpose>."
)

_SUMMARY_INSTRUCTIONS = (
    "You write advisor briefs for Naxt Corp. investment advisors.\n"
    "Summarize the client conversation below as one paragraph of at most 120 words, in exactly this format:\n"
    f"{BRIEF_FORMAT}\n"
    "Use only facts stated in the conversation. Copy names, amounts and dates exactly as written. "
    "List every action item with its owner and due date."
)

_SUMMARY_TONE = (
    "Write in Naxt's professional tone: neutral, factual and concise, in the third person. "
    "No greeting, no opinion, no advice beyond what was agreed; leave out small talk."
)

_CHATBOT_RETRIEVAL = (
    "You answer Naxt Corp. employees' questions about internal processes.\n"
    "Answer using only the policy passages below. If they do not answer the question, say so."
)

_CHATBOT_TONE = (
    "You are the Naxt Corp. internal help assistant. Answer the employee's question using only the policy "
    "passages below.\n"
    "Be polite, warm and professional, and brief: two or three sentences, under 50 words. Start with the answer "
    "and give the concrete steps, systems, approvers and timings from the passages.\n"
    "If no passage answers the question, do not guess: say politely that no Naxt policy covers it and suggest "
    "contacting the IT Service Desk through NaxtHelp or on ext. 4357."
)

TEMPLATES: dict[str, dict[str, str]] = {
    "summary": {
        "zero_shot": "Summarize this conversation.\n\n$model_input",
        "format": f"{_SUMMARY_INSTRUCTIONS}\n\nConversation:\n$model_input\n\nAdvisor brief:",
        "tone": f"{_SUMMARY_INSTRUCTIONS}\n{_SUMMARY_TONE}\n\nConversation:\n$model_input\n\nAdvisor brief:",
    },
    "chatbot": {
        "zero_shot": "Answer this question from a Naxt Corp. employee.\n\n$model_input",
        "retrieval": f"{_CHATBOT_RETRIEVAL}\n\n$model_input\n\nAnswer:",
        "retrieval_tone": f"{_CHATBOT_TONE}\n\n$model_input\n\nAnswer:",
    },
}
STEPS: dict[str, list[str]] = {use_case: list(steps) for use_case, steps in TEMPLATES.items()}


def template(use_case: str, step: str) -> str:
    """The template of one iteration, e.g. ``template("summary", "format")``."""
    if use_case not in TEMPLATES:
        raise ValueError(f"Unknown use case {use_case!r}; use one of: {', '.join(TEMPLATES)}.")
    if step not in TEMPLATES[use_case]:
        raise ValueError(f"Unknown step {step!r} for {use_case}; use one of: {', '.join(TEMPLATES[use_case])}.")
    return TEMPLATES[use_case][step]


def uses_passages(use_case: str, step: str) -> bool:
    """Whether this iteration's model input includes retrieved policy passages."""
    return use_case == "chatbot" and template_uses_passages(template(use_case, step))


def template_uses_passages(prompt_template: str) -> bool:
    """Whether a chatbot template expects retrieved policy passages in ``$model_input``: it mentions them."""
    return "passage" in prompt_template.lower()


def validate(prompt_template: str, name: str = "prompt template") -> str:
    """Check that a template fits fmeval: ``$model_input`` exactly once, any other ``$`` written as ``$$`` (fmeval's
    composer reads ``$name`` as a placeholder); returns it unchanged. The one template check of the workshop
    (``helpers.evaluation.check_template`` is this function); ``name`` says which template in the errors."""
    if not isinstance(prompt_template, str) or not prompt_template.strip():
        raise ValueError(f"The {name} is empty: it must be a string containing {PLACEHOLDER}.")
    parsed = Template(prompt_template)
    if not parsed.is_valid():
        raise ValueError(
            f"The {name} has a '$' that is not a placeholder (e.g. an amount like $2.4 million): write it as '$$'."
        )
    identifiers = parsed.get_identifiers()
    if identifiers != ["model_input"]:
        found = ", ".join(f"${i}" for i in identifiers) or "no placeholder"
        raise ValueError(
            f"The {name} must contain {PLACEHOLDER} exactly once, where the transcript or question goes "
            f"(found {found}). Without it, every record would get the same prompt."
        )
    if prompt_template.count(PLACEHOLDER) != 1:
        raise ValueError(f"The {name} contains {PLACEHOLDER} more than once; use it exactly once.")
    return prompt_template


def render(prompt_template: str, model_input: str) -> str:
    """The prompt: ``prompt_template`` with ``$model_input`` replaced, exactly as fmeval composes it."""
    validate(prompt_template)
    if not isinstance(model_input, str) or not model_input.strip():
        raise ValueError("render() needs a non-empty model_input: the transcript, or chatbot_input(question, ...).")
    return Template(prompt_template).substitute(model_input=model_input)


def chatbot_input(question: str, passages: Sequence[Passage] | None = None) -> str:
    """The chatbot's model input: the question, preceded by the numbered policy passages when there are any."""
    if not isinstance(question, str) or not question.strip():
        raise ValueError("chatbot_input() needs the employee's question as a non-empty string.")
    if not passages:
        return f"Question: {question.strip()}"
    blocks = [f"[{i}] {p.title} — {p.heading}\n{p.text}" for i, p in enumerate(passages, 1)]
    return "Policy passages:\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question.strip()}"


def model_inputs(use_case: str, step: str, inputs: Sequence[str], k: int = 3) -> list[str]:
    """What goes in ``$model_input`` for each of ``inputs``: the transcript (summary), or the question with the
    ``k`` best policy passages retrieved for it when the step uses passages (chatbot)."""
    template(use_case, step)  # validates the names
    if isinstance(inputs, str):
        raise TypeError("Pass a list of transcripts or questions, not one string: wrap it in [].")
    if use_case == "summary":
        return list(inputs)
    if uses_passages(use_case, step):
        from .retrieval import retrieve

        return [chatbot_input(q, retrieve(q, k)) for q in inputs]
    return [chatbot_input(q) for q in inputs]


def build_prompts(use_case: str, step: str, inputs: Sequence[str], k: int = 3) -> list[str]:
    """The prompts of one iteration: ``inputs`` are transcripts (summary) or questions (chatbot); for chatbot
    steps that use passages, the ``k`` best policy passages are retrieved for each question."""
    prompt_template = template(use_case, step)
    return [render(prompt_template, text) for text in model_inputs(use_case, step, inputs, k)]


for _use_case, _steps in TEMPLATES.items():  # fail at import, not in notebook 03, if a template is edited badly
    for _step, _text in _steps.items():
        validate(_text)
