"""Instructor routes: courses, their staff, rosters (tokens shown once), assignments, extensions,
every student's submissions, variants and answer keys, and score overrides. Every route here needs
an instructor's token (router-wide, so a new route cannot forget it), and every course-scoped one
takes its course through a role dependency of service/api/deps.py: ViewedCourse, GradedCourse,
ManagedCourse or StaffedCourse."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError

from service.api.clock import NowDep
from service.api.deps import (
    GradedCourse,
    InstructorDep,
    ManagedCourse,
    SessionDep,
    StaffedCourse,
    ViewedCourse,
    require_instructor,
)
from service.api.problems import ProblemDep
from service.courses import assignments, deadlines, progress, roster, staff
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
    StaffIn,
    StaffOut,
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


def _course_out(course: Course, role: str | None) -> CourseOut:
    return CourseOut(id=course.id, name=course.name, created_at=course.created_at, role=role)


def _staff_out(member) -> StaffOut:
    return StaffOut(instructor_id=member.instructor_id, name=member.instructor.name,
                    email=member.instructor.email, role=member.role, added_at=member.created_at)


@router.post("", response_model=CourseOut, status_code=status.HTTP_201_CREATED)
def create_course(body: CourseIn, session: SessionDep, instructor: InstructorDep) -> CourseOut:
    """A new course, owned by whoever makes it."""
    course = roster.create_course(session, body.name)
    staff.make_owner(session, course, instructor)
    return _course_out(course, staff.role_in(session, instructor, course.id))


@router.get("", response_model=list[CourseOut])
def list_courses(session: SessionDep, instructor: InstructorDep) -> list[CourseOut]:
    """The courses you are staff of (a site admin: every course), with your role in each."""
    return [_course_out(c, role) for c, role in staff.visible_courses(session, instructor)]


@router.get("/{course_id}", response_model=CourseOut)
def show_course(course: ViewedCourse, session: SessionDep, instructor: InstructorDep) -> CourseOut:
    return _course_out(course, staff.role_in(session, instructor, course.id))


@router.get("/{course_id}/staff", response_model=list[StaffOut])
def list_staff(course: ViewedCourse, session: SessionDep) -> list[StaffOut]:
    return [_staff_out(m) for m in staff.list_staff(session, course)]


@router.post("/{course_id}/staff", response_model=StaffOut)
def add_staff(course: StaffedCourse, body: StaffIn, session: SessionDep) -> StaffOut:
    """Add an instructor by email with a role, or change the role of one already on the staff."""
    return _staff_out(staff.set_staff(session, course, staff.find_instructor(session, body.email), body.role))


@router.delete("/{course_id}/staff/{instructor_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_staff(course: StaffedCourse, instructor_id: int, session: SessionDep) -> None:
    """Take an instructor off the staff (never the last owner)."""
    staff.remove_staff(session, course, instructor_id)


@router.post("/{course_id}/roster", response_model=RosterResult, openapi_extra=_ROSTER_BODY)
def upload_roster(
    course: ManagedCourse,
    session: SessionDep,
    entries: Annotated[list[RosterEntry], Depends(roster_body)],
    rotate: Annotated[bool, Query(description="give every listed student who already has a token a new one")] = False,
) -> RosterResult:
    outcomes = roster.import_roster(session, course, entries, rotate=rotate)
    return RosterResult(course_id=course.id, students=[o.out() for o in outcomes])


@router.get("/{course_id}/students", response_model=list[StudentOut])
def list_students(course: ViewedCourse, session: SessionDep) -> list[StudentOut]:
    return [StudentOut(student_id=s.student_id, name=s.name, email=s.email, section=s.section)
            for s in roster.list_students(session, course)]


@router.post("/{course_id}/assignments", response_model=AssignmentOut, status_code=status.HTTP_201_CREATED)
def create_assignment(course: ManagedCourse, body: AssignmentIn, session: SessionDep, request: Request) -> AssignmentOut:
    templates = request.app.state.assignments
    return assignments.assignment_out(assignments.create_assignment(session, course, body, templates))


@router.put("/{course_id}/assignments/{slug}", response_model=AssignmentOut)
def update_assignment(
    course: ManagedCourse, slug: str, body: AssignmentIn, session: SessionDep, request: Request
) -> AssignmentOut:
    """Replace an assignment's settings and problems (its slug too, if the new one is free)."""
    templates = request.app.state.assignments
    return assignments.assignment_out(assignments.update_assignment(session, course, slug, body, templates))


@router.get("/{course_id}/assignments", response_model=list[AssignmentOut])
def list_assignments(course: ViewedCourse, session: SessionDep) -> list[AssignmentOut]:
    return [assignments.assignment_out(a) for a in assignments.list_assignments(session, course)]


@router.post("/{course_id}/assignments/{slug}/extensions", response_model=ExtensionOut)
def extend_deadline(course: GradedCourse, slug: str, body: ExtensionIn, session: SessionDep) -> ExtensionOut:
    assignment = assignments.get_assignment(session, course, slug)
    student = roster.get_student(session, course, body.student_id)
    deadline = deadlines.set_extension(session, assignment, student, body.due_at)
    return ExtensionOut(assignment=assignment.slug, student_id=student.student_id, due_at=deadline.due_at,
                        accept_late_until=deadline.accept_late_until)


@router.get("/{course_id}/submissions", response_model=list[SubmissionOut])
def list_submissions(
    course: ViewedCourse,
    session: SessionDep,
    student: Annotated[str | None, Query(max_length=100, description="the school's student id")] = None,
    problem: Annotated[str | None, Query(max_length=100)] = None,
    assignment: Annotated[str | None, Query(max_length=50)] = None,
) -> list[SubmissionOut]:
    rows = progress.list_submissions(session, course, student_id=student, problem_id=problem, slug=assignment)
    return [progress.submission_out(r) for r in rows]


@router.get("/{course_id}/students/{student_id}/assignments", response_model=list[AssignmentProgress])
def student_progress(course: ViewedCourse, student_id: str, session: SessionDep) -> list[AssignmentProgress]:
    return progress.progress(session, roster.get_student(session, course, student_id))


@router.get("/{course_id}/students/{student_id}/problems/{problem_id}", response_model=StudentProblemOut)
def student_problem(
    course: ViewedCourse,
    student_id: str,
    problem: ProblemDep,
    session: SessionDep,
    assignment: Annotated[str | None, Query(max_length=50)] = None,
) -> StudentProblemOut:
    return progress.student_problem(session, course, student_id, problem, assignment)


@submissions_router.post("/{submission_id}/override", response_model=SubmissionOut)
def override_score(
    submission_id: int, body: OverrideIn, session: SessionDep, instructor: InstructorDep, now: NowDep
) -> SubmissionOut:
    row = progress.override(session, instructor, submission_id, body.score, body.comment, now)
    return progress.submission_out(row)
