"""Batch jobs on the Redis queue (service/batch/queue.py), with real processes: `hwcheck serve`
enqueues, `hwcheck worker` processes grade, one Redis, one database. Two workers share a job; a
worker killed with kill -9 mid-job and a server killed and restarted mid-job lose nothing — the
outputs hold every row exactly once and equal, byte for byte, those of the same upload graded by
a server with no queue at all."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from live_server import INSTRUCTOR_TOKEN, start_server
from queueing import Worker, queue_env, redis_or_skip

from bench.classgen import write_csv
from service.batch import raw

pytestmark = pytest.mark.e2e
AUTH = {"Authorization": f"Bearer {INSTRUCTOR_TOKEN}"}
OUTPUTS = ("parts.csv", "totals.csv", "gradebook.csv", "canvas.csv", "moodle.csv", "analytics.csv")


@pytest.fixture(scope="module")
def redis_url():
    return redis_or_skip()


@pytest.fixture
def answers(tmp_path) -> Path:
    path = tmp_path / "answers.csv"
    write_csv(path, students=400, limit=6000)
    return path


def queued_server(tmp_path: Path, redis_url: str):
    """A `hwcheck serve` on the queue (its own Redis namespace), and the environment of its
    workers: the same Redis, the server's own database."""
    env = queue_env(redis_url)
    (tmp_path / "queued").mkdir()
    server = start_server(tmp_path / "queued", env=env, name="queued")
    return env, server, {**env, "HWCHECK_DATABASE_URL": f"sqlite:///{server.data_dir / 'hwcheck.db'}"}


def hwcheck(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "hwcheck"), *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=180)


def upload(base: str, path: Path) -> str:
    response = httpx.post(f"{base}/api/batch/jobs", content=path.read_bytes(), timeout=60,
                          headers={**AUTH, "Content-Type": "text/csv"})
    assert response.status_code == 202, response.text
    return response.json()["id"]


def status(base: str, job_id: str) -> dict:
    return httpx.get(f"{base}/api/batch/jobs/{job_id}", headers=AUTH, timeout=10).json()


def wait_until(base: str, job_id: str, done, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen = status(base, job_id)
        if done(seen):
            return seen
        assert seen["status"] not in ("failed", "interrupted", "cancelled"), seen
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {status(base, job_id)}")


def outputs(base: str, job_id: str) -> dict[str, bytes]:
    return {name: httpx.get(f"{base}/api/batch/jobs/{job_id}/files/{name}", headers=AUTH, timeout=30).content
            for name in OUTPUTS}


def clean_run(tmp_path: Path, path: Path) -> dict[str, bytes]:
    """The same upload graded by a server with no queue (embedded, as without Redis)."""
    server = start_server(tmp_path / "embedded", env={"HWCHECK_RATE_LIMIT_PER_IP": "0"}, name="embedded")
    try:
        job_id = upload(server.base, path)
        wait_until(server.base, job_id, lambda s: s["status"] == "done")
        return outputs(server.base, job_id)
    finally:
        server.stop()


def graded_by(data_dir: Path, job_id: str) -> dict[str, int]:
    with sqlite3.connect(data_dir / "hwcheck.db") as db:
        return dict(db.execute("SELECT worker, count(*) FROM batch_chunks WHERE job_id = ? GROUP BY worker",
                               (job_id,)).fetchall())


def test_two_workers_share_a_job_and_the_outputs_equal_an_embedded_run(tmp_path, redis_url, answers):
    env, server, worker_env = queued_server(tmp_path, redis_url)
    workers = [Worker(tmp_path, worker_env, f"worker-{n}") for n in (1, 2)]
    try:
        job_id = upload(server.base, answers)
        done = wait_until(server.base, job_id, lambda s: s["status"] == "done")
        assert (done["rows_done"], done["rows_total"]) == (6000, 6000)
        queued = outputs(server.base, job_id)
        by_worker = graded_by(server.data_dir, job_id)
    finally:
        for worker in workers:
            worker.stop()
        server.stop()
    # both did chunks: 6000 rows in chunks of 150, the last three chunks' worth in quarters
    assert len(by_worker) == 2 and sum(by_worker.values()) == len(list(raw.cut(answers, 150))) > 40
    (tmp_path / "embedded").mkdir()
    assert queued == clean_run(tmp_path, answers)


def test_a_killed_worker_and_a_restarted_server_lose_nothing(tmp_path, redis_url, answers):
    env, server, worker_env = queued_server(tmp_path, redis_url)
    first = Worker(tmp_path, worker_env, "worker-1")
    second = None
    try:
        job_id = upload(server.base, answers)
        wait_until(server.base, job_id, lambda s: s["rows_done"] > 0)
        first.kill()  # mid-job, mid-chunk as likely as not: its taken chunks go back after its heartbeat stops
        server.kill()  # and the API server too
        server = start_server(tmp_path / "queued", env=env, name="restarted")
        middle = status(server.base, job_id)
        assert middle["status"] == "running" and 0 < middle["rows_done"] < 6000
        second = Worker(tmp_path, worker_env, "worker-2")
        done = wait_until(server.base, job_id, lambda s: s["status"] == "done")
        queued = outputs(server.base, job_id)
        by_worker = graded_by(server.data_dir, job_id)
    finally:
        first.kill()
        if second is not None:
            second.stop()
        server.stop()
    assert done["rows_done"] == 6000 and len(by_worker) == 2
    lines = list(csv.reader(queued["parts.csv"].decode().splitlines()))
    header, rows = lines[0], lines[1:]
    key = [header.index("line"), header.index("part_id")]
    assert len({tuple(r[i] for i in key) for r in rows}) == len(rows)  # every part of every row exactly once
    (tmp_path / "embedded").mkdir()
    assert queued == clean_run(tmp_path, answers)


def test_a_cancelled_job_grades_nothing_more_and_a_retry_takes_it_up(tmp_path, redis_url, answers):
    env, server, worker_env = queued_server(tmp_path, redis_url)
    worker = None
    try:
        job_id = upload(server.base, answers)
        waiting = wait_until(server.base, job_id, lambda s: s["status"] == "running")
        assert waiting["rows_done"] == 0  # no worker yet: the server only enqueued
        cancelled = hwcheck(worker_env, "jobs", "cancel", job_id)  # the operator's CLI, on the same database
        assert (cancelled.returncode, cancelled.stdout.strip()) == (0, "cancelled: 0 rows were graded"), cancelled.stderr
        assert status(server.base, job_id)["status"] == "cancelled"
        again = httpx.post(f"{server.base}/api/batch/jobs/{job_id}/cancel", headers=AUTH)
        assert again.status_code == 409 and "only a queued job that is still grading" in again.json()["detail"]
        worker = Worker(tmp_path, worker_env, "worker")
        time.sleep(3)  # the worker takes every message and drops them: the job is cancelled
        assert status(server.base, job_id)["rows_done"] == 0
        retried = httpx.post(f"{server.base}/api/batch/jobs/{job_id}/retry", headers=AUTH)
        assert (retried.status_code, retried.json()["status"]) == (200, "running")
        watched = hwcheck(worker_env, "jobs", "watch", job_id)  # the progress bar, to the end
        assert watched.returncode == 0 and watched.stdout.strip().splitlines()[-1].startswith("done: 6000 rows")
        done = wait_until(server.base, job_id, lambda s: s["status"] == "done")
    finally:
        if worker is not None:
            worker.stop()
        server.stop()
    assert done["rows_done"] == 6000 and done["summary"]["rows"] == 6000  # each row once, none twice
