"""docker-compose.yml without Docker: what it describes, started as plain processes — the
one-shot `hwcheck migrate`, then two `hwcheck serve` replicas on one fresh PostgreSQL database,
then Debian's nginx in front running deploy/nginx.conf — and graded through the proxy."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import create_engine, text
from stack import (
    fresh_database,
    metric_value,
    nginx_binary,
    run_migrate,
    start_api,
    start_nginx,
    start_worker,
)

pytestmark = pytest.mark.e2e

ANSWERS = {"answers": {"L": "3*sqrt(5)", "singular_values": [1, 2]}}
REDIS_URL = "redis://127.0.0.1:6379/14"  # the compose file's shared rate-limit store and queue (db 14: ours)
TOKEN = "hwi_deploy-stack-instructor-token-0123456789"


def local_redis():
    """The local Redis on a database of this test's own, emptied; None when there is none (the
    replicas then count per process, and the shared-store check is left out)."""
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
        client.flushdb()
        return client
    except Exception:  # noqa: BLE001 - no Redis here: not what this test is about
        return None


def rate_counts(client) -> int:
    return sum(int(client.get(key) or 0) for key in client.scan_iter("hwcheck:rate:*"))


@pytest.fixture
def stack(tmp_path):
    nginx_binary()  # skips, with the reason, before anything is started
    with fresh_database() as database_url:
        migrated = run_migrate(tmp_path / "migrate", database_url)
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr
        assert "database is up to date" in migrated.stdout
        started = []
        redis_client = local_redis()
        extra = {"HWCHECK_REDIS_URL": REDIS_URL} if redis_client else {}
        # As the compose file's hwcheck-data volume: the replicas share their batch outputs.
        shared = {"HWCHECK_DATA_DIR": str(tmp_path / "shared-data"), "HWCHECK_INSTRUCTOR_TOKEN": TOKEN,
                  "HWCHECK_BATCH_CHUNK_ROWS": "100"}  # small chunks: both workers get some
        try:
            for name in ("api1", "api2"):
                started.append(start_api(tmp_path / name, database_url, name=name,
                                         HWCHECK_AUTO_MIGRATE="false",
                                         HWCHECK_FORWARDED_ALLOW_IPS="127.0.0.1", **extra, **shared))
            upstreams = [api.base.removeprefix("http://") for api in started]
            started.append(start_nginx(tmp_path / "nginx", upstreams))
            workers = [start_worker(tmp_path / name, database_url, name=name, **extra)
                       for name in ("worker1", "worker2")] if redis_client else []
            started.extend(workers)
            yield {"apis": started[:2], "proxy": started[2], "database_url": database_url,
                   "nginx_dir": tmp_path / "nginx", "redis": redis_client, "workers": workers}
        finally:
            for proc in reversed(started):
                proc.stop()
            if redis_client:
                redis_client.flushdb()


def test_grades_through_the_proxy_on_both_replicas(stack):
    proxy, apis = stack["proxy"], stack["apis"]
    with httpx.Client(base_url=proxy.base, timeout=30) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json() == {"status": "ready", "database": "postgresql"}
        before = [metric_value(httpx.get(api.base + "/metrics").text, "hwcheck_gradings_total",
                               problem="lipschitz-linear") for api in apis]
        counted_before = rate_counts(stack["redis"]) if stack["redis"] else None
        ids = []
        for i in range(10):
            response = client.post("/api/grade/lipschitz-linear", json=ANSWERS,
                                   headers={"X-Request-ID": f"deploy-test-{i}"})
            assert response.status_code == 200, response.text
            assert response.json()["parts"][0]["status"] == "correct"
            assert response.headers["x-request-id"] == f"deploy-test-{i}"  # nginx passed it on
            ids.append(f"deploy-test-{i}")
        if stack["redis"]:  # both replicas counted the ten in the one shared store
            assert rate_counts(stack["redis"]) - counted_before == 10
        # Metrics are for scraping each replica, not for the world.
        assert client.get("/metrics").status_code == 404

    # Both replicas served gradings (round robin), and together exactly the ten.
    after = [metric_value(httpx.get(api.base + "/metrics").text, "hwcheck_gradings_total",
                          problem="lipschitz-linear") for api in apis]
    served = [a - b for a, b in zip(after, before)]
    assert all(n >= 1 for n in served), served
    assert sum(served) == 10

    # One database behind both: all ten stored there.
    engine = create_engine(stack["database_url"])
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM gradings")).scalar_one() == 10
    engine.dispose()

    # The request id is in nginx's JSON access log and on the API's own JSON log line.
    access = [json.loads(line) for line in (stack["nginx_dir"] / "access.log").read_text().splitlines()]
    graded = [entry for entry in access if entry["path"] == "/api/grade/lipschitz-linear"]
    assert [entry["request_id"] for entry in graded] == ids
    assert {entry["upstream"] for entry in graded} == {api.base.removeprefix("http://") for api in apis}
    api_lines = [json.loads(line) for api in apis for line in api.log.splitlines() if line.startswith("{")]
    logged = {entry["request_id"] for entry in api_lines
              if entry.get("logger") == "hwcheck.access" and entry.get("route") == "/api/grade/lipschitz-linear"}
    assert logged == set(ids)
    # Never the answers in any log.
    for log in [api.log for api in apis] + [(stack["nginx_dir"] / "access.log").read_text()]:
        assert "3*sqrt(5)" not in log


def test_a_batch_job_through_the_proxy_is_graded_by_two_workers(stack, tmp_path):
    """The compose stack's batch path: uploaded through nginx, chunks graded by two `hwcheck
    worker`s on the one Redis and the one PostgreSQL, outputs served by either replica."""
    import time

    from bench.classgen import write_csv

    if not stack["workers"]:
        pytest.skip("no local Redis: the replicas grade batches themselves (the queue is tests/service/batch/)")
    answers = tmp_path / "answers.csv"
    write_csv(answers, students=100, limit=1500)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=stack["proxy"].base, timeout=60, headers=auth) as client:
        job = client.post("/api/batch/jobs", content=answers.read_bytes(), headers={"Content-Type": "text/csv"})
        assert job.status_code == 202, job.text
        deadline = time.monotonic() + 120
        while (seen := client.get(f"/api/batch/jobs/{job.json()['id']}").json())["status"] != "done":
            assert time.monotonic() < deadline and seen["status"] in ("queued", "running"), seen
            time.sleep(0.3)
        assert seen["rows_done"] == 1500
        for _ in range(4):  # round robin: both replicas serve the one shared copy
            parts = client.get(f"/api/batch/jobs/{seen['id']}/files/totals.csv")
            assert parts.status_code == 200 and parts.text.startswith("student_id,")
    engine = create_engine(stack["database_url"])
    with engine.connect() as connection:
        workers = connection.execute(text("SELECT count(DISTINCT worker), count(*) FROM batch_chunks")).one()
    engine.dispose()
    from service.batch.raw import cut

    # both workers did chunks: 1500 rows in chunks of 100, the last three chunks' worth in quarters
    assert tuple(workers) == (2, len(list(cut(answers, 100)))) and workers[1] > 15


def test_the_proxy_routes_around_a_stopped_replica(stack):
    proxy, apis = stack["proxy"], stack["apis"]
    apis[0].stop()
    with httpx.Client(base_url=proxy.base, timeout=30) as client:
        for _ in range(4):
            assert client.get("/api/problems").status_code == 200


def test_a_form_posted_through_the_proxy_passes_the_origin_check(stack):
    """The pages compare the form's Origin (scheme, host, port) with the request's own; behind
    nginx on a port of its own that holds only because nginx passes the Host with its port."""
    import re

    proxy = stack["proxy"]
    with httpx.Client(base_url=proxy.base, timeout=30) as client:
        page = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        sent = client.post("/login", data={"token": "hws_" + "x" * 43, "csrf_token": csrf},
                           headers={"Origin": proxy.base})
        assert sent.status_code == 401 and "not valid" in sent.text  # past CSRF: the token was judged
        other = client.post("/login", data={"token": "hws_" + "x" * 43, "csrf_token": csrf},
                            headers={"Origin": proxy.base.rsplit(":", 1)[0] + ":1"})
        assert other.status_code == 403 and "another site" in other.text
