"""Issue 23, item 3: an unpaired surrogate, a NUL or NaN anywhere in a request is a 422 naming the
field (an answer: that part is `invalid`), never a 500; `"variant": true` is no seed; and item 8:
a deadline outside 2000–2199 is a 422 before anything is written."""

import pytest
from service_helpers import DUE

SURROGATE, NUL = '"\\ud800"', '"a\\u0000b"'


def _post(client, path, body: str, headers=None):
    return client.post(path, content=body, headers={"Content-Type": "application/json", **(headers or {})})


@pytest.mark.parametrize(("path", "body", "loc", "msg"), [
    ("/api/grade/lipschitz-linear", '{"variant": %s, "answers": {"L": 1}}' % SURROGATE, ["body", "variant"],
     "an unpaired surrogate (U+D800) is not text"),
    ("/api/grade/lipschitz-linear", '{"variant": NaN, "answers": {"L": 1}}', ["body", "variant"],
     "NaN and infinities are not JSON numbers; give a finite number"),
    ("/api/grade/lipschitz-linear", '{"answers": {%s: 1}}' % SURROGATE, ["body", "answers"],
     "a key: an unpaired surrogate (U+D800) is not text"),
    ("/api/grade/lipschitz-linear", '{"answers": {"L": 1}, "assignment": %s}' % NUL, ["body", "assignment"],
     "a NUL character (U+0000) is not allowed in text"),
    ("/api/preview", '{"problem_id": %s, "part_id": "L", "text": "1"}' % SURROGATE, ["body", "problem_id"],
     "an unpaired surrogate (U+D800) is not text"),
    ("/api/preview", '{"problem_id": "lipschitz-linear", "part_id": "L", "text": %s}' % SURROGATE, ["body", "text"],
     "an unpaired surrogate (U+D800) is not text"),
])
def test_anonymous_requests_name_the_field(client, path, body, loc, msg):
    response = _post(client, path, body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == [{"type": "value_error", "loc": loc, "msg": msg, "input": None}]


@pytest.mark.parametrize(("text", "says"), [
    (SURROGATE, "the answer holds an unpaired surrogate (U+D800) at character 1, which is not text; "
                "type the answer as plain text"),
    (NUL, "the answer holds a NUL character (U+0000); type the answer as plain text"),
    ('NaN', None), ('["1", "\\udfff"]', None),
])
def test_an_unreadable_answer_is_invalid_and_stored(client, text, says):
    from service.store.models import Grading

    response = _post(client, "/api/grade/lipschitz-linear", '{"answers": {"L": %s}}' % text)
    assert response.status_code == 200, response.text
    part = response.json()["parts"][0]
    assert part["status"] == "invalid"
    if says:
        assert part["feedback"] == says
    with client.app.state.sessionmaker() as session:
        assert session.query(Grading).count() == 1  # stored, the part `invalid`


def test_variant_true_is_not_seed_one(client):
    response = _post(client, "/api/grade/lipschitz-linear", '{"variant": true, "answers": {"L": 1}}')
    assert response.status_code == 422
    assert {e["type"] for e in response.json()["detail"]} == {"literal_error", "int_type"}
    assert all(e["loc"][:2] == ["body", "variant"] for e in response.json()["detail"])


def test_instructor_fields(client, instructor, course):
    course.assignment("hw1")
    cid = course.id
    cases = [
        ("/api/courses", '{"name": %s}' % SURROGATE, ["body", "name"]),
        ("/api/courses", '{"name": %s}' % NUL, ["body", "name"]),
        (f"/api/courses/{cid}/roster", '[{"student_id": %s, "name": "Ada"}]' % SURROGATE, ["body", 0, "student_id"]),
        (f"/api/courses/{cid}/assignments", '{"slug": "hw2", "title": "T", "due_at": "%s", '
         '"problems": [{"problem_id": "receptive-field", "points": NaN}]}' % DUE.isoformat(),
         ["body", "problems", 0, "points"]),
        ("/api/submissions/1/override", '{"score": Infinity, "comment": "x"}', ["body", "score"]),
    ]
    for path, body, loc in cases:
        response = _post(client, path, body, instructor)
        assert response.status_code == 422, (path, response.text)
        assert [e["loc"] for e in response.json()["detail"]] == [loc]


def test_a_far_future_extension_is_refused_and_nothing_is_written(client, instructor, course):
    course.assignment("hw1", late_policy="penalty", penalty_per_day=0.1,
                      accept_late_until=DUE.replace(day=DUE.day).isoformat())
    url = f"/api/courses/{course.id}/assignments/hw1/extensions"
    far = client.post(url, json={"student_id": "s-a", "due_at": "9999-06-01T00:00:00Z"}, headers=instructor)
    assert far.status_code == 422
    assert far.json()["detail"][0]["msg"] == "Value error, give a moment between 2000-01-01 and 2199-12-31"
    # Nothing was saved: the student's own views still work, with the assignment's deadline.
    mine = client.get("/api/me/assignments", headers=course.a)
    assert mine.status_code == 200 and mine.json()[0]["due_at"] == DUE.isoformat().replace("+00:00", "Z")
    early = client.post(f"/api/courses/{course.id}/assignments", headers=instructor, json={
        "slug": "old", "title": "Old", "due_at": "1900-01-01T00:00:00Z",
        "problems": [{"problem_id": "receptive-field", "points": 1}]})
    assert early.status_code == 422


@pytest.mark.parametrize(("content_type", "json_body"), [
    ("application/json", True), ("application/json; charset=utf-8", True), ("application/vnd.api+json", True),
    ("application/x-ndjson", False), ("text/csv", False), ("multipart/form-data; boundary=x", False), (None, False),
])
def test_only_json_bodies_are_read_at_the_edge(content_type, json_body):
    """A batch upload (JSON Lines) is streamed to disk by its route; the edge check must not read
    it whole first."""
    from service.api.readable import is_json

    assert is_json(content_type) is json_body


def test_forms_paths_queries_and_csv_rosters_are_checked_too(client, instructor, course):
    """A NUL in a web form, a query or a CSV roster reached PostgreSQL, which refused it: a 500."""
    import re

    nul_query = client.get(f"/api/courses/{course.id}/submissions", params={"student": "s\x00a"}, headers=instructor)
    assert nul_query.status_code == 422
    assert nul_query.json()["detail"][0]["loc"] == ["query", "student"]
    roster = client.post(f"/api/courses/{course.id}/roster", content="student_id,name\ns-\x00z,Zed\n".encode(),
                         headers={**instructor, "Content-Type": "text/csv"})
    assert roster.status_code == 422
    assert roster.json()["detail"] == ("1 roster line could not be read, so nothing was imported — line 2: "
                                       "the student id: a NUL character (U+0000) is not allowed in text")
    login = client.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    client.post("/login", data={"csrf_token": csrf, "token": "instructor-test-token", "next": ""})
    page = client.get("/instructor").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    refused = client.post("/instructor/courses", data={"csrf_token": csrf, "name": "CS\x00182"})
    assert refused.status_code == 422 and "Form refused" in refused.text
    assert ("the form&#39;s field &#39;name&#39;: a NUL character (U+0000) is not allowed in text; "
            "remove it and send the form again") in refused.text
