"""Load without loss, and crash safety, against the real server (uvicorn, 2 workers) on SQLite and
— when HWCHECK_TEST_DATABASE_URL names one — PostgreSQL.

50 concurrent students (asyncio + httpx in this process) × 40 submissions each, a random fifth of
them retried with the same Idempotency-Key (some while the first try is still in flight): every
acknowledged submission is stored exactly once, attempts are 1..40 with no gap or repeat, and no
response is a 5xx. Then a kill -9 mid-run: after a restart every acknowledged submission is there
and complete. Figures go to bench/RESULTS-reliability.md (run with -s to see them).
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid

import httpx
import pytest
from live_server import INSTRUCTOR_TOKEN, start_server

pytestmark = [pytest.mark.e2e, pytest.mark.load]

STUDENTS = int(os.environ.get("HWCHECK_LOAD_STUDENTS", "50"))
SUBMISSIONS = int(os.environ.get("HWCHECK_LOAD_SUBMISSIONS", "40"))
INSTRUCTOR = {"Authorization": f"Bearer {INSTRUCTOR_TOKEN}"}
ANSWERS = [{"L": "3*sqrt(5)"}, {"L": "1"}, {"L": "6.7", "singular_values": "{1, 2}"}]


def databases() -> list[str | None]:
    url = os.environ.get("HWCHECK_TEST_DATABASE_URL")
    return [url] if url else [None]


def reset(url: str | None) -> None:
    if url:
        from sqlalchemy import text

        from service.store.db import make_engine

        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()


def make_course(base: str) -> tuple[int, dict[str, str]]:
    with httpx.Client(base_url=base, timeout=60, headers=INSTRUCTOR) as http:
        course = http.post("/api/courses", json={"name": "Load 101"}).json()
        made = http.post(f"/api/courses/{course['id']}/assignments", json={
            "slug": "hw1", "title": "HW1", "due_at": "2099-01-01T00:00:00Z",
            "problems": [{"problem_id": "lipschitz-linear", "points": 10}]})
        assert made.status_code == 201, made.text
        roster = http.post(f"/api/courses/{course['id']}/roster", json=[
            {"student_id": f"s{i:03}", "name": f"Student {i}", "email": f"s{i}@example.edu", "section": "1"}
            for i in range(STUDENTS)])
        assert roster.status_code == 200, roster.text
        return course["id"], {s["student_id"]: s["token"] for s in roster.json()["students"]}


class Tally:
    def __init__(self) -> None:
        self.requests = 0
        self.retries = 0
        self.server_errors: list[str] = []
        self.transport_errors = 0
        self.acknowledged: dict[str, dict] = {}  # idempotency key -> the body acknowledged


async def student(base: str, token: str, tally: Tally, rng: random.Random, stop: asyncio.Event | None) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=60, headers=headers) as http:
        for n in range(SUBMISSIONS):
            if stop is not None and stop.is_set():
                return
            key = uuid.uuid4().hex
            body = {"assignment": "hw1", "answers": ANSWERS[n % len(ANSWERS)]}
            tries = 1 + (rng.random() < 0.2) + (rng.random() < 0.05)
            tally.retries += tries - 1

            async def post():
                for _ in range(5):  # a dropped connection is retried with the same key, as a client would
                    tally.requests += 1
                    try:
                        response = await http.post("/api/grade/lipschitz-linear", json=body,
                                                   headers={"Idempotency-Key": key})
                        break
                    except httpx.TransportError:
                        tally.transport_errors += 1
                        if stop is not None and stop.is_set():
                            return None
                        await asyncio.sleep(0.2)
                else:
                    return None
                if response.status_code >= 500:
                    tally.server_errors.append(f"{response.status_code} {response.text[:200]}")
                    return None
                assert response.status_code == 200, response.text
                return response.json()

            if tries > 1 and rng.random() < 0.5:   # a retry racing the first try
                results = await asyncio.gather(*(post() for _ in range(tries)))
            else:
                results = [await post() for _ in range(tries)]
            results = [r for r in results if r is not None]
            if results:
                assert all(r == results[0] for r in results), "a retry got a different answer"
                tally.acknowledged[key] = results[0]


async def run_students(base: str, tokens: dict[str, str], tally: Tally, stop: asyncio.Event | None = None):
    rng = random.Random(182)
    await asyncio.gather(*(student(base, token, tally, random.Random(rng.random()), stop)
                           for token in tokens.values()))


def stored_submissions(base: str, course_id: int) -> list[dict]:
    with httpx.Client(base_url=base, timeout=120, headers=INSTRUCTOR) as http:
        response = http.get(f"/api/courses/{course_id}/submissions")
        assert response.status_code == 200, response.text
        return response.json()


def record(line: str) -> None:
    print(line)
    path = os.environ.get("HWCHECK_RELIABILITY_LOG")
    if path:
        with open(path, "a") as log:
            log.write(line + "\n")


@pytest.mark.parametrize("database_url", databases(), ids=lambda u: "postgresql" if u else "sqlite")
def test_concurrent_students_lose_nothing_and_count_once(tmp_path, database_url):
    reset(database_url)
    env = {"HWCHECK_RATE_LIMIT_PER_IP": "0", "HWCHECK_RATE_LIMIT_PER_TOKEN": "0"}
    server = start_server(tmp_path, workers=2, env=env, database_url=database_url)
    try:
        course_id, tokens = make_course(server.base)
        tally = Tally()
        started = time.perf_counter()
        asyncio.run(run_students(server.base, tokens, tally))
        elapsed = time.perf_counter() - started
        rows = stored_submissions(server.base, course_id)
    finally:
        server.stop()
    record(f"load[{'postgresql' if database_url else 'sqlite'}]: {STUDENTS}×{SUBMISSIONS} submissions, "
           f"{tally.requests} requests ({tally.retries} retries) in {elapsed:.1f} s; "
           f"5xx {len(tally.server_errors)}, transport errors {tally.transport_errors}; "
           f"acknowledged {len(tally.acknowledged)}, rows stored {len(rows)}")
    assert not tally.server_errors, tally.server_errors[:3]
    assert len(tally.acknowledged) == STUDENTS * SUBMISSIONS
    assert len(rows) == STUDENTS * SUBMISSIONS
    assert {r["submission"]["id"] for r in tally.acknowledged.values()} == {r["id"] for r in rows}
    by_student: dict[str, list[int]] = {}
    for row in rows:
        by_student.setdefault(row["student_id"], []).append(row["attempt"])
    for attempts in by_student.values():
        assert sorted(attempts) == list(range(1, SUBMISSIONS + 1))


@pytest.mark.parametrize("database_url", databases(), ids=lambda u: "postgresql" if u else "sqlite")
def test_kill_9_mid_run_loses_no_acknowledged_submission(tmp_path, database_url):
    reset(database_url)
    env = {"HWCHECK_RATE_LIMIT_PER_IP": "0", "HWCHECK_RATE_LIMIT_PER_TOKEN": "0"}
    server = start_server(tmp_path, workers=2, env=env, database_url=database_url)
    course_id, tokens = make_course(server.base)
    tally = Tally()

    async def attack():
        stop = asyncio.Event()
        clients = asyncio.create_task(run_students(server.base, tokens, tally, stop))
        deadline = time.monotonic() + 30
        while len(tally.acknowledged) < 200 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        server.kill()  # kill -9, mid-request: ~50 submissions are in flight
        stop.set()
        await clients

    try:
        asyncio.run(attack())
    finally:
        server.kill()
    restarted = start_server(tmp_path, workers=1, env=env, database_url=database_url, name="restarted")
    try:
        rows = {r["id"]: r for r in stored_submissions(restarted.base, course_id)}
    finally:
        restarted.stop()
    acknowledged = {r["submission"]["id"]: r for r in tally.acknowledged.values()}
    record(f"kill -9[{'postgresql' if database_url else 'sqlite'}]: {tally.requests} requests, "
           f"acknowledged {len(acknowledged)}, interrupted {tally.transport_errors}, rows after restart "
           f"{len(rows)}, acknowledged missing {len(set(acknowledged) - set(rows))}")
    assert acknowledged, "nothing was acknowledged before the kill"
    assert set(acknowledged) <= set(rows)
    for submission_id, receipt in acknowledged.items():
        row = rows[submission_id]
        assert row["score"] == receipt["score"] and len(row["parts"]) == len(receipt["parts"])
    for row in rows.values():  # nothing half-written: every stored row is whole
        assert row["parts"] and row["attempt"] is not None and row["max_score"] == 2.0
    by_student: dict[str, list[int]] = {}
    for row in rows.values():
        by_student.setdefault(row["student_id"], []).append(row["attempt"])
    for attempts in by_student.values():
        assert sorted(attempts) == list(range(1, len(attempts) + 1))
