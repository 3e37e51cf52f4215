"""Deep Linking against the real platform: from the LMS editor an instructor picks an assignment
or one problem; the platform (lti1p3platform) checks hwcheck's signed answer against its JWKS; the
link it makes then opens what was picked — for students too."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
from launching import ADMIN, count, launch, said
from lms import INSTRUCTOR, Person
from service_helpers import bearer
from sqlalchemy import select

from service.store.models import Course, LtiResourceLink, Student, utc_now


def course_with_hw1(hwcheck, lms) -> int:
    assert launch(hwcheck, lms, "prof").status_code == 303
    with hwcheck.app.state.sessionmaker() as session:
        course_id = session.scalar(select(Course.id))
    made = hwcheck.post(f"/api/courses/{course_id}/assignments", headers=bearer(ADMIN), json={
        "slug": "hw1", "title": "Homework 1", "due_at": (utc_now() + timedelta(days=7)).isoformat(),
        "problems": [{"problem_id": "lipschitz-linear", "points": 10}, {"problem_id": "receptive-field", "points": 4}]})
    assert made.status_code == 201, made.text
    return course_id


def pick(hwcheck, lms, choice: str) -> dict:
    """The instructor's deep-linking launch, the picker, the choice, and the answer posted to the LMS."""
    lms.deep_linking = True
    launched = launch(hwcheck, lms, "prof")
    assert launched.status_code == 303 and launched.headers["location"].startswith("/lti/deep-link?offer=")
    picker = hwcheck.get(launched.headers["location"])
    assert picker.status_code == 200
    assert "Homework 1" in said(picker) and "only Lipschitz constant of a linear map" in said(picker)
    fields = dict(re.findall(r'name="(csrf_token|offer)" value="([^"]+)"', picker.text))
    answer = hwcheck.post("/lti/deep-link", data={**fields, "choice": choice})
    assert answer.status_code == 200, answer.text
    action = re.search(r'<form method="post" action="([^"]+)" data-autosubmit>', answer.text).group(1)
    assert action == lms.base + "/deep-link-return"
    assert answer.headers["content-security-policy"].endswith(f"form-action 'self' {lms.base}")
    token = re.search(r'name="JWT" value="([^"]+)"', answer.text).group(1)
    saved = httpx.post(action, data={"JWT": token})  # the browser's post; the LMS checks the signature
    assert saved.status_code == 200 and "Added 1 item(s)." in saved.text
    lms.deep_linking = False
    return lms.deep_links[-1]


def test_an_instructor_links_one_problem_and_students_land_on_it(hwcheck, lms):
    course_with_hw1(hwcheck, lms)
    item = pick(hwcheck, lms, "hw1/lipschitz-linear")
    assert item == {"type": "ltiResourceLink", "url": "http://testserver/lti/launch",
                    "title": "Homework 1: lipschitz-linear",
                    "custom": {"hwcheck_assignment": "hw1", "hwcheck_problem": "lipschitz-linear"}}
    # The LMS now launches that link with its custom parameters.
    lms.custom, lms.resource_link = item["custom"], "resource-link-7"
    hwcheck.cookies.clear()
    student = launch(hwcheck, lms, "ada")
    assert student.headers["location"] == "/assignments/hw1/problems/lipschitz-linear"
    assert hwcheck.get(student.headers["location"]).status_code == 200
    with hwcheck.app.state.sessionmaker() as session:
        (link,) = session.scalars(select(LtiResourceLink)).all()
        assert (link.resource_link_id, link.problem_id) == ("resource-link-7", "lipschitz-linear")


def test_a_whole_assignment_link_brings_its_gradebook_column(hwcheck, lms):
    course_with_hw1(hwcheck, lms)
    item = pick(hwcheck, lms, "hw1")
    assert item["custom"] == {"hwcheck_assignment": "hw1"}
    assert item["lineItem"] == {"scoreMaximum": 14, "label": "Homework 1", "resourceId": "hw1", "tag": "hwcheck"}


def test_only_staff_may_deep_link_and_only_with_their_own_offer(hwcheck, lms):
    course_with_hw1(hwcheck, lms)
    lms.deep_linking = True
    hwcheck.cookies.clear()
    students = count(hwcheck, Student)
    refused = launch(hwcheck, lms, "ada")
    assert refused.status_code == 403
    assert "LTI launch refused (roles): adding hwcheck content to the LMS is for the course's instructors" in said(refused)
    assert count(hwcheck, Student) == students
    assert launch(hwcheck, lms, "tia").status_code == 403  # a TA may not change the course either
    # Another instructor's offer is theirs: the professor cannot answer it, and a forged one is no offer.
    lms.people["ian"] = Person("lms-user-ian", "Ian Goodfellow", "ian@uni.example", [INSTRUCTOR])
    launched = launch(hwcheck, lms, "ian")
    offer = parse_qs(urlsplit(launched.headers["location"]).query)["offer"][0]
    hwcheck.cookies.clear()
    launch(hwcheck, lms, "prof")
    theirs = hwcheck.get("/lti/deep-link", params={"offer": offer})
    assert theirs.status_code == 403 and "this choice was offered to someone else" in said(theirs)
    forged = hwcheck.get("/lti/deep-link", params={"offer": offer[:-4] + "AAAA"})
    assert forged.status_code == 400 and "this is not a choice hwcheck offered" in said(forged)
