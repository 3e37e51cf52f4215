"""An LMS launch in a real browser: Chromium follows the platform's link through hwcheck's OIDC
login, the platform's authorization and its auto-submitting form post to `hwcheck serve` (a real
process); the instructor lands in the course made for them, a student lands signed in, submits
the form, and their score arrives at the platform's gradebook (AGS) — sent by the server's own
sender, fetched keys and tokens over real HTTP."""

from __future__ import annotations

import time

import httpx
import pytest
from browsing import check_page, new_page
from live_server import INSTRUCTOR_TOKEN, start_server
from lms import INSTRUCTOR, LEARNER, Person, serve

from graders.grade import answer_key
from problems import registry

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def hwcheck_and_lms(tmp_path_factory):
    live = start_server(tmp_path_factory.mktemp("lti-browser"))
    lms, server = serve(live.base)
    lms.people = {"prof": Person("lms-prof", "Grace Hopper", "grace@uni.example", [INSTRUCTOR]),
                  "ada": Person("lms-ada", "Ada Lovelace", "ada@uni.example", [LEARNER], sourcedid="s-ada")}
    lms.tool_keys = lambda: httpx.get(live.base + "/lti/jwks").json()
    api = httpx.Client(base_url=live.base, headers={"Authorization": f"Bearer {INSTRUCTOR_TOKEN}"})
    assert api.post("/api/lti/platforms", json=lms.registration_args()).status_code == 201
    yield live, lms, api
    api.close()
    server.should_exit = True
    live.stop()


def test_a_launch_from_the_lms_signs_in_and_the_score_flows_back(browser, hwcheck_and_lms, axe_source):
    live, lms, api = hwcheck_and_lms
    context, page, console_errors = new_page(browser, live.base)
    page.goto(lms.start_launch("prof"))
    page.wait_for_url(f"{live.base}/instructor/courses/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Deep Learning 101"
    course = int(page.url.rsplit("/", 1)[1])
    check_page(page, "lti-01-instructor-course", axe_source)
    context.close()

    made = api.post(f"/api/courses/{course}/assignments", json={
        "slug": "hw1", "title": "Homework 1", "due_at": "2099-01-01T23:59:00Z", "randomized": False,
        "problems": [{"problem_id": "lipschitz-linear", "points": 10}]})
    assert made.status_code == 201, made.text
    key = answer_key(registry.get("lipschitz-linear"), "default")

    context, page, student_errors = new_page(browser, live.base)
    page.goto(lms.start_launch("ada"))
    page.wait_for_url(f"{live.base}/assignments")
    assert "Ada Lovelace" in page.locator("header").inner_text()
    page.get_by_role("link", name="Lipschitz").first.click()
    page.wait_for_url("**/assignments/hw1/problems/lipschitz-linear")
    page.locator("#answer-L").fill(f"{key['L']:.6f}")
    page.locator("#answer-singular_values").fill(", ".join(f"{v:.6f}" for v in key["singular_values"]))
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**submission=*")
    check_page(page, "lti-02-student-result", axe_source)
    deadline = time.monotonic() + 30
    while not lms.scores and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [(s["userId"], s["scoreGiven"], s["scoreMaximum"]) for s in lms.scores] == [("lms-ada", 10.0, 10)]
    assert console_errors == [] and student_errors == []
    context.close()
