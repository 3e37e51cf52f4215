"""The course staff page: who is on the course's staff with which role (any staff member sees
it), and for owners the forms that add an instructor by email, change a role, or remove one."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from service.api.deps import SessionDep
from service.courses import staff
from service.courses.staff import ALLOWS, ROLES, Need
from service.errors import CourseworkError
from service.web.pages import render_page
from service.web.refusals import shown_as_page, staff_course
from service.web.session import WebInstructor, checked_form

router = APIRouter(prefix="/instructor/courses/{course_id}/staff", include_in_schema=False)


def _page(request, instructor, session, course, *, values=None, errors=None, done=None, status_code=200):
    return render_page(
        request, "staff.html", instructor, status_code=status_code, title=f"Staff — {course.name}",
        course=course, members=staff.list_staff(session, course), roles=ROLES, allows=ALLOWS,
        can=staff.allowed(session, instructor, course), values=values or {}, errors=errors or {}, done=done,
    )



@router.get("", response_class=HTMLResponse)
def staff_page(request: Request, course_id: int, instructor: WebInstructor, session: SessionDep):
    course = staff_course(session, instructor, course_id, Need.VIEW)
    return _page(request, instructor, session, course)


@router.post("", response_class=HTMLResponse)
async def set_staff(request: Request, course_id: int, instructor: WebInstructor, session: SessionDep):
    """Add an instructor by email with a role, or change the role of one on the staff."""
    form = await checked_form(request)
    course = staff_course(session, instructor, course_id, Need.STAFF)
    values = {"email": str(form.get("email", "")).strip()[:320], "role": str(form.get("role", ""))}
    errors = {}
    if not values["email"]:
        errors["email"] = "give the instructor's email"
    if values["role"] not in ROLES:
        errors["role"] = f"choose one of {', '.join(ROLES)}"
    if not errors:
        try:
            member = staff.set_staff(session, course, staff.find_instructor(session, values["email"]), values["role"])
        except CourseworkError as error:
            errors["role" if "owner" in error.detail else "email"] = error.detail
    if errors:
        return _page(request, instructor, session, course, values=values, errors=errors, status_code=422)
    return _page(request, instructor, session, course,
                 done=f"{member.instructor.name} ({member.instructor.email}) is now {member.role}.")


@router.post("/{instructor_id}/remove", response_class=HTMLResponse)
async def remove_staff(request: Request, course_id: int, instructor_id: int, instructor: WebInstructor,
                       session: SessionDep):
    await checked_form(request)
    course = staff_course(session, instructor, course_id, Need.STAFF)
    with shown_as_page(instructor):
        staff.remove_staff(session, course, instructor_id)
    return RedirectResponse(f"/instructor/courses/{course.id}/staff", status_code=303)
