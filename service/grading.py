"""Grade a submission and keep it: the one place routes and the CLI come to for grading."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from graders.grade import grade
from graders.result import GradeResult
from problems.core import Problem, Variant
from service.db import writing
from service.models import Grading
from service.observability import record_grading


def grade_and_store(session: Session, problem: Problem, variant: Variant, answers: dict[str, Any]) -> GradeResult:
    result = grade(problem, variant, answers)
    session.add(
        Grading(
            problem_id=problem.id,
            variant=str(variant),
            answers=answers,
            result=result.to_dict(),
            score=result.score,
            max_score=result.max_score,
        )
    )
    # The student sees a result only once it is committed: an acknowledged grading is never lost.
    with writing(session):
        session.commit()
    record_grading(problem.id, result)  # /metrics: hwcheck_gradings_total{problem,status}
    return result
