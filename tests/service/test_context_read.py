"""A student's submission starts with one read of its context (service/routes/grade.py). On
PostgreSQL that read must keep its statement prepared: psycopg forgets a connection's prepared
statements at every ROLLBACK, and a read closed by one was planned afresh each time."""

from types import SimpleNamespace

import pytest
from sqlalchemy import text

from problems import registry
from service.db import make_engine
from service.routes.grade import _context


def test_the_context_read_runs_on_a_prepared_statement_on_postgresql(client, course):
    url = client.app.state.engine.url
    if url.get_backend_name() != "postgresql":
        pytest.skip("prepared statements are psycopg's: PostgreSQL only")
    course.assignment("hw1", problems=(("lipschitz-linear", 10),))
    engine = make_engine(url.render_as_string(hide_password=False), pool_size=1)  # one connection, reused
    state = SimpleNamespace(engine=engine)
    try:
        for _ in range(12):  # psycopg prepares a statement at its 5th run on a connection
            context = _context(state, course.tokens["s-a"], registry.get("lipschitz-linear"), "hw1", None)
            assert context is not None and context.used == 0
        with engine.connect() as connection:
            runs = connection.execute(text(
                "SELECT generic_plans + custom_plans FROM pg_prepared_statements"
                " WHERE statement LIKE 'SELECT assignments.id%'")).scalars().all()
    finally:
        engine.dispose()
    assert runs and runs[0] >= 7
