"""Grades one submission: each part read, compared by its kind, weighted and summed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graders.errors import AnswerError
from graders.kinds import array, boolean, number, property
from graders.kinds import set as set_kind
from graders.read import is_missing
from graders.result import MISSING, GradeResult, PartResult, Verdict
from problems.core import Problem, Variant, solution

KINDS = {
    "number": number.grade,
    "vector": array.grade,
    "matrix": array.grade,
    "set": set_kind.grade,
    "boolean": boolean.grade,
    "property": property.grade,
}


class UnknownParts(ValueError):
    def __init__(self, problem: Problem, unknown: list[str]):
        known = ", ".join(p.id for p in problem.parts)
        super().__init__(f"{problem.id} has no part {', '.join(map(repr, unknown))}; its parts are {known}")
        self.unknown = unknown


def grade_part(problem: Problem, part_id: str, raw: Any, variant: Variant) -> Verdict:
    part = problem.part(part_id)
    if is_missing(raw):
        return MISSING
    values = solution(problem, variant)
    try:
        return KINDS[part.kind](part, raw, values.get(part.id), values)
    except AnswerError as error:
        return Verdict("invalid", 0.0, error.message)


def grade(problem: Problem, variant: Variant, answers: Mapping[str, Any]) -> GradeResult:
    unknown = [key for key in answers if key not in {p.id for p in problem.parts}]
    if unknown:
        raise UnknownParts(problem, unknown)
    parts = []
    for part in problem.parts:
        verdict = grade_part(problem, part.id, answers.get(part.id), variant)
        parts.append(
            PartResult(part.id, verdict.status, round(verdict.credit * part.weight, 6), part.weight, verdict.feedback)
        )
    return GradeResult(
        problem_id=problem.id,
        variant=variant,
        score=round(sum(p.score for p in parts), 6),
        max_score=sum(p.max_score for p in parts),
        parts=parts,
    )
