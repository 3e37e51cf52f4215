"""Instructor routes: courses, rosters (tokens shown once), assignments, extensions, every
student's submissions, variants and answer keys, and score overrides. Every route here needs an
instructor's token (router-wide, so a new route cannot forget it)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError

from service.api.clock import NowDep
from service.api.deps import SessionDep, require_instructor
from service.api.problems import ProblemDep
from service.courses import assignments, deadlines, progress, roster
from service.courses.schemas import (
    AssignmentIn,
    AssignmentOut,
    AssignmentProgress,
    CourseIn,
    CourseOut,
    ExtensionIn,
    ExtensionOut,
    OverrideIn,
    RosterEntry,
    RosterResult,
    StudentOut,
    StudentProblemOut,
    SubmissionOut,
)
from service.errors import unprocessable
from service.store.models import Course

router = APIRouter(prefix="/api/courses", tags=["courses (instructors)"], dependencies=[Depends(require_instructor)])
submissions_router = APIRouter(
    prefix="/api/submissions", tags=["courses (instructors)"], dependencies=[Depends(require_instructor)]
)


def course_by_id(course_id: int, session: SessionDep) -> Course:
    return roster.get_course(session, course_id)


CourseDep = Annotated[Course, Depends(course_by_id)]
_ROSTER = TypeAdapter(list[RosterEntry])


async def roster_body(request: Request) -> list[RosterEntry]:
    """A roster as JSON (a list of students) or as CSV (Content-Type: text/csv, a header row)."""
    content_type = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    raw = await request.body()
    if content_type in ("text/csv", "application/csv"):
        try:
            return roster.parse_roster_csv(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise unprocessable("the roster CSV is not UTF-8 text") from None
    if content_type != "application/json":
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                            "send the roster as application/json (a list of students) or as text/csv")
    try:
        return _ROSTER.validate_python(json.loads(raw))
    except json.JSONDecodeError as error:
        raise unprocessable(f"the roster is not JSON: {error}") from None
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False, include_context=False)]
        ) from None


_ROSTER_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "array", "items": RosterEntry.model_json_schema()}},
            "text/csv": {"schema": {"type": "string", "description": "header row: student_id,name,email,section"}},
        },
    }
}


def _course_out(course: Course) -> CourseOut:
    return CourseOut(id=course.id, name=course.name, created_at=course.created_at)


@router.post("", response_model=CourseOut, status_code=status.HTTP_201_CREATED)
def create_course(body: CourseIn, session: SessionDep) -> CourseOut:
    return _course_out(roster.create_course(session, body.name))


@router.get("", response_model=list[CourseOut])
def list_courses(session: SessionDep) -> list[CourseOut]:
    return [_course_out(c) for c in roster.list_courses(session)]


@router.get("/{course_id}", response_model=CourseOut)
def show_course(course: CourseDep) -> CourseOut:
    return _course_out(course)


@router.post("/{course_id}/roster", response_model=RosterResult, openapi_extra=_ROSTER_BODY)
def upload_roster(
    course: CourseDep,
    session: SessionDep,
    entries: Annotated[list[RosterEntry], Depends(roster_body)],
    rotate: Annotated[bool, Query(description="give every listed student who already has a token a new one")] = False,
) -> RosterResult:
    outcomes = roster.import_roster(session, course, entries, rotate=rotate)
    return RosterResult(course_id=course.id, students=[o.out() for o in outcomes])


@router.get("/{course_id}/students", response_model=list[StudentOut])
def list_students(course: CourseDep, session: SessionDep) -> list[StudentOut]:
    return [StudentOut(student_id=s.student_id, name=s.name, email=s.email, section=s.section)
            for s in roster.list_students(session, course)]


@router.post("/{course_id}/assignments", response_model=AssignmentOut, status_code=status.HTTP_201_CREATED)
def create_assignment(course: CourseDep, body: AssignmentIn, session: SessionDep, request: Request) -> AssignmentOut:
    templates = request.app.state.assignments
    return assignments.assignment_out(assignments.create_assignment(session, course, body, templates))


@router.get("/{course_id}/assignments", response_model=list[AssignmentOut])
def list_assignments(course: CourseDep, session: SessionDep) -> list[AssignmentOut]:
    return [assignments.assignment_out(a) for a in assignments.list_assignments(session, course)]


@router.post("/{course_id}/assignments/{slug}/extensions", response_model=ExtensionOut)
def extend_deadline(course: CourseDep, slug: str, body: ExtensionIn, session: SessionDep) -> ExtensionOut:
    assignment = assignments.get_assignment(session, course, slug)
    student = roster.get_student(session, course, body.student_id)
    deadline = deadlines.set_extension(session, assignment, student, body.due_at)
    return ExtensionOut(assignment=assignment.slug, student_id=student.student_id, due_at=deadline.due_at,
                        accept_late_until=deadline.accept_late_until)


@router.get("/{course_id}/submissions", response_model=list[SubmissionOut])
def list_submissions(
    course: CourseDep,
    session: SessionDep,
    student: Annotated[str | None, Query(max_length=100, description="the school's student id")] = None,
    problem: Annotated[str | None, Query(max_length=100)] = None,
    assignment: Annotated[str | None, Query(max_length=50)] = None,
) -> list[SubmissionOut]:
    rows = progress.list_submissions(session, course, student_id=student, problem_id=problem, slug=assignment)
    return [progress.submission_out(r) for r in rows]


@router.get("/{course_id}/students/{student_id}/assignments", response_model=list[AssignmentProgress])
def student_progress(course: CourseDep, student_id: str, session: SessionDep) -> list[AssignmentProgress]:
    return progress.progress(session, roster.get_student(session, course, student_id))


@router.get("/{course_id}/students/{student_id}/problems/{problem_id}", response_model=StudentProblemOut)
def student_problem(
    course: CourseDep,
    student_id: str,
    problem: ProblemDep,
    session: SessionDep,
    assignment: Annotated[str | None, Query(max_length=50)] = None,
) -> StudentProblemOut:
    return progress.student_problem(session, course, student_id, problem, assignment)


@submissions_router.post("/{submission_id}/override", response_model=SubmissionOut)
def override_score(submission_id: int, body: OverrideIn, session: SessionDep, now: NowDep) -> SubmissionOut:
    return progress.submission_out(progress.override(session, submission_id, body.score, body.comment, now))
