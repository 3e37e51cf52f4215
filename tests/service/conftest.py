"""Shared fixtures: an app on a fresh database per test (SQLite file by default; the database
named by HWCHECK_TEST_DATABASE_URL when set)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from service_helpers import START, Clock, CourseWorld, fresh_settings, make_course

from service.app import create_app
from service.settings import Settings

INSTRUCTOR_TOKEN = "instructor-test-token"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return fresh_settings(tmp_path, INSTRUCTOR_TOKEN)


@pytest.fixture
def client(settings) -> TestClient:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def instructor() -> dict[str, str]:
    return {"Authorization": f"Bearer {INSTRUCTOR_TOKEN}"}


# --- courses: a movable clock, and a course with two students (tests/service/service_helpers.py)


@pytest.fixture
def clock(client) -> Clock:
    clock = Clock(START)
    client.app.state.clock = clock
    return clock


@pytest.fixture
def course(client, instructor, clock) -> CourseWorld:
    """CS 182 with students s-a (Ada) and s-b (Bo); the clock at START, a week before DUE."""
    return make_course(client, instructor)
