"""A real `hwcheck serve` process for the tests that need one (hardening, browser, authoring): its own port and data directory, its
output (the server's whole log) in a file the test can read, and a kill -9 when asked."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from waiting import wait_until_answers

INSTRUCTOR_TOKEN = "hwi_live-server-instructor-token-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    base: str
    process: subprocess.Popen
    log_path: Path
    data_dir: Path
    env: dict[str, str]
    workers: int

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """kill -9 the whole process group: the supervisor and every worker, mid-request."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)


def start_server(tmp_path: Path, workers: int = 1, env: dict[str, str] | None = None,
                 database_url: str | None = None, name: str = "server") -> LiveServer:
    port = free_port()
    data_dir = tmp_path / "data"
    full_env = {**os.environ, "HWCHECK_DATA_DIR": str(data_dir),
                "HWCHECK_INSTRUCTOR_TOKEN": INSTRUCTOR_TOKEN, "PYTHONUNBUFFERED": "1", **(env or {})}
    full_env.pop("HWCHECK_DATABASE_URL", None)
    if database_url:
        full_env["HWCHECK_DATABASE_URL"] = database_url
    log_path = tmp_path / f"{name}.log"
    log_file = open(log_path, "ab")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "hwcheck"), "serve", "--port", str(port), "--workers", str(workers)],
        env=full_env, cwd=tmp_path, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
    )
    log_file.close()
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path, data_dir, full_env, workers)
    try:
        wait_until_answers(server.base + "/api/problems", process, 60, lambda r: r.status_code == 200)
    except RuntimeError as failure:
        server.kill()
        raise RuntimeError(f"the server {failure}:\n{server.log}") from None
    return server
