"""Assignment and Grade Services against the real platform (tests/lti/lms.py): a counted
submission's score reaches the LMS gradebook with the fields the specification names; an LMS that
is down loses nothing — the scores wait in the outbox, across a restart of hwcheck, and arrive
once it is back; `hwcheck lti sync-grades` sends everything again."""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from launching import ADMIN, TOOL, cli_run, launch
from service_helpers import Clock, bearer
from sqlalchemy import select

from graders.grade import answer_key
from problems import registry
from service.app import create_app
from service.lti import scores
from service.store.models import Course, LtiScoreOutbox, Student, utc_now
from service.tokens import STUDENT_PREFIX, new_token

PROBLEM = "lipschitz-linear"  # two parts, one point each; the assignment gives it 10 points
RIGHT = answer_key(registry.get(PROBLEM), "default")
HALF = {**RIGHT, "L": 12345.0}  # one part of two right
WRONG = {"L": 12345.0, "singular_values": [12345.0, 54321.0]}


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(scores, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(scores, "BACKOFF_SECONDS", 0.1)
    monkeypatch.setattr(scores, "MAX_BACKOFF", 0.4)


def course_with_hw1(hwcheck, lms, **fields) -> int:
    """The instructor's launch makes the course; hw1 (not randomized: everyone's key is RIGHT)."""
    assert launch(hwcheck, lms, "prof").status_code == 303
    with hwcheck.app.state.sessionmaker() as session:
        course_id = session.scalar(select(Course.id))
    made = hwcheck.post(f"/api/courses/{course_id}/assignments", headers=bearer(ADMIN), json={
        "slug": "hw1", "title": "Homework 1", "due_at": (utc_now() + timedelta(days=7)).isoformat(),
        "randomized": False, "problems": [{"problem_id": PROBLEM, "points": 10}], **fields})
    assert made.status_code == 201, made.text
    return course_id


def arrived_from_lms(hwcheck, lms, person: str) -> dict[str, str]:
    """The student launched (so they are the LMS's), with an API token to submit with as well."""
    hwcheck.cookies.clear()
    assert launch(hwcheck, lms, person).status_code == 303
    token, hashed = new_token(STUDENT_PREFIX)
    with hwcheck.app.state.sessionmaker() as session:
        student = session.scalar(select(Student).where(Student.email == lms.people[person].email))
        student.token_hash = hashed
        session.commit()
    return bearer(token)


def submit(client, student: dict[str, str], answers: dict) -> dict:
    response = client.post(f"/api/grade/{PROBLEM}", headers=student, json={"answers": answers, "assignment": "hw1"})
    assert response.status_code == 200, response.text
    return response.json()


def wait_for(condition, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("not within the time")


def test_a_counted_score_reaches_the_gradebook_with_the_fields_of_the_specification(hwcheck, lms):
    course_with_hw1(hwcheck, lms)
    ada = arrived_from_lms(hwcheck, lms, "ada")
    before = utc_now()
    submit(hwcheck, ada, HALF)
    (first,) = wait_for(lambda: lms.scores)
    # One line item, made by hwcheck, carrying the assignment's points and its tag.
    (item,) = lms.line_items.values()
    assert {k: item[k] for k in ("scoreMaximum", "label", "tag", "resourceId")} == {
        "scoreMaximum": 10, "label": "Homework 1", "tag": "hwcheck", "resourceId": "hw1"}
    assert {k: v for k, v in first.items() if k != "timestamp"} == {
        "userId": "lms-user-ada", "scoreGiven": 5.0, "scoreMaximum": 10, "activityProgress": "Completed",
        "gradingProgress": "FullyGraded", "lineitem": item["id"]}
    stamped = datetime.fromisoformat(first["timestamp"].replace("Z", "+00:00"))
    assert before - timedelta(seconds=1) <= stamped <= utc_now()

    # A better attempt raises it; an override by the instructor replaces it; both go to the same column.
    submission = submit(hwcheck, ada, RIGHT)["submission"]["id"]
    wait_for(lambda: len(lms.scores) == 2)
    assert lms.scores[1]["scoreGiven"] == 10.0
    overridden = hwcheck.post(f"/api/submissions/{submission}/override", headers=bearer(ADMIN),
                              json={"score": 1.5, "comment": "the singular values were copied"})
    assert overridden.status_code == 200, overridden.text
    wait_for(lambda: len(lms.scores) == 3)
    assert lms.scores[2]["scoreGiven"] == 7.5  # 1.5 of the problem's 2 -> 7.5 of 10
    assert {s["lineitem"] for s in lms.scores} == {item["id"]} and len(lms.line_items) == 1
    # The timestamps only grow: the LMS keeps the newest.
    assert [s["timestamp"] for s in lms.scores] == sorted(s["timestamp"] for s in lms.scores)
    assert lms.token_requests == 1  # the access token is cached until it expires


def test_a_late_submission_sends_the_score_after_its_penalty(hwcheck, lms):
    course_id = course_with_hw1(hwcheck, lms, late_policy="penalty", penalty_per_day=0.1)
    ada = arrived_from_lms(hwcheck, lms, "ada")
    hw1 = hwcheck.get(f"/api/courses/{course_id}/assignments", headers=bearer(ADMIN)).json()[0]
    due = datetime.fromisoformat(hw1["due_at"].replace("Z", "+00:00"))
    hwcheck.app.state.clock = Clock(due + timedelta(hours=12))  # one started day late: 10 % off
    assert submit(hwcheck, ada, RIGHT)["submission"]["penalty"] == 0.1
    (score,) = wait_for(lambda: lms.scores)
    assert (score["scoreGiven"], score["scoreMaximum"]) == (9.0, 10)


def test_the_web_form_path_and_a_non_lms_student_alike(hwcheck, lms):
    course_id = course_with_hw1(hwcheck, lms)
    hwcheck.cookies.clear()
    assert launch(hwcheck, lms, "bo").status_code == 303  # Bo is signed in by the launch
    page = hwcheck.get(f"/assignments/hw1/problems/{PROBLEM}")
    fields = dict(re.findall(r'name="(csrf_token|form_nonce)" value="([^"]+)"', page.text))
    posted = hwcheck.post(f"/assignments/hw1/problems/{PROBLEM}", follow_redirects=False, data={
        **fields, "answer-L": str(RIGHT["L"]),
        "answer-singular_values": ", ".join(str(v) for v in RIGHT["singular_values"])})
    assert posted.status_code == 303, posted.text  # to the result page
    (score,) = wait_for(lambda: lms.scores)
    assert (score["userId"], score["scoreGiven"]) == ("lms-user-bo", 10.0)
    # A student of the roster who never came through the LMS: nothing is queued for them.
    roster = hwcheck.post(f"/api/courses/{course_id}/roster", headers=bearer(ADMIN),
                          json=[{"student_id": "s-z", "name": "Zed"}])
    zed = bearer(roster.json()["students"][0]["token"])
    submit(hwcheck, zed, RIGHT)
    with hwcheck.app.state.sessionmaker() as session:
        rows = session.scalars(select(LtiScoreOutbox)).all()
        assert len(rows) == 1 and all(r.sent_at is not None for r in rows)


def test_an_lms_that_is_down_loses_nothing_even_across_a_restart(tool_settings, hwcheck, lms):
    course_with_hw1(hwcheck, lms)
    ada = arrived_from_lms(hwcheck, lms, "ada")
    bo = arrived_from_lms(hwcheck, lms, "bo")
    lms.down = True
    submit(hwcheck, ada, WRONG)
    submit(hwcheck, bo, HALF)
    submit(hwcheck, ada, RIGHT)

    def tried_and_waiting():
        with hwcheck.app.state.sessionmaker() as session:
            rows = session.scalars(select(LtiScoreOutbox).order_by(LtiScoreOutbox.id)).all()
            return rows if rows and all(r.sent_at is None for r in rows) and rows[0].tries >= 2 else None

    waiting = wait_for(tried_and_waiting)
    assert "503" in waiting[0].last_error
    assert lms.scores == []

    # hwcheck restarts while the LMS is still down: the outbox is in the database.
    hwcheck.__exit__(None, None, None)
    with TestClient(create_app(tool_settings), base_url=TOOL) as restarted:
        time.sleep(0.3)
        assert lms.scores == []
        lms.down = False
        wait_for(lambda: len(lms.scores) >= 2)
        time.sleep(0.3)  # anything more would come now
        # Each student's score as it stands — Ada's best attempt, not her first — in the order they changed.
        assert [(s["userId"], s["scoreGiven"]) for s in lms.scores] == [("lms-user-ada", 10.0), ("lms-user-bo", 5.0)]
        with restarted.app.state.sessionmaker() as session:
            assert all(r.sent_at is not None and r.last_error is None
                       for r in session.scalars(select(LtiScoreOutbox)))


def test_sync_grades_sends_every_lms_students_score_again(tool_settings, hwcheck, lms, monkeypatch):
    course_id = course_with_hw1(hwcheck, lms)
    submit(hwcheck, arrived_from_lms(hwcheck, lms, "ada"), RIGHT)
    arrived_from_lms(hwcheck, lms, "bo")  # launched, never submitted
    wait_for(lambda: lms.scores)
    result, missing = cli_run(monkeypatch, tool_settings, ["lti", "sync-grades", str(course_id), "hw1"],
                              ["lti", "sync-grades", str(course_id), "hw9"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2 students queued; 2 scores sent; 0 waiting to be retried"
    resent = {s["userId"]: (s["scoreGiven"], s["activityProgress"]) for s in lms.scores[-2:]}
    assert resent == {"lms-user-ada": (10.0, "Completed"), "lms-user-bo": (0.0, "Initialized")}
    assert missing.exit_code != 0 and "course 1 has no assignment 'hw9'" in missing.output


def test_sync_grades_counts_what_a_running_servers_sender_sent_for_it(tool_settings, hwcheck, lms, monkeypatch):
    """The server's own sender (every second) may claim the rows sync-grades queued before the
    command does: those are being sent, not waiting — the command awaits them and counts them.
    It said "0 scores sent" when the server was first, and, with the server's sends still in
    flight, "2 waiting to be retried" and failed (a CI run of 2026-12-08)."""
    course_id = course_with_hw1(hwcheck, lms)
    submit(hwcheck, arrived_from_lms(hwcheck, lms, "ada"), RIGHT)
    arrived_from_lms(hwcheck, lms, "bo")
    wait_for(lambda: lms.scores)
    before = len(lms.scores)
    send_pending = scores.send_pending

    def servers_first(session, now=None):  # the server's sender takes every row before the command
        if threading.current_thread() is not threading.main_thread():
            return send_pending(session, now)
        wait_for(lambda: len(lms.scores) == before + 2)
        return 0

    monkeypatch.setattr(scores, "send_pending", servers_first)
    (result,) = cli_run(monkeypatch, tool_settings, ["lti", "sync-grades", str(course_id), "hw1"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2 students queued; 2 scores sent; 0 waiting to be retried"
    assert len(lms.scores) == before + 2


def test_a_students_waiting_rows_go_with_the_one_that_is_due(hwcheck, lms):
    """Rows of one student can wait in different back-off cohorts (one failed earlier than the
    other): the score sent is the one that stands now, so it closes them all — sent once."""
    course_with_hw1(hwcheck, lms)
    ada, bo = arrived_from_lms(hwcheck, lms, "ada"), arrived_from_lms(hwcheck, lms, "bo")
    hwcheck.app.state.score_sender.stop()  # this test sends by hand
    for who, answers in ((ada, WRONG), (bo, HALF), (ada, RIGHT)):
        submit(hwcheck, who, answers)
    later = utc_now() + timedelta(hours=1)
    with hwcheck.app.state.sessionmaker() as session:
        first, bos, second = session.scalars(select(LtiScoreOutbox).order_by(LtiScoreOutbox.id)).all()
        bos.next_try_at = second.next_try_at = later  # only Ada's first change is due
        session.commit()
        assert scores.send_pending(session) == 1
        assert [(s["userId"], s["scoreGiven"]) for s in lms.scores] == [("lms-user-ada", 10.0)]
        session.expire_all()
        assert (first.sent_at is not None, second.sent_at is not None, bos.sent_at) == (True, True, None)
        bos.next_try_at = utc_now()
        session.commit()
        assert scores.send_pending(session) == 1
    assert [(s["userId"], s["scoreGiven"]) for s in lms.scores] == [("lms-user-ada", 10.0), ("lms-user-bo", 5.0)]
