"""A student's submission starts with one read of its context (service/courses/recording.py). On
PostgreSQL that read must keep its statement prepared: psycopg forgets a connection's prepared
statements at every ROLLBACK, and a read closed by one was planned afresh each time. On SQLite
it is made on the event loop, by a reader that never waits for a lock, and in a thread only
when the file is locked."""

import pytest
from service_helpers import count_calls
from sqlalchemy import text

from problems import registry
from service.courses import recording
from service.courses.recording import Submission, read_context
from service.store.db import make_engine


def test_the_context_read_runs_on_a_prepared_statement_on_postgresql(client, course):
    url = client.app.state.engine.url
    if url.get_backend_name() != "postgresql":
        pytest.skip("prepared statements are psycopg's: PostgreSQL only")
    course.assignment("hw1", problems=(("lipschitz-linear", 10),))
    engine = make_engine(url.render_as_string(hide_password=False), pool_size=1)  # one connection, reused
    try:
        for _ in range(12):  # psycopg prepares a statement at its 5th run on a connection
            sent = Submission(course.tokens["s-a"], registry.get("lipschitz-linear"), {}, "hw1", None, None)
            context = read_context(engine, sent)
            assert context is not None and context.used == 0
        with engine.connect() as connection:
            runs = connection.execute(text(
                "SELECT generic_plans + custom_plans FROM pg_prepared_statements"
                " WHERE statement LIKE 'SELECT assignments.id%'")).scalars().all()
    finally:
        engine.dispose()
    assert runs and runs[0] >= 7


def test_a_students_context_is_read_on_the_event_loop_on_sqlite_and_in_a_thread_elsewhere(client, course,
                                                                                            monkeypatch):
    course.assignment("hw1", problems=(("lipschitz-linear", 10),))
    handed = count_calls(monkeypatch, recording, "in_thread")
    response = client.post("/api/grade/lipschitz-linear", json={"assignment": "hw1", "answers": {"L": 1}},
                           headers=course.a)
    assert response.status_code == 200, response.text
    assert response.json()["submission"]["attempt"] == 1
    on_sqlite = client.app.state.engine.url.get_backend_name() == "sqlite"
    assert (client.app.state.loop_reader is not None) is on_sqlite
    assert [args[0] for args in handed].count(read_context) == (0 if on_sqlite else 1)


def test_the_loop_reader_never_waits_for_a_lock_and_a_locked_read_is_made_in_a_thread(client, course,
                                                                                     monkeypatch):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    reader = client.app.state.loop_reader
    if reader is None:
        pytest.skip("the loop reader is SQLite's")
    # SQLite's busy timeout, in ms: the route threads' connections wait up to 30 s for a lock,
    # the event loop's not at all.
    for engine, wait in ((reader, 0), (client.app.state.engine, 30_000)):
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == wait
    course.assignment("hw1", problems=(("lipschitz-linear", 10),))
    real = recording.read_context

    def failing_on_the_loop(message: str, code: int):
        def read(engine, *args):
            if engine is reader:
                error = sqlite3.OperationalError(message)
                error.sqlite_errorcode = code  # as SQLite sets it
                raise OperationalError("SELECT …", {}, error)
            return real(engine, *args)
        return read

    locked = failing_on_the_loop("database is locked", sqlite3.SQLITE_BUSY)
    monkeypatch.setattr(recording, "read_context", locked)
    handed = count_calls(monkeypatch, recording, "in_thread")
    response = client.post("/api/grade/lipschitz-linear", json={"assignment": "hw1", "answers": {"L": 1}},
                           headers=course.a)
    assert response.status_code == 200, response.text
    assert response.json()["submission"]["attempt"] == 1
    assert [args[0] for args in handed] == [locked]
    # Any other failure is not a lock to wait out: it is raised, not read again in a thread.
    handed.clear()
    monkeypatch.setattr(recording, "read_context", failing_on_the_loop("disk I/O error", sqlite3.SQLITE_IOERR))
    with pytest.raises(OperationalError, match="disk I/O error"):
        client.post("/api/grade/lipschitz-linear", json={"assignment": "hw1", "answers": {"L": 1}},
                    headers=course.a)
    assert handed == []
