"""The grading routes read their requests themselves (service/api/direct.py). Every request
here goes through that handler and through FastAPI's own handler for the same endpoint, and
the two answers must be identical: status, headers that matter and body, error for error.
"""

from __future__ import annotations

import json

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from service_helpers import bearer

from problems import registry
from problems.core import reference, to_json
from service.api import direct
from service.api.direct import DirectRoute
from service.app import create_app

PROBLEM = "lipschitz-linear"          # number and vector parts
EXPRESSION = "inverse-derivative"     # an expression part


@pytest.fixture
def fastapis(settings, client, monkeypatch):
    """The same app on the same database, its grading routes handled by FastAPI's own handler.
    FastAPI builds an included route's handler at the app's first request to its router, so
    each app is sent one request: `client` as it is, this one while DirectRoute lends FastAPI's
    method."""
    warm_up = {"json": {"answers": {}}}
    assert client.post(f"/api/grade/{PROBLEM}", **warm_up).status_code == 200
    with TestClient(create_app(settings)) as fastapis_client:
        with monkeypatch.context() as patch:
            patch.setattr(DirectRoute, "get_route_handler", APIRoute.get_route_handler)
            assert fastapis_client.post(f"/api/grade/{PROBLEM}", **warm_up).status_code == 200
        yield fastapis_client


def _both(client, fastapis, monkeypatch, problem_id: str, content=None, headers=None):
    """The same request answered by DirectRoute and by FastAPI's handler of the same endpoint."""
    read = []
    real = direct._json_body

    async def counted(request):
        read.append(request)
        return await real(request)

    monkeypatch.setattr(direct, "_json_body", counted)
    fastapis.app.state.clock = getattr(client.app.state, "clock", None) or fastapis.app.state.clock
    answers = [c.post(f"/api/grade/{problem_id}", content=content, headers=headers or {}) for c in (client, fastapis)]
    monkeypatch.undo()
    assert len(read) == 1  # one went through DirectRoute, the other did not
    return answers


def _key(problem_id: str) -> dict:
    problem = registry.PROBLEMS[problem_id]
    return {k: v for k, v in to_json(reference(problem, "default")).items() if k in {p.id for p in problem.parts}}


JSON = {"Content-Type": "application/json"}

# (name, body, headers): practice requests, good and bad.
PRACTICE = [
    ("right answers", lambda: {"answers": _key(PROBLEM)}, JSON),
    ("wrong answers", lambda: {"answers": {k: "2" for k in _key(PROBLEM)}}, JSON),
    ("a seed", lambda: {"variant": 3, "answers": {"L": 1.5}}, JSON),
    ("half missing", lambda: {"answers": {"L": "0.25"}}, JSON),
    ("an expression", lambda: {"answers": {"dAinv": "-A^{-1} dA A^{-1}"}}, JSON),
    ("empty body", b"", JSON),
    ("null", b"null", JSON),
    ("a list", b"[1, 2]", JSON),
    ("a string", b'"answers"', JSON),
    ("cut short", b'{"answers": {"L": 1', JSON),
    ("single quotes", b"{'answers': {}}", JSON),
    ("trailing comma", b'{"answers": {"L": 1,}}', JSON),
    ("NaN literal", b'{"answers": {"L": NaN}}', JSON),
    ("no answers", lambda: {}, JSON),
    ("answers a list", lambda: {"answers": [1]}, JSON),
    ("an unknown part", lambda: {"answers": {"nope": 1}}, JSON),
    ("an extra field", lambda: {"answers": {}, "student": "me"}, JSON),
    ("variant negative", lambda: {"variant": -1, "answers": {}}, JSON),
    ("variant a word", lambda: {"variant": "seven", "answers": {}}, JSON),
    ("variant true", lambda: {"variant": True, "answers": {}}, JSON),
    ("variant a float", lambda: {"variant": 2.5, "answers": {}}, JSON),
    ("assignment too long", lambda: {"assignment": "x" * 51, "answers": {}}, JSON),
    ("assignment without a token", lambda: {"assignment": "hw1", "answers": {"L": 1}}, JSON),
    ("answer an object", lambda: {"answers": {"L": {"value": 1}}}, JSON),
    ("text/plain", lambda: {"answers": {"L": 1}}, {"Content-Type": "text/plain"}),
    ("form", lambda: {"answers": {"L": 1}}, {"Content-Type": "application/x-www-form-urlencoded"}),
    ("no content type", lambda: {"answers": {"L": 1}}, {}),
    ("+json", lambda: {"answers": {"L": 1}}, {"Content-Type": "application/vnd.hwcheck+json"}),
    ("charset", lambda: {"answers": {"L": 1}}, {"Content-Type": "application/json; charset=utf-8"}),
    ("a key", lambda: {"answers": {"L": 1}}, {**JSON, "Idempotency-Key": "k-1"}),
    ("an empty key", lambda: {"answers": {"L": 1}}, {**JSON, "Idempotency-Key": ""}),
    ("a long key", lambda: {"answers": {"L": 1}}, {**JSON, "Idempotency-Key": "k" * 201}),
    ("a long key and a bad body", lambda: {"variant": -1}, {**JSON, "Idempotency-Key": "k" * 201}),
    ("a long key and no body", b"", {**JSON, "Idempotency-Key": "k" * 201}),
    ("basic auth", lambda: {"answers": {"L": 1}}, {**JSON, "Authorization": "Basic dTpw"}),
    ("bearer without a token", lambda: {"answers": {"L": 1}}, {**JSON, "Authorization": "Bearer"}),
    ("an unknown token", lambda: {"answers": {"L": 1}}, {**JSON, **bearer("hws_nobody")}),
]


def _content(body) -> bytes:
    body = body() if callable(body) else body
    return body if isinstance(body, bytes) else json.dumps(body).encode()


def _problem_for(name: str) -> str:
    return EXPRESSION if name == "an expression" else PROBLEM


@pytest.mark.parametrize("name,body,headers", PRACTICE, ids=[c[0] for c in PRACTICE])
def test_practice_requests_are_answered_as_fastapi_answers_them(client, fastapis, monkeypatch, name, body, headers):
    direct, fastapi = _both(client, fastapis, monkeypatch, _problem_for(name), _content(body), headers)
    assert direct.status_code == fastapi.status_code
    assert direct.headers.get("content-type") == fastapi.headers.get("content-type")
    assert direct.json() == fastapi.json()


def test_the_corpus_covers_every_outcome(client, fastapis, monkeypatch):
    # The comparison above means something only if the corpus reaches each kind of answer.
    statuses = {_both(client, fastapis, monkeypatch, _problem_for(n), _content(b), h)[0].status_code for n, b, h in PRACTICE}
    assert statuses == {200, 401, 422}


def test_an_instructor_is_graded_as_practice_either_way(client, fastapis, monkeypatch, instructor):
    direct, fastapi = _both(client, fastapis, monkeypatch, PROBLEM, _content({"answers": {"L": 1}}), {**JSON, **instructor})
    assert direct.status_code == fastapi.status_code == 200
    assert direct.json() == fastapi.json()


# The second of two submissions is stored as the next attempt, under the next id.
RECORDED_FIELDS_THAT_DIFFER = {"id", "attempt", "attempts_used", "attempts_left"}


def test_recorded_submissions_are_answered_as_fastapi_answers_them(client, fastapis, monkeypatch, course):
    course.assignment("hw1", attempts_allowed=5)
    headers = {**JSON, **course.a}
    cases = [
        {"assignment": "hw1", "answers": {"L": 1}},          # stored
        {"answers": {"L": 1}},                                # the only assignment with this problem
        {"assignment": "hw9", "answers": {"L": 1}},          # no such assignment
        {"assignment": "hw1", "answers": {}},                 # nothing readable: no attempt used
        {"assignment": "hw1", "variant": -1, "answers": {}},  # a 422 before any reading
    ]
    for body in cases:
        direct, fastapi = _both(client, fastapis, monkeypatch, PROBLEM, _content(body), headers)
        assert direct.status_code == fastapi.status_code, body
        d, f = direct.json(), fastapi.json()
        if direct.status_code == 200:
            receipts = d["submission"], f["submission"]
            if receipts[0]["attempt"] is not None:
                assert receipts[0]["attempt"] + 1 == receipts[1]["attempt"], body
                assert receipts[0]["attempts_left"] - 1 == receipts[1]["attempts_left"], body
            for x in (d, f):
                x["submission"] = {k: v for k, v in x["submission"].items() if k not in RECORDED_FIELDS_THAT_DIFFER}
        assert d == f, body


def test_a_retry_with_the_same_key_is_replayed_by_either_handler(client, fastapis, monkeypatch, course):
    course.assignment("hw1", attempts_allowed=5)
    headers = {**JSON, **course.a, "Idempotency-Key": "retry-1"}
    direct, fastapi = _both(client, fastapis, monkeypatch, PROBLEM, _content({"assignment": "hw1", "answers": {"L": 1}}), headers)
    assert direct.status_code == fastapi.status_code == 200
    assert direct.content == fastapi.content
    assert (direct.headers["Idempotent-Replayed"], fastapi.headers["Idempotent-Replayed"]) == ("false", "true")


def test_an_instructor_cannot_submit_for_an_assignment_either_way(client, fastapis, monkeypatch, course):
    course.assignment("hw1")
    body = _content({"assignment": "hw1", "answers": {"L": 1}})
    direct, fastapi = _both(client, fastapis, monkeypatch, PROBLEM, body, {**JSON, **course.instructor})
    assert direct.status_code == fastapi.status_code == 403
    assert direct.json() == fastapi.json()


def test_an_endpoint_with_other_parameters_is_refused():
    async def endpoint(submission, request):
        return None

    with pytest.raises(TypeError, match="must take"):
        DirectRoute("/x", endpoint, methods=["POST"])
