"""Reading problems: the catalog, one variant's statement and params, and (for instructors)
the answer key."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from graders.grade import answer_key
from problems import registry
from problems.core import Problem, Variant, params_for
from problems.statement import render
from service.api.deps import InstructorDep, PrincipalDep, SessionDep
from service.api.variants import variant_query
from service.courses import progress
from service.courses.principals import as_student
from service.errors import problem_or_404
from service.schemas import AnswerKey, PartSummary, ProblemDetail, ProblemSummary

router = APIRouter(prefix="/api/problems", tags=["problems"])


ProblemDep = Annotated[Problem, Depends(problem_or_404)]
VariantDep = Annotated[Variant, Depends(variant_query)]


def _parts(problem: Problem) -> list[PartSummary]:
    return [PartSummary(id=p.id, kind=p.kind, prompt=p.prompt) for p in problem.parts]


@router.get("", response_model=list[ProblemSummary])
def list_problems() -> list[ProblemSummary]:
    return [
        ProblemSummary(id=p.id, title=p.title, family=p.family, parts=_parts(p),
                       source=str(registry.source_of(p.id)))
        for p in registry.PROBLEMS.values()
    ]


@router.get("/{problem_id}", response_model=ProblemDetail)
def show_problem(
    problem: ProblemDep,
    variant: VariantDep,
    session: SessionDep,
    principal: PrincipalDep,
    assignment: Annotated[str | None, Query(max_length=50, description=(
        "With a student token: show the student's own variant for this assignment (`variant` is then ignored)"
    ))] = None,
) -> ProblemDetail:
    if assignment is not None:
        variant = progress.own_variant(session, as_student(principal), problem.id, assignment)
    params = params_for(problem, variant)
    return ProblemDetail(
        id=problem.id,
        title=problem.title,
        statement=render(problem.statement, params),
        variant=variant,
        params=params,
        parts=_parts(problem),
    )


@router.get("/{problem_id}/answer-key", response_model=AnswerKey)
def show_answer_key(problem: ProblemDep, variant: VariantDep, _: InstructorDep) -> AnswerKey:
    return AnswerKey(problem_id=problem.id, variant=variant, answers=answer_key(problem, variant))
