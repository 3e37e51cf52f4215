"""LTI 1.3 launches from a real platform (tests/lti/lms.py, on `lti1p3platform`): registration,
the OIDC login and the launch, a student and an instructor signed in where they belong — and
every check of the id_token refusing with a clear 4xx that names it, creating nothing."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from launching import ADMIN, TOOL, count, launch, launch_page, said
from lms import launch_form
from service_helpers import fresh_settings
from sqlalchemy import select

from service.app import create_app
from service.store.models import Course, CourseStaff, Instructor, LtiStudent, Student


def test_hwcheck_publishes_its_keys_and_rotates_them_without_dropping_the_old(hwcheck):
    from service.lti import keys

    first = hwcheck.get("/lti/jwks").json()["keys"]
    assert [(k["kty"], k["alg"], k["use"]) for k in first] == [("RSA", "RS256", "sig")]
    with hwcheck.app.state.sessionmaker() as session:
        keys.rotate(session)
    after = hwcheck.get("/lti/jwks").json()["keys"]
    assert len(after) == 2 and first[0]["kid"] in {k["kid"] for k in after}


def test_registration_is_for_a_site_admin_and_checks_its_urls(hwcheck):
    body = {"issuer": "https://lms.example", "client_id": "c", "auth_login_url": "https://lms.example/auth",
            "token_url": "https://lms.example/token", "jwks_url": "ftp://lms.example/jwks", "deployment_ids": ["d"]}
    assert hwcheck.post("/api/lti/platforms", json=body).status_code == 401
    refused = hwcheck.post("/api/lti/platforms", json=body, headers={"Authorization": f"Bearer {ADMIN}"})
    assert refused.status_code == 422
    assert refused.json()["detail"] == "the JWKS URL must be an http(s) URL, not 'ftp://lms.example/jwks'"


def test_an_instructor_launch_makes_the_course_and_a_student_launch_joins_it(hwcheck, lms):
    # A learner first: the course does not exist in hwcheck yet.
    early = launch(hwcheck, lms, "ada")
    assert early.status_code == 403
    assert "one of its instructors must open the link from the LMS first" in said(early)
    assert count(hwcheck, Course) == 0

    professor = launch(hwcheck, lms, "prof")
    assert professor.status_code == 303
    with hwcheck.app.state.sessionmaker() as session:
        course = session.scalar(select(Course))
        assert course.name == "Deep Learning 101"
        staff = session.scalars(select(CourseStaff)).all()
        assert [(s.instructor.name, s.role) for s in staff] == [("Grace Hopper", "owner")]
    assert professor.headers["location"] == f"/instructor/courses/{course.id}"
    page = hwcheck.get(professor.headers["location"])
    assert page.status_code == 200 and "Deep Learning 101" in said(page)

    hwcheck.cookies.clear()
    student = launch(hwcheck, lms, "ada")
    assert (student.status_code, student.headers["location"]) == (303, "/assignments")
    assert "hwcheck_session" in student.cookies
    assignments = hwcheck.get("/assignments")
    assert assignments.status_code == 200 and "Ada Lovelace" in said(assignments)
    with hwcheck.app.state.sessionmaker() as session:
        ada = session.scalar(select(Student))
        assert (ada.student_id, ada.email, ada.course_id) == ("s-ada", "ada@uni.example", course.id)

    # A TA gets the TA role; a second launch of anyone links the same rows.
    hwcheck.cookies.clear()
    assert launch(hwcheck, lms, "tia").status_code == 303
    assert launch(hwcheck, lms, "ada").status_code == 303
    with hwcheck.app.state.sessionmaker() as session:
        roles = sorted((s.instructor.name, s.role) for s in session.scalars(select(CourseStaff)))
        assert roles == [("Grace Hopper", "owner"), ("Tia Assist", "ta")]
    assert (count(hwcheck, Student), count(hwcheck, Instructor), count(hwcheck, LtiStudent)) == (1, 2, 1)


def test_a_launch_links_the_roster_row_with_the_same_email(hwcheck, lms):
    assert launch(hwcheck, lms, "prof").status_code == 303
    with hwcheck.app.state.sessionmaker() as session:
        course = session.scalar(select(Course))
        session.add(Student(course_id=course.id, student_id="2026-0042", name="Bo Y.", email="BO@uni.example",
                            token_hash="0" * 64))
        session.commit()
    hwcheck.cookies.clear()
    assert launch(hwcheck, lms, "bo").status_code == 303
    with hwcheck.app.state.sessionmaker() as session:
        (bo,) = session.scalars(select(Student)).all()
        assert bo.student_id == "2026-0042"  # the roster's own row, now reached from the LMS


@pytest.mark.parametrize(("tampering", "check", "says"), [
    ({"claims": {"aud": "someone-else"}}, "aud", "the id_token is not for hwcheck's client id 'hwcheck-client-1'"),
    ({"expires_in": -120}, "exp", "the id_token has expired"),
    ({"foreign_signature": True}, "signature", "the id_token's signature does not verify against the platform's keys"),
    ({"claims": {"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "deployment-9"}}, "deployment",
     "deployment 'deployment-9' of"),
    ({"claims": {"https://purl.imsglobal.org/spec/lti/claim/version": "1.1"}}, "version",
     "LTI version '1.1' is not 1.3.0"),
    ({"claims": {"https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiSubmissionReviewRequest"}},
     "message type", "'LtiSubmissionReviewRequest' is not a message hwcheck takes"),
    ({"claims": {"azp": "another-client"}}, "azp", "the id_token's authorized party is 'another-client'"),
])
def test_each_check_of_the_id_token_refuses_with_its_name_and_creates_nothing(hwcheck, lms, tampering, check, says):
    assert launch(hwcheck, lms, "prof").status_code == 303  # the course exists: only the check can refuse
    before = [count(hwcheck, model) for model in (Course, Student, Instructor, CourseStaff)]
    hwcheck.cookies.clear()
    lms.tamper(**tampering)
    refused = launch(hwcheck, lms, "ada")
    assert refused.status_code == 400
    assert f"LTI launch refused ({check}): " in said(refused) and says in said(refused)
    assert "hwcheck_session" not in refused.cookies
    assert [count(hwcheck, model) for model in (Course, Student, Instructor, CourseStaff)] == before


def test_a_launch_needs_this_browsers_state_and_is_taken_once(hwcheck, lms):
    _, fields = launch_page(hwcheck, lms, "prof")
    # Another browser (no state cookie, or another login's) cannot post it.
    stranger = TestClient(hwcheck.app, base_url=TOOL)
    refused = stranger.post("/lti/launch", data=fields, follow_redirects=False)
    assert refused.status_code == 400 and "LTI launch refused (state): the state does not match" in said(refused)
    assert hwcheck.post("/lti/launch", data=fields, follow_redirects=False).status_code == 303
    # The same post again: that login is used.
    again = hwcheck.post("/lti/launch", data=fields, follow_redirects=False)
    assert again.status_code == 400 and "this login is unknown, already used or expired" in said(again)
    # The old id_token under a new login of this browser: its nonce is not the new login's.
    _, fresh = launch_page(hwcheck, lms, "prof")
    replayed = hwcheck.post("/lti/launch", data={**fresh, "id_token": fields["id_token"]}, follow_redirects=False)
    assert replayed.status_code == 400
    assert "LTI launch refused (nonce): the id_token's nonce is not the one this login sent" in said(replayed)
    assert count(hwcheck, Course) == 1


def test_a_platform_that_rotated_its_key_is_fetched_again_and_accepted(hwcheck, lms, monkeypatch):
    from service.lti import launch as checks

    monkeypatch.setattr(checks, "REFETCH_COOLDOWN", 0)  # the rotation comes seconds after the first fetch here
    assert launch(hwcheck, lms, "prof").status_code == 303
    fetched = lms.jwks_fetches
    assert launch(hwcheck, lms, "prof").status_code == 303
    assert lms.jwks_fetches == fetched  # the key set is cached
    lms.rotate()  # the platform's set now holds only its new key, under a new kid
    rotated = launch(hwcheck, lms, "prof")
    assert rotated.status_code == 303, said(rotated)
    assert lms.jwks_fetches == fetched + 1  # fetched again once, for the unknown kid


def test_a_login_from_an_unknown_platform_or_deployment_is_refused(hwcheck, lms):
    unknown = hwcheck.get("/lti/login", params={"iss": "https://evil.example", "login_hint": "x",
                                                "target_link_uri": TOOL + "/lti/launch"}, follow_redirects=False)
    assert unknown.status_code == 400
    assert "LTI launch refused (iss): no platform 'https://evil.example' with client id None is registered" in said(unknown)
    wrong = hwcheck.post("/lti/login", data={"iss": lms.issuer, "login_hint": "x", "client_id": "hwcheck-client-1",
                                             "lti_deployment_id": "deployment-9"}, follow_redirects=False)
    assert wrong.status_code == 400 and "(deployment): deployment 'deployment-9'" in said(wrong)


def test_over_https_the_cookies_are_made_for_the_lms_frame(hwcheck, lms):
    secure = TestClient(hwcheck.app, base_url="https://testserver")
    started = httpx.get(lms.start_launch("prof"))
    login = secure.get(started.headers["location"].removeprefix(TOOL), follow_redirects=False)
    (state,) = login.headers.get_list("set-cookie")
    assert state.startswith("hwcheck_lti_state=") and "Path=/lti" in state
    assert "SameSite=none" in state and "Secure" in state and "HttpOnly" in state
    _, fields = launch_form(httpx.get(login.headers["location"]).text)
    launched = secure.post("/lti/launch", data=fields, follow_redirects=False)
    assert launched.status_code == 303
    cookies = {c.split("=", 1)[0]: c for c in launched.headers.get_list("set-cookie")}
    for name in ("hwcheck_session", "hwcheck_embedded"):
        assert "SameSite=none" in cookies[name] and "Secure" in cookies[name] and "HttpOnly" in cookies[name]
    # The pages' forms keep their CSRF check, with a cookie the frame can send.
    page = secure.get(launched.headers["location"])
    assert page.status_code == 200
    csrf = next(c for c in page.headers.get_list("set-cookie") if c.startswith("hwcheck_csrf="))
    assert "SameSite=none" in csrf and "Secure" in csrf


def test_the_lms_may_frame_the_pages_only_when_named(tmp_path):
    settings = fresh_settings(tmp_path, ADMIN)
    with TestClient(create_app(settings)) as plain:
        page = plain.get("/login")
        assert page.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    framed = settings.model_copy(update={"lti_frame_ancestors": "https://canvas.example.edu"})
    with TestClient(create_app(framed)) as embedded:
        page = embedded.get("/login")
        assert "x-frame-options" not in page.headers
        policy = page.headers["content-security-policy"]
        assert policy.endswith("frame-ancestors 'self' https://canvas.example.edu")
        assert "frame-ancestors 'none'" not in policy and "form-action 'self'" in policy
