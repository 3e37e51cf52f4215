"""Operations: a request id on every request, JSON logs, Prometheus metrics.

- **Request id.** `X-Request-ID` from the client (or the proxy in front) is kept when it looks
  like an id (1–128 of `A-Za-z0-9._:-`), else a fresh one is made; either way it is echoed in the
  response and put on every log line written while the request runs.
- **Logs.** One JSON object per line (`HWCHECK_LOG_FORMAT=json`, the default; `text` for people).
  The access line (logger `hwcheck.access`) holds method, route template, path (never the query
  string), status, duration and client — never headers or bodies, so never a token, an
  Authorization header or an answer. A filter on the handler also scrubs anything shaped like a
  bearer token or a password in a database URL from every message, whoever logs it.
- **Metrics.** `hwcheck_http_requests_total{method,route,status}` and
  `hwcheck_http_request_duration_seconds{method,route}` by route *template*
  (`/api/courses/{course_id}`, never the raw path, so students cannot blow up the label space;
  a path no route matches is `route="<unmatched>"`), and `hwcheck_gradings_total{problem,status}`
  / `hwcheck_graded_parts_total{problem,status}` for every grading stored. With
  `PROMETHEUS_MULTIPROC_DIR` set (several worker processes), every worker writes its samples
  there and `/metrics` adds them all up (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

if TYPE_CHECKING:
    from graders.result import GradeResult
    from service.settings import Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "<unmatched>"

request_id_var: ContextVar[str | None] = ContextVar("hwcheck_request_id", default=None)
access_log = logging.getLogger("hwcheck.access")

# --- metrics -------------------------------------------------------------------------------------

HTTP_REQUESTS = Counter(
    "hwcheck_http_requests", "HTTP requests answered, by route template and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "hwcheck_http_request_duration_seconds", "Time to answer an HTTP request, by route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
GRADINGS = Counter(
    "hwcheck_gradings", "Gradings stored, by problem and outcome: correct (full score), partial "
    "(some credit), incorrect (none), invalid (no part could be read or every part was missing).",
    ["problem", "status"],
)
GRADED_PARTS = Counter(
    "hwcheck_graded_parts", "Parts graded, by problem and the part's status.", ["problem", "status"],
)


def grading_status(result: GradeResult) -> str:
    if all(part.status in ("invalid", "missing") for part in result.parts):
        return "invalid"
    if result.score >= result.max_score > 0:
        return "correct"
    return "partial" if result.score > 0 else "incorrect"


@cache  # `labels()` takes a lock and checks its arguments each call; there are a few hundred children
def _counter(metric: Counter, problem_id: str, status: str):
    return metric.labels(problem_id, status)


def record_grading(problem_id: str, result: GradeResult) -> None:
    """Count one stored grading (called once its row is committed)."""
    _counter(GRADINGS, problem_id, grading_status(result)).inc()
    for part in result.parts:
        _counter(GRADED_PARTS, problem_id, part.status).inc()


def metrics_payload() -> tuple[bytes, str]:
    """The Prometheus text exposition: this process's registry, or every worker's samples in
    multiprocess mode."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def prepare_multiproc_dir() -> None:
    """Before the workers start: make PROMETHEUS_MULTIPROC_DIR exist and empty it, so samples of a
    previous run (dead pids) are not counted again."""
    folder = os.environ.get(MULTIPROC_ENV)
    if not folder:
        return
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    for entry in path.glob("*.db"):
        entry.unlink(missing_ok=True)
    for entry in path.iterdir():
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


# --- request id, access log, request metrics (plain ASGI middleware) -----------------------------

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    for key, value in headers:
        if key == b"x-request-id":
            candidate = value.decode("latin-1").strip()
            if _REQUEST_ID.fullmatch(candidate):
                return candidate
            break
    return uuid.uuid4().hex


def route_template(scope: dict[str, Any]) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path or UNMATCHED


class Observability:
    """Outermost middleware: sets the request id, times the request, counts it, logs one line."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope.get("headers", []))
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            method = scope.get("method", "GET")
            HTTP_REQUESTS.labels(method, route, str(status)).inc()
            HTTP_LATENCY.labels(method, route).observe(elapsed)
            client = scope.get("client")
            access_log.info(
                "%s %s %s", method, scope.get("path", ""), status,
                extra={"fields": {
                    "method": method, "route": route, "path": scope.get("path", ""),
                    "status": status, "duration_ms": round(elapsed * 1000, 2),
                    "client": client[0] if client else None,
                }},
            )
            request_id_var.reset(token)


def install_observability(app) -> None:
    """Add the middleware last, so it is the outermost: refusals by the limits (413, 429) are
    counted and logged with their request id too."""
    app.add_middleware(Observability)


# --- logging -------------------------------------------------------------------------------------

_SECRETS = [
    (re.compile(r"(?i)\b(bearer)\s+[^\s\"',;]+"), r"\1 [redacted]"),
    (re.compile(r"\bhw[a-z]_[A-Za-z0-9_\-]{8,}"), "[redacted token]"),
    (re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)[^\"',}\s]+(\s+[^\"',}\s]+)?"), r"\1[redacted]"),
    (re.compile(r"(://[^:/@\s]+:)[^@\s]+@"), r"\1[redacted]@"),  # password in a database URL
]


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RequestContextFilter(logging.Filter):
    """Puts the current request id on every record and scrubs secrets from its message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id and request_id != "-":
            entry["request_id"] = request_id
        entry.update(getattr(record, "fields", None) or {})
        entry["pid"] = record.process
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


def logging_config(settings: Settings) -> dict[str, Any]:
    """The logging dictConfig handed to uvicorn (it applies it in every worker process)."""
    level = settings.log_level.upper()
    formatter = "json" if settings.log_format == "json" else "text"
    handler = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
               "formatter": formatter, "filters": ["context"]}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "service.ops.observability.RequestContextFilter"}},
        "formatters": {
            "json": {"()": "service.ops.observability.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {"default": handler},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "hwcheck": {"handlers": ["default"], "level": level, "propagate": False},
        },
        "root": {"handlers": ["default"], "level": "WARNING"},
    }
