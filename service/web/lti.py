"""LTI 1.3's browser steps (service/lti/launch.py does the checking): the OIDC login initiation
(`/lti/login`, GET or POST, as the platform chooses) and the launch (`POST /lti/launch`), which
signs the person in and sends them to their course. A refusal is a page naming the check that
failed, with its 4xx status; nothing is created by a refused launch."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from service.api.deps import SessionDep
from service.courses.staff import Need
from service.errors import CourseworkError
from service.lti import deep_linking, people, registration, roster
from service.lti.launch import LOGIN_SECONDS, accept_launch, begin_login
from service.lti.platforms import LtiRefusal
from service.ops.security import page_policy, posting_to
from service.store.models import Assignment, AssignmentProblem, Student
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
    target = _target(session, arrival)
    if launch.claim("message_type") == "LtiDeepLinkingRequest":
        offer = deep_linking.make_offer(session, launch, arrival.course.id, person)
        target = "/lti/deep-link?" + urlencode({"offer": offer})
    response = RedirectResponse(target, status_code=303)
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
    except CourseworkError as error:  # no LMS roster here, or the LMS failed (502)
        return course_page_for(request, instructor, session, course, status_code=error.status_code,
                               roster_error=error.detail)
    return course_page_for(request, instructor, session, course,
                           roster_warnings=[f"Read from the LMS: {synced.summary()}."])



@router.get("/lti/register")
def dynamic_registration(request: Request, session: SessionDep, invitation: str = "", openid_configuration: str = "",
                         registration_token: str | None = None):
    """LTI Dynamic Registration: the LMS opens this (a site admin's invitation in the URL)."""
    try:
        registered = registration.register(session, invitation, openid_configuration, registration_token,
                                           str(request.base_url))
    except LtiRefusal as refusal:
        session.rollback()
        return render_page(request, "error.html", None, status_code=refusal.status_code,
                           title="LTI registration refused", message=refusal.detail)
    return render_page(request, "lti_registered.html", None, title="hwcheck is registered",
                       platform=registered.platform, product=registered.product)


def _choices(session, course_id: int):
    from problems import registry
    from service.courses.assignments import list_assignments
    from service.store.models import Course

    shown = []
    for assignment in list_assignments(session, session.get(Course, course_id)):
        problems = [registry.get(p.problem_id) for p in assignment.problems]
        shown.append((assignment, [{"problem_id": p.id, "title": p.title} for p in problems]))
    return shown


@router.get("/lti/deep-link")
def deep_link_picker(request: Request, offer: str, instructor: WebInstructor, session: SessionDep):
    """What the LMS's new link should open: the course's assignments and their problems."""
    try:
        offered = deep_linking.read_offer(session, offer, instructor)
    except LtiRefusal as refusal:
        return _refused(request, refusal)
    course = staff_course(session, instructor, offered.course_id, Need.MANAGE)
    return render_page(request, "deep_link.html", instructor, title="Add hwcheck to the LMS", course=course,
                       offer=offer, choices=_choices(session, course.id))


@router.post("/lti/deep-link")
async def deep_link_chosen(request: Request, instructor: WebInstructor, session: SessionDep):
    """The chosen link, handed to the LMS: a page whose form posts the signed answer back to it."""
    form = await checked_form(request)
    try:
        offered = deep_linking.read_offer(session, str(form.get("offer", "")), instructor)
    except LtiRefusal as refusal:
        return _refused(request, refusal)
    course = staff_course(session, instructor, offered.course_id, Need.MANAGE)
    slug, _, problem = str(form.get("choice", "")).partition("/")
    assignment = session.scalar(select(Assignment).where(Assignment.course_id == course.id, Assignment.slug == slug))
    if assignment is None or (problem and session.get(AssignmentProblem, (assignment.id, problem)) is None):
        return render_page(request, "deep_link.html", instructor, status_code=422, title="Add hwcheck to the LMS",
                           course=course, offer=str(form["offer"]), choices=_choices(session, course.id),
                           error="Choose one of the assignments (or one of their problems).")
    item = deep_linking.content_item(assignment, problem or None, str(request.url_for("lti_launch")))
    page = render_page(request, "deep_link_return.html", instructor, title="Back to the LMS",
                       return_url=offered.return_url, item_title=item["title"],
                       jwt=deep_linking.response_token(session, offered, [item]))
    # This one form goes to the LMS: the pages' policy otherwise lets forms post to hwcheck only.
    page.headers["Content-Security-Policy"] = posting_to(page_policy(request.app.state.settings),
                                                         offered.return_origin)
    return page
