"""What grading returns: a verdict per part, and the problem's total."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

Status = Literal["correct", "partial", "incorrect", "invalid", "missing"]


@dataclass(frozen=True)
class Verdict:
    """One part's judgement, before weighting: `credit` is the fraction of the part earned."""

    status: Status
    credit: float
    feedback: str


def correct(feedback: str = "Correct.") -> Verdict:
    return Verdict("correct", 1.0, feedback)


def incorrect(feedback: str) -> Verdict:
    return Verdict("incorrect", 0.0, feedback)


def partial(credit: float, feedback: str) -> Verdict:
    if credit >= 1.0:
        return Verdict("correct", 1.0, feedback)
    if credit <= 0.0:
        return Verdict("incorrect", 0.0, feedback)
    return Verdict("partial", credit, feedback)


MISSING = Verdict("missing", 0.0, "No answer was given for this part.")


@dataclass(frozen=True)
class PartResult:
    id: str
    status: Status
    score: float
    max_score: float
    feedback: str


@dataclass(frozen=True)
class GradeResult:
    problem_id: str
    variant: Any
    score: float
    max_score: float
    parts: list[PartResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        # Spelled out, not `dataclasses.asdict`: that deep-copies every value on its way and
        # was a tenth of a practice request's CPU in the HTTP bench; every field here is
        # already a plain str, float or int.
        return {
            "problem_id": self.problem_id, "variant": self.variant, "score": self.score,
            "max_score": self.max_score,
            "parts": [{"id": p.id, "status": p.status, "score": p.score, "max_score": p.max_score,
                       "feedback": p.feedback} for p in self.parts],
        }

    @cached_property
    def as_json(self) -> str:
        """`to_dict` as the API sends it: compact UTF-8 JSON, the very text the response model
        (service.schemas.GradeResponse) would serialize — tests/graders/test_result.py checks it
        for every problem —, without validating again what was just built. Made once: a
        practice grading's stored row holds this same text (service/grading.py)."""
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)
