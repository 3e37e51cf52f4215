"""Instructor pages that change a course's work: an assignment made from a template or from
scratch, edited, and one student's extension. The same models and course functions as the API
check everything (service/courses/); a refusal comes back on the form, next to its field."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from problems import registry
from service.api.deps import SessionDep
from service.courses import assignments, deadlines, roster
from service.courses.schemas import AssignmentIn, ExtensionIn
from service.courses.staff import Need
from service.errors import CourseworkError
from service.store.models import Assignment, Course
from service.web.forms import field_errors, local_input, utc_moment
from service.web.instructor import course_page_for
from service.web.pages import render_page
from service.web.refusals import PageRefused, shown_as_page, staff_course
from service.web.session import WebInstructor, checked_form

router = APIRouter(prefix="/instructor/courses/{course_id}", include_in_schema=False)



def _values_of(assignment: Assignment) -> dict[str, Any]:
    """An assignment as the form's values (percentages and UTC times as the inputs show them)."""
    return {
        "title": assignment.title, "slug": assignment.slug, "due_at": local_input(assignment.due_at),
        "late_policy": assignment.late_policy, "penalty_percent": f"{assignment.penalty_per_day * 100:g}",
        "accept_late_until": local_input(assignment.accept_late_until),
        "attempts_allowed": str(assignment.attempts_allowed or ""), "counts": assignment.counts,
        "randomized": assignment.randomized,
        "points": {p.problem_id: f"{p.points:g}" for p in assignment.problems},
    }


def _template_values(request: Request, template_id: str | None) -> dict[str, Any]:
    template = request.app.state.assignments.get(template_id) if template_id else None
    if template is None:
        return {"late_policy": "hard", "counts": "best", "randomized": True, "points": {}}
    return {"title": template.title, "slug": template.id, "late_policy": "hard", "counts": "best",
            "randomized": True, "points": {p.problem_id: f"{p.points:g}" for p in template.problems}}


def _form_page(request, instructor, course: Course, values, *, editing: str | None = None,
               errors: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    title = f"Edit {editing}" if editing else "New assignment"
    return render_page(
        request, "assignment_form.html", instructor, status_code=status_code, title=f"{title} — {course.name}",
        heading=title, course=course, values=values, errors=errors or {}, editing=editing,
        problems=_in_order(values["points"]), templates=request.app.state.assignments.values(),
    )


def _in_order(points: dict[str, str]) -> list:
    """The assignment's problems first, in its order (the form sends them back in this order:
    it is the assignment's), then every other problem of the catalog."""
    chosen = [registry.PROBLEMS[p] for p in points if p in registry.PROBLEMS]
    return chosen + [p for p in registry.PROBLEMS.values() if p.id not in points]


def _read(form) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """The form's values as typed (to show again), the model's input, and the errors found
    before the model sees it (a number that is not one)."""
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in (
        "title", "slug", "due_at", "late_policy", "penalty_percent", "accept_late_until", "attempts_allowed", "counts")}
    values["randomized"] = form.get("randomized") == "yes"
    values["points"] = {key.removeprefix("points."): str(value).strip()
                        for key, value in form.multi_items() if key.startswith("points.")}
    errors: dict[str, str] = {}
    problems = []
    for problem_id, text in values["points"].items():
        if not text:
            continue
        try:
            points = float(text)
        except ValueError:
            errors["problems"] = f"the points of {problem_id} are not a number: {text[:20]!r}"
            continue
        if points:  # 0 or blank: not in the assignment
            problems.append({"problem_id": problem_id, "points": points})
    try:
        penalty = float(values["penalty_percent"] or 0) / 100
    except ValueError:
        errors["penalty_percent"] = "the penalty is a percentage per day, such as 10"
        penalty = 0.0
    attempts: int | str | None = values["attempts_allowed"] or None
    if attempts is not None and attempts.isdigit():
        attempts = int(attempts)
    data = {
        "title": values["title"], "slug": values["slug"], "due_at": utc_moment(values["due_at"]),
        "late_policy": values["late_policy"] or "hard", "penalty_per_day": penalty,
        "accept_late_until": utc_moment(values["accept_late_until"]), "attempts_allowed": attempts,
        "counts": values["counts"] or "best", "randomized": values["randomized"],
        "problems": problems or None,
    }
    if not problems and "problems" not in errors:
        errors["problems"] = "give at least one problem some points"
    return values, data, errors


async def _save(request: Request, course_id: int, instructor, session, editing: str | None):
    form = await checked_form(request)
    course = staff_course(session, instructor, course_id, Need.MANAGE)
    values, data, errors = _read(form)
    try:
        spec = AssignmentIn.model_validate(data)
    except ValidationError as error:
        errors = field_errors(error, fields={"penalty_per_day": "penalty_percent"}) | errors
        spec = None
    if spec is not None and not errors:
        try:
            if editing is None:
                assignments.create_assignment(session, course, spec)
            else:
                assignments.update_assignment(session, course, editing, spec)
        except CourseworkError as error:
            if error.status_code == 404:
                raise PageRefused(error, instructor) from None
            errors["slug" if "already has" in error.detail else "problems"] = error.detail
    if errors:
        return _form_page(request, instructor, course, values, editing=editing, errors=errors, status_code=422)
    return RedirectResponse(f"/instructor/courses/{course.id}?saved={spec.slug}#assignment-{spec.slug}",
                            status_code=303)


@router.get("/assignments/new", response_class=HTMLResponse)
def new_assignment(request: Request, course_id: int, instructor: WebInstructor, session: SessionDep,
                   template: str | None = None):
    course = staff_course(session, instructor, course_id, Need.MANAGE)
    return _form_page(request, instructor, course, _template_values(request, template))


@router.post("/assignments", response_class=HTMLResponse)
async def create_assignment(request: Request, course_id: int, instructor: WebInstructor, session: SessionDep):
    return await _save(request, course_id, instructor, session, editing=None)


@router.get("/assignments/{slug}/edit", response_class=HTMLResponse)
def edit_assignment(request: Request, course_id: int, slug: str, instructor: WebInstructor, session: SessionDep):
    course = staff_course(session, instructor, course_id, Need.MANAGE)
    with shown_as_page(instructor):
        assignment = assignments.get_assignment(session, course, slug)
    return _form_page(request, instructor, course, _values_of(assignment), editing=assignment.slug)


@router.post("/assignments/{slug}", response_class=HTMLResponse)
async def update_assignment(request: Request, course_id: int, slug: str, instructor: WebInstructor,
                            session: SessionDep):
    return await _save(request, course_id, instructor, session, editing=slug)


@router.post("/extensions", response_class=HTMLResponse)
async def extend(request: Request, course_id: int, instructor: WebInstructor, session: SessionDep):
    """One student's own deadline for one assignment (owner, instructor or TA)."""
    form = await checked_form(request)
    course = staff_course(session, instructor, course_id, Need.GRADE)
    values = {name: str(form.get(name, "")).strip() for name in ("assignment", "student_id", "due_at")}
    errors: dict[str, str] = {}
    try:
        spec = ExtensionIn.model_validate({"student_id": values["student_id"], "due_at": utc_moment(values["due_at"])})
    except ValidationError as error:
        errors = field_errors(error)
    if not errors:
        try:
            assignment = assignments.get_assignment(session, course, values["assignment"])
        except CourseworkError as error:
            errors["assignment"] = error.detail
        try:
            student = roster.get_student(session, course, spec.student_id)
        except CourseworkError as error:
            errors["student_id"] = error.detail
    if errors:
        return course_page_for(request, instructor, session, course, status_code=422,
                               extension={"values": values, "errors": errors})
    deadline = deadlines.set_extension(session, assignment, student, spec.due_at)
    done = f"{student.name} ({student.student_id}) now has until {deadline.due_at:%Y-%m-%d %H:%M} UTC for {assignment.slug}."
    return course_page_for(request, instructor, session, course, extension={"values": {}, "errors": {}, "done": done})
