"""Names and Role Provisioning against the real platform: the LMS roster read through its pages
(`Link: rel="next"`), everyone linked once — by the CLI, the API and the course page's button."""

from __future__ import annotations

import re

from launching import ADMIN, cli_run, count, launch, said
from lms import INSTRUCTOR, LEARNER, TA, Person
from service_helpers import bearer
from sqlalchemy import select

from service.store.models import Course, CourseStaff, LtiStudent, Student


def roster_of_five(lms) -> None:
    lms.members = [
        Person("lms-user-prof", "Grace Hopper", "grace@uni.example", [INSTRUCTOR]),
        Person("lms-user-ada", "Ada Lovelace", "ada@uni.example", [LEARNER], sourcedid="s-ada"),
        Person("lms-user-bo", "Bo Yang", "BO@uni.example", [LEARNER]),
        Person("lms-user-cy", "Cy Young", "cy@uni.example", ["Learner"]),  # a short role name
        Person("lms-user-tia", "Tia Assist", "tia@uni.example", [TA]),
    ]
    lms.page_size = 2  # three pages


def test_the_roster_is_read_through_every_page_and_linked_once(tool_settings, hwcheck, lms, monkeypatch):
    assert launch(hwcheck, lms, "prof").status_code == 303
    with hwcheck.app.state.sessionmaker() as session:
        course = session.scalar(select(Course))
        # Bo is on the roster already (uploaded by hand, another case of email): he is linked, not doubled.
        session.add(Student(course_id=course.id, student_id="2026-0042", name="Bo Y.", email="bo@uni.example",
                            token_hash="1" * 64))
        session.commit()
    roster_of_five(lms)
    first, again = cli_run(monkeypatch, tool_settings, ["lti", "sync-roster", str(course.id)],
                           ["lti", "sync-roster", str(course.id)])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "3 students (3 new), 2 staff; 0 inactive left as they were"
    assert again.output.strip() == "3 students (0 new), 2 staff; 0 inactive left as they were"
    with hwcheck.app.state.sessionmaker() as session:
        students = {s.student_id: (s.name, s.email) for s in session.scalars(select(Student))}
        assert students == {"s-ada": ("Ada Lovelace", "ada@uni.example"), "2026-0042": ("Bo Y.", "bo@uni.example"),
                            "lti-lms-user-cy": ("Cy Young", "cy@uni.example")}
        roles = sorted((s.instructor.name, s.role) for s in session.scalars(select(CourseStaff)))
        assert roles == [("Grace Hopper", "owner"), ("Tia Assist", "ta")]
    assert count(hwcheck, LtiStudent) == 3
    # A student the roster linked launches later and is the same row.
    hwcheck.cookies.clear()
    assert launch(hwcheck, lms, "ada").status_code == 303
    assert (count(hwcheck, Student), count(hwcheck, LtiStudent)) == (3, 3)


def test_the_course_page_button_and_the_api_read_the_roster(hwcheck, lms):
    professor = launch(hwcheck, lms, "prof")
    page = hwcheck.get(professor.headers["location"])
    assert "Read the roster from the LMS" in page.text
    course_id = int(professor.headers["location"].rsplit("/", 1)[1])
    roster_of_five(lms)
    lms.members.append(Person("lms-user-gone", "Gone Away", "gone@uni.example", [LEARNER], status="Inactive"))
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    synced = hwcheck.post(f"/instructor/courses/{course_id}/lti/roster", data={"csrf_token": csrf})
    assert synced.status_code == 200
    assert "Read from the LMS: 3 students (3 new), 2 staff; 1 inactive left as they were." in said(synced)
    assert "Cy Young" in said(synced) and "Gone Away" not in said(synced)
    # The LMS down: a clear answer, nothing changed.
    lms.down = True
    refused = hwcheck.post(f"/api/courses/{course_id}/lti/roster", headers=bearer(ADMIN))
    assert refused.status_code == 502
    assert refused.json()["detail"].startswith("the LMS roster could not be read: ")
    lms.down = False
    assert hwcheck.post(f"/api/courses/{course_id}/lti/roster", headers=bearer(ADMIN)).json() == {
        "students": 3, "new_students": 0, "staff": 2, "inactive": 1}
