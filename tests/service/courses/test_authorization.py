"""Who may do what: every route of /openapi.json and every web page × every role, with the expected
status in each cell; and what a student's responses may never contain (another student's work or
variant, any answer key).

The world: course 1 (CS 182) with students A and B, owned by owner_1, with ta_1 and viewer_1 on its
staff; course 2 (CS 189) with student C, owned by owner_2; the site admin (the
HWCHECK_INSTRUCTOR_TOKEN); a forged token. owner_1 ran batch job 1 for course 1; owner_2 ran job 2
with no course."""

import hashlib
import hmac
import json
import re

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from service_helpers import DUE, START, Clock, bearer, fresh_settings, make_course

from problems import registry
from problems.core import reference, to_json
from service.app import create_app
from service.batch import jobs as batch_jobs
from service.web.session import CSRF_COOKIE, SESSION_COOKIE, open_session

ADMIN_TOKEN = "instructor-token-of-the-matrix"
ROLES = ("anonymous", "student_a", "student_b", "student_c", "owner_1", "owner_2", "ta_1", "viewer_1",
         "admin", "forged")
STUDENTS = ("student_a", "student_b", "student_c")
WRONG = {"L": 12345, "singular_values": [12345, 54321]}  # far from any variant's answer
LOGIN = "login"  # a page's expected answer: 303 to /login


def staff_may(ok: int | str, *, owner=True, ta=True, viewer=True, other_owner: int | str = 404,
              admin=True, students: int | str = 403, anonymous: int | str = 401, forged: int | str = 403):
    """One row of expected statuses for a course-1 route: `ok` where the role allows it."""
    return (anonymous, students, students, students, ok if owner else 403, other_owner,
            ok if ta else 403, ok if viewer else 403, ok if admin else 403, forged)


VIEW = dict()  # every staff role
GRADE = dict(viewer=False)  # owner, instructor, TA
MANAGE = dict(ta=False, viewer=False)  # owner, instructor
ANY_INSTRUCTOR = dict(other_owner=None)  # owner_2 too: see _row
HW1 = {"slug": "hw1", "title": "HW1", "due_at": DUE.isoformat(),
       "problems": [{"problem_id": "lipschitz-linear", "points": 10}]}


LTI_PLATFORM = {"issuer": "https://lms.example", "client_id": "c-1", "auth_login_url": "https://lms.example/auth",
                "token_url": "https://lms.example/token", "jwks_url": "https://lms.example/jwks",
                "deployment_ids": ["d-1"]}


def _row(ok, **who):
    if who.pop("other_owner", 404) is None:
        return staff_may(ok, other_owner=ok, **who)
    return staff_may(ok, **who)


class CSV(str):
    """A body sent as text/csv (the batch upload)."""


# (method, path, body) -> expected status per role, in ROLES order. {course}, {course_2},
# {a_submission}, {job_1}, {job_2}, {extra} are filled in from the world; {role} by the role.
API = [
    ("GET", "/api/problems", None, (200,) * 10),
    ("GET", "/lti/jwks", None, (200,) * 10),  # hwcheck's public keys: for any platform to fetch
    ("POST", "/api/lti/platforms", LTI_PLATFORM, (401, 403, 403, 403, 403, 403, 403, 403, 201, 403)),
    ("POST", "/api/lti/registrations", None, (401, 403, 403, 403, 403, 403, 403, 403, 201, 403)),
    ("GET", "/api/problems/lipschitz-linear", None, (200,) * 9 + (401,)),
    ("GET", "/api/problems/lipschitz-linear?assignment=hw1", None,
     (401, 200, 200, 404, 403, 403, 403, 403, 403, 401)),
    ("GET", "/api/problems/lipschitz-linear/answer-key", None, _row(200, **ANY_INSTRUCTOR)),
    ("GET", "/api/problems/lipschitz-linear/answer-key?variant=5", None, _row(200, **ANY_INSTRUCTOR)),
    # A student's token grades for their course: C's course has no assignment with this problem.
    ("POST", "/api/grade/lipschitz-linear", {"answers": WRONG}, (200, 200, 200, 422, 200, 200, 200, 200, 200, 401)),
    ("POST", "/api/grade/lipschitz-linear", {"answers": WRONG, "assignment": "hw1"},
     (401, 200, 200, 404, 403, 403, 403, 403, 403, 401)),
    ("POST", "/api/preview", {"problem_id": "lipschitz-linear", "part_id": "L", "text": "3"}, (200,) * 10),
    ("GET", "/api/assignments", None, (200,) * 10),
    ("GET", "/api/assignments/hw1", None, (200,) * 10),
    ("POST", "/api/courses", {"name": "CS 282 {role}"}, _row(201, **ANY_INSTRUCTOR)),
    ("GET", "/api/courses", None, _row(200, **ANY_INSTRUCTOR)),
    ("GET", "/api/courses/{course}", None, _row(200, **VIEW)),
    ("GET", "/api/courses/{course_2}", None, (401, 403, 403, 403, 404, 200, 404, 404, 200, 403)),
    ("GET", "/api/courses/{course}/staff", None, _row(200, **VIEW)),
    ("POST", "/api/courses/{course}/staff", {"email": "extra@example.edu", "role": "viewer"},
     _row(200, ta=False, viewer=False)),
    ("DELETE", "/api/courses/{course}/staff/{extra}", None, _row(204, ta=False, viewer=False)),
    ("POST", "/api/courses/{course}/roster", [{"student_id": "s-d", "name": "Di"}], _row(200, **MANAGE)),
    # The world's course never came from an LMS: those who may manage it are told so (tests/lti/).
    ("POST", "/api/courses/{course}/lti/roster", None, _row(422, **MANAGE)),
    ("GET", "/api/courses/{course}/students", None, _row(200, **VIEW)),
    ("POST", "/api/courses/{course}/assignments",
     {"slug": "hw-{role}", "title": "HW 2", "due_at": "2027-03-01T00:00:00Z",
      "problems": [{"problem_id": "receptive-field", "points": 5}]}, _row(201, **MANAGE)),
    ("PUT", "/api/courses/{course}/assignments/hw1", HW1, _row(200, **MANAGE)),
    ("GET", "/api/courses/{course}/assignments", None, _row(200, **VIEW)),
    ("POST", "/api/courses/{course}/assignments/hw1/extensions",
     {"student_id": "s-a", "due_at": "2027-03-01T00:00:00Z"}, _row(200, **GRADE)),
    ("GET", "/api/courses/{course}/submissions", None, _row(200, **VIEW)),
    ("GET", "/api/courses/{course}/submissions?student=s-a", None, _row(200, **VIEW)),
    ("GET", "/api/courses/{course}/students/s-a/assignments", None, _row(200, **VIEW)),
    ("GET", "/api/courses/{course}/students/s-a/problems/lipschitz-linear", None, _row(200, **VIEW)),
    ("POST", "/api/submissions/{a_submission}/override", {"score": 1, "comment": "ok"}, _row(200, **GRADE)),
    ("GET", "/api/courses/{course}/assignments/hw1/analytics", None, _row(200, **VIEW)),
    ("GET", "/api/courses/{course}/assignments/hw1/analytics/histograms/lipschitz-linear.svg", None,
     _row(200, **VIEW)),
    ("POST", "/api/courses/{course}/assignments/hw1/regrade?dry_run=true", None, _row(200, **MANAGE)),
    ("POST", "/api/batch/jobs?course_id={course}&assignment=hw1", CSV("student_id,problem_id,L\ns-a,lipschitz-linear,1\n"),
     _row(202, **GRADE)),
    ("GET", "/api/batch/jobs", None, _row(200, **ANY_INSTRUCTOR)),
    ("GET", "/api/batch/jobs/{job_1}", None, _row(200, **VIEW)),
    ("GET", "/api/batch/jobs/{job_1}/analytics", None, _row(200, **VIEW)),
    ("GET", "/api/batch/jobs/{job_1}/files/parts.csv", None, _row(200, **VIEW)),
    # Both need a role that grades; the world's jobs ran in the server and are done: 409 (tests/service/batch/).
    ("POST", "/api/batch/jobs/{job_1}/cancel", None, _row(409, **GRADE)),
    ("POST", "/api/batch/jobs/{job_1}/retry", None, _row(409, **GRADE)),
    ("GET", "/api/batch/jobs/{job_2}", None, (401, 403, 403, 403, 404, 200, 404, 404, 200, 403)),
    ("GET", "/api/batch/jobs/{job_2}/files/parts.csv", None, (401, 403, 403, 403, 404, 200, 404, 404, 200, 403)),
    ("GET", "/api/me", None, (401, 200, 200, 200, 403, 403, 403, 403, 403, 401)),
    ("GET", "/api/me/assignments", None, (401, 200, 200, 200, 403, 403, 403, 403, 403, 401)),
    ("GET", "/api/me/submissions", None, (401, 200, 200, 200, 403, 403, 403, 403, 403, 401)),
]


def _page(ok, **who):
    """A course-1 page: signed out, students and a forged cookie are sent to sign in."""
    return _row(ok, students=LOGIN, anonymous=LOGIN, forged=LOGIN, **who)


STUDENT_PAGE = (LOGIN, 200, 200, 200, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)
PAGES = [
    ("GET", "/", None, (200, 303, 303, 303, 303, 303, 303, 303, 303, 200)),  # signed in: to one's own pages
    ("GET", "/login", None, (200,) * 10),
    ("GET", "/practice", None, (200,) * 10),
    ("GET", "/practice/lipschitz-linear", None, (200,) * 10),
    ("POST", "/practice/lipschitz-linear", {"answer-L": "3"}, (200,) * 10),
    ("GET", "/assignments", None, STUDENT_PAGE),
    ("GET", "/assignments/hw1/problems/lipschitz-linear", None,
     (LOGIN, 200, 200, 404, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)),
    ("POST", "/assignments/hw1/problems/lipschitz-linear", {"answer-L": "1"},
     (LOGIN, 303, 303, 404, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)),
    ("GET", "/instructor", None, _page(200, **ANY_INSTRUCTOR)),
    ("POST", "/instructor/courses", {"name": "CS 382 {role}"}, _page(303, **ANY_INSTRUCTOR)),
    ("GET", "/instructor/courses/{course}", None, _page(200, **VIEW)),
    ("GET", "/instructor/courses/{course_2}", None,
     (LOGIN, LOGIN, LOGIN, LOGIN, 404, 200, 404, 404, 200, LOGIN)),
    ("POST", "/instructor/courses/{course}/roster", {"roster_text": "student_id,name\ns-d,Di\n"},
     _page(200, **MANAGE)),
    ("POST", "/instructor/courses/{course}/lti/roster", {}, _page(422, **MANAGE)),
    ("GET", "/instructor/courses/{course}/gradebook.csv", None, _page(200, **VIEW)),
    ("GET", "/instructor/courses/{course}/gradebook", None, _page(200, **VIEW)),
    ("GET", "/instructor/courses/{course}/students/s-a", None, _page(200, **VIEW)),
    ("GET", "/instructor/courses/{course}/assignments/hw1/problems/lipschitz-linear", None, _page(200, **VIEW)),
    ("POST", "/instructor/submissions/{a_submission}/override", {"score": "1", "comment": "ok", "confirm": "yes"},
     _page(303, **GRADE)),
    ("GET", "/instructor/courses/{course}/assignments/new", None, _page(200, **MANAGE)),
    ("GET", "/instructor/courses/{course}/assignments/new?template=hw1", None, _page(200, **MANAGE)),
    ("POST", "/instructor/courses/{course}/assignments", {"title": ""}, _page(422, **MANAGE)),
    ("GET", "/instructor/courses/{course}/assignments/hw1/edit", None, _page(200, **MANAGE)),
    ("POST", "/instructor/courses/{course}/assignments/hw1", {"title": ""}, _page(422, **MANAGE)),
    ("POST", "/instructor/courses/{course}/extensions",
     {"assignment": "hw1", "student_id": "s-a", "due_at": "2027-03-01T00:00"}, _page(200, **GRADE)),
    ("GET", "/instructor/courses/{course}/staff", None, _page(200, **VIEW)),
    ("POST", "/instructor/courses/{course}/staff", {"email": "extra@example.edu", "role": "viewer"},
     _page(200, ta=False, viewer=False)),
    ("POST", "/instructor/courses/{course}/staff/{extra}/remove", {}, _page(303, ta=False, viewer=False)),
]

# Not role-gated, or signing in and out itself (tests/service/web/test_web.py); operations' probes.
NOT_IN_THE_MATRIX = {("POST", "/login"), ("POST", "/logout"), ("GET", "/healthz"), ("GET", "/readyz"),
                     ("GET", "/metrics"), ("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/redoc"),
                     ("GET", "/docs/oauth2-redirect"),
                     # Signing in through an LMS, for anyone the platform vouches for: tests/lti/.
                     ("GET", "/lti/login"), ("POST", "/lti/login"), ("POST", "/lti/launch"),
                     # Answered by an offer or an invitation hwcheck signed, not by a role: tests/lti/.
                     ("GET", "/lti/deep-link"), ("POST", "/lti/deep-link"), ("GET", "/lti/register")}


def _cells(table, kind):
    return [pytest.param(kind, method, path, body, role, expected[i], id=f"{method} {path} as {role}")
            for method, path, body, expected in table for i, role in enumerate(ROLES)]


CELLS = _cells(API, "api") + _cells(PAGES, "page")


def _instructor(client, name: str) -> tuple[dict[str, str], int]:
    from service.courses.roster import create_instructor

    with client.app.state.sessionmaker() as session:
        made, token = create_instructor(session, name, f"{name.lower()}@example.edu")
        return bearer(token), made.id


def _job(client, headers, query: str) -> str:
    response = client.post(f"/api/batch/jobs?{query}", headers=headers | {"Content-Type": "text/csv"},
                           content=b"student_id,problem_id,L\ns-a,lipschitz-linear,1\n")
    assert response.status_code == 202, response.text
    batch_jobs.wait(response.json()["id"])
    return response.json()["id"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One app for the whole matrix (a cell's side effects never change another cell's status)."""
    settings = fresh_settings(tmp_path_factory.mktemp("authorization"), ADMIN_TOKEN)
    with TestClient(create_app(settings)) as client:
        client.app.state.clock = Clock(START)
        client.app.state.batch_workers = 1
        yield _world(client)


def _world(client) -> dict:
    owner_1, _ = _instructor(client, "Olive")
    owner_2, _ = _instructor(client, "Otto")
    ta_1, _ = _instructor(client, "Tara")
    viewer_1, _ = _instructor(client, "Vic")
    _, extra = _instructor(client, "Extra")
    course = make_course(client, owner_1)
    for email, role in (("tara@example.edu", "ta"), ("vic@example.edu", "viewer"), ("extra@example.edu", "viewer")):
        added = client.post(f"/api/courses/{course.id}/staff", headers=owner_1, json={"email": email, "role": role})
        assert added.status_code == 200, added.text
    course.assignment("hw1")
    course_2 = client.post("/api/courses", json={"name": "CS 189"}, headers=owner_2).json()["id"]
    roster_2 = client.post(f"/api/courses/{course_2}/roster", headers=owner_2,
                           json=[{"student_id": "t-c", "name": "Cy"}]).json()
    submitted = {
        who: client.post("/api/grade/lipschitz-linear", headers=headers, json={"answers": WRONG}).json()
        for who, headers in (("a", course.a), ("b", course.b))
    }
    variants = {who: body["variant"] for who, body in submitted.items()}
    headers = {"anonymous": {}, "student_a": course.a, "student_b": course.b,
               "student_c": bearer(roster_2["students"][0]["token"]), "owner_1": owner_1, "owner_2": owner_2,
               "ta_1": ta_1, "viewer_1": viewer_1, "admin": bearer(ADMIN_TOKEN), "forged": bearer("hws_" + "x" * 43)}
    return {
        "client": client, "headers": headers, "owner_1": owner_1, "course": course.id,
        "fill": {"course": course.id, "course_2": course_2, "a_submission": submitted["a"]["submission"]["id"],
                 "job_1": _job(client, owner_1, f"course_id={course.id}&assignment=hw1"),
                 "job_2": _job(client, owner_2, "assignment=hw1"), "extra": extra},
        "variants": variants,
        "keys": {who: to_json(reference(registry.get("lipschitz-linear"), v)) for who, v in variants.items()},
    }


def _filled(value, role: str):
    if isinstance(value, str):
        return type(value)(value.replace("{role}", role.replace("_", "-")))
    if isinstance(value, list):
        return [_filled(v, role) for v in value]
    if isinstance(value, dict):
        return {k: _filled(v, role) for k, v in value.items()}
    return value


def _page_headers(client, headers: dict[str, str]) -> tuple[dict[str, str], str]:
    """A session signed in with the role's token as the cookie, with a CSRF cookie and the form
    token it makes."""
    token = headers.get("Authorization", "").removeprefix("Bearer ")
    value = ""
    if token:
        with client.app.state.sessionmaker() as session:
            value = open_session(session, token)
    secret = "c" * 32
    cookie = f"{CSRF_COOKIE}={secret}" + (f"; {SESSION_COOKIE}={value}" if value else "")
    return {"Cookie": cookie}, hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize(("kind", "method", "path", "body", "role", "expected"), CELLS)
def test_authorization_matrix(world, kind, method, path, body, role, expected):
    client = world["client"]
    url = path.format(**world["fill"])
    body = _filled(body, role)
    if kind == "page":
        headers, csrf = _page_headers(client, world["headers"][role])
        form = {**body, "csrf_token": csrf} if method == "POST" else None
        response = client.request(method, url, headers=headers, data=form, follow_redirects=False)
    elif isinstance(body, CSV):
        response = client.request(method, url, headers=world["headers"][role] | {"Content-Type": "text/csv"},
                                  content=body.encode())
    else:
        response = client.request(method, url, headers=world["headers"][role], json=body)
    if expected == LOGIN:
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), response.text
    else:
        assert response.status_code == expected, response.text
    if response.status_code == 202:  # a batch job: let it finish inside this cell
        batch_jobs.wait(response.json()["id"])
    if response.status_code in (204, 303) and "staff" in path:  # put the removed member back
        client.post(f"/api/courses/{world['course']}/staff", headers=world["owner_1"],
                    json={"email": "extra@example.edu", "role": "viewer"})
    if kind == "api" and response.status_code in (401, 403, 404):
        assert isinstance(response.json()["detail"], str)
    if role in STUDENTS:
        text, me = response.text, role[-1]
        for other in {"a", "b"} - {me}:  # never another student: their school id, their variant
            assert not re.search(rf"(?<![\w-])s-{other}(?![\w-])", text)
            assert str(world["variants"][other]) not in text
        for who in ("a", "b"):  # never an answer key, not even one's own
            assert json.dumps(world["keys"][who]["L"]) not in text


def test_a_403_says_what_the_role_allows(world):
    client, course = world["client"], world["course"]
    refused = client.post(f"/api/courses/{course}/roster", headers=world["headers"]["ta_1"],
                          json=[{"student_id": "s-e", "name": "Eve"}])
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "your role in this course is ta: it allows viewing everything, score overrides and extensions; "
        "not the roster, assignments or staff; changing the roster or the assignments, or a regrade, needs "
        "owner or instructor")
    read_only = client.post(f"/api/submissions/{world['fill']['a_submission']}/override",
                            headers=world["headers"]["viewer_1"], json={"score": 0, "comment": "no"})
    assert read_only.json()["detail"] == (
        "your role in this course is viewer: it allows viewing only; a score override, an extension or a "
        "batch job needs owner, instructor or ta")


def test_another_course_is_not_confirmed_to_exist(world):
    """owner_2 gets for course 1 exactly what anyone gets for a course nobody made."""
    client, owner_2 = world["client"], world["headers"]["owner_2"]
    theirs = client.get(f"/api/courses/{world['course']}/students", headers=owner_2)
    nobodys = client.get("/api/courses/99999/students", headers=owner_2)
    assert (theirs.status_code, nobodys.status_code) == (404, 404)
    assert theirs.json()["detail"] == f"there is no course {world['course']}"
    assert nobodys.json()["detail"] == "there is no course 99999"
    job = client.get(f"/api/batch/jobs/{world['fill']['job_1']}", headers=owner_2)
    assert job.json()["detail"] == f"there is no batch job {world['fill']['job_1']!r}"


def test_each_instructor_lists_only_their_courses_and_jobs(world):
    client, h = world["client"], world["headers"]

    def names(role):
        return {c["name"]: c["role"] for c in client.get("/api/courses", headers=h[role]).json()}

    assert names("ta_1")["CS 182"] == "ta" and "CS 189" not in names("ta_1")
    assert names("owner_2")["CS 189"] == "owner" and "CS 182" not in names("owner_2")
    assert {"CS 182", "CS 189"} <= set(names("admin")) and set(names("admin").values()) == {"admin"}
    job_1, job_2 = world["fill"]["job_1"], world["fill"]["job_2"]
    seen = {role: {j["id"] for j in client.get("/api/batch/jobs", headers=h[role]).json()}
            for role in ("owner_1", "owner_2", "viewer_1", "admin")}
    assert job_1 in seen["owner_1"] and job_2 not in seen["owner_1"]
    assert job_2 in seen["owner_2"] and job_1 not in seen["owner_2"]
    assert job_1 in seen["viewer_1"] and {job_1, job_2} <= seen["admin"]


def test_the_last_owner_cannot_leave_or_be_demoted(world):
    client, course, admin = world["client"], world["course"], world["headers"]["admin"]
    staff = client.get(f"/api/courses/{course}/staff", headers=admin).json()
    owner = next(m for m in staff if m["role"] == "owner")
    removed = client.delete(f"/api/courses/{course}/staff/{owner['instructor_id']}", headers=admin)
    assert removed.status_code == 409
    assert removed.json() == {"detail": "this is the course's last owner: make someone else owner first"}
    demoted = client.post(f"/api/courses/{course}/staff", headers=admin, json={"email": owner["email"], "role": "ta"})
    assert demoted.status_code == 409
    unknown = client.post(f"/api/courses/{course}/staff", headers=admin, json={"email": "nobody@x.org", "role": "ta"})
    assert unknown.status_code == 404
    assert unknown.json()["detail"].startswith("no instructor has the email 'nobody@x.org'")


def test_a_student_reads_only_their_own_rows(world):
    client = world["client"]
    for role, school_id in (("student_a", "s-a"), ("student_b", "s-b")):
        headers = world["headers"][role]
        mine = client.get("/api/me/submissions", headers=headers).json()
        assert mine and {s["student_id"] for s in mine} == {school_id}
        assert client.get("/api/me", headers=headers).json()["student_id"] == school_id


def _shape(path: str) -> str:
    for name, value in (("{course_id}", "{course}"), ("{submission_id}", "{a_submission}"), ("{student_id}", "s-a"),
                        ("{problem_id}", "lipschitz-linear"), ("{slug}", "hw1"), ("{assignment_id}", "hw1"),
                        ("{job_id}", "{job_1}"), ("{name:path}", "parts.csv"), ("{name}", "parts.csv"), ("{instructor_id}", "{extra}")):
        path = path.replace(name, value)
    return "/api/grade/lipschitz-linear" if path.startswith("/api/grade/") else path  # one per problem, alike


def test_every_route_of_openapi_and_every_page_is_in_the_matrix(world):
    """A new route or page must get its row above."""
    client = world["client"]
    covered = {(m, _shape(p.split("?")[0]).replace("{course_2}", "{course}").replace("{job_2}", "{job_1}"))
               for m, p, _, _ in API + PAGES}
    operations = {(method.upper(), _shape(path)) for path, item in client.get("/openapi.json").json()["paths"].items()
                  for method in item}
    pages = {(method, _shape(route.path)) for route in iter_route_contexts(client.app.routes)
             for method in (route.methods or ()) if method != "HEAD"}
    assert len(operations) > 30 and len(pages) > len(operations)
    missing = sorted((operations | pages) - covered - NOT_IN_THE_MATRIX)
    assert missing == []
