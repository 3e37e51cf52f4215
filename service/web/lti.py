"""LTI 1.3's browser steps (service/lti/launch.py does the checking): the OIDC login initiation
(`/lti/login`, GET or POST, as the platform chooses) and the launch (`POST /lti/launch`), which
signs the person in and sends them to their course. A refusal is a page naming the check that
failed, with its 4xx status; nothing is created by a refused launch."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from service.api.deps import SessionDep
from service.courses.staff import Need
from service.errors import CourseworkError
from service.lti import people, roster
from service.lti.launch import LOGIN_SECONDS, accept_launch, begin_login
from service.lti.platforms import LtiRefusal
from service.lti.services import ServiceError
from service.store.models import Assignment, Student
from service.web.pages import render_page
from service.web.refusals import staff_course
from service.web.session import WebInstructor, checked_form, open_session_for, set_session

router = APIRouter(tags=["lti"], include_in_schema=False)

STATE_COOKIE = "hwcheck_lti_state"
_LOGIN_FIELDS = ("iss", "login_hint", "target_link_uri", "lti_message_hint", "client_id", "lti_deployment_id")


def _refused(request: Request, refusal: LtiRefusal):
    return render_page(request, "error.html", None, status_code=refusal.status_code,
                       title="LTI launch refused", message=refusal.detail)


@router.api_route("/lti/login", methods=["GET", "POST"], name="lti_login")
async def lti_login(request: Request, session: SessionDep):
    source = await request.form() if request.method == "POST" else request.query_params
    params = {name: str(source[name]) for name in _LOGIN_FIELDS if isinstance(source.get(name), str)}
    try:
        url, state = begin_login(session, params, str(request.url_for("lti_launch")))
    except LtiRefusal as refusal:
        return _refused(request, refusal)
    response = RedirectResponse(url, status_code=302)
    # The launch comes back as a cross-site POST from the platform: only a SameSite=None cookie
    # (Secure, so over HTTPS) travels with it; over plain HTTP, Lax is the closest a browser keeps.
    secure = request.url.scheme == "https"
    response.set_cookie(STATE_COOKIE, state, max_age=LOGIN_SECONDS, httponly=True, path="/lti",
                        samesite="none" if secure else "lax", secure=secure)
    return response


@router.post("/lti/launch", name="lti_launch")
async def lti_launch(request: Request, session: SessionDep):
    form = await request.form()
    fields = {name: value for name, value in form.items() if isinstance(value, str)}
    try:
        launch = accept_launch(session, fields, request.cookies.get(STATE_COOKIE))
        arrival = people.arrive(session, launch)
    except LtiRefusal as refusal:
        session.rollback()
        return _refused(request, refusal)
    person = arrival.person
    response = RedirectResponse(_target(session, arrival), status_code=303)
    # The state cookie stays until it expires: its login is used up, so a second post of the same
    # launch (a double click) is told so rather than that the browser is another.
    set_session(response, request, open_session_for(session, person.token_hash), embedded=True)
    return response


def _target(session, arrival: people.Arrival) -> str:
    """Where the person lands: what the link opens (a problem, an assignment), else their course."""
    student = isinstance(arrival.person, Student)
    link = arrival.link
    if link is None:
        return "/assignments" if student else f"/instructor/courses/{arrival.course.id}"
    assignment = session.get(Assignment, link.assignment_id)
    problem = link.problem_id or (assignment.problems[0].problem_id if assignment.problems else None)
    if student:
        return f"/assignments/{assignment.slug}/problems/{problem}" if link.problem_id else "/assignments"
    if problem is None:
        return f"/instructor/courses/{arrival.course.id}"
    return f"/instructor/courses/{arrival.course.id}/assignments/{assignment.slug}/problems/{problem}"



@router.post("/instructor/courses/{course_id}/lti/roster")
async def sync_roster(request: Request, course_id: int, instructor: WebInstructor, session: SessionDep):
    """The course page's "Read the roster from the LMS" button."""
    from service.web.instructor import course_page_for

    course = staff_course(session, instructor, course_id, Need.MANAGE)
    await checked_form(request)
    try:
        synced = roster.sync_roster(session, course)
    except CourseworkError as error:
        return course_page_for(request, instructor, session, course, status_code=error.status_code,
                               roster_error=error.detail)
    except ServiceError as error:
        return course_page_for(request, instructor, session, course, status_code=502,
                               roster_error=f"The LMS roster could not be read: {error}")
    return course_page_for(request, instructor, session, course,
                           roster_warnings=[f"Read from the LMS: {synced.summary()}."])
