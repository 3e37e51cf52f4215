"""`hwcheck serve` as a user runs it: a real process, a real port, a fresh data directory."""

import httpx
import pytest
from live_server import start_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(tmp_path):
    live = start_server(tmp_path)
    yield live.base, live.data_dir
    live.stop()


def test_serve_answers_and_stores_in_sqlite(server):
    base, data_dir = server
    problems = httpx.get(base + "/api/problems").json()
    assert "branch-max-network" in {p["id"] for p in problems}
    graded = httpx.post(base + "/api/grade/lipschitz-linear", json={"answers": {"L": "3*sqrt(5)"}}).json()
    assert graded["parts"][0]["status"] == "correct"
    assert (data_dir / "hwcheck.db").exists()
