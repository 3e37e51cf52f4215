"""A person's way from the LMS into hwcheck, as the tests walk it, and what they read there."""

from __future__ import annotations

import html

import httpx
from fastapi.testclient import TestClient
from lms import launch_form
from sqlalchemy import func, select
from typer.testing import CliRunner

ADMIN = "lti-admin-token"
TOOL = "http://testserver"


def launch_page(hwcheck: TestClient, lms, person: str) -> tuple[str, dict[str, str]]:
    """The browser's way through: the LMS link -> hwcheck's login -> the LMS's authorization ->
    the launch form it would post (returned, not posted)."""
    started = httpx.get(lms.start_launch(person))
    assert started.status_code == 302
    login = hwcheck.get(started.headers["location"].removeprefix(TOOL), follow_redirects=False)
    assert login.status_code == 302, login.text
    authorized = httpx.get(login.headers["location"])
    assert authorized.status_code == 200, authorized.text
    return launch_form(authorized.text)


def launch(hwcheck: TestClient, lms, person: str) -> httpx.Response:
    action, fields = launch_page(hwcheck, lms, person)
    assert action == TOOL + "/lti/launch"
    return hwcheck.post("/lti/launch", data=fields, follow_redirects=False)


def said(response: httpx.Response) -> str:
    """The page's text as a person reads it (entities such as &#39; unescaped)."""
    return html.unescape(response.text)


def count(hwcheck, model) -> int:
    with hwcheck.app.state.sessionmaker() as session:
        return session.scalar(select(func.count()).select_from(model))


def cli_run(monkeypatch, settings, *commands: list[str]) -> list:
    """`hwcheck …` on the tests' database, each command's result."""
    from service.cli.main import app as cli
    from service.settings import get_settings

    monkeypatch.setenv("HWCHECK_DATABASE_URL", settings.effective_database_url)
    get_settings.cache_clear()
    try:
        return [CliRunner().invoke(cli, command) for command in commands]
    finally:
        get_settings.cache_clear()
