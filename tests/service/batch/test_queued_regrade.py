"""With the job queue, an API regrade is a job a `hwcheck worker` runs (service/batch/regrade.py):
the server records and enqueues it and changes nothing itself; the worker stores the new results
and the job's report together; a message delivered twice changes nothing more; cancel and retry
work as for batch jobs."""

from __future__ import annotations

import time

import pytest
from queueing import Worker, queue_env, redis_or_skip
from sqlalchemy import select
from test_regrade import own_L, submit

from service.batch.regrade import run_queued_regrade
from service.store.models import BatchJob, Grading, GradingRevision

pytestmark = pytest.mark.e2e


@pytest.fixture
def queue(tmp_path):
    return queue_env(redis_or_skip())


@pytest.fixture
def settings(settings, queue):
    """The usual test settings, on the queue (its own Redis namespace)."""
    return settings.model_copy(update={"redis_url": queue["HWCHECK_REDIS_URL"],
                                       "queue_namespace": queue["HWCHECK_QUEUE_NAMESPACE"]})


def worker(tmp_path, settings, queue) -> Worker:
    return Worker(tmp_path, {**queue, "HWCHECK_DATABASE_URL": settings.effective_database_url}, "worker")


def scored_by_an_older_solver(client, grading_id: int) -> None:
    """The stored result of a right answer, as a solver with a bug had graded it: wrong, 0 points."""
    with client.app.state.sessionmaker() as session:
        row = session.get(Grading, grading_id)
        row.result = {**row.result, "score": 0.0,
                      "parts": [{**p, "status": "incorrect", "score": 0.0} for p in row.result["parts"]]}
        row.score = row.final_score = 0.0
        session.commit()


def stored(client, grading_id: int):
    with client.app.state.sessionmaker() as session:
        row = session.get(Grading, grading_id)
        revisions = session.scalars(select(GradingRevision.score).where(GradingRevision.grading_id == grading_id)).all()
        return row.score, list(revisions)


def job(client, instructor, job_id: str) -> dict:
    response = client.get(f"/api/batch/jobs/{job_id}", headers=instructor)
    assert response.status_code == 200, response.text
    return response.json()


def wait_for(client, instructor, job_id: str, wanted: str, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while (seen := job(client, instructor, job_id))["status"] != wanted:
        assert time.monotonic() < deadline, seen
        time.sleep(0.1)
    return seen


def test_a_regrade_is_a_job_the_worker_runs_once(tmp_path, course, settings, queue):
    course.assignment("hw1", problems=(("lipschitz-linear", 10),))
    right = submit(course, course.a, own_L(course, "s-a"))["submission"]["id"]
    scored_by_an_older_solver(course.client, right)

    asked = course.client.post(f"/api/courses/{course.id}/assignments/hw1/regrade", headers=course.instructor)
    assert asked.status_code == 202, asked.text
    job_id = asked.json()["id"]
    assert (asked.json()["kind"], asked.json()["status"], asked.json()["rows_total"]) == ("regrade", "queued", 1)
    time.sleep(1.0)
    assert job(course.client, course.instructor, job_id)["status"] == "queued"  # no worker: the server only enqueued
    assert stored(course.client, right) == (0.0, [])

    started = worker(tmp_path, settings, queue)
    try:
        done = wait_for(course.client, course.instructor, job_id, "done")
    finally:
        started.stop()
    report = done["summary"]
    assert (report["regraded"], report["revised"], done["rows_done"], done["files"]) == (1, 1, 1, {})
    assert [(c["submission_id"], c["old_score"], c["new_score"]) for c in report["changes"]] == [(right, 0.0, 1.0)]
    assert stored(course.client, right) == (1.0, [0.0])  # the new score; the old one kept as a revision

    # The same message again (a redelivery after a worker was thought dead): the job is done, nothing more.
    run_queued_regrade(course.client.app.state.sessionmaker, job_id)
    assert stored(course.client, right) == (1.0, [0.0])


def test_a_cancelled_regrade_stores_nothing_and_a_retry_runs_it(tmp_path, course, settings, queue):
    course.assignment("hw1", problems=(("lipschitz-linear", 10),))
    right = submit(course, course.a, own_L(course, "s-a"))["submission"]["id"]
    scored_by_an_older_solver(course.client, right)
    job_id = course.client.post(f"/api/courses/{course.id}/assignments/hw1/regrade", params={"dry_run": "true"},
                                headers=course.instructor).json()["id"]
    cancelled = course.client.post(f"/api/batch/jobs/{job_id}/cancel", headers=course.instructor)
    assert cancelled.json()["status"] == "cancelled", cancelled.text

    started = worker(tmp_path, settings, queue)
    try:
        time.sleep(3)  # the worker takes the message and drops it: the job was cancelled
        assert job(course.client, course.instructor, job_id)["status"] == "cancelled"
        retried = course.client.post(f"/api/batch/jobs/{job_id}/retry", headers=course.instructor)
        assert retried.json()["status"] == "queued", retried.text
        done = wait_for(course.client, course.instructor, job_id, "done")
    finally:
        started.stop()
    assert (done["summary"]["dry_run"], done["summary"]["revised"], done["summary"]["run"]) == (True, 0, None)
    assert [c["new_score"] for c in done["summary"]["changes"]] == [1.0]
    assert stored(course.client, right) == (0.0, [])  # a dry run: reported, not stored


def test_a_regrade_of_an_assignment_nobody_has_is_refused_at_once(course):
    refused = course.client.post(f"/api/courses/{course.id}/assignments/nope/regrade", headers=course.instructor)
    assert refused.status_code == 404
    assert course.client.get("/api/batch/jobs", headers=course.instructor).json() == []


def test_a_regrade_whose_assignment_is_gone_fails_saying_so_and_stores_nothing(course):
    course.assignment("hw1", problems=(("lipschitz-linear", 10),))
    right = submit(course, course.a, own_L(course, "s-a"))["submission"]["id"]
    scored_by_an_older_solver(course.client, right)
    job_id = course.client.post(f"/api/courses/{course.id}/assignments/hw1/regrade",
                                headers=course.instructor).json()["id"]
    with course.client.app.state.sessionmaker() as session:
        session.get(BatchJob, job_id).assignment = "hw9"  # as if hw1 were gone by the time a worker came
        session.commit()
    run_queued_regrade(course.client.app.state.sessionmaker, job_id)  # what the worker runs
    failed = job(course.client, course.instructor, job_id)
    assert (failed["status"], failed["message"]) == ("failed", "there is no assignment 'hw9' in CS 182")
    assert stored(course.client, right) == (0.0, [])
