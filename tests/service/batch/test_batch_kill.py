"""Issue 23: a kill -9 of the server mid-batch left its grading processes orphaned for ever, and
the interrupted job's partial files on disk. Against a real server: its workers exit within a
few seconds of it, and once the job's heartbeat is stale the restarted server reports it
`interrupted` and removes what it had written."""

from __future__ import annotations

import os
import signal
import sqlite3
import time

import httpx
import pytest
from live_server import INSTRUCTOR_TOKEN, start_server

from bench.classgen import write_csv

pytestmark = pytest.mark.e2e
AUTH = {"Authorization": f"Bearer {INSTRUCTOR_TOKEN}"}


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_kill_9_mid_batch_leaves_no_process_and_no_partial_files(tmp_path):
    answers = tmp_path / "answers.csv"
    write_csv(answers, students=3000, limit=40_000)
    env = {"HWCHECK_BATCH_WORKERS": "2", "HWCHECK_RATE_LIMIT_PER_IP": "0"}
    server = start_server(tmp_path, env=env)
    try:
        job = httpx.post(f"{server.base}/api/batch/jobs", content=answers.read_bytes(), timeout=60,
                         headers={**AUTH, "Content-Type": "text/csv"}).json()
        deadline = time.monotonic() + 60
        while httpx.get(f"{server.base}/api/batch/jobs/{job['id']}", headers=AUTH).json()["rows_done"] == 0:
            assert time.monotonic() < deadline, "the job never started"
            time.sleep(0.2)
        os.kill(server.process.pid, signal.SIGKILL)  # the server alone, as the OOM killer would
        server.process.wait(timeout=15)
        deadline = time.monotonic() + 10
        while group_alive(server.process.pid):  # its forkserver and grading processes
            assert time.monotonic() < deadline, "grading processes outlived the server by 10 s"
            time.sleep(0.2)
    finally:
        server.kill() if group_alive(server.process.pid) else None
    folder = server.data_dir / "jobs" / job["id"]
    assert (folder / "out").exists()  # partial outputs, as the kill left them

    # Time passes: the heartbeat of the dead process is older than STALE_SECONDS.
    with sqlite3.connect(server.data_dir / "hwcheck.db") as db:
        db.execute("UPDATE batch_jobs SET heartbeat_at = '2026-01-01 00:00:00.000000' WHERE id = ?", (job["id"],))
    restarted = start_server(tmp_path, env=env, name="restarted")
    try:
        seen = httpx.get(f"{restarted.base}/api/batch/jobs/{job['id']}", headers=AUTH).json()
    finally:
        restarted.stop()
    assert seen["status"] == "interrupted" and "partial files are removed" in seen["message"]
    assert 0 < seen["rows_done"] < 40_000
    assert not folder.exists()
