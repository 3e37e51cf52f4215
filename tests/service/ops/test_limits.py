"""Limits: body size (413), rate limits per IP and per token (429 + Retry-After, in memory or
shared through Redis), the per-part grading time budget, the entry cap — each a JSON `detail`."""

from __future__ import annotations

import os
import secrets

import pytest
from fastapi.testclient import TestClient
from service_helpers import bearer, fresh_settings

from graders import budget
from graders.read import MAX_ENTRIES
from service.app import create_app

GRADE = "/api/grade/lipschitz-linear"


def make_client(tmp_path, **overrides) -> TestClient:
    settings = fresh_settings(tmp_path, "instructor-test-token").model_copy(update=overrides)
    return TestClient(create_app(settings))


def test_body_over_the_cap_is_a_413_without_reading_it(tmp_path):
    with make_client(tmp_path, max_body_bytes=1000) as client:
        response = client.post(GRADE, content=b'{"answers": {"L": "' + b"1" * 2000 + b'"}}',
                               headers={"Content-Type": "application/json"})
        assert response.status_code == 413
        assert "larger than the 1 kB" in response.json()["detail"]
        assert client.post(GRADE, json={"answers": {"L": "1"}}).status_code == 200


def test_chunked_body_over_the_cap_is_a_413(tmp_path):
    def chunks():
        for _ in range(10):
            yield b"1" * 500

    with make_client(tmp_path, max_body_bytes=1000) as client:
        response = client.post(GRADE, content=chunks(), headers={"Content-Type": "application/json"})
        assert response.status_code == 413 and "detail" in response.json()


def test_batch_paths_have_their_own_cap(tmp_path):
    with make_client(tmp_path, max_body_bytes=1000, max_batch_body_bytes=100_000,
                     batch_body_paths=["/api/courses"]) as client:
        body = b"x" * 5000
        assert client.post(GRADE, content=body, headers={"Content-Type": "text/csv"}).status_code == 413
        # Past the cap check (the route itself then decides: here, no token, a 401).
        assert client.post("/api/courses/1/roster", content=body,
                           headers={"Content-Type": "text/csv"}).status_code == 401


def test_an_upload_is_refused_by_its_route_after_authentication(tmp_path):
    """Issue 23: every path under /api/batch took 20 MB into memory before routing or checking a
    token. Now an upload reaches its route unread: no token is a 401, no route a 404, and only
    an instructor's upload over the cap is a 413 (with nothing of it left on disk)."""
    with make_client(tmp_path, max_batch_body_bytes=10_000) as client:
        body = b"student_id,problem_id,L\n" + b"s,lipschitz-linear,1\n" * 1000
        assert client.post("/api/batch/jobs", content=body, headers={"Content-Type": "text/csv"}).status_code == 401
        assert client.post("/api/batch/elsewhere", content=body,
                           headers={"Content-Type": "text/csv"}).status_code in (401, 404)
        refused = client.post("/api/batch/jobs", content=body,
                              headers={"Content-Type": "text/csv", **bearer("instructor-test-token")})
        assert refused.status_code == 413 and "larger than the 10 kB" in refused.json()["detail"]

        def chunks():
            yield body[:5000]
            yield body[5000:]

        refused = client.post("/api/batch/jobs", content=chunks(),
                              headers={"Content-Type": "text/csv", **bearer("instructor-test-token")})
        assert refused.status_code == 413
        assert not any((tmp_path / "jobs").glob("*/input*")), "a refused upload left its file"
        small = client.post("/api/batch/jobs", content=body[:2000],
                            headers={"Content-Type": "text/csv", **bearer("instructor-test-token")})
        assert small.status_code == 202


def test_default_caps():
    from service.settings import Settings

    settings = Settings(_env_file=None)
    assert settings.max_body_bytes == 1_000_000
    assert settings.max_batch_body_bytes > settings.max_body_bytes
    assert MAX_ENTRIES == 10_000


def test_per_ip_rate_limit_is_a_429_with_retry_after(tmp_path):
    with make_client(tmp_path, rate_limit_per_ip=5, rate_limit_per_token=0,
                     rate_limit_window_seconds=60) as client:
        codes = [client.get("/api/problems").status_code for _ in range(5)]
        assert codes == [200] * 5
        refused = client.get("/api/problems")
        assert refused.status_code == 429
        assert "too many requests from your address" in refused.json()["detail"]
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.headers["X-Content-Type-Options"] == "nosniff"


def test_per_token_rate_limit_counts_each_token(tmp_path, monkeypatch):
    with make_client(tmp_path, rate_limit_per_ip=0, rate_limit_per_token=3) as client:
        one, two = bearer("hws_" + "a" * 43), bearer("hws_" + "b" * 43)
        assert [client.get("/api/problems", headers=one).status_code for _ in range(3)] == [200] * 3
        refused = client.get("/api/problems", headers=one)
        assert refused.status_code == 429 and "with your token" in refused.json()["detail"]
        assert "Retry-After" in refused.headers
        assert client.get("/api/problems", headers=two).status_code == 200
        assert client.get("/api/problems").status_code == 200  # no token: only the IP limit


def test_a_new_window_lets_requests_through_again(tmp_path, monkeypatch):
    import service.ops.limits

    now = [1_000_000.0]
    monkeypatch.setattr(service.ops.limits.time, "time", lambda: now[0])
    with make_client(tmp_path, rate_limit_per_ip=2, rate_limit_window_seconds=10) as client:
        assert [client.get("/api/problems").status_code for _ in range(3)] == [200, 200, 429]
        now[0] += 10
        assert client.get("/api/problems").status_code == 200


def redis_url() -> str | None:
    url = os.environ.get("HWCHECK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5).ping()
    except Exception:  # noqa: BLE001
        return None
    return url


def test_rate_limit_is_shared_through_redis(tmp_path):
    url = redis_url()
    if url is None:
        pytest.skip("no Redis at HWCHECK_TEST_REDIS_URL / 127.0.0.1:6379")
    token = bearer("hws_" + secrets.token_urlsafe(32))  # a fresh key: runs never share counters
    overrides = dict(redis_url=url, rate_limit_per_ip=0, rate_limit_per_token=4)
    with make_client(tmp_path / "one", **overrides) as one, make_client(tmp_path / "two", **overrides) as two:
        codes = [c.get("/api/problems", headers=token).status_code for c in (one, two, one, two)]
        assert codes == [200] * 4
        # Two "workers", one budget: the fifth request is refused by either.
        assert two.get("/api/problems", headers=token).status_code == 429
        assert one.get("/api/problems", headers=token).status_code == 429


def test_unreachable_redis_lets_requests_through(tmp_path):
    with make_client(tmp_path, redis_url="redis://127.0.0.1:1/0", rate_limit_per_ip=1) as client:
        assert [client.get("/api/problems").status_code for _ in range(3)] == [200] * 3


@pytest.fixture
def restore_budget():
    yield
    budget.set_part_seconds(budget.DEFAULT_PART_SECONDS)


def test_a_part_over_its_time_budget_is_invalid_not_a_hang(tmp_path, restore_budget):
    with make_client(tmp_path, grading_part_seconds=1e-9) as client:
        response = client.post(GRADE, json={"answers": {"L": "3*sqrt(5)", "singular_values": [1, 2]}})
        assert response.status_code == 200
        for part in response.json()["parts"]:
            assert part["status"] == "invalid"
            assert "took longer than" in part["feedback"]


def test_the_default_budget_grades_normally(tmp_path, restore_budget):
    with make_client(tmp_path) as client:
        response = client.post(GRADE, json={"answers": {"L": "3*sqrt(5)"}})
        assert response.json()["parts"][0]["status"] == "correct"
        assert budget.part_seconds() == 2.0


def test_a_million_entries_in_short_rows_are_refused_before_building_them():
    from graders.errors import AnswerError
    from graders.read import read_value

    with pytest.raises(AnswerError, match="too many entries"):
        read_value([[0] * 1000] * 1000)


def test_the_memory_counter_touches_one_entry_a_hit_and_forgets_old_windows():
    """Issue 23, item 5: past 100,000 clients the table was rebuilt on every request. Now a hit
    touches one entry: counting each client of a 250,000-client window reads and writes only its
    own key (the dict never grows past MAX_KEYS), and a new window starts empty."""
    from service.ops.limits import MemoryCounter

    counter = MemoryCounter()
    for i in range(250_000):
        assert counter.hit(f"ip {i}", window=7, seconds=60) == 1
    assert len(counter.counts) == MemoryCounter.MAX_KEYS
    assert "ip 0" not in counter.counts and counter.counts["ip 249999"] == 1  # the oldest went first
    assert [counter.hit("ip 249999", window=7, seconds=60) for _ in range(3)] == [2, 3, 4]
    assert counter.hit("ip 249999", window=8, seconds=60) == 1 and len(counter.counts) == 1
    assert counter.hit("late", window=7, seconds=60) == 1  # a request of the window before counts now
