"""Submitting for an assignment: attempts, deadlines and late penalties, extensions,
idempotent retries (also when they race), best or last attempt, overrides."""

import asyncio
import itertools
import math
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from service_helpers import DUE
from sqlalchemy import select

from problems import registry
from problems.core import reference, to_json
from service.courses import submissions
from service.store.models import Grading
from service.store.writer import Writer

PROBLEM = "lipschitz-linear"  # two parts (L, singular_values), one point each


def stored(client) -> list[Grading]:
    with client.app.state.sessionmaker() as session:
        return session.scalars(select(Grading).order_by(Grading.id)).all()


def right_answers(client, headers, problem_id=PROBLEM, assignment="hw1") -> dict:
    variant = client.get(f"/api/problems/{problem_id}?assignment={assignment}", headers=headers).json()["variant"]
    return to_json(reference(registry.get(problem_id), variant))


def submit(client, headers, answers, key=None, **body):
    if key is not None:
        headers = {**headers, "Idempotency-Key": key}
    return client.post(f"/api/grade/{PROBLEM}", headers=headers, json={"answers": answers, **body})


WRONG = {"L": 12345, "singular_values": [12345, 54321]}  # far from any variant's answer


def assignments(client, headers) -> dict:
    return {a["slug"]: a for a in client.get("/api/me/assignments", headers=headers).json()}


# --- attempts -----------------------------------------------------------------------------------


def test_attempts_are_counted_and_run_out_with_a_clear_403(client, course):
    course.assignment("hw1", attempts_allowed=2)
    first, second = submit(client, course.a, WRONG).json(), submit(client, course.a, WRONG).json()
    assert [(r["submission"]["attempt"], r["submission"]["attempts_used"], r["submission"]["attempts_left"])
            for r in (first, second)] == [(1, 1, 1), (2, 2, 0)]
    third = submit(client, course.a, right_answers(client, course.a))
    assert third.status_code == 403
    assert third.json() == {"detail": "you have used all 2 attempts for lipschitz-linear in hw1"}
    assert len(stored(client)) == 2
    # B's attempts are B's own.
    assert submit(client, course.b, WRONG).json()["submission"]["attempt"] == 1
    progress = assignments(client, course.a)["hw1"]["problems"][0]
    assert (progress["attempts_used"], progress["attempts_left"]) == (2, 0)


def test_a_single_attempt_says_so(client, course):
    course.assignment("hw1", attempts_allowed=1)
    submit(client, course.a, WRONG)
    refused = submit(client, course.a, WRONG)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "you have used your only attempt for lipschitz-linear in hw1"}


def test_a_submission_with_nothing_readable_uses_no_attempt(client, course):
    course.assignment("hw1", attempts_allowed=1)
    for answers in ({"L": "abc"}, {}, {"L": "", "singular_values": "[1 2"}):
        response = submit(client, course.a, answers)
        assert response.status_code == 200
        receipt = response.json()["submission"]
        assert (receipt["attempt"], receipt["attempts_used"], receipt["attempts_left"]) == (None, 0, 1)
        assert {p["status"] for p in response.json()["parts"]} <= {"invalid", "missing"}
    counted = submit(client, course.a, right_answers(client, course.a)).json()["submission"]
    assert (counted["attempt"], counted["attempts_left"]) == (1, 0)
    # All four are stored (the student's history shows them), one used an attempt.
    assert [row.attempt for row in stored(client)] == [None, None, None, 1]
    assert len(client.get("/api/me/submissions", headers=course.a).json()) == 4


def test_one_unreadable_part_counts_nothing_and_uses_no_attempt_until_fixed(client, course):
    course.assignment("hw1", attempts_allowed=1)
    right = right_answers(client, course.a)
    response = submit(client, course.a, {**right, "L": "3 root 5"})
    assert response.status_code == 200
    receipt = response.json()["submission"]
    assert (receipt["attempt"], receipt["attempts_used"], receipt["attempts_left"]) == (None, 0, 1)
    assert receipt["not_counted"] == ("Not counted, and no attempt used: part L could not be read. Fix it "
                                      "(each part's message says what is wrong) and submit again.")
    statuses = {p["id"]: p["status"] for p in response.json()["parts"]}
    assert statuses["L"] == "invalid" and statuses["singular_values"] == "correct"  # every part read
    progress = assignments(client, course.a)["hw1"]["problems"][0]
    assert (progress["attempts_used"], progress["score"]) == (0, None)  # nothing counts yet
    fixed = submit(client, course.a, right).json()["submission"]
    assert (fixed["attempt"], fixed["attempts_left"], fixed["not_counted"]) == (1, 0, None)
    assert assignments(client, course.a)["hw1"]["problems"][0]["score"] > 0


def force_a_race(monkeypatch, name: str, racers: int) -> None:
    """Make the first `racers` calls of submissions.<name> wait until all have been made: they all
    read the database before any of them writes, so only the unique constraints can keep
    the count exact. Later calls (a racer looking again after losing) go straight through.
    A read on the event loop (`name` None) cannot wait for the others there: then the first
    `racers` writes wait until all have been sent instead, which orders the same race."""
    if name is None:
        return hold_writes(monkeypatch, racers)
    barrier = threading.Barrier(racers, timeout=20)
    calls = itertools.count()
    read = getattr(submissions, name)

    def racing_read(*args):
        value = read(*args)
        if next(calls) < racers:
            barrier.wait()
        return value

    monkeypatch.setattr(submissions, name, racing_read)


def hold_writes(monkeypatch, racers: int) -> None:
    real = Writer.write
    arrived = itertools.count(1)
    all_here = []  # the asyncio.Event, made on the app's loop by the first write

    async def held_write(self, statement, values, then=()):
        if not all_here:
            all_here.append(asyncio.Event())
        if not all_here[0].is_set():
            if next(arrived) == racers:
                all_here[0].set()
            await asyncio.wait_for(all_here[0].wait(), 20)
        return await real(self, statement, values, then)

    monkeypatch.setattr(Writer, "write", held_write)


# The API reads what a submission needs in one query (submissions.submission_context) — on
# SQLite on the event loop, elsewhere in a worker thread —; the web form, and the API when that
# query finds anything unusual, read it step by step. All of them race.
READS = {"one query, in a thread": {"attempts": "submission_context", "key": "submission_context"},
         "one query, on the event loop": {"attempts": None, "key": None},
         "step by step": {"attempts": "attempts_used", "key": "_by_key"}}


@pytest.fixture(params=list(READS))
def reads(request, monkeypatch, client) -> dict[str, str]:
    if request.param == "step by step":
        monkeypatch.setattr(submissions, "submission_context", lambda *args: None)
    if request.param == "one query, in a thread":
        reader, client.app.state.loop_reader = client.app.state.loop_reader, None  # as on PostgreSQL
        if reader is not None:
            reader.dispose()
    elif request.param == "one query, on the event loop" and client.app.state.loop_reader is None:
        pytest.skip("reads on the event loop are SQLite's")
    return READS[request.param]


def test_concurrent_submissions_take_each_attempt_exactly_once(client, course, monkeypatch, reads):
    """All five read "0 attempts used" before any of them writes."""
    course.assignment("hw1", attempts_allowed=3)
    racers = 5
    force_a_race(monkeypatch, reads["attempts"], racers)
    with ThreadPoolExecutor(racers) as pool:
        responses = list(pool.map(lambda i: submit(client, course.a, {"L": i}), range(racers)))
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 403, 403]
    assert sorted(r.json()["submission"]["attempt"] for r in responses if r.status_code == 200) == [1, 2, 3]
    assert sorted(row.attempt for row in stored(client)) == [1, 2, 3]


# --- deadlines and late penalties ----------------------------------------------------------------


def test_hard_deadline(client, course, clock):
    course.assignment("hw1")
    clock.now = DUE  # on the minute is on time
    assert submit(client, course.a, WRONG).status_code == 200
    clock.advance(seconds=1)
    late = submit(client, course.a, WRONG)
    assert late.status_code == 403
    assert late.json() == {"detail": "the deadline for hw1 was 2027-02-08T23:59+00:00; submissions are closed"}
    assert len(stored(client)) == 1


@pytest.mark.parametrize("late_by", [timedelta(minutes=1), timedelta(days=1), timedelta(days=1, seconds=1),
                                     timedelta(days=3, hours=5), timedelta(days=4, hours=23)])
def test_late_penalty_per_started_day(client, course, clock, late_by):
    course.assignment("hw1", late_policy="penalty", penalty_per_day=0.15,
                      accept_late_until=(DUE + timedelta(days=5)).isoformat())
    answers = right_answers(client, course.a)
    answers["singular_values"] = [12345, 54321]  # one of two parts right: score 1
    clock.now = DUE + late_by
    body = submit(client, course.a, answers).json()
    days = math.ceil(late_by.total_seconds() / 86400)
    expected_final = 1.0 * max(0.0, 1 - 0.15 * days)
    receipt = body["submission"]
    assert body["score"] == 1.0
    assert receipt["late_days"] == days
    assert receipt["penalty"] == pytest.approx(0.15 * days)
    assert receipt["final_score"] == pytest.approx(expected_final)
    # What counts: the penalised score, scaled to the problem's 10 points.
    hw1 = assignments(client, course.a)["hw1"]
    assert hw1["problems"][0]["score"] == pytest.approx(expected_final / 2 * 10)
    assert hw1["score"] == pytest.approx(expected_final / 2 * 10)


def test_a_penalty_never_goes_below_zero(client, course, clock):
    course.assignment("hw1", late_policy="penalty", penalty_per_day=0.4)
    clock.now = DUE + timedelta(days=3)
    receipt = submit(client, course.a, right_answers(client, course.a)).json()["submission"]
    assert (receipt["late_days"], receipt["penalty"], receipt["final_score"]) == (3, 1.0, 0.0)


def test_nothing_is_accepted_after_the_late_cutoff(client, course, clock):
    course.assignment("hw1", late_policy="penalty", penalty_per_day=0.1,
                      accept_late_until=(DUE + timedelta(days=2)).isoformat())
    clock.now = DUE + timedelta(days=2, seconds=1)
    refused = submit(client, course.a, WRONG)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "the deadline for hw1 was 2027-02-08T23:59+00:00 and late submissions were "
                                        "accepted until 2027-02-10T23:59+00:00; submissions are closed"}


def test_an_extension_is_for_one_student_only(client, course, clock, instructor):
    course.assignment("hw1")
    extended = client.post(f"/api/courses/{course.id}/assignments/hw1/extensions", headers=instructor,
                           json={"student_id": "s-a", "due_at": (DUE + timedelta(days=2)).isoformat()})
    assert extended.status_code == 200
    assert extended.json() == {"assignment": "hw1", "student_id": "s-a", "due_at": "2027-02-10T23:59:00Z",
                               "accept_late_until": None}
    clock.now = DUE + timedelta(days=1)
    on_time = submit(client, course.a, WRONG)
    assert on_time.status_code == 200 and on_time.json()["submission"]["late_days"] == 0
    assert on_time.json()["submission"]["due_at"] == "2027-02-10T23:59:00Z"
    refused = submit(client, course.b, WRONG)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "the deadline for hw1 was 2027-02-08T23:59+00:00; submissions are closed"
    a, b = assignments(client, course.a)["hw1"], assignments(client, course.b)["hw1"]
    assert (a["due_at"], a["extended"]) == ("2027-02-10T23:59:00Z", True)
    assert (b["due_at"], b["extended"]) == ("2027-02-08T23:59:00Z", False)
    # Extending again moves the same extension.
    client.post(f"/api/courses/{course.id}/assignments/hw1/extensions", headers=instructor,
                json={"student_id": "s-a", "due_at": (DUE + timedelta(hours=12)).isoformat()})
    assert submit(client, course.a, WRONG).status_code == 403


def test_an_extension_moves_the_late_window_with_it(client, course, clock, instructor):
    course.assignment("hw1", late_policy="penalty", penalty_per_day=0.1,
                      accept_late_until=(DUE + timedelta(days=1)).isoformat())
    extended = client.post(f"/api/courses/{course.id}/assignments/hw1/extensions", headers=instructor,
                           json={"student_id": "s-a", "due_at": (DUE + timedelta(days=3)).isoformat()}).json()
    assert extended["accept_late_until"] == "2027-02-12T23:59:00Z"
    clock.now = DUE + timedelta(days=3, hours=2)
    receipt = submit(client, course.a, WRONG).json()["submission"]
    assert (receipt["late_days"], receipt["penalty"]) == (1, 0.1)
    assert submit(client, course.b, WRONG).status_code == 403


def test_extensions_name_real_students_and_assignments(client, course, instructor):
    course.assignment("hw1")
    url = f"/api/courses/{course.id}/assignments"
    nobody = client.post(url + "/hw1/extensions", headers=instructor,
                         json={"student_id": "s-z", "due_at": DUE.isoformat()})
    assert nobody.status_code == 404 and nobody.json() == {"detail": "there is no student 's-z' in CS 182"}
    nothing = client.post(url + "/hw9/extensions", headers=instructor,
                          json={"student_id": "s-a", "due_at": DUE.isoformat()})
    assert nothing.status_code == 404 and nothing.json() == {"detail": "there is no assignment 'hw9' in CS 182"}


# --- idempotent retries ---------------------------------------------------------------------------


def test_a_retry_with_the_same_key_counts_once_and_gets_the_same_body(client, course, clock):
    course.assignment("hw1", attempts_allowed=2)
    first = submit(client, course.a, WRONG, key="try-1")
    clock.advance(minutes=5)
    again = submit(client, course.a, WRONG, key="try-1")
    assert again.status_code == 200
    assert again.content == first.content
    assert (first.headers["Idempotent-Replayed"], again.headers["Idempotent-Replayed"]) == ("false", "true")
    assert len(stored(client)) == 1
    assert submit(client, course.a, WRONG, key="try-2").json()["submission"]["attempt"] == 2
    # A retry even replays after the deadline and after running out of attempts.
    clock.now = DUE + timedelta(days=1)
    assert submit(client, course.a, WRONG, key="try-1").content == first.content


def test_a_key_reused_for_another_submission_is_a_422(client, course):
    course.assignment("hw1")
    submit(client, course.a, WRONG, key="k")
    reused = submit(client, course.a, {"L": 2}, key="k")
    assert reused.status_code == 422
    assert reused.json() == {"detail": "this Idempotency-Key was already used for a different submission; "
                                       "send a new key with each new submission"}
    # Keys belong to one student: B may use the same one.
    assert submit(client, course.b, WRONG, key="k").status_code == 200
    assert len(stored(client)) == 2


def test_concurrent_retries_with_one_key_store_one_row(client, course, monkeypatch, reads):
    """Eight copies of one request, all past the "seen this key?" check before any is stored."""
    course.assignment("hw1", attempts_allowed=5)
    force_a_race(monkeypatch, reads["key"], 8)
    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda _: submit(client, course.a, WRONG, key="same"), range(8)))
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    assert sorted(r.headers["Idempotent-Replayed"] for r in responses) == ["false"] + ["true"] * 7
    rows = stored(client)
    assert len(rows) == 1 and rows[0].attempt == 1


def test_concurrent_retries_of_an_unreadable_submission_store_one_row(client, course, monkeypatch, reads):
    """No attempt number to collide on: UNIQUE(student, key) alone keeps it to one row."""
    course.assignment("hw1")
    force_a_race(monkeypatch, reads["key"], 6)
    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(lambda _: submit(client, course.a, {"L": "abc"}, key="x"), range(6)))
    assert {r.status_code for r in responses} == {200} and len({r.content for r in responses}) == 1
    assert [row.attempt for row in stored(client)] == [None]


def test_practice_ignores_the_key(client):
    for _ in range(2):
        assert client.post(f"/api/grade/{PROBLEM}", json={"answers": WRONG},
                           headers={"Idempotency-Key": "k"}).status_code == 200
    assert len(stored(client)) == 2


# --- what counts: best or last, overrides ----------------------------------------------------------


@pytest.mark.parametrize(("counts", "expected_points"), [("best", 10.0), ("last", 5.0)])
def test_best_or_last_attempt_counts(client, course, counts, expected_points):
    course.assignment("hw1", counts=counts)
    right = right_answers(client, course.a)
    half = {**right, "singular_values": [12345, 54321]}
    ids = [submit(client, course.a, answers).json()["submission"]["id"] for answers in (WRONG, right, half)]
    submit(client, course.a, {"L": "abc"})  # uses no attempt, so it never counts
    problem = assignments(client, course.a)["hw1"]["problems"][0]
    assert problem["score"] == expected_points
    assert problem["counted_submission_id"] == (ids[1] if counts == "best" else ids[2])


def test_no_counted_submission_yet(client, course):
    course.assignment("hw1", problems=(("lipschitz-linear", 10), ("receptive-field", 4)))
    hw1 = assignments(client, course.a)["hw1"]
    assert [(p["problem_id"], p["score"], p["attempts_used"], p["attempts_left"]) for p in hw1["problems"]] == [
        ("lipschitz-linear", None, 0, None), ("receptive-field", None, 0, None)]
    assert (hw1["score"], hw1["max_points"]) == (0.0, 14.0)


def test_an_override_changes_the_counted_score_and_keeps_the_comment(client, course, instructor, clock):
    course.assignment("hw1", counts="last")
    submission_id = submit(client, course.a, WRONG).json()["submission"]["id"]
    response = client.post(f"/api/submissions/{submission_id}/override", headers=instructor,
                           json={"score": 1.5, "comment": "right method, arithmetic slip"})
    assert response.status_code == 200
    overridden = response.json()
    assert (overridden["override_score"], overridden["override_comment"], overridden["counted_score"]) == (
        1.5, "right method, arithmetic slip", 1.5)
    assert overridden["overridden_at"] == "2027-02-01T12:00:00Z"
    assert overridden["score"] == 0.0  # the grader's own verdict is kept
    problem = assignments(client, course.a)["hw1"]["problems"][0]
    assert (problem["score"], problem["override_comment"]) == (7.5, "right method, arithmetic slip")
    listed = client.get(f"/api/courses/{course.id}/submissions?student=s-a", headers=instructor).json()
    assert listed[0]["override_comment"] == "right method, arithmetic slip"
    mine = client.get("/api/me/submissions", headers=course.a).json()
    assert (mine[0]["override_score"], mine[0]["override_comment"]) == (1.5, "right method, arithmetic slip")


def test_an_override_can_make_an_unreadable_submission_count(client, course, instructor):
    course.assignment("hw1")
    receipt = submit(client, course.a, {"L": "3 root 5"}).json()["submission"]
    assert receipt["attempt"] is None
    submission_id = receipt["id"]
    client.post(f"/api/submissions/{submission_id}/override", headers=instructor,
                json={"score": 1, "comment": "typed 'root' for sqrt; the value is right"})
    assert assignments(client, course.a)["hw1"]["problems"][0]["score"] == 5.0


def test_bad_overrides(client, course, instructor):
    course.assignment("hw1")
    submission_id = submit(client, course.a, WRONG).json()["submission"]["id"]
    too_much = client.post(f"/api/submissions/{submission_id}/override", headers=instructor,
                           json={"score": 3, "comment": "x"})
    assert too_much.status_code == 422
    assert too_much.json() == {"detail": "the score must be between 0 and 2, this problem's maximum"}
    no_comment = client.post(f"/api/submissions/{submission_id}/override", headers=instructor, json={"score": 1})
    assert no_comment.status_code == 422
    missing = client.post("/api/submissions/9999/override", headers=instructor, json={"score": 1, "comment": "x"})
    assert missing.status_code == 404 and missing.json() == {"detail": "there is no submission 9999"}
    practice_id = client.post(f"/api/grade/{PROBLEM}", json={"answers": WRONG}) and stored(client)[-1].id
    practice = client.post(f"/api/submissions/{practice_id}/override", headers=instructor,
                           json={"score": 1, "comment": "x"})
    assert practice.status_code == 422
    assert practice.json() == {"detail": f"submission {practice_id} is practice (no student, no assignment); "
                                         "it counts for nothing"}


# --- which assignment -------------------------------------------------------------------------------


def test_which_assignment_a_submission_is_for(client, course):
    course.assignment("hw1")
    assert submit(client, course.a, WRONG).json()["submission"]["assignment"] == "hw1"
    course.assignment("hw2", problems=((PROBLEM, 5),))
    ambiguous = submit(client, course.a, WRONG)
    assert ambiguous.status_code == 422
    assert ambiguous.json() == {"detail": "lipschitz-linear is in more than one assignment (hw1, hw2); "
                                          "say which with `assignment`"}
    assert submit(client, course.a, WRONG, assignment="hw2").json()["submission"]["assignment"] == "hw2"
    elsewhere = client.post("/api/grade/receptive-field", headers=course.a, json={"answers": {}})
    assert elsewhere.status_code == 422
    assert elsewhere.json() == {"detail": "receptive-field is not in any assignment of CS 182"}
    not_in = client.post("/api/grade/receptive-field", headers=course.a, json={"answers": {}, "assignment": "hw1"})
    assert not_in.status_code == 404
    assert not_in.json() == {"detail": "receptive-field is not part of hw1; its problems are lipschitz-linear"}


def test_an_assignment_without_a_student_token(client, course, instructor):
    course.assignment("hw1")
    anonymous = client.post(f"/api/grade/{PROBLEM}", json={"answers": WRONG, "assignment": "hw1"})
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": "this needs a student token: Authorization: Bearer <token>"}
    as_instructor = client.post(f"/api/grade/{PROBLEM}", headers=instructor,
                                json={"answers": WRONG, "assignment": "hw1"})
    assert as_instructor.status_code == 403
    # An instructor's token without an assignment is practice.
    practice = client.post(f"/api/grade/{PROBLEM}", headers=instructor, json={"answers": WRONG})
    assert practice.status_code == 200 and "submission" not in practice.json()
    assert [row.student_pk for row in stored(client)] == [None]


def test_a_mistyped_token_is_never_graded_as_practice(client, course):
    course.assignment("hw1")
    response = submit(client, {"Authorization": "Bearer hws_typo"}, WRONG)
    assert response.status_code == 401
    assert stored(client) == []


# --- reading submissions ------------------------------------------------------------------------------


def test_instructors_filter_submissions(client, course, instructor):
    course.assignment("hw1", problems=((PROBLEM, 10), ("receptive-field", 5)))
    course.assignment("hw2", problems=(("receptive-field", 5),))
    submit(client, course.a, WRONG)
    submit(client, course.b, WRONG)
    client.post("/api/grade/receptive-field", headers=course.a, json={"answers": {"rf_final": 3}, "assignment": "hw2"})
    client.post(f"/api/grade/{PROBLEM}", json={"answers": WRONG})  # practice: in no course listing
    url = f"/api/courses/{course.id}/submissions"

    def listed(query=""):
        return [(s["student_id"], s["assignment"], s["problem_id"])
                for s in client.get(url + query, headers=instructor).json()]

    assert listed() == [("s-a", "hw1", PROBLEM), ("s-b", "hw1", PROBLEM), ("s-a", "hw2", "receptive-field")]
    assert listed("?student=s-a") == [("s-a", "hw1", PROBLEM), ("s-a", "hw2", "receptive-field")]
    assert listed("?problem=receptive-field") == [("s-a", "hw2", "receptive-field")]
    assert listed("?assignment=hw1&student=s-b") == [("s-b", "hw1", PROBLEM)]
    assert client.get(url + "?student=nobody", headers=instructor).status_code == 404
    progress = client.get(f"/api/courses/{course.id}/students/s-a/assignments", headers=instructor).json()
    assert [a["slug"] for a in progress] == ["hw1", "hw2"]


def test_students_read_only_their_own_history(client, course):
    course.assignment("hw1")
    submit(client, course.a, WRONG)
    submit(client, course.b, {"L": 2})
    mine = client.get("/api/me/submissions", headers=course.a).json()
    assert [(s["student_id"], s["answers"]) for s in mine] == [("s-a", WRONG)]
    assert client.get("/api/me/submissions?problem=receptive-field", headers=course.a).json() == []
    assert client.get("/api/me/submissions?assignment=hw1", headers=course.b).json()[0]["answers"] == {"L": 2}
