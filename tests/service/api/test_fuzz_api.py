"""API fuzzing: schemathesis generates requests from /openapi.json for every route and checks
that none is a 5xx and every response matches its own documented schema.

63 operations × HWCHECK_FUZZ_EXAMPLES (default 30), plus the coverage phase: ~6,500 requests in CI. Each runs
against an app on its own SQLite file (the fuzzing is of the app, not of the database), as the
instructor — so instructor routes get past their 401 — and /api/me as a student.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from pydantic import SecretStr
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from service.app import create_app
from service.settings import Settings
from service.store.db import migrate

EXAMPLES = int(os.environ.get("HWCHECK_FUZZ_EXAMPLES", "30"))
INSTRUCTOR = "instructor-fuzz-token"

_data = Path(tempfile.mkdtemp(prefix="hwcheck-fuzz-"))
_settings = Settings(data_dir=_data, instructor_token=SecretStr(INSTRUCTOR), rate_limit_per_ip=0, auto_migrate=False,
                     rate_limit_per_token=0, _env_file=None)
migrate(_settings.effective_database_url)
app = create_app(_settings)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
if os.environ.get("HWCHECK_FUZZ_PATHS"):  # e.g. "^/api/grade/" to fuzz some routes only
    schema = schema.include(path_regex=os.environ["HWCHECK_FUZZ_PATHS"])

REQUESTS = {"count": 0, "failures": 0}


@pytest.fixture(scope="module", autouse=True)
def report_requests():
    yield
    line = (f"api fuzzing: {REQUESTS['count']} generated requests over {len(list(schema.get_all_operations()))} "
            f"operations, {REQUESTS['failures']} failing")
    print("\n" + line)
    if os.environ.get("HWCHECK_RELIABILITY_LOG"):
        with open(os.environ["HWCHECK_RELIABILITY_LOG"], "a") as log:
            log.write(line + "\n")


def _student_token() -> str:
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        auth = {"Authorization": f"Bearer {INSTRUCTOR}"}
        course = client.post("/api/courses", json={"name": "Fuzz 101"}, headers=auth).json()
        roster = client.post(f"/api/courses/{course['id']}/roster", headers=auth, json=[
            {"student_id": "s1", "name": "Ada", "email": "ada@example.edu", "section": "1"}]).json()
        return roster["students"][0]["token"]


STUDENT = _student_token()


@pytest.mark.fuzz
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_never_5xx_and_matches_its_schema(case):
    token = STUDENT if case.path.startswith("/api/me") else INSTRUCTOR
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
    response = case.call()
    REQUESTS["count"] += 1
    try:
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    except Exception:
        REQUESTS["failures"] += 1
        raise
