"""Engine, sessions and migrations. SQLite gets WAL and a busy timeout so concurrent writers
wait instead of failing; every other database is used as SQLAlchemy configures it.

SQLite has one writer at a time. When the threads of one worker race for it, the losers sleep
in SQLite's busy handler (1, 2, 5, 10 … 100 ms, whether or not the lock was freed meanwhile):
under load most of a grading's time was that sleep (bench/RESULTS-http.md). So the writes of one
process queue on a lock of their own (`writing`), handed on the moment it is released; the busy
timeout still arbitrates between processes (several workers, the CLI)."""

from __future__ import annotations

import json
import math
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent.parent / "migrations"  # service/migrations, beside store/
# Connections kept open per process: as many as the threads that run sync routes (anyio's
# default limiter, 40), so no request opens a connection of its own under load. With
# SQLAlchemy's default (5, + 10 overflow closed again after each use) every request past the
# 5th in flight opened one — a PostgreSQL backend, or SQLite's PRAGMAs. They are opened as
# needed; PostgreSQL's max_connections (default 100) must cover workers x replicas x 50.
POOL_SIZE = 40

_write_locks: dict[str, threading.Lock] = {}
_write_locks_guard = threading.Lock()
_engine_locks: weakref.WeakKeyDictionary[Engine, threading.Lock | None] = weakref.WeakKeyDictionary()


def sqlite_write_lock(engine: Engine) -> threading.Lock | None:
    try:
        return _engine_locks[engine]
    except KeyError:
        pass
    url = engine.url
    lock = None
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        # One lock per database file, shared by every engine of this process on it.
        with _write_locks_guard:
            lock = _write_locks.setdefault(str(Path(url.database).resolve()), threading.Lock())
    _engine_locks[engine] = lock
    return lock


@contextmanager
def writing(session: Session) -> Iterator[None]:
    """Around a session's writes and their commit (or rollback): on SQLite, one thread of this
    process at a time per database file; elsewhere nothing. A failure inside rolls back before
    the lock is let go, so the next writer never finds SQLite's lock still held."""
    lock = sqlite_write_lock(session.get_bind())
    if lock is None:
        yield
        return
    with lock:
        try:
            yield
        except BaseException:
            session.rollback()
            raise


class JSONText(str):
    """Text that is already JSON, for a JSON column: stored as it is rather than encoded again
    (a practice grading's result is stored as the very text the student is sent)."""


def json_text(value) -> str:
    """The text of a JSON column. NaN and ±Infinity are not JSON and PostgreSQL refuses them, yet
    a request body may carry the literals (Python's json reads them) and answers are stored as
    sent: such a number is stored as its text, "NaN", "Infinity" or "-Infinity" — which grades
    as the number did, `invalid`. Everything else is json.dumps's text, as before."""
    if type(value) is JSONText:
        return value
    try:
        return json.dumps(value, allow_nan=False)
    except ValueError:
        return json.dumps(_finite(value), allow_nan=False)


def _finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return json.dumps(value)
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def make_engine(url: str, pool_size: int = POOL_SIZE, sqlite_timeout: float = 30) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": sqlite_timeout},
                               pool_size=pool_size, max_overflow=10, json_serializer=json_text)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=10, json_serializer=json_text)


def make_loop_reader(url: str) -> Engine | None:
    """For reads done on the event loop itself, SQLite only: one connection that never waits for
    a lock (busy timeout 0). A WAL database's readers do not wait for its writer; the rare
    lock that would hold one (another process's recovery or exclusive mode) fails the read at
    once instead of stalling the loop, and the caller reads in a thread. None elsewhere: a
    PostgreSQL read is a network round trip."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None  # (an in-memory database is one per connection: not this one's)
    return make_engine(url, pool_size=1, sqlite_timeout=0)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Bring the schema to `revision` (creating the SQLite file's folder if needed)."""
    make_engine(url).dispose()
    command.upgrade(alembic_config(url), revision)
