"""`hwcheck serve` as a user runs it: a real process, a real port, a fresh data directory."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {**os.environ, "HWCHECK_DATA_DIR": str(tmp_path / "data")}
    env.pop("HWCHECK_DATABASE_URL", None)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "hwcheck"), "serve", "--port", str(port)],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/api/problems", timeout=1)
            break
        except httpx.TransportError:
            if process.poll() is not None:
                pytest.fail(process.stdout.read().decode())
            time.sleep(0.2)
    yield base, tmp_path / "data"
    process.terminate()
    process.wait(timeout=10)


def test_serve_answers_and_stores_in_sqlite(server):
    base, data_dir = server
    problems = httpx.get(base + "/api/problems").json()
    assert "branch-max-network" in {p["id"] for p in problems}
    graded = httpx.post(base + "/api/grade/lipschitz-linear", json={"answers": {"L": "3*sqrt(5)"}}).json()
    assert graded["parts"][0]["status"] == "correct"
    assert (data_dir / "hwcheck.db").exists()
