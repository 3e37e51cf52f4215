"""Student routes: who I am, my assignments with my scores so far, my own submissions. A
student's token only ever reaches the student's own rows."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.api.deps import CurrentStudent, SessionDep
from service.courses import progress
from service.courses.schemas import AssignmentProgress, CourseRef, MeOut, SubmissionOut

router = APIRouter(prefix="/api/me", tags=["students"])


@router.get("", response_model=MeOut)
def me(student: CurrentStudent) -> MeOut:
    return MeOut(student_id=student.student_id, name=student.name, email=student.email, section=student.section,
                 course=CourseRef(id=student.course.id, name=student.course.name))


@router.get("/assignments", response_model=list[AssignmentProgress])
def my_assignments(student: CurrentStudent, session: SessionDep) -> list[AssignmentProgress]:
    return progress.progress(session, student)


@router.get("/submissions", response_model=list[SubmissionOut])
def my_submissions(
    student: CurrentStudent,
    session: SessionDep,
    problem: Annotated[str | None, Query(max_length=100)] = None,
    assignment: Annotated[str | None, Query(max_length=50)] = None,
) -> list[SubmissionOut]:
    rows = progress.own_submissions(session, student, problem_id=problem, slug=assignment)
    return [progress.submission_out(r) for r in rows]
