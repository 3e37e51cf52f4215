"""The homework sets: which problems each assignment holds and what each is worth."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel

from problems import registry
from service.courses.templates import Assignment

router = APIRouter(prefix="/api/assignments", tags=["assignments"])


class AssignedProblemOut(BaseModel):
    id: str
    title: str
    points: float


class AssignmentTemplateOut(BaseModel):
    id: str
    title: str
    points: float
    problems: list[AssignedProblemOut]


def _out(assignment: Assignment) -> AssignmentTemplateOut:
    return AssignmentTemplateOut(
        id=assignment.id,
        title=assignment.title,
        points=assignment.points,
        problems=[AssignedProblemOut(id=p.problem_id, title=registry.get(p.problem_id).title, points=p.points)
                  for p in assignment.problems],
    )


def get_assignment(assignment_id: str, request: Request) -> Assignment:
    try:
        return request.app.state.assignments[assignment_id]
    except KeyError:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"there is no assignment {assignment_id[:100]!r}; GET /api/assignments lists them") from None


@router.get("", response_model=list[AssignmentTemplateOut])
def list_assignments(request: Request) -> list[AssignmentTemplateOut]:
    return [_out(a) for a in request.app.state.assignments.values()]


@router.get("/{assignment_id}", response_model=AssignmentTemplateOut)
def show_assignment(assignment: Annotated[Assignment, Depends(get_assignment)]) -> AssignmentTemplateOut:
    return _out(assignment)
