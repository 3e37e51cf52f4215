"""Shared fixtures: an app on a fresh database per test (SQLite file by default; the database
named by HWCHECK_TEST_DATABASE_URL when set)."""

from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from service.app import create_app
from service.settings import Settings

INSTRUCTOR_TOKEN = "instructor-test-token"


@pytest.fixture
def settings(tmp_path) -> Settings:
    url = os.environ.get("HWCHECK_TEST_DATABASE_URL")
    if url:
        from sqlalchemy import text

        from service.db import make_engine

        # A shared server database: start each test from an empty schema.
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    return Settings(
        data_dir=tmp_path,
        database_url=url or None,
        instructor_token=SecretStr(INSTRUCTOR_TOKEN),
        _env_file=None,
    )


@pytest.fixture
def client(settings) -> TestClient:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def instructor() -> dict[str, str]:
    return {"Authorization": f"Bearer {INSTRUCTOR_TOKEN}"}
