"""Candidates: a model, the instance it is hosted and costed on, its prompt kind per use case."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .data import USE_CASES
from .templates import PROMPT_KINDS


@dataclass
class Candidate:
    """A model, the instance it is hosted (and costed) on, and the prompt kind per use case."""

    name: str
    model_id: str
    instance_type: str | None = None
    prompts: dict[str, str] = field(default_factory=lambda: {"summary": "poc", "chatbot": "poc"})

    @classmethod
    def from_dict(cls, spec: dict[str, Any]) -> Candidate:
        """From a parameters-cell dict: name, model_id, optional instance_type and prompts."""
        unknown = set(spec) - {"name", "model_id", "instance_type", "prompts"}
        if unknown or "name" not in spec or "model_id" not in spec:
            raise ValueError(
                f"A candidate is a dict with name, model_id, and optionally instance_type and prompts; got {spec}."
            )
        prompts_ = {"summary": "poc", "chatbot": "poc", **(spec.get("prompts") or {})}
        for use_case, kind in prompts_.items():
            if use_case not in USE_CASES or kind not in PROMPT_KINDS:
                raise ValueError(
                    f"Candidate {spec['name']}: prompts must map summary/chatbot to one of {PROMPT_KINDS}."
                )
        return cls(spec["name"], spec["model_id"], spec.get("instance_type"), prompts_)


def resolve_candidates(specs: Sequence[dict[str, Any]], session: Any) -> list[Candidate]:
    """Check every candidate against the JumpStart catalogue; fill in the catalogue's default instance type."""
    from ..endpoints import check_instance_type
    from ..jumpstart import check_model_id, describe_models

    candidates = [Candidate.from_dict(s) for s in specs]
    names = [c.name for c in candidates]
    if len(set(names)) != len(names):
        raise ValueError(f"Candidate names must be unique: {names}")
    for candidate in candidates:
        try:
            check_model_id(candidate.model_id, session)
        except ValueError as exc:
            raise ValueError(
                f"{exc} (The workshop-llm-* ids exist only in local mode; in aws mode list real JumpStart ids, "
                "e.g. meta-textgeneration-llama-3-2-1b-instruct, in CANDIDATES.)"
            ) from None
    facts = describe_models(sorted({c.model_id for c in candidates}), session).set_index("model_id")
    for candidate in candidates:
        candidate.instance_type = candidate.instance_type or facts.loc[candidate.model_id, "default_instance_type"]
        check_instance_type(candidate.model_id, candidate.instance_type, session)
    return candidates
