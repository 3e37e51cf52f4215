"""Issue 23, item 2: an anonymous practice grading cannot flood the database. By default it keeps
scores and statuses and each answer's length and hash; a refused over-long answer is kept as its
first characters, length and hash even where answers are kept; `none` keeps no row."""

import hashlib
import json

import pytest
from fastapi.testclient import TestClient
from service_helpers import fresh_settings
from sqlalchemy import func, select

from service.app import create_app
from service.store.models import Grading

HUGE = "1+" * 495_000  # ~990,000 characters: inside the 1 MB body limit


def _client(tmp_path, mode):
    settings = fresh_settings(tmp_path, "token-of-the-storage-test").model_copy(update={"practice_store": mode})
    return TestClient(create_app(settings))


def _rows(client):
    with client.app.state.sessionmaker() as session:
        return session.scalars(select(Grading).order_by(Grading.id)).all()


def _stored_bytes(client) -> int:
    with client.app.state.sessionmaker() as session:
        return sum(len(json.dumps(a)) for a in session.scalars(select(Grading.answers)))


@pytest.mark.parametrize("mode", ["summary", "full"])
def test_a_megabyte_answer_keeps_a_few_hundred_bytes(tmp_path, mode):
    with _client(tmp_path, mode) as client:
        for _ in range(5):
            response = client.post("/api/grade/lipschitz-linear", json={"answers": {"L": HUGE, "singular_values": "[1, 2]"}})
            assert response.status_code == 200
            assert response.json()["parts"][0]["status"] == "invalid"
            assert "too long" in response.json()["parts"][0]["feedback"]
        assert len(_rows(client)) == 5
        assert _stored_bytes(client) < 5 * 400  # not 5 MB
        kept = _rows(client)[0].answers
        assert kept["L"]["length"] == len(HUGE)
        assert kept["L"]["sha256"] == hashlib.sha256(HUGE.encode()).hexdigest()
        if mode == "full":
            assert kept["L"]["start"] == HUGE[:100] and kept["singular_values"] == "[1, 2]"
        else:
            assert "start" not in kept["L"] and kept["singular_values"]["length"] == len("[1, 2]")


def test_none_keeps_no_practice_row(tmp_path):
    with _client(tmp_path, "none") as client:
        response = client.post("/api/grade/lipschitz-linear", json={"answers": {"L": "3*sqrt(5)"}})
        assert response.status_code == 200 and response.json()["parts"][0]["status"] == "correct"
        with client.app.state.sessionmaker() as session:
            assert session.scalar(select(func.count()).select_from(Grading)) == 0


def test_a_course_submission_keeps_its_answers_but_not_a_megabyte(client, course):
    course.assignment("hw1")
    response = client.post("/api/grade/lipschitz-linear", headers=course.a,
                           json={"answers": {"L": HUGE, "singular_values": "[1, 2]"}})
    assert response.status_code == 200
    (row,) = _rows(client)
    assert row.answers["singular_values"] == "[1, 2]"
    assert row.answers["L"] == {"stored": "summary", "length": len(HUGE),
                                "sha256": hashlib.sha256(HUGE.encode()).hexdigest(), "start": HUGE[:100]}
    # A retry with the same key and the same (huge) answer is the same submission.
    again = [client.post("/api/grade/lipschitz-linear", headers={**course.a, "Idempotency-Key": "k"},
                         json={"answers": {"L": HUGE}}) for _ in range(2)]
    assert [r.status_code for r in again] == [200, 200] and again[1].headers.get("Idempotent-Replayed") == "true"
