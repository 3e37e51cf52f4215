"""A student's submission through the API, recorded — the one entry point of the grading route
(service/api/grade.py), which only says who sent what.

The usual case is quick: what the submission needs is read in one query (on SQLite on the event
loop, elsewhere in a worker thread), the answers are graded on the loop when that is quick
(service/grading.py), and the row goes to the group-committing writer (service/store/writer.py).
Anything unusual — an instructor's token, a replayed Idempotency-Key, no such assignment — is
read step by step in one worker thread and one session (`submissions.submit`), which says what
is wrong. Both keep the two rules of service/courses/submissions.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from sqlite3 import SQLITE_BUSY, SQLITE_LOCKED
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from problems.core import Problem
from service.courses import submissions
from service.courses.principals import as_student, principal_for
from service.store.models import Student
from service.store.offload import in_thread


@dataclass(frozen=True)
class Submission:
    """What a student sent: one object, so a new header is one new field, not a new argument
    threaded through every call."""

    token: str
    problem: Problem
    answers: dict[str, Any]
    slug: str | None
    idempotency_key: str | None
    now: datetime


async def record(state, submission: Submission) -> submissions.Receipt | None:
    """The stored receipt of a student's submission; None for an instructor's token (graded as
    practice by the caller)."""
    async def read_context():
        return await _read_context_soon(state, submission)

    receipt = await submissions.submit_soon(state.writer, read_context, submission.problem, submission.answers,
                                           idempotency_key=submission.idempotency_key, now=submission.now)
    if receipt is not None:
        return receipt
    return await in_thread(_step_by_step, state, submission)


async def _read_context_soon(state, submission: Submission):
    if state.loop_reader is not None:
        # SQLite: a local read as short as a quick grading, so on the loop like one. Handed to a
        # thread, it had to win the GIL back from the loop after each step of SQLite
        # (bench/RESULTS-costs.md).
        try:
            return read_context(state.loop_reader, submission)
        except OperationalError as error:
            # Locked (this reader never waits): wait in a thread. Any other error is raised.
            if getattr(error.orig, "sqlite_errorcode", 0) & 0xFF not in (SQLITE_BUSY, SQLITE_LOCKED):
                raise
    return await in_thread(read_context, state.engine, submission)


def read_context(engine: Engine, submission: Submission) -> submissions.Context | None:
    """What the submission needs, in one query (`submissions.submission_context`)."""
    # A plain read that ends in COMMIT, not the ROLLBACK of a closed connection: psycopg forgets
    # a connection's prepared statements at every ROLLBACK, so on PostgreSQL this six-table
    # query was planned afresh each time; kept prepared, it runs on a cached plan.
    with engine.begin() as connection:
        return submissions.submission_context(connection, submission.token, submission.problem.id,
                                              submission.slug, submission.idempotency_key)


def _step_by_step(state, submission: Submission) -> submissions.Receipt | None:
    """Who the token is and, for a student, the submission stored step by step (attempt races,
    replays, every refusal), in one worker thread and one session."""
    with state.sessionmaker() as session:
        principal = principal_for(session, state.settings, submission.token)
        if not isinstance(principal, Student):
            if submission.slug is not None:
                as_student(principal)  # 403: an assignment is for students
            return None
        return submissions.submit(session, principal, submission.problem, submission.answers, slug=submission.slug,
                                  idempotency_key=submission.idempotency_key, now=submission.now)
