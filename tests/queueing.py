"""The job queue's moving parts for tests: the Redis to use (or a skip, or — in CI, with
HWCHECK_REQUIRE_REDIS=1 — a failure), a queue environment of its own (its own Redis namespace),
and `hwcheck worker` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REDIS = os.environ.get("HWCHECK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if os.environ.get("HWCHECK_REQUIRE_REDIS") == "1":
            pytest.fail(f"HWCHECK_REQUIRE_REDIS=1 but no Redis at {REDIS}: {error}")
        pytest.skip(f"no Redis at {REDIS} ({error})")
    return REDIS


def queue_env(redis_url: str) -> dict[str, str]:
    return {"HWCHECK_REDIS_URL": redis_url, "HWCHECK_QUEUE_NAMESPACE": f"hwcheck-test-{uuid.uuid4().hex[:12]}",
            "HWCHECK_BATCH_CHUNK_ROWS": "150", "HWCHECK_WORKER_HEARTBEAT_SECONDS": "2",
            "HWCHECK_RATE_LIMIT_PER_IP": "0", "HWCHECK_RATE_LIMIT_PER_TOKEN": "0"}


class Worker:
    """`hwcheck worker` as its own process group (kill -9 takes the whole worker)."""

    def __init__(self, tmp_path: Path, env: dict[str, str], name: str):
        self.log_path = tmp_path / f"{name}.log"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([str(Path(sys.executable).parent / "hwcheck"), "worker", "--processes", "1"],
                                            env={**os.environ, **env}, cwd=tmp_path, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
