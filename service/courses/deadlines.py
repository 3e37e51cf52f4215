"""Deadlines: an assignment's own or a student's extension, the late window, and what a late
submission loses (or a 403 once submissions are closed)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.errors import closed, conflict
from service.store.models import (
    Assignment,
    Extension,
    Student,
)


def moment(when: datetime) -> str:
    return when.isoformat(timespec="minutes")


@dataclass(frozen=True)
class Deadline:
    due_at: datetime
    accept_late_until: datetime | None  # None: late work is accepted (with its penalty) any time
    extended: bool


def deadline_for(session: Session, assignment: Assignment, student: Student) -> Deadline:
    extension = session.scalar(
        select(Extension).where(Extension.assignment_id == assignment.id, Extension.student_pk == student.id)
    )
    return deadline_of(assignment, extension.due_at if extension is not None else None)


def deadline_of(assignment: Assignment, extended_to: datetime | None) -> Deadline:
    if extended_to is None:
        return Deadline(assignment.due_at, assignment.accept_late_until, extended=False)
    # The late window keeps its length after the student's own deadline.
    shift = max(extended_to - assignment.due_at, timedelta(0))
    until = assignment.accept_late_until + shift if assignment.accept_late_until is not None else None
    return Deadline(extended_to, until, extended=True)


def late_terms(assignment: Assignment, deadline: Deadline, now: datetime) -> tuple[int, float]:
    """(days late, fraction taken off), or a 403 when submissions are closed."""
    if now <= deadline.due_at:
        return 0, 0.0
    if assignment.late_policy == "hard":
        raise closed(
            f"the deadline for {assignment.slug} was {moment(deadline.due_at)}; submissions are closed"
        )
    if deadline.accept_late_until is not None and now > deadline.accept_late_until:
        raise closed(
            f"the deadline for {assignment.slug} was {moment(deadline.due_at)} and late submissions were "
            f"accepted until {moment(deadline.accept_late_until)}; submissions are closed"
        )
    days = math.ceil((now - deadline.due_at) / timedelta(days=1))  # every started day counts
    return days, round(min(1.0, assignment.penalty_per_day * days), 6)


def set_extension(
    session: Session, assignment: Assignment, student: Student, due_at: datetime
) -> Deadline:
    extension = session.scalar(
        select(Extension).where(Extension.assignment_id == assignment.id, Extension.student_pk == student.id)
    )
    due_at = due_at.astimezone(UTC)
    if extension is None:
        session.add(Extension(assignment_id=assignment.id, student_pk=student.id, due_at=due_at))
    else:
        extension.due_at = due_at
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise conflict("another extension for this student was saved at the same moment; try again") from None
    return deadline_for(session, assignment, student)
