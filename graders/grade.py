"""Grades one submission: each part read, compared by its kind, weighted and summed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from graders import budget, worked_notation
from graders.carried import carry_forward
from graders.errors import AnswerError
from graders.kinds import KINDS
from graders.read import is_missing
from graders.result import MISSING, GradeResult, PartResult, Verdict
from problems.core import (
    Part,
    Problem,
    Values,
    Variant,
    as_arrays,
    params_for,
    reference,
    resolved,
    solution,
    to_json,
)


class UnknownParts(ValueError):
    def __init__(self, problem: Problem, unknown: list[str]):
        known = ", ".join(p.id for p in problem.parts)
        super().__init__(f"{problem.id} has no part {', '.join(map(repr, unknown))}; its parts are {known}")
        self.unknown = unknown


def judge(part: Part, raw: Any, reference: Any, values: Values) -> Verdict:
    """One part against one reference, by its kind; an unreadable answer is `invalid`."""
    if is_missing(raw):
        return MISSING
    note = ""
    # $…$, labels, left-hand sides, bare lists: as worked solutions write them
    raw, note = worked_notation.take(raw, part.kind, part.id, values)
    try:
        with budget.part_budget():
            verdict = KINDS[part.kind].grade(resolved(part, values), raw, reference, values)
    except AnswerError as error:
        return Verdict("invalid", 0.0, error.message)
    return replace(verdict, feedback=verdict.feedback + note) if note else verdict


def answer_key(problem: Problem, variant: Variant) -> dict[str, Any]:
    """What this grader takes as each part's right answer, as JSON (an expression part's is its
    expected expression; a property part's, one answer meeting its conditions)."""
    return to_json(reference(problem, variant))


def grade_part(problem: Problem, part_id: str, raw: Any, variant: Variant) -> Verdict:
    values = solution(problem, variant)
    return judge(problem.part(part_id), raw, values.get(part_id), values)


def grade(problem: Problem, variant: Variant, answers: Mapping[str, Any]) -> GradeResult:
    unknown = [key for key in answers if key not in {p.id for p in problem.parts}]
    if unknown:
        raise UnknownParts(problem, unknown)
    values = solution(problem, variant)
    verdicts = {part.id: judge(part, answers.get(part.id), values.get(part.id), values) for part in problem.parts}
    if any(v.status in ("incorrect", "partial") for v in verdicts.values()):
        verdicts = carry_forward(
            problem, verdicts, answers, values, as_arrays(params_for(problem, variant)),
            grade_against=lambda part, raw, reference: judge(part, raw, reference, values),
        )
    parts = []
    for part in problem.parts:
        verdict = verdicts[part.id]
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
