"""Security basics: tokens stored hashed; no token or answer key in the server's log; answer keys
in no student-visible response; security headers; CORS only when configured."""

from __future__ import annotations

import json
import math

import httpx
import pytest
from fastapi.testclient import TestClient
from live_server import INSTRUCTOR_TOKEN, start_server
from service_helpers import bearer, fresh_settings
from sqlalchemy import select

from service.app import create_app
from service.store.models import Student
from service.tokens import token_hash


def leaves(value) -> list:
    if isinstance(value, dict):
        return [x for v in value.values() for x in leaves(v)]
    if isinstance(value, list):
        return [x for v in value for x in leaves(v)]
    return [value]


def telltales(answer_key: dict) -> set[str]:
    """How a reference value would show if it leaked: its repr and 6 significant figures.
    Integers and short decimals are skipped — they are everywhere (ids, scores, params)."""
    found = set()
    for value in leaves(answer_key):
        if isinstance(value, float) and math.isfinite(value) and len(repr(abs(value))) > 8:
            found |= {form for form in (repr(value), f"{value:.6g}") if len(form) >= 6}
        elif isinstance(value, str) and len(value) > 6:
            found.add(value)
    return found


# --- tokens ---------------------------------------------------------------------------------


def test_tokens_are_stored_only_as_hashes(client, course):
    with client.app.state.sessionmaker() as session:
        stored = session.scalars(select(Student)).all()
    for student in stored:
        token = course.tokens[student.student_id]
        assert student.token_hash == token_hash(token) and token not in student.token_hash


def test_token_comparisons_are_constant_time():
    import inspect

    from service.courses import principals

    source = inspect.getsource(principals.lookup_token)
    assert "compare_digest" in source       # the one token compared as text
    assert "token_hash(token)" in source    # every other one is found by its hash, never compared


# --- answer keys in what students see --------------------------------------------------------


def test_no_student_visible_response_holds_an_answer_key(client, course, instructor):
    course.assignment(problems=(("lipschitz-linear", 10), ("branch-max-network", 10)))
    keys = {}
    for problem in ("lipschitz-linear", "branch-max-network"):
        view = client.get(f"/api/courses/{course.id}/students/s-a/problems/{problem}?assignment=hw1",
                          headers=instructor)
        assert view.status_code == 200, view.text
        keys[problem] = view.json()["answers"]
    signs = set().union(*(telltales(k) for k in keys.values()))
    assert len(signs) > 10

    seen = [
        client.get("/api/problems", headers=course.a),
        client.get("/api/problems/lipschitz-linear?assignment=hw1", headers=course.a),
        client.get("/api/problems/branch-max-network?assignment=hw1", headers=course.a),
        client.post("/api/grade/lipschitz-linear", headers=course.a,
                    json={"answers": {"L": "1", "singular_values": [1, 2]}}),
        client.post("/api/grade/lipschitz-linear", headers=course.a,
                    json={"answers": {"L": str(keys["lipschitz-linear"]["L"] * 1.2)}}),
        client.post("/api/grade/branch-max-network", headers=course.a,
                    json={"answers": {"h": [0.1, 0.2], "y_hat": "[1 2 3]", "dL_dW21": [[1, 2], [3, 4]],
                                      "loss": "ln(2)", "dL_dz": "[0.1, -0.1, 0]"}}),
        client.get("/api/me", headers=course.a),
        client.get("/api/me/assignments", headers=course.a),
        client.get("/api/me/submissions", headers=course.a),
        client.post("/api/preview", json={"problem_id": "lipschitz-linear", "part_id": "L", "text": "3"}),
        client.get("/api/problems/lipschitz-linear/answer-key?variant=default", headers=course.a),
        client.get(f"/api/courses/{course.id}/students/s-a/problems/lipschitz-linear?assignment=hw1",
                   headers=course.a),
        client.get("/openapi.json"),
    ]
    for response in seen:
        assert response.status_code in (200, 401, 403), response.text
        text = response.text
        if "openapi" not in str(response.request.url):  # the schema names the instructor's route
            assert "answer_key" not in text and '"reference' not in text.lower()
        leaked = [sign for sign in signs if sign in text]
        assert not leaked, f"{response.request.url}: {leaked}"


# --- headers and CORS ---------------------------------------------------------------------------


def test_security_headers_on_api_and_html(client):
    for response in (client.get("/api/problems"), client.get("/api/problems/nope"),
                     client.post("/api/grade/lipschitz-linear", content=b"x" * 2_000_000,
                                 headers={"Content-Type": "application/json"}),
                     client.get("/docs"), client.get("/redoc")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Frame-Options"] == "DENY"
    docs = client.get("/docs")
    assert docs.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in docs.headers["Content-Security-Policy"]
    assert "object-src 'none'" in docs.headers["Content-Security-Policy"]


def test_html_pages_get_the_strict_policy(client):
    from fastapi.responses import HTMLResponse

    client.app.add_api_route("/test-page", lambda: HTMLResponse("<p>hi</p>"))
    page = client.get("/test-page")
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_cors_is_off_by_default(client):
    response = client.get("/api/problems", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options("/api/grade/lipschitz-linear", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_allows_only_the_configured_origins(tmp_path):
    settings = fresh_settings(tmp_path, "t").model_copy(
        update={"cors_origins": "https://course.example.edu, https://ta.example.edu"})
    with TestClient(create_app(settings)) as client:
        allowed = client.get("/api/problems", headers={"Origin": "https://course.example.edu"})
        assert allowed.headers["access-control-allow-origin"] == "https://course.example.edu"
        preflight = client.options("/api/grade/lipschitz-linear", headers={
            "Origin": "https://ta.example.edu", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, idempotency-key"})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://ta.example.edu"
        other = client.get("/api/problems", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


# --- logs -----------------------------------------------------------------------------------------


@pytest.mark.e2e
def test_no_token_or_answer_key_in_the_servers_log(tmp_path):
    server = start_server(tmp_path, workers=1, env={"HWCHECK_RATE_LIMIT_PER_IP": "0"})
    try:
        instructor = bearer(INSTRUCTOR_TOKEN)
        with httpx.Client(base_url=server.base, timeout=30) as http:
            course = http.post("/api/courses", json={"name": "Logs 101"}, headers=instructor).json()
            http.post(f"/api/courses/{course['id']}/assignments", headers=instructor, json={
                "slug": "hw1", "title": "HW1", "due_at": "2099-01-01T00:00:00Z",
                "problems": [{"problem_id": "lipschitz-linear", "points": 10}]})
            roster = http.post(f"/api/courses/{course['id']}/roster", headers=instructor, json=[
                {"student_id": "s1", "name": "Ada", "email": "ada@example.edu", "section": "1"}]).json()
            student_token = roster["students"][0]["token"]
            key = http.get("/api/problems/lipschitz-linear/answer-key?variant=default", headers=instructor).json()
            own = http.get(f"/api/courses/{course['id']}/students/s1/problems/lipschitz-linear?assignment=hw1",
                           headers=instructor).json()
            graded = http.post("/api/grade/lipschitz-linear", headers=bearer(student_token),
                               json={"answers": {"L": "1", "singular_values": "{1, 2}"}})
            assert graded.status_code == 200, graded.text
            wrong = "hws_" + "x" * 43
            assert http.get("/api/me", headers=bearer(wrong)).status_code == 401
            assert http.post("/api/grade/lipschitz-linear", content=b'{"answers": {"L": "\xff"}}',
                             headers={**bearer(student_token), "Content-Type": "application/json"}).status_code == 400
    finally:
        server.stop()
    log = server.log
    assert "POST /api/grade/lipschitz-linear" in log  # the access log was captured
    for secret in (INSTRUCTOR_TOKEN, student_token, wrong, token_hash(student_token)):
        assert secret not in log
    signs = telltales(key["answers"]) | telltales(own["answers"])
    assert signs and not [sign for sign in signs if sign in log]
    assert json.dumps(key["answers"]) not in log
