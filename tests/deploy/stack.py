"""Helpers of the deployment tests: the processes docker-compose.yml describes, run as plain
processes — `hwcheck migrate`, `hwcheck serve` replicas on one PostgreSQL database made for the
test, and Debian's nginx in front with deploy/nginx.conf."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from waiting import wait_until_answers

ROOT = Path(__file__).resolve().parents[2]
HWCHECK = str(Path(sys.executable).parent / "hwcheck")
DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                           if os.access(p, os.X_OK)), None)
    if not found:
        pytest.skip("nginx is not installed here (`apt-get install -y nginx`; .ci/run installs it)")
    return found


# --- a fresh PostgreSQL database ------------------------------------------------------------------


def _libpq(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def fresh_database():
    """A new database on the test PostgreSQL server (HWCHECK_TEST_DATABASE_URL, else the local
    one), dropped afterwards; yields its SQLAlchemy URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin_url = os.environ.get("HWCHECK_TEST_DATABASE_URL") or DEFAULT_ADMIN_URL
    try:
        admin = psycopg.connect(_libpq(admin_url), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {make_url(admin_url).render_as_string()}: "
                    f"{str(error).strip().splitlines()[0]}")
    name = f"hwcheck_deploy_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- hwcheck processes ----------------------------------------------------------------------------


@dataclass
class Process:
    name: str
    process: subprocess.Popen
    log_path: Path
    base: str = ""

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def hwcheck_env(workdir: Path, database_url: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HWCHECK_", "PROMETHEUS_"))}
    env.update({"HWCHECK_DATA_DIR": str(workdir / "data"), "HWCHECK_LOG_FORMAT": "json"})
    if database_url:
        env["HWCHECK_DATABASE_URL"] = database_url
    env.update(extra)
    return env


def run_migrate(workdir: Path, database_url: str) -> subprocess.CompletedProcess:
    workdir.mkdir(parents=True, exist_ok=True)
    return subprocess.run([HWCHECK, "migrate"], env=hwcheck_env(workdir, database_url), cwd=workdir,
                          capture_output=True, text=True, timeout=120)


def start_api(workdir: Path, database_url: str | None, *, name: str = "api", workers: int = 1,
              wait_path: str = "/healthz", **env: str) -> Process:
    """`hwcheck serve --port P` as the compose file's api service runs it (no migrating of its own
    unless told), waiting until `wait_path` answers."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = workdir / f"{name}.log"
    with open(log_path, "ab") as log_file:
        process = subprocess.Popen(
            [HWCHECK, "serve", "--port", str(port), "--workers", str(workers)],
            env=hwcheck_env(workdir, database_url, **env), cwd=workdir,
            stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )
    api = Process(name, process, log_path, f"http://127.0.0.1:{port}")
    wait_until_up(api, wait_path)
    return api


def start_worker(workdir: Path, database_url: str, *, name: str = "worker", **env: str) -> Process:
    """`hwcheck worker` as the compose file's worker service runs it (one grading process here)."""
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / f"{name}.log"
    with open(log_path, "ab") as log_file:
        process = subprocess.Popen([HWCHECK, "worker", "--processes", "1"], env=hwcheck_env(workdir, database_url, **env),
                                   cwd=workdir, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    return Process(name, process, log_path)


def wait_until_up(proc: Process, path: str, timeout: float = 60) -> None:
    try:
        wait_until_answers(proc.base + path, proc.process, timeout)
    except RuntimeError as failure:
        proc.stop(signal.SIGKILL)
        raise RuntimeError(f"{proc.name} {failure}:\n{proc.log}") from None


# --- nginx ----------------------------------------------------------------------------------------


def nginx_config(prefix: Path, port: int, upstreams: list[str]) -> str:
    """deploy/nginx.conf for plain processes: without its Docker-only lines, the upstream servers
    and listen port replaced, every file it writes inside `prefix`, in the foreground."""
    source = (ROOT / "deploy" / "nginx.conf").read_text()
    lines = []
    for line in source.splitlines():
        if line.lstrip().startswith("#"):
            lines.append(line)
            continue
        if "# docker-only" in line:
            continue
        if "# upstream-servers" in line:
            indent = line[: len(line) - len(line.lstrip())]
            lines += [f"{indent}server {u} max_fails=3 fail_timeout=10s;" for u in upstreams]
            continue
        lines.append(line)
    config = "\n".join(lines) + "\n"
    config, listens = re.subn(r"listen 8080;", f"listen 127.0.0.1:{port};", config)
    assert listens == 1, "deploy/nginx.conf must have one `listen 8080;`"
    config = config.replace("error_log /dev/stderr", f"error_log {prefix}/error.log")
    config = config.replace("access_log /dev/stdout", f"access_log {prefix}/access.log")
    temp = "".join(f"    {kind}_temp_path {prefix}/{kind}_temp;\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    config = config.replace("http {\n", "http {\n" + temp, 1)
    return f"daemon off;\nmaster_process off;\npid {prefix}/nginx.pid;\n" + config


def start_nginx(prefix: Path, upstreams: list[str]) -> Process:
    binary = nginx_binary()
    prefix.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (prefix / "nginx.conf").write_text(nginx_config(prefix, port, upstreams))
    command = [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
    checked = subprocess.run(command + ["-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    log_path = prefix / "nginx.out"
    with open(log_path, "ab") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    proxy = Process("nginx", process, prefix / "error.log", f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proxy
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}:\n{proxy.log}")
        time.sleep(0.1)
    proxy.stop(signal.SIGKILL)
    raise RuntimeError(f"nginx did not listen within 20 s:\n{proxy.log}")


def metric_value(text: str, name: str, **labels: str) -> float:
    """The sum of the samples of `name` whose labels include `labels`."""
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        head, _, value = line.rpartition(" ")
        if all(f'{k}="{v}"' in head for k, v in labels.items()):
            total += float(value)
    return total
