"""Courses: rosters and tokens, assignments, each student's own variants, deadlines, attempts,
stored submissions and what counts. Routes and the CLI come here; nothing here reads a request.

Two rules carry the weight:

- A submission counts exactly once. The attempt number is read, then the row is inserted under
  UNIQUE(student, assignment, problem, attempt) — so when two submissions race, the database
  lets one have attempt n and the other gets an IntegrityError, rolls back and looks again (it
  takes n + 1, or is told it is out of attempts). A retried POST with the same Idempotency-Key
  hits UNIQUE(student, idempotency_key) the same way and gets the stored body back.
- A submission is acknowledged only after its commit: the body returned is the body stored.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import math
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import HTTPException, status
from pydantic import ValidationError
from sqlalchemy import Connection, String, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload, selectinload

from graders.grade import grade
from graders.result import GradeResult
from problems import registry
from problems.core import MAX_SEED, Problem, Variant, params_for, reference, to_json
from problems.statement import render
from service.assignments import Assignment as Template
from service.course_schemas import (
    AssignmentIn,
    AssignmentProblemIn,
    AssignmentOut,
    AssignmentProblemOut,
    AssignmentProgress,
    ProblemProgress,
    RosterEntry,
    RosterStudentOut,
    StudentGradeResponse,
    StudentProblemOut,
    SubmissionOut,
    SubmissionReceipt,
)
from service.models import (
    Assignment,
    AssignmentProblem,
    Course,
    Extension,
    Grading,
    Instructor,
    Student,
)
from service.db import writing
from service.grading import INSERT_GRADING, grade_soon, insert_grading
from service.writer import Writer
from service.observability import record_grading
from service.schemas import PartSummary
from service.tokens import INSTRUCTOR_PREFIX, STUDENT_PREFIX, new_token, token_hash

# Course variants live above every public seed: a student cannot grade their own variant as
# anonymous practice (requests accept only seeds ≤ MAX_SEED), nor anyone else's. They stay below
# 2**53 so a JavaScript client reads the number exactly (still ~9e15 of them).
COURSE_SEED_MIN = MAX_SEED + 1
COURSE_SEED_END = 2**53
# How many times a submission looks again after losing a race for an attempt number.
MAX_RACES = 50


class CourseworkError(HTTPException):
    """A refusal with its HTTP status and a sentence for the person; the CLI prints the sentence."""


def not_found(detail: str) -> CourseworkError:
    return CourseworkError(status.HTTP_404_NOT_FOUND, detail)


def closed(detail: str) -> CourseworkError:
    return CourseworkError(status.HTTP_403_FORBIDDEN, detail)


def conflict(detail: str) -> CourseworkError:
    return CourseworkError(status.HTTP_409_CONFLICT, detail)


def unprocessable(detail: str) -> CourseworkError:
    return CourseworkError(status.HTTP_422_UNPROCESSABLE_CONTENT, detail)


def moment(when: datetime) -> str:
    return when.isoformat(timespec="minutes")


# --- variants -------------------------------------------------------------------------------


def course_variant(course: Course, student: Student, problem_id: str) -> int:
    """HMAC-SHA256(course secret, course:student:problem) -> a seed in (MAX_SEED, 2**53): the
    same student always gets the same numbers, and nobody without the secret can work out
    anyone's."""
    return variant_seed(course.id, course.secret, student.student_id, problem_id)


def variant_seed(course_id: int, secret: str, student_id: str, problem_id: str) -> int:
    message = f"{course_id}:{student_id}:{problem_id}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return COURSE_SEED_MIN + int.from_bytes(digest[:8], "big") % (COURSE_SEED_END - COURSE_SEED_MIN)


def assignment_variant(assignment: Assignment, student: Student, problem_id: str) -> Variant:
    if not assignment.randomized:
        return "default"  # the published numbers, the same for everyone
    return course_variant(assignment.course, student, problem_id)


# --- courses, instructors, rosters ------------------------------------------------------------


def create_instructor(session: Session, name: str, email: str) -> tuple[Instructor, str]:
    token, digest = new_token(INSTRUCTOR_PREFIX)
    instructor = Instructor(name=name, email=email, token_hash=digest)
    session.add(instructor)
    session.commit()
    return instructor, token


def create_course(session: Session, name: str) -> Course:
    if session.scalar(select(Course).where(Course.name == name)) is not None:
        raise conflict(f"there is already a course named {name!r}")
    course = Course(name=name)
    session.add(course)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise conflict(f"there is already a course named {name!r}") from None
    return course


def get_course(session: Session, course_id: int) -> Course:
    course = session.get(Course, course_id)
    if course is None:
        raise not_found(f"there is no course {course_id}")
    return course


def find_course(session: Session, id_or_name: str) -> Course:
    """A course by id or by exact name (the CLI takes either)."""
    if id_or_name.isdigit() and (course := session.get(Course, int(id_or_name))) is not None:
        return course
    course = session.scalar(select(Course).where(Course.name == id_or_name))
    if course is None:
        raise not_found(f"there is no course {id_or_name!r} (give its id or its exact name)")
    return course


def list_courses(session: Session) -> list[Course]:
    return list(session.scalars(select(Course).order_by(Course.id)))


def parse_roster_csv(text: str) -> list[RosterEntry]:
    """A roster CSV with a header row: student_id, name, and optionally email, section."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [h for h in ("student_id", "name") if h not in headers]
    if missing:
        raise unprocessable(
            f"the roster CSV needs a header row with student_id and name (and optionally email, section); "
            f"missing: {', '.join(missing)}"
        )
    reader.fieldnames = headers
    entries = []
    for line, row in enumerate(reader, start=2):
        if not any((value or "").strip() for key, value in row.items() if key is not None):
            continue  # blank line
        fields = {k: v for k, v in row.items() if k in ("student_id", "name", "email", "section")}
        try:
            entries.append(RosterEntry.model_validate(fields))
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(map(str, problem["loc"]))
            raise unprocessable(f"roster line {line}: {where}: {problem['msg']}") from None
    return entries


@dataclass(frozen=True)
class RosterOutcome:
    student: Student
    status: str  # "created" | "updated" | "unchanged"
    token: str | None  # shown once: new students, or rotated tokens

    def out(self) -> RosterStudentOut:
        s = self.student
        return RosterStudentOut(student_id=s.student_id, name=s.name, email=s.email, section=s.section,
                                status=self.status, token=self.token)


def import_roster(
    session: Session, course: Course, entries: list[RosterEntry], rotate: bool = False
) -> list[RosterOutcome]:
    """Add new students (each gets a token), update the name/email/section of known ones.
    A known student's token changes only with `rotate` (then every listed student gets a new one)."""
    ids = [e.student_id for e in entries]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise unprocessable(f"the roster lists a student twice: {', '.join(twice)}")
    known = {s.student_id: s for s in list_students(session, course)}
    outcomes = []
    for entry in entries:
        student = known.get(entry.student_id)
        token = None
        if student is None:
            token, digest = new_token(STUDENT_PREFIX)
            student = Student(course_id=course.id, student_id=entry.student_id, name=entry.name,
                              email=entry.email, section=entry.section, token_hash=digest)
            session.add(student)
            outcome = "created"
        else:
            before = (student.name, student.email, student.section)
            student.name, student.email, student.section = entry.name, entry.email, entry.section
            outcome = "unchanged" if before == (entry.name, entry.email, entry.section) else "updated"
            if rotate:
                token, student.token_hash = new_token(STUDENT_PREFIX)
        outcomes.append(RosterOutcome(student, outcome, token))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise conflict("the roster changed while this upload was saved; upload it again") from None
    return outcomes


def list_students(session: Session, course: Course) -> list[Student]:
    query = select(Student).where(Student.course_id == course.id).order_by(Student.student_id)
    return list(session.scalars(query))


def get_student(session: Session, course: Course, student_id: str) -> Student:
    student = session.scalar(
        select(Student).where(Student.course_id == course.id, Student.student_id == student_id)
    )
    if student is None:
        raise not_found(f"there is no student {student_id!r} in {course.name}")
    return student


# --- assignments, deadlines ---------------------------------------------------------------------


def create_assignment(
    session: Session, course: Course, spec: AssignmentIn, templates: Mapping[str, Template] | None = None
) -> Assignment:
    """A course assignment from an explicit problem list or from a template of the assignments
    file (service/assignments.toml or HWCHECK_ASSIGNMENTS_FILE)."""
    problems = spec.problems
    if spec.template is not None:
        template = (templates or {}).get(spec.template)
        if template is None:
            raise unprocessable(f"there is no template {spec.template!r}; GET /api/assignments lists them")
        problems = [AssignmentProblemIn(problem_id=p.problem_id, points=p.points) for p in template.problems]
    for item in problems:
        if item.problem_id not in registry.PROBLEMS:
            raise unprocessable(f"there is no problem {item.problem_id!r}; GET /api/problems lists them")
    if session.scalar(
        select(Assignment).where(Assignment.course_id == course.id, Assignment.slug == spec.slug)
    ):
        raise conflict(f"{course.name} already has an assignment {spec.slug!r}")
    assignment = Assignment(
        course_id=course.id,
        slug=spec.slug,
        title=spec.title,
        due_at=spec.due_at.astimezone(UTC),
        late_policy=spec.late_policy,
        penalty_per_day=spec.penalty_per_day,
        accept_late_until=spec.accept_late_until.astimezone(UTC) if spec.accept_late_until else None,
        attempts_allowed=spec.attempts_allowed,
        counts=spec.counts,
        randomized=spec.randomized,
        problems=[AssignmentProblem(problem_id=p.problem_id, points=p.points, position=i)
                  for i, p in enumerate(problems)],
    )
    session.add(assignment)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise conflict(f"{course.name} already has an assignment {spec.slug!r}") from None
    return assignment


def assignment_out(assignment: Assignment) -> AssignmentOut:
    return AssignmentOut(
        id=assignment.id, slug=assignment.slug, title=assignment.title, due_at=assignment.due_at,
        late_policy=assignment.late_policy, penalty_per_day=assignment.penalty_per_day,
        accept_late_until=assignment.accept_late_until, attempts_allowed=assignment.attempts_allowed,
        counts=assignment.counts, randomized=assignment.randomized,
        problems=[
            AssignmentProblemOut(problem_id=p.problem_id, title=registry.get(p.problem_id).title, points=p.points)
            for p in assignment.problems
        ],
    )


def list_assignments(session: Session, course: Course) -> list[Assignment]:
    return list(session.scalars(
        select(Assignment).where(Assignment.course_id == course.id).order_by(Assignment.due_at, Assignment.id)
    ))


def get_assignment(session: Session, course: Course, slug: str) -> Assignment:
    assignment = session.scalar(
        select(Assignment).where(Assignment.course_id == course.id, Assignment.slug == slug)
    )
    if assignment is None:
        raise not_found(f"there is no assignment {slug[:50]!r} in {course.name}")
    return assignment


def resolve_assignment(
    session: Session, course: Course, problem_id: str, slug: str | None
) -> tuple[Assignment, AssignmentProblem]:
    """The assignment a submission or a view is for: the one named, or the only one that has
    this problem."""
    if slug is not None:
        # The assignment and this one problem of it in one query. Not all its problems: their
        # select-in load was a tenth of a recorded grading's CPU (bench/RESULTS-http.md); they
        # are loaded below only for the message, when the problem is not there.
        found = session.execute(
            select(Assignment, AssignmentProblem)
            .options(lazyload(Assignment.problems))
            .outerjoin(AssignmentProblem, (AssignmentProblem.assignment_id == Assignment.id)
                       & (AssignmentProblem.problem_id == problem_id))
            .where(Assignment.course_id == course.id, Assignment.slug == slug)
        ).first()
        if found is None:
            raise not_found(f"there is no assignment {slug[:50]!r} in {course.name}")
        assignment, item = found
        if item is None:
            listed = ", ".join(p.problem_id for p in assignment.problems)
            raise not_found(f"{problem_id} is not part of {assignment.slug}; its problems are {listed}")
        return assignment, item
    having = list(session.scalars(
        select(Assignment)
        .join(AssignmentProblem)
        .where(Assignment.course_id == course.id, AssignmentProblem.problem_id == problem_id)
        .order_by(Assignment.due_at, Assignment.id)
    ))
    if not having:
        raise unprocessable(f"{problem_id} is not in any assignment of {course.name}")
    if len(having) > 1:
        slugs = ", ".join(a.slug for a in having)
        raise unprocessable(
            f"{problem_id} is in more than one assignment ({slugs}); say which with `assignment`"
        )
    return having[0], having[0].problem(problem_id)


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


# --- submitting -------------------------------------------------------------------------------


def attempts_used(session: Session, student_pk: int, assignment_id: int, problem_id: str) -> int:
    return session.scalar(
        select(func.coalesce(func.max(Grading.attempt), 0)).where(
            Grading.student_pk == student_pk,
            Grading.assignment_id == assignment_id,
            Grading.problem_id == problem_id,
        )
    )


def uses_an_attempt(result: GradeResult) -> bool:
    """A submission with nothing readable in it (every part invalid or missing) costs nothing."""
    return any(part.status not in ("invalid", "missing") for part in result.parts)


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
        and previous.answers == answers
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
               Extension.due_at.label("extended_to"), used.label("attempts_used"))
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
    # assignment_variant's rule, from the columns (the row has no `course` to load).
    variant = (variant_seed(row.course_id, row.course_secret, row.student_code, problem_id)
               if row.randomized else "default")
    return Context(row.student_pk, row, deadline_of(row, row.extended_to), variant, row.attempts_used)


@dataclass(frozen=True)
class Pending:
    """A graded submission ready to be stored: its row, and the body it is answered with."""

    row: dict[str, Any]
    body: dict[str, Any]  # without the row's id, which the INSERT gives

    def receipt(self, row_id: int) -> Receipt:
        return Receipt(with_id(self.body, row_id), replayed=False)


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
    )
    graded = result.to_dict()
    body = StudentGradeResponse(**graded, submission=receipt).model_dump(mode="json")
    del body["submission"]["id"]  # the row's, known at the INSERT: stored_body puts it in
    row = dict(
        problem_id=problem.id, variant=str(context.variant), answers=answers, result=graded,
        score=result.score, max_score=result.max_score, created_at=now,
        student_pk=context.student_pk, assignment_id=assignment.id, attempt=attempt,
        idempotency_key=idempotency_key, late_days=late_days, penalty=penalty, final_score=final_score,
        response=body,
    )
    return Pending(row, body)


async def submit_soon(writer: Writer, read_context: Callable[[], Awaitable[Context | None]], problem: Problem,
                      answers: dict[str, Any], *, idempotency_key: str | None, now: datetime) -> Receipt | None:
    """`submit` for async routes: `read_context` reads what the submission needs (one query, in
    a worker thread); graded on the event loop when quick (service/grading.py); stored by the
    group-committing writer (service/writer.py), answered once committed. A lost race (someone
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
            row_id = await writer.write(INSERT_GRADING, pending.row)
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
            with writing(session):  # SQLite: this process's writers queue (service/db.py)
                # The unique constraints speak at the INSERT, which gives the row its id.
                row_id = insert_grading(session, pending.row)
                session.commit()
            record_grading(problem.id, result)  # /metrics (service/observability.py)
            return pending.receipt(row_id)
        except IntegrityError:
            # Someone else took this attempt number (or this key) first: look again.
            session.rollback()
            used = None
            previous = _by_key(session, student, idempotency_key) if idempotency_key is not None else None
            if previous is not None:
                return _replay(previous, problem, slug, answers)
    raise conflict("too many submissions of this problem at the same moment; try again")


# --- reading submissions, overrides, progress -----------------------------------------------------


def submission_out(row: Grading) -> SubmissionOut:
    return SubmissionOut(
        id=row.id,
        student_id=row.student.student_id,
        assignment=row.assignment.slug,
        problem_id=row.problem_id,
        variant=row.variant if row.variant == "default" else int(row.variant),
        attempt=row.attempt,
        submitted_at=row.created_at,
        answers=row.answers,
        parts=row.result["parts"],
        score=row.score,
        max_score=row.max_score,
        late_days=row.late_days,
        penalty=row.penalty,
        final_score=row.final_score,
        override_score=row.override_score,
        override_comment=row.override_comment,
        overridden_at=row.overridden_at,
        counted_score=row.counted_score,
    )


def list_submissions(
    session: Session,
    course: Course,
    *,
    student_id: str | None = None,
    problem_id: str | None = None,
    slug: str | None = None,
) -> list[Grading]:
    query = (
        select(Grading)
        .join(Student, Grading.student_pk == Student.id)
        .where(Student.course_id == course.id)
        .options(selectinload(Grading.student), selectinload(Grading.assignment))
    )
    if student_id is not None:
        query = query.where(Grading.student_pk == get_student(session, course, student_id).id)
    if slug is not None:
        query = query.where(Grading.assignment_id == get_assignment(session, course, slug).id)
    if problem_id is not None:
        query = query.where(Grading.problem_id == problem_id)
    return list(session.scalars(query.order_by(Grading.id)))


def own_submissions(
    session: Session, student: Student, *, problem_id: str | None = None, slug: str | None = None
) -> list[Grading]:
    query = select(Grading).where(Grading.student_pk == student.id).options(selectinload(Grading.assignment))
    if slug is not None:
        query = query.where(Grading.assignment_id == get_assignment(session, student.course, slug).id)
    if problem_id is not None:
        query = query.where(Grading.problem_id == problem_id)
    return list(session.scalars(query.order_by(Grading.id)))


def override(
    session: Session, submission_id: int, score: float, comment: str, now: datetime
) -> Grading:
    row = session.get(Grading, submission_id)
    if row is None:
        raise not_found(f"there is no submission {submission_id}")
    if row.student_pk is None:
        raise unprocessable(
            f"submission {submission_id} is practice (no student, no assignment); it counts for nothing"
        )
    if score > row.max_score:
        raise unprocessable(f"the score must be between 0 and {row.max_score:g}, this problem's maximum")
    row.override_score, row.override_comment, row.overridden_at = score, comment, now
    session.commit()
    return row


def counted(rows: list[Grading], rule: str) -> Grading | None:
    """The submission that counts: among those that used an attempt (or were overridden), the
    best or the last."""
    candidates = [r for r in rows if r.attempt is not None or r.override_score is not None]
    if not candidates:
        return None
    if rule == "last":
        return max(candidates, key=lambda r: r.id)
    return max(candidates, key=lambda r: (r.counted_score, -r.id))  # ties: the earlier one


def progress(session: Session, student: Student) -> list[AssignmentProgress]:
    rows = session.scalars(
        select(Grading).where(Grading.student_pk == student.id).order_by(Grading.id)
    ).all()
    by_problem: dict[tuple[int, str], list[Grading]] = defaultdict(list)
    for row in rows:
        by_problem[row.assignment_id, row.problem_id].append(row)
    summaries = []
    for assignment in list_assignments(session, student.course):
        deadline = deadline_for(session, assignment, student)
        problems = []
        for item in assignment.problems:
            mine = by_problem[assignment.id, item.problem_id]
            used = max((r.attempt for r in mine if r.attempt is not None), default=0)
            best = counted(mine, assignment.counts)
            points = None
            if best is not None:
                share = best.counted_score / best.max_score if best.max_score else 0.0
                points = round(share * item.points, 6)
            allowed = assignment.attempts_allowed
            problems.append(ProblemProgress(
                problem_id=item.problem_id, title=registry.get(item.problem_id).title, points=item.points,
                attempts_used=used, attempts_left=None if allowed is None else max(0, allowed - used),
                score=points, counted_submission_id=best.id if best else None,
                override_comment=best.override_comment if best else None,
            ))
        summaries.append(AssignmentProgress(
            slug=assignment.slug, title=assignment.title, due_at=deadline.due_at, extended=deadline.extended,
            late_policy=assignment.late_policy, penalty_per_day=assignment.penalty_per_day,
            accept_late_until=deadline.accept_late_until, attempts_allowed=assignment.attempts_allowed,
            counts=assignment.counts, randomized=assignment.randomized, problems=problems,
            score=round(sum(p.score or 0.0 for p in problems), 6),
            max_points=sum(p.points for p in problems),
        ))
    return summaries


def own_variant(session: Session, student: Student, problem_id: str, slug: str) -> Variant:
    assignment, _ = resolve_assignment(session, student.course, problem_id, slug)
    return assignment_variant(assignment, student, problem_id)


def student_problem(
    session: Session, course: Course, student_id: str, problem: Problem, slug: str | None
) -> StudentProblemOut:
    """A student's variant of a problem, its params and its answer key (for instructors)."""
    student = get_student(session, course, student_id)
    assignment, _ = resolve_assignment(session, course, problem.id, slug)
    variant = assignment_variant(assignment, student, problem.id)
    params = params_for(problem, variant)
    return StudentProblemOut(
        course_id=course.id, student_id=student.student_id, assignment=assignment.slug, problem_id=problem.id,
        title=problem.title, statement=render(problem.statement, params), variant=variant, params=params,
        parts=[PartSummary(id=p.id, kind=p.kind, prompt=p.prompt) for p in problem.parts],
        answers=to_json(reference(problem, variant)),
    )
