"""Every setting of the service, read from HWCHECK_* environment variables (or a .env file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HWCHECK_", env_file=".env", extra="ignore")

    data_dir: Path = Path("hwcheck-data")
    """Where the default SQLite database lives (created on first start)."""
    database_url: str | None = None
    """SQLAlchemy URL; default `sqlite:///<data_dir>/hwcheck.db`. PostgreSQL:
    `postgresql+psycopg://user@host:5432/dbname`."""
    instructor_token: SecretStr | None = None
    """A bootstrap instructor's bearer token (answer keys, courses, rosters). Instructors made
    with `hwcheck admin create-instructor` have their own tokens, stored hashed."""
    auto_migrate: bool = True
    """Apply pending migrations when the app starts. `hwcheck serve` migrates once itself and
    turns this off for its workers, so two workers never race on the schema."""
    assignments_file: Path | None = None
    """TOML file of assignments (which problems, what each is worth); default the packaged
    service/courses/assignments.toml with hw1 and hw2."""
    problem_paths: str = ""
    """A course's own problems (problems/loading.py reads HWCHECK_PROBLEM_PATHS itself, as batch
    worker processes must see the same problems): folders, .py files or module names."""
    host: str = "127.0.0.1"
    port: int = 8000

    # --- limits and security (service/ops/limits.py, service/ops/security.py, graders/budget.py) ---
    max_body_bytes: int = 1_000_000
    """The largest request body accepted (a 413 beyond it)."""
    max_batch_body_bytes: int = 20_000_000
    """The largest body for paths under `batch_body_paths` (batch uploads)."""
    batch_body_paths: list[str] = ["/api/batch"]
    """Path prefixes that take `max_batch_body_bytes` (JSON list, e.g. '["/api/batch"]')."""
    max_header_bytes: int = 65_536
    """The largest request head (request line and headers); 431 beyond it (service/ops/http_protocol.py)."""
    header_timeout_seconds: float = 10.0
    """How long a client may take to send a request's headers; 408 and closed beyond it."""
    body_timeout_seconds: float = 30.0
    """How long a request body may stall between two chunks before the connection is closed."""
    practice_store: Literal["summary", "full", "none"] = "summary"
    """What an anonymous practice grading keeps: `summary` (its scores, statuses and feedback, and
    each answer's length and SHA-256, not the text), `full` (the answers too), `none` (no row)."""
    batch_workers: int = 0
    """Grading processes per batch job in the server (0: one per core)."""
    max_batch_jobs: int = 2
    """Batch jobs that grade at once in one server process; more wait `queued`."""
    grading_part_seconds: float = 2.0
    """Time budget for grading one part; past it the part is `invalid` ("took too long"). 0: none."""
    rate_limit_window_seconds: int = 60
    rate_limit_per_ip: int = 1200
    """Requests per window from one IP address (a whole class behind one NAT fits). 0: no limit."""
    rate_limit_per_token: int = 240
    """Requests per window with one bearer token. 0: no limit."""
    redis_url: str | None = None
    """e.g. `redis://127.0.0.1:6379/0`: rate-limit counters shared by all workers, and the batch job
    queue that `hwcheck worker` processes take chunks from; else per process, jobs in the server."""
    batch_queue: Literal["auto", "embedded", "redis"] = "auto"
    """Where batch jobs run: `auto` is the Redis queue when HWCHECK_REDIS_URL is set, else embedded."""
    batch_chunk_rows: int = Field(2000, ge=1, le=100_000)
    """Rows per chunk of a queued batch job: the unit a worker grades and commits."""
    queue_namespace: str = "hwcheck"
    """Prefix of the queue's keys in Redis (two deployments may share one Redis)."""
    worker_heartbeat_seconds: float = Field(15.0, gt=0)
    """A worker silent this long is dead: its chunks go to another worker."""
    cors_origins: str = ""
    """Comma-separated origins allowed to call the API from a browser; empty: CORS off."""
    content_security_policy: str = (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    """The CSP of every HTML page (the interactive docs have their own, below)."""
    lti_frame_ancestors: str = ""
    """Origins that may show hwcheck's pages in a frame (space-separated, e.g.
    `https://canvas.example.edu`): an LMS that embeds its LTI launches. Empty: no site may frame
    them (`frame-ancestors 'none'`, `X-Frame-Options: DENY`)."""
    docs_content_security_policy: str = (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'"
    )

    # --- operations (service/ops/observability.py, service/api/health.py, deploy/) ---
    workers: int = 1
    """Worker processes of `hwcheck serve` (`--workers` overrides)."""
    log_format: Literal["json", "text"] = "json"
    """`json`: one JSON object per line with the request id; `text`: for people."""
    log_level: str = "info"
    """Level of the service's and uvicorn's logs (debug, info, warning, error)."""
    graceful_shutdown_seconds: float = 30.0
    """On SIGTERM, how long in-flight requests (gradings) may take to finish before the
    connections are closed (uvicorn's `timeout_graceful_shutdown`)."""
    readiness_timeout_seconds: float = 2.0
    """How long `/readyz` waits for the database's `SELECT 1` before answering 503."""
    forwarded_allow_ips: str = "127.0.0.1"
    """Proxies whose `X-Forwarded-For`/`-Proto` are believed (comma-separated IPs or `*`): the
    client address the rate limits and logs see. `*` behind the compose file's nginx."""

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hwcheck.db').resolve()}"

    @property
    def queued_batches(self) -> bool:
        """Batch jobs go to the Redis queue (`hwcheck worker` grades them), not the server's threads."""
        return self.batch_queue == "redis" or (self.batch_queue == "auto" and bool(self.redis_url))


@lru_cache
def get_settings() -> Settings:
    return Settings()
