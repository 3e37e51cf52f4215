"""The outbox of scores for the LMS: a row "this student's score on this assignment changed",
written in the very transaction that changed it — a counted submission, an override — so a score
is never lost between hwcheck's commit and the LMS (service/lti/scores.py sends them).

Only students who came through an LMS (an `lti_students` row) get rows; the rest of hwcheck
pays one EXISTS in the submission's context query."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, insert, select
from sqlalchemy.orm import Session

from service.store.models import LtiScoreOutbox, LtiStudent, utc_now

INSERT_OUTBOX = insert(LtiScoreOutbox.__table__)


def outbox_row(student_pk: int, assignment_id: int, now: datetime) -> dict[str, Any]:
    """The row for a change made at `now` (the submission's moment), to be sent from this very
    moment: the sender's clock is the wall clock, whatever `now` the change was stamped with."""
    return dict(student_pk=student_pk, assignment_id=assignment_id, created_at=now, next_try_at=utc_now(), tries=0)


def launched(student_pk_column) -> Any:
    """SQL: this student came from an LMS (their score goes back to it)."""
    return exists().where(LtiStudent.student_pk == student_pk_column)


def note_score_changed(session: Session, student_pk: int, assignment_id: int, now: datetime) -> None:
    """In `session`'s transaction, before its commit: queue the score, if the student is an LMS's."""
    if session.scalar(select(launched(student_pk))):
        session.execute(INSERT_OUTBOX, outbox_row(student_pk, assignment_id, now))
