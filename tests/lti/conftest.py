"""The two sides of every LTI test: hwcheck (the tool, in-process) and a real platform (lms.py,
served by uvicorn) registered with it, its people ready to launch."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from launching import ADMIN, TOOL
from lms import INSTRUCTOR, LEARNER, TA, Person, serve
from service_helpers import fresh_settings

from service.app import create_app


def tool_jwks(hwcheck) -> dict:
    """What hwcheck publishes at /lti/jwks. The tests' hwcheck answers no socket, and the platform
    asks while hwcheck is mid-request (a token request from the sender, a deep-linking response):
    read where /lti/jwks reads it."""
    from service.lti import keys

    with hwcheck.app.state.sessionmaker() as session:
        return keys.jwks(session)


@pytest.fixture
def tool_settings(tmp_path):
    return fresh_settings(tmp_path, ADMIN)


@pytest.fixture
def hwcheck(tool_settings):
    with TestClient(create_app(tool_settings), base_url=TOOL) as client:
        yield client


@pytest.fixture
def lms(hwcheck):
    platform, server = serve(TOOL)
    platform.people = {
        "ada": Person("lms-user-ada", "Ada Lovelace", "ada@uni.example", [LEARNER], sourcedid="s-ada"),
        "bo": Person("lms-user-bo", "Bo Yang", "bo@uni.example", [LEARNER]),
        "prof": Person("lms-user-prof", "Grace Hopper", "grace@uni.example", [INSTRUCTOR]),
        "tia": Person("lms-user-tia", "Tia Assist", "tia@uni.example", [TA]),
    }
    platform.tool_keys = lambda: tool_jwks(hwcheck)
    response = hwcheck.post("/api/lti/platforms", json=platform.registration_args(),
                            headers={"Authorization": f"Bearer {ADMIN}"})
    assert response.status_code == 201, response.text
    yield platform
    server.should_exit = True
