"""Who may do what: every route × every role, with the expected status in each cell, and what a
student's responses may never contain (another student's work or variant, any answer key)."""

import json

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from service_helpers import START, Clock, bearer, fresh_settings, make_course

from problems import registry
from problems.core import reference, to_json
from service.api.deps import get_principal, require_instructor, require_student
from service.app import create_app

INSTRUCTOR_TOKEN = "instructor-token-of-the-matrix"
ROLES = ("anonymous", "student_a", "student_b", "instructor", "forged")
WRONG = {"L": 12345, "singular_values": [12345, 54321]}  # far from any variant's answer

# (method, path, body) -> expected status for anonymous, student A, student B, instructor, and a
# forged student token. {course}, {a_submission} are filled in from the scenario below; the
# routes about one student are about student A.
MATRIX = [
    ("GET", "/api/problems", None, (200, 200, 200, 200, 200)),
    ("GET", "/api/problems/lipschitz-linear", None, (200, 200, 200, 200, 401)),
    ("GET", "/api/problems/lipschitz-linear?assignment=hw1", None, (401, 200, 200, 403, 401)),
    ("GET", "/api/problems/lipschitz-linear/answer-key", None, (401, 403, 403, 200, 403)),
    ("GET", "/api/problems/lipschitz-linear/answer-key?variant=5", None, (401, 403, 403, 200, 403)),
    ("POST", "/api/grade/lipschitz-linear", {"answers": WRONG}, (200, 200, 200, 200, 401)),
    ("POST", "/api/grade/lipschitz-linear", {"answers": WRONG, "assignment": "hw1"}, (401, 200, 200, 403, 401)),
    ("POST", "/api/courses", {"name": "CS 282"}, (401, 403, 403, 201, 403)),
    ("GET", "/api/courses", None, (401, 403, 403, 200, 403)),
    ("GET", "/api/courses/{course}", None, (401, 403, 403, 200, 403)),
    ("POST", "/api/courses/{course}/roster", [{"student_id": "s-c", "name": "Cy"}], (401, 403, 403, 200, 403)),
    ("GET", "/api/courses/{course}/students", None, (401, 403, 403, 200, 403)),
    ("POST", "/api/courses/{course}/assignments",
     {"slug": "hw2", "title": "HW 2", "due_at": "2027-03-01T00:00:00Z",
      "problems": [{"problem_id": "receptive-field", "points": 5}]}, (401, 403, 403, 201, 403)),
    ("GET", "/api/courses/{course}/assignments", None, (401, 403, 403, 200, 403)),
    ("POST", "/api/courses/{course}/assignments/hw1/extensions",
     {"student_id": "s-a", "due_at": "2027-03-01T00:00:00Z"}, (401, 403, 403, 200, 403)),
    ("GET", "/api/courses/{course}/submissions", None, (401, 403, 403, 200, 403)),
    ("GET", "/api/courses/{course}/submissions?student=s-a", None, (401, 403, 403, 200, 403)),
    ("GET", "/api/courses/{course}/students/s-a/assignments", None, (401, 403, 403, 200, 403)),
    ("GET", "/api/courses/{course}/students/s-a/problems/lipschitz-linear", None, (401, 403, 403, 200, 403)),
    ("POST", "/api/submissions/{a_submission}/override", {"score": 1, "comment": "ok"}, (401, 403, 403, 200, 403)),
    ("GET", "/api/me", None, (401, 200, 200, 403, 401)),
    ("GET", "/api/me/assignments", None, (401, 200, 200, 403, 401)),
    ("GET", "/api/me/submissions", None, (401, 200, 200, 403, 401)),
]

CELLS = [
    pytest.param(method, path, body, role, expected[i], id=f"{method} {path} as {role}")
    for method, path, body, expected in MATRIX
    for i, role in enumerate(ROLES)
]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """One app for the whole matrix (a cell's side effects never change another cell's status):
    hw1 (lipschitz-linear) with one submission each from A and B, and what each must keep to
    themselves."""
    instructor = bearer(INSTRUCTOR_TOKEN)
    settings = fresh_settings(tmp_path_factory.mktemp("authorization"), INSTRUCTOR_TOKEN)
    with TestClient(create_app(settings)) as client:
        client.app.state.clock = Clock(START)
        course = make_course(client, instructor)
        yield _scenario(client, course, instructor)


def _scenario(client, course, instructor) -> dict:
    course.assignment("hw1")
    submitted = {
        who: client.post("/api/grade/lipschitz-linear", headers=headers, json={"answers": WRONG}).json()
        for who, headers in (("a", course.a), ("b", course.b))
    }
    variants = {who: body["variant"] for who, body in submitted.items()}
    keys = {who: to_json(reference(registry.get("lipschitz-linear"), v)) for who, v in variants.items()}
    return {
        "client": client,
        "headers": {"anonymous": {}, "student_a": course.a, "student_b": course.b, "instructor": instructor,
                    "forged": bearer("hws_" + "x" * 43)},
        "fill": {"course": course.id, "a_submission": submitted["a"]["submission"]["id"]},
        "variants": variants,
        "keys": keys,
    }


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), CELLS)
def test_authorization_matrix(scenario, method, path, body, role, expected):
    client = scenario["client"]
    url = path.format(**scenario["fill"])
    response = client.request(method, url, headers=scenario["headers"][role], json=body)
    assert response.status_code == expected, response.text
    if response.status_code in (401, 403):
        assert isinstance(response.json()["detail"], str)
    if role in ("student_a", "student_b"):
        me, other = ("a", "b") if role == "student_a" else ("b", "a")
        text = response.text
        # Never the other student: their school id, their variant.
        assert "s-" + other not in text
        assert str(scenario["variants"][other]) not in text
        # Never an answer key, not even one's own.
        for who in ("a", "b"):
            assert json.dumps(scenario["keys"][who]["L"]) not in text


def test_a_student_reads_only_their_own_rows(scenario):
    client = scenario["client"]
    for role, school_id in (("student_a", "s-a"), ("student_b", "s-b")):
        headers = scenario["headers"][role]
        mine = client.get("/api/me/submissions", headers=headers).json()
        assert mine and {s["student_id"] for s in mine} == {school_id}
        assert client.get("/api/me", headers=headers).json()["student_id"] == school_id


def test_every_route_that_checks_a_token_is_in_the_matrix(scenario):
    """A new route that looks at tokens must get its row above."""
    auth = {get_principal, require_instructor, require_student}

    def checks_a_token(dependant) -> bool:
        return dependant.call in auth or any(checks_a_token(d) for d in dependant.dependencies)

    covered = {(method, path.split("?")[0]) for method, path, _, _ in MATRIX}
    missing = []
    for route in scenario["client"].app.routes:
        if not isinstance(route, APIRoute) or not checks_a_token(route.dependant):
            continue
        path = (route.path.replace("{course_id}", "{course}").replace("{submission_id}", "{a_submission}")
                .replace("{student_id}", "s-a").replace("{problem_id}", "lipschitz-linear").replace("{slug}", "hw1"))
        if path.startswith("/api/grade/"):
            path = "/api/grade/lipschitz-linear"  # one route per problem, all alike
        for method in route.methods:
            if (method, path) not in covered:
                missing.append(f"{method} {route.path}")
    assert missing == []
