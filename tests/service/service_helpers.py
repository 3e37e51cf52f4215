"""Helpers of the service tests: settings on an empty database, a movable clock, bearer
headers, a course with two students, a count of calls handed to a thread."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from pydantic import SecretStr

from service.settings import Settings


def fresh_settings(tmp_path, instructor_token: str) -> Settings:
    """Settings on an empty database: a SQLite file in tmp_path, or the database named by
    HWCHECK_TEST_DATABASE_URL with its schema dropped and made again."""
    url = os.environ.get("HWCHECK_TEST_DATABASE_URL")
    if url:
        from sqlalchemy import text

        from service.store.db import make_engine

        # A shared server database: start each test from an empty schema.
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    return Settings(
        data_dir=tmp_path,
        database_url=url or None,
        instructor_token=SecretStr(instructor_token),
        _env_file=None,
    )


START = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)
DUE = datetime(2027, 2, 8, 23, 59, tzinfo=UTC)


class Clock:
    """Stands in for service.api.clock's "now": tests move it instead of sleeping."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class CourseWorld:
    client: TestClient
    instructor: dict[str, str]
    id: int
    tokens: dict[str, str] = field(default_factory=dict)  # school id -> token

    @property
    def a(self) -> dict[str, str]:
        return bearer(self.tokens["s-a"])

    @property
    def b(self) -> dict[str, str]:
        return bearer(self.tokens["s-b"])

    def assignment(self, slug: str = "hw1", problems=(("lipschitz-linear", 10),), **fields) -> dict:
        body = {"slug": slug, "title": slug.upper(), "due_at": DUE.isoformat(),
                "problems": [{"problem_id": p, "points": pts} for p, pts in problems], **fields}
        response = self.client.post(f"/api/courses/{self.id}/assignments", json=body, headers=self.instructor)
        assert response.status_code == 201, response.text
        return response.json()


# The test course's variant secret, fixed so every run draws the same variants (a random one
# could, once in thousands of runs, give two students the same small integer matrix).
TEST_SECRET = hashlib.sha256(b"hwcheck test course").hexdigest()


def make_course(client: TestClient, instructor: dict[str, str]) -> CourseWorld:
    """CS 182 with students s-a (Ada) and s-b (Bo)."""
    from service.store.models import Course

    created = client.post("/api/courses", json={"name": "CS 182"}, headers=instructor)
    assert created.status_code == 201, created.text
    world = CourseWorld(client, instructor, created.json()["id"])
    with client.app.state.sessionmaker() as session:
        session.get(Course, world.id).secret = TEST_SECRET
        session.commit()
    roster = client.post(f"/api/courses/{world.id}/roster", headers=instructor, json=[
        {"student_id": "s-a", "name": "Ada", "email": "ada@example.edu", "section": "101"},
        {"student_id": "s-b", "name": "Bo", "email": "bo@example.edu", "section": "102"},
    ])
    assert roster.status_code == 200, roster.text
    world.tokens = {s["student_id"]: s["token"] for s in roster.json()["students"]}
    return world


def count_calls(monkeypatch, module, name: str) -> list[tuple]:
    """Patch the coroutine function `module.<name>` (e.g. what hands work to a thread) to note
    the arguments of each call before making it; returns the list it fills."""
    calls: list[tuple] = []
    real = getattr(module, name)

    async def counted(*args):
        calls.append(args)
        return await real(*args)

    monkeypatch.setattr(module, name, counted)
    return calls
