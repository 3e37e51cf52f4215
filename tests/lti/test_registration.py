"""LTI Dynamic Registration against the test platform (its OpenID configuration and registration
endpoint, as Canvas and Moodle serve them): a site admin's invitation, the LMS opening it, the
platform registered — and a launch through it right after."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from launching import ADMIN, TOOL, cli_run, launch, said
from lms import INSTRUCTOR, Person, serve
from service_helpers import bearer
from sqlalchemy import select

from service.store.models import LtiPlatform


@pytest.fixture
def unregistered(hwcheck):
    platform, server = serve(TOOL)
    platform.people = {"prof": Person("lms-user-prof", "Grace Hopper", "grace@uni.example", [INSTRUCTOR])}
    yield platform
    server.should_exit = True


def opened_by_the_lms(hwcheck, lms, url: str, **change):
    """The LMS opens the registration URL with its configuration and one-time token."""
    parts = urlsplit(url)
    query = {**{k: v[0] for k, v in parse_qs(parts.query).items()},
             "openid_configuration": lms.base + "/.well-known/openid-configuration",
             "registration_token": "one-time-registration-token", **change}
    return hwcheck.get(parts.path, params=query)


def test_the_lms_registers_hwcheck_from_an_admins_invitation_and_launches_at_once(hwcheck, unregistered):
    lms = unregistered
    made = hwcheck.post("/api/lti/registrations", headers=bearer(ADMIN))
    assert made.status_code == 201
    url = made.json()["url"]
    assert url.startswith(TOOL + "/lti/register?invitation=")
    page = opened_by_the_lms(hwcheck, lms, url)
    assert page.status_code == 200, said(page)
    assert "hwcheck is registered with test-lms" in said(page) and "data-lti-close" in page.text
    (asked,) = lms.registrations
    assert (asked["initiate_login_uri"], asked["redirect_uris"], asked["jwks_uri"]) == (
        TOOL + "/lti/login", [TOOL + "/lti/launch"], TOOL + "/lti/jwks")
    assert asked["token_endpoint_auth_method"] == "private_key_jwt"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in asked["scope"].split()
    with hwcheck.app.state.sessionmaker() as session:
        (platform,) = session.scalars(select(LtiPlatform)).all()
        assert (platform.issuer, platform.client_id, platform.deployment_ids, platform.token_url) == (
            lms.issuer, "hwcheck-client-1", ["deployment-1"], lms.base + "/token")
    assert launch(hwcheck, lms, "prof").status_code == 303


def test_a_registration_without_a_valid_invitation_or_with_a_foreign_issuer_is_refused(
        tool_settings, hwcheck, unregistered, monkeypatch):
    lms = unregistered
    stranger = opened_by_the_lms(hwcheck, lms, TOOL + "/lti/register?invitation=made.up.token")
    assert stranger.status_code == 403
    assert "LTI registration refused (invitation): this registration URL is not one hwcheck made" in said(stranger)
    (cli,) = cli_run(monkeypatch, tool_settings, ["lti", "registration-url", TOOL])
    url = cli.output.strip()
    assert parse_qs(urlsplit(url).query)["invitation"]
    elsewhere = opened_by_the_lms(hwcheck, lms, url, openid_configuration="http://localhost:9/.well-known/x")
    assert elsewhere.status_code == 502
    assert "LTI registration refused (configuration): the LMS's OpenID configuration could not be read" in said(elsewhere)
    wrong_token = opened_by_the_lms(hwcheck, lms, url, registration_token="stolen")
    assert wrong_token.status_code == 502 and "the LMS refused the registration (401)" in said(wrong_token)
    with hwcheck.app.state.sessionmaker() as session:
        assert session.scalars(select(LtiPlatform)).all() == []
