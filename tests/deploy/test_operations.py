"""Operations on real `hwcheck serve` processes: /readyz when the database is down, /metrics
across worker processes (prometheus multiprocess mode), graceful shutdown of an in-flight
grading, JSON logs."""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import time

import httpx
import pytest
from stack import free_port, metric_value, start_api

pytestmark = pytest.mark.e2e

ANSWERS = {"answers": {"L": "3*sqrt(5)", "singular_values": [1, 2]}}


def test_readyz_is_503_quickly_when_the_database_refuses(tmp_path):
    closed = free_port()  # nothing listens there
    api = start_api(tmp_path, f"postgresql+psycopg://postgres@127.0.0.1:{closed}/hwcheck",
                    HWCHECK_AUTO_MIGRATE="false")
    try:
        assert httpx.get(api.base + "/healthz").json() == {"status": "ok"}  # alive, not ready
        started = time.monotonic()
        response = httpx.get(api.base + "/readyz", timeout=10)
        assert time.monotonic() - started < 3
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unavailable"
        assert body["reason"].startswith("database unreachable: OperationalError")
        assert str(closed) in body["reason"]
    finally:
        api.stop()


def test_readyz_is_503_after_its_timeout_when_the_database_hangs(tmp_path):
    # A port that accepts connections (the kernel's backlog) but never says a word.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        api = start_api(tmp_path, f"postgresql+psycopg://postgres@127.0.0.1:{port}/hwcheck",
                        HWCHECK_AUTO_MIGRATE="false", HWCHECK_READINESS_TIMEOUT_SECONDS="1")
        try:
            for _ in range(2):  # the second probe waits on the first, stuck, check
                started = time.monotonic()
                response = httpx.get(api.base + "/readyz", timeout=10)
                assert time.monotonic() - started < 2.5
                assert response.status_code == 503
                assert response.json()["reason"] == "database did not answer within 1 s"
        finally:
            api.stop(signal.SIGKILL)


def test_metrics_add_up_every_worker(tmp_path):
    prom = tmp_path / "prometheus"
    prom.mkdir()
    (prom / "counter_999999.db").write_bytes(b"stale")  # a previous run's file: removed at start
    api = start_api(tmp_path, None, workers=2, PROMETHEUS_MULTIPROC_DIR=str(prom))
    try:
        for _ in range(8):
            # A new connection each time, so the kernel spreads them over both workers.
            response = httpx.post(api.base + "/api/grade/lipschitz-linear", json=ANSWERS,
                                  headers={"Connection": "close"})
            assert response.status_code == 200
        files = {path.name for path in prom.glob("*.db")}
        assert "counter_999999.db" not in files
        for _ in range(4):  # whichever worker answers /metrics, the same totals
            text = httpx.get(api.base + "/metrics", headers={"Connection": "close"}).text
            assert metric_value(text, "hwcheck_gradings_total", problem="lipschitz-linear") == 8
            assert metric_value(text, "hwcheck_http_requests_total", method="POST",
                                route="/api/grade/lipschitz-linear", status="200") == 8
        # Each worker writes its own files (`counter_<pid>.db`), one per worker that served.
        assert len({name.rsplit("_", 1)[-1] for name in files if name.startswith("counter_")}) >= 1
    finally:
        api.stop()


def test_sigterm_lets_an_in_flight_grading_finish(tmp_path):
    api = start_api(tmp_path, None)
    body = json.dumps(ANSWERS).encode()
    host, port = api.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=15) as connection:
        connection.sendall(b"POST /api/grade/lipschitz-linear HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Type: application/json\r\n"
                           + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:10])
        time.sleep(0.5)  # the request is in the app, waiting for the rest of its body
        api.process.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        assert api.process.poll() is None, "the server quit with a grading in flight"
        connection.sendall(body[10:])
        response = b""
        while chunk := connection.recv(65536):
            response += chunk
    head, _, payload = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), response[:300]
    assert json.loads(payload)["parts"][0]["status"] == "correct"
    # uvicorn exits by re-raising the SIGTERM it caught, once the connections are done.
    assert api.process.wait(timeout=15) in (0, -signal.SIGTERM)
    with sqlite3.connect(tmp_path / "data" / "hwcheck.db") as db:
        assert db.execute("SELECT count(*) FROM gradings").fetchone()[0] == 1
    # uvicorn's own lines are JSON too (HWCHECK_LOG_FORMAT=json), with the shutdown in them.
    entries = [json.loads(line) for line in api.log.splitlines() if line.startswith("{")]
    assert "Shutting down" in {entry["message"] for entry in entries}
    assert not [line for line in api.log.splitlines() if line.startswith(("INFO:", "WARNING:", "ERROR:"))]
