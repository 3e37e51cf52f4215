"""Courses: rosters and tokens, assignments, each student's own variants, deadlines, attempts,
stored submissions and what counts. Routes and the CLI come here; nothing here reads a request.

Two rules carry the weight:

- A submission counts exactly once. The attempt number is read, then the row is inserted under
  UNIQUE(student, assignment, problem, attempt) — so when two submissions race, the database
  lets one have attempt n and the other gets an IntegrityError, rolls back and looks again (it
  takes n + 1, or is told it is out of attempts). A retried POST with the same Idempotency-Key
  hits UNIQUE(student, idempotency_key) the same way and gets the stored body back.
- A submission is acknowledged only after its commit: the body returned is the body stored."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from graders.grade import grade
from graders.result import GradeResult
from problems.core import Problem, Variant
from service.courses.assignments import resolve_assignment
from service.courses.deadlines import Deadline, deadline_for, deadline_of, late_terms
from service.courses.schemas import (
    StudentGradeResponse,
    SubmissionReceipt,
)
from service.courses.score_outbox import INSERT_OUTBOX, launched, note_score_changed, outbox_row
from service.courses.variants import assignment_variant, variant_rule
from service.errors import CourseworkError, closed, conflict, unprocessable
from service.grading import INSERT_GRADING, grade_soon, insert_grading, stored_answers
from service.ops.observability import record_grading
from service.store.db import writing
from service.store.models import (
    Assignment,
    AssignmentProblem,
    Course,
    Extension,
    Grading,
    Student,
)
from service.store.writer import Writer
from service.tokens import STUDENT_PREFIX, token_hash

# How many times a submission looks again after losing a race for an attempt number.
MAX_RACES = 50


def attempts_used(session: Session, student_pk: int, assignment_id: int, problem_id: str) -> int:
    return session.scalar(
        select(func.coalesce(func.max(Grading.attempt), 0)).where(
            Grading.student_pk == student_pk,
            Grading.assignment_id == assignment_id,
            Grading.problem_id == problem_id,
        )
    )


def uses_an_attempt(result: GradeResult) -> bool:
    """Only a submission whose every answer could be read counts. One unreadable part (a typo
    the preview flagged, Enter pressed in another box) costs no attempt and counts nothing until
    it is fixed — as PrairieLearn, WeBWorK and STACK never grade invalid input. Nothing but
    empty parts costs nothing either."""
    statuses = {part.status for part in result.parts}
    return "invalid" not in statuses and bool(statuses - {"missing"})


def not_counted_because(result: GradeResult) -> str | None:
    """What the receipt says when a submission used no attempt (None when it did)."""
    unreadable = [part.id for part in result.parts if part.status == "invalid"]
    if unreadable:
        listed = ", ".join(unreadable)
        return (f"Not counted, and no attempt used: {'part' if len(unreadable) == 1 else 'parts'} "
                f"{listed} could not be read. Fix {'it' if len(unreadable) == 1 else 'them'} (each "
                "part's message says what is wrong) and submit again.")
    if not uses_an_attempt(result):
        return "Not counted, and no attempt used: every part was empty."
    return None


def out_of_attempts(allowed: int, problem_id: str, slug: str) -> CourseworkError:
    if allowed == 1:
        return closed(f"you have used your only attempt for {problem_id} in {slug}")
    return closed(f"you have used all {allowed} attempts for {problem_id} in {slug}")


@dataclass(frozen=True)
class Receipt:
    body: dict[str, Any]  # exactly what was stored, and what a retry gets again
    replayed: bool


def _by_key(session: Session, student: Student, key: str) -> Grading | None:
    return session.scalar(
        select(Grading).where(Grading.student_pk == student.id, Grading.idempotency_key == key)
    )


def _replay(previous: Grading, problem: Problem, slug: str | None, answers: dict[str, Any]) -> Receipt:
    same = (
        previous.problem_id == problem.id
        and (slug is None or previous.assignment.slug == slug)
        and previous.answers == stored_answers(answers)
    )
    if not same:
        raise unprocessable(
            "this Idempotency-Key was already used for a different submission; "
            "send a new key with each new submission"
        )
    return Receipt(stored_body(previous), replayed=True)


def stored_body(row: Grading) -> dict[str, Any]:
    """The body a submission was answered with. It is stored in the same INSERT that gives the
    row its id, so the id is put in here, first as it was sent (rows stored before kept it)."""
    return with_id(row.response, row.id)


def with_id(body: dict[str, Any], row_id: int) -> dict[str, Any]:
    """`body` with the row's id first in its `submission`, as the API answers it."""
    receipt = {k: v for k, v in body["submission"].items() if k != "id"}
    return {**body, "submission": {"id": row_id, **receipt}}


@dataclass(frozen=True)
class Context:
    """What a student's submission needs before it is graded."""

    student_pk: int
    assignment: Assignment  # or a row of the assignments table (submission_context): the same names
    deadline: Deadline
    variant: Variant
    used: int | None  # attempts used so far; None: not read yet
    from_lms: bool = False  # launched from an LMS: a counted submission queues its score for it


def _context_query():
    """The one query of `submission_context`, made once: building it per call (its functions,
    its cache key) was a third of what the query cost. Optional filters are parameters."""
    used = (
        select(func.coalesce(func.max(Grading.attempt), 0))
        .where(Grading.student_pk == Student.id, Grading.assignment_id == Assignment.id,
               Grading.problem_id == bindparam("problem_id"))
        .scalar_subquery()
    )
    slug = bindparam("slug", type_=String)
    key = bindparam("idempotency_key", type_=String)
    key_used = select(Grading.id).where(Grading.student_pk == Student.id, Grading.idempotency_key == key).exists()
    return (
        select(*Assignment.__table__.columns, Student.id.label("student_pk"),
               Student.student_id.label("student_code"), Course.secret.label("course_secret"),
               Extension.due_at.label("extended_to"), used.label("attempts_used"),
               launched(Student.id).label("from_lms"))
        .select_from(Student)
        .join(Course, Student.course_id == Course.id)
        .join(Assignment, Assignment.course_id == Course.id)
        .join(AssignmentProblem, (AssignmentProblem.assignment_id == Assignment.id)
              & (AssignmentProblem.problem_id == bindparam("problem_id")))
        .outerjoin(Extension, (Extension.assignment_id == Assignment.id) & (Extension.student_pk == Student.id))
        .where(Student.token_hash == bindparam("token_hash"),
               or_(slug.is_(None), Assignment.slug == slug),
               or_(key.is_(None), ~key_used))
        .limit(2)
    )


_CONTEXT_QUERY = _context_query()


def submission_context(
    connection: Connection, token: str, problem_id: str, slug: str | None, idempotency_key: str | None
) -> Context | None:
    """A student's token, the assignment with this problem (the one named, or the only one),
    the student's extension and attempts used, in one query of plain columns — five ORM
    queries before, most of a recorded grading's time (bench/RESULTS-http.md). None when
    anything is unusual (not a student's token, no such assignment or more than one, the
    Idempotency-Key already used): `submit` on its own then reads step by step and says what
    is wrong."""
    if not token.startswith(STUDENT_PREFIX):
        return None
    rows = connection.execute(_CONTEXT_QUERY, {
        "problem_id": problem_id, "token_hash": token_hash(token), "slug": slug, "idempotency_key": idempotency_key,
    }).all()
    if len(rows) != 1:
        return None
    row = rows[0]
    variant = variant_rule(row.randomized, row.course_id, row.course_secret, row.student_code, problem_id)
    return Context(row.student_pk, row, deadline_of(row, row.extended_to), variant, row.attempts_used,
                   bool(row.from_lms))


@dataclass(frozen=True)
class Pending:
    """A graded submission ready to be stored: its row, and the body it is answered with."""

    row: dict[str, Any]
    body: dict[str, Any]  # without the row's id, which the INSERT gives

    counted: bool  # it used an attempt: the student's score may have changed
    context: Context

    def receipt(self, row_id: int) -> Receipt:
        return Receipt(with_id(self.body, row_id), replayed=False)

    def then(self) -> list:
        """What is written with the row, in its transaction: the score for the LMS, if it goes there."""
        if not (self.counted and self.context.from_lms):
            return []
        return [(INSERT_OUTBOX, outbox_row(self.context.student_pk, self.context.assignment.id,
                                           self.row["created_at"]))]


def pending_submission(context: Context, problem: Problem, answers: dict[str, Any], result: GradeResult, *,
                       used: int, idempotency_key: str | None, now: datetime) -> Pending:
    """The row and body of a submission that finds `used` attempts used; a 403 when none is left
    (or when the deadline has passed)."""
    assignment, deadline = context.assignment, context.deadline
    late_days, penalty = late_terms(assignment, deadline, now)
    final_score = round(result.score * (1.0 - penalty), 6)
    allowed = assignment.attempts_allowed
    if allowed is not None and used >= allowed:
        raise out_of_attempts(allowed, problem.id, assignment.slug)
    attempt = used + 1 if uses_an_attempt(result) else None
    used_now = attempt if attempt is not None else used
    receipt = SubmissionReceipt(
        id=0, assignment=assignment.slug, attempt=attempt, attempts_used=used_now,
        attempts_left=None if allowed is None else allowed - used_now, submitted_at=now,
        due_at=deadline.due_at, late_days=late_days, penalty=penalty, final_score=final_score,
        not_counted=not_counted_because(result),
    )
    graded = result.to_dict()
    body = StudentGradeResponse(**graded, submission=receipt).model_dump(mode="json")
    del body["submission"]["id"]  # the row's, known at the INSERT: stored_body puts it in
    row = dict(
        problem_id=problem.id, variant=str(context.variant), answers=stored_answers(answers), result=graded,
        score=result.score, max_score=result.max_score, created_at=now,
        student_pk=context.student_pk, assignment_id=assignment.id, attempt=attempt,
        idempotency_key=idempotency_key, late_days=late_days, penalty=penalty, final_score=final_score,
        response=body,
    )
    return Pending(row, body, attempt is not None, context)


async def submit_soon(writer: Writer, read_context: Callable[[], Awaitable[Context | None]], problem: Problem,
                      answers: dict[str, Any], *, idempotency_key: str | None, now: datetime) -> Receipt | None:
    """`submit` for async routes: `read_context` reads what the submission needs (one query, in
    a worker thread); graded on the event loop when quick (service/grading.py); stored by the
    group-committing writer (service/store/writer.py), answered once committed. A lost race (someone
    took this attempt number meanwhile) reads again and tries the next number. None when the
    context cannot be read in one query (anything unusual, or this key already used): the
    caller then runs `submit`, which reads step by step and says what is wrong."""
    context = await read_context()
    if context is None:
        return None
    late_terms(context.assignment, context.deadline, now)  # closed: refused before grading
    variant = context.variant
    result = await grade_soon(problem, variant, answers)
    for _ in range(MAX_RACES):
        pending = pending_submission(context, problem, answers, result, used=context.used,
                                     idempotency_key=idempotency_key, now=now)
        try:
            row_id = await writer.write(INSERT_GRADING, pending.row, pending.then())
        except IntegrityError:
            context = await read_context()
            if context is None:
                return None
            if context.variant != variant:  # the assignment changed meanwhile: grade again
                variant = context.variant
                result = await grade_soon(problem, variant, answers)
            continue
        record_grading(problem.id, result)
        return pending.receipt(row_id)
    raise conflict("too many submissions of this problem at the same moment; try again")


def submit(
    session: Session,
    student: Student,
    problem: Problem,
    answers: dict[str, Any],
    *,
    slug: str | None,
    idempotency_key: str | None,
    now: datetime,
) -> Receipt:
    """Grade a student's submission for an assignment and store it, reading what it needs step
    by step (the web form; the API when `submission_context` finds anything unusual); the
    receipt is returned only once the row is committed."""
    previous = _by_key(session, student, idempotency_key) if idempotency_key is not None else None
    if previous is not None:
        return _replay(previous, problem, slug, answers)
    assignment, _ = resolve_assignment(session, student.course, problem.id, slug)
    context = Context(student.id, assignment, deadline_for(session, assignment, student),
                      assignment_variant(assignment, student, problem.id), used=None)
    late_terms(context.assignment, context.deadline, now)  # closed: refused before grading
    result = grade(problem, context.variant, answers)
    used = context.used
    for _ in range(MAX_RACES):
        if used is None:
            used = attempts_used(session, student.id, context.assignment.id, problem.id)
        pending = pending_submission(context, problem, answers, result, used=used,
                                     idempotency_key=idempotency_key, now=now)
        try:
            with writing(session):  # SQLite: this process's writers queue (service/store/db.py)
                # The unique constraints speak at the INSERT, which gives the row its id.
                row_id = insert_grading(session, pending.row)
                if pending.counted:
                    note_score_changed(session, student.id, context.assignment.id, now)
                session.commit()
            record_grading(problem.id, result)  # /metrics (service/ops/observability.py)
            return pending.receipt(row_id)
        except IntegrityError:
            # Someone else took this attempt number (or this key) first: look again.
            session.rollback()
            used = None
            previous = _by_key(session, student, idempotency_key) if idempotency_key is not None else None
            if previous is not None:
                return _replay(previous, problem, slug, answers)
    raise conflict("too many submissions of this problem at the same moment; try again")
