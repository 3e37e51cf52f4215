"""The database tables, in one place."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A moment in time, always handed back as an aware UTC datetime. SQLite keeps no offset
    (it would silently store 23:59-08:00 as 23:59), so every value is converted to UTC on the
    way in; PostgreSQL's timestamptz would cope alone, but both now read back alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"a naive datetime ({value}) is ambiguous: give it a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Grading(Base):
    """One graded submission: what was sent, what it earned, when."""

    __tablename__ = "gradings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    problem_id: Mapped[str] = mapped_column(String(100), index=True)
    variant: Mapped[str] = mapped_column(String(20))  # "default" or the seed, as text
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)  # exactly as sent
    result: Mapped[dict[str, Any]] = mapped_column(JSON)  # per-part statuses, scores, feedback
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)

    # A course submission (all NULL for practice gradings, which count for nothing).
    student_pk: Mapped[int | None] = mapped_column(
        ForeignKey("students.id", name="fk_gradings_student_pk_students"), index=True
    )
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", name="fk_gradings_assignment_id_assignments"), index=True
    )
    # 1, 2, 3… per student, assignment and problem; NULL when the submission used no attempt
    # (every part invalid or missing). The unique constraint below, not a read-then-write
    # check, is what makes two concurrent submissions take two different attempts.
    attempt: Mapped[int | None] = mapped_column(Integer)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    late_days: Mapped[int | None] = mapped_column(Integer)
    penalty: Mapped[float | None] = mapped_column(Float)  # the fraction taken off for lateness
    final_score: Mapped[float | None] = mapped_column(Float)  # score after the late penalty
    override_score: Mapped[float | None] = mapped_column(Float)  # replaces final_score when set
    override_comment: Mapped[str | None] = mapped_column(Text)
    overridden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The body the student was sent, replayed verbatim when the same Idempotency-Key comes again.
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    student: Mapped[Student | None] = relationship()
    assignment: Mapped[Assignment | None] = relationship()

    __table_args__ = (
        UniqueConstraint("student_pk", "assignment_id", "problem_id", "attempt", name="uq_gradings_attempt"),
        UniqueConstraint("student_pk", "idempotency_key", name="uq_gradings_idempotency_key"),
    )

    @property
    def counted_score(self) -> float | None:
        """What this submission is worth on the problem's own scale: the override, if any."""
        return self.override_score if self.override_score is not None else self.final_score


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Keys the HMAC that draws each student's variants; never leaves the server.
    secret: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class Instructor(Base):
    __tablename__ = "instructors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex of the token
    # A site admin sees and manages every course, as the HWCHECK_INSTRUCTOR_TOKEN holder does.
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class CourseStaff(Base):
    """One instructor's role in one course (service/courses/staff.py says what each allows)."""

    __tablename__ = "course_staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", name="fk_course_staff_course_id_courses", ondelete="CASCADE"), index=True
    )
    instructor_id: Mapped[int] = mapped_column(
        ForeignKey("instructors.id", name="fk_course_staff_instructor_id_instructors", ondelete="CASCADE"),
        index=True,
    )
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    instructor: Mapped[Instructor] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("course_id", "instructor_id", name="uq_course_staff_course_instructor"),
        CheckConstraint("role IN ('owner', 'instructor', 'ta', 'viewer')", name="ck_course_staff_role"),
    )


class Student(Base):
    __tablename__ = "students"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", name="fk_students_course_id_courses"), index=True)
    student_id: Mapped[str] = mapped_column(String(100))  # the school's id, as on the roster
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    section: Mapped[str | None] = mapped_column(String(50))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex of the token
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    course: Mapped[Course] = relationship()

    __table_args__ = (UniqueConstraint("course_id", "student_id", name="uq_students_course_student_id"),)


class Assignment(Base):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", name="fk_assignments_course_id_courses"), index=True
    )
    slug: Mapped[str] = mapped_column(String(50))  # "hw1": what students and URLs call it
    title: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # "hard": nothing after the deadline. "penalty": penalty_per_day off per started day late,
    # until accept_late_until (if set), after which nothing is accepted.
    late_policy: Mapped[str] = mapped_column(String(10))
    penalty_per_day: Mapped[float] = mapped_column(Float, default=0.0)
    accept_late_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts_allowed: Mapped[int | None] = mapped_column(Integer)  # NULL: unlimited
    counts: Mapped[str] = mapped_column(String(10))  # "best" or "last" attempt
    randomized: Mapped[bool] = mapped_column(Boolean)  # per-student variants, else `default`
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    course: Mapped[Course] = relationship()
    problems: Mapped[list[AssignmentProblem]] = relationship(
        order_by="AssignmentProblem.position", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        UniqueConstraint("course_id", "slug", name="uq_assignments_course_slug"),
        CheckConstraint("late_policy IN ('hard', 'penalty')", name="ck_assignments_late_policy"),
        CheckConstraint("counts IN ('best', 'last')", name="ck_assignments_counts"),
    )

    def problem(self, problem_id: str) -> AssignmentProblem | None:
        return next((p for p in self.problems if p.problem_id == problem_id), None)


class AssignmentProblem(Base):
    __tablename__ = "assignment_problems"

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", name="fk_assignment_problems_assignment_id_assignments", ondelete="CASCADE"),
        primary_key=True,
    )
    problem_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    points: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer)


class Extension(Base):
    """One student's own deadline for one assignment."""

    __tablename__ = "extensions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", name="fk_extensions_assignment_id_assignments", ondelete="CASCADE")
    )
    student_pk: Mapped[int] = mapped_column(
        ForeignKey("students.id", name="fk_extensions_student_pk_students", ondelete="CASCADE")
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (UniqueConstraint("assignment_id", "student_pk", name="uq_extensions_assignment_student"),)


class GradingRevision(Base):
    """A grading as it was before a regrade replaced it (result, score, final score)."""

    __tablename__ = "grading_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grading_id: Mapped[int] = mapped_column(
        ForeignKey("gradings.id", name="fk_grading_revisions_grading_id_gradings", ondelete="CASCADE"), index=True
    )
    run: Mapped[str] = mapped_column(String(36), index=True)  # one regrade run, many revisions
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    final_score: Mapped[float | None] = mapped_column(Float)
    new_score: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class BatchJob(Base):
    """An instructor's batch grading job: its outputs live in files, its record here, so a
    job outlives the process that ran it (one interrupted by a restart says so)."""

    __tablename__ = "batch_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # queued | running | done | failed | interrupted
    # grade: an uploaded class's answers; regrade: an assignment's stored submissions, on the queue.
    kind: Mapped[str] = mapped_column(String(20), default="grade")
    course_id: Mapped[int | None] = mapped_column(Integer)
    # Who started it (NULL: the HWCHECK_INSTRUCTOR_TOKEN holder, or a job older than staff roles).
    created_by: Mapped[int | None] = mapped_column(Integer)
    assignment: Mapped[str | None] = mapped_column(String(50))
    input_name: Mapped[str] = mapped_column(String(200))
    rows_total: Mapped[int | None] = mapped_column(Integer)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Stamped every HEARTBEAT_SECONDS by the process running it (service/batch/jobs.py).
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A queued job (service/batch/queue.py): its chunks are in batch_chunks, graded by workers.
    queued: Mapped[bool] = mapped_column(Boolean, default=False)
    chunks_total: Mapped[int | None] = mapped_column(Integer)
    context: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the batch Context, as workers need it
    gradescope: Mapped[bool] = mapped_column(Boolean, default=False)
    # The server writing its outputs as its chunks come in (its heartbeat_at says it lives).
    assembler: Mapped[str | None] = mapped_column(String(200))


class BatchChunk(Base):
    """One chunk of a queued batch job: its input (the upload's text, or prepared rows) and, once
    a worker has graded it, its piece of the outputs (`records`) — committed with the chunk's
    number, once (the first worker to commit wins; a chunk redelivered after a worker died finds
    it done). Both zlib-compressed: service/batch/chunks.py and pieces.py say how."""

    __tablename__ = "batch_chunks"

    job_id: Mapped[str] = mapped_column(
        ForeignKey("batch_jobs.id", name="fk_batch_chunks_job_id_batch_jobs", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    rows: Mapped[bytes] = mapped_column(LargeBinary)
    row_count: Mapped[int] = mapped_column(Integer)
    records: Mapped[bytes | None] = mapped_column(LargeBinary)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(200))  # host:pid of the worker that graded it
    enqueued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A signed-in browser (service/web/session.py): the cookie holds a random id, this row its
    SHA-256 and the SHA-256 of the token it signed in with — so a replaced token ends it."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


# ---- LTI 1.3 (service/lti/) -------------------------------------------------------------------


class LtiPlatform(Base):
    """An LMS registered to launch hwcheck: its issuer and our client id there, where its OIDC
    authorization, token and key-set endpoints are, and the deployments it may launch from."""

    __tablename__ = "lti_platforms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(500))
    auth_login_url: Mapped[str] = mapped_column(String(1000))
    token_url: Mapped[str] = mapped_column(String(1000))
    jwks_url: Mapped[str] = mapped_column(String(1000))
    deployment_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (UniqueConstraint("issuer", "client_id", name="uq_lti_platforms_issuer_client"),)


class LtiToolKey(Base):
    """One of hwcheck's own signing keys (RS256), published at /lti/jwks. The newest signs; a key
    replaced by a rotation stays published for LTI_KEY_GRACE, so what it signed stays checkable."""

    __tablename__ = "lti_tool_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LtiLogin(Base):
    """An OIDC login in flight: the state we sent (its SHA-256; the browser holds it in a cookie)
    and the nonce the platform's id_token must carry. Used once, by the launch."""

    __tablename__ = "lti_logins"

    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", name="fk_lti_logins_platform_id_lti_platforms", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class LtiNonce(Base):
    """A nonce an accepted id_token carried (its SHA-256), until the token could no longer be
    valid: the same id_token, or any with that nonce, is refused a second time."""

    __tablename__ = "lti_nonces"

    nonce_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class LtiContext(Base):
    """A course of the LMS (its context id) -> the hwcheck course it launches into."""

    __tablename__ = "lti_contexts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", name="fk_lti_contexts_platform_id_lti_platforms", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(String(255))
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", name="fk_lti_contexts_course_id_courses", ondelete="CASCADE"), index=True)
    title: Mapped[str | None] = mapped_column(String(500))
    # The course's Advantage services, as its latest launch named them (None: not offered).
    lineitems_url: Mapped[str | None] = mapped_column(String(1000))
    memberships_url: Mapped[str | None] = mapped_column(String(1000))

    __table_args__ = (UniqueConstraint("platform_id", "context_id", name="uq_lti_contexts_platform_context"),)


class LtiStudent(Base):
    """A person of the LMS (`sub`) as a student of one course: a student is per course in hwcheck,
    so one person has a row per course they launched into (or were synced to)."""

    __tablename__ = "lti_students"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", name="fk_lti_students_platform_id_lti_platforms", ondelete="CASCADE"))
    sub: Mapped[str] = mapped_column(String(255))
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", name="fk_lti_students_course_id_courses", ondelete="CASCADE"))
    student_pk: Mapped[int] = mapped_column(
        ForeignKey("students.id", name="fk_lti_students_student_pk_students", ondelete="CASCADE"), unique=True)

    __table_args__ = (UniqueConstraint("platform_id", "sub", "course_id", name="uq_lti_students_platform_sub_course"),)


class LtiInstructor(Base):
    """A person of the LMS (`sub`) as an instructor of hwcheck (their staff roles are per course)."""

    __tablename__ = "lti_instructors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", name="fk_lti_instructors_platform_id_lti_platforms", ondelete="CASCADE"))
    sub: Mapped[str] = mapped_column(String(255))
    instructor_id: Mapped[int] = mapped_column(
        ForeignKey("instructors.id", name="fk_lti_instructors_instructor_id_instructors", ondelete="CASCADE"),
        index=True)

    __table_args__ = (UniqueConstraint("platform_id", "sub", name="uq_lti_instructors_platform_sub"),)


class LtiResourceLink(Base):
    """A link placed in the LMS (its resource link id) -> the assignment, or the one problem of it,
    it opens: set by Deep Linking, or by the `hwcheck_assignment` custom parameter of a launch."""

    __tablename__ = "lti_resource_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", name="fk_lti_resource_links_platform_id_lti_platforms", ondelete="CASCADE"))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", name="fk_lti_resource_links_assignment_id_assignments", ondelete="CASCADE"))
    problem_id: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (UniqueConstraint("platform_id", "resource_link_id", name="uq_lti_resource_links_platform_link"),)


class LtiLineItem(Base):
    """The LMS gradebook column (an AGS line item's URL) an assignment's scores go to."""

    __tablename__ = "lti_line_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    context_pk: Mapped[int] = mapped_column(
        ForeignKey("lti_contexts.id", name="fk_lti_line_items_context_pk_lti_contexts", ondelete="CASCADE"))
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", name="fk_lti_line_items_assignment_id_assignments", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(1000))

    __table_args__ = (UniqueConstraint("context_pk", "assignment_id", name="uq_lti_line_items_context_assignment"),)


class LtiScoreOutbox(Base):
    """"This student's score on this assignment changed": written in the transaction that changed
    it (a counted submission, an override), sent to the LMS by service/lti/scores.py. The row
    says only *that* it changed; the sender reads the score as it is when it sends, so a retry
    can never send a stale score over a newer one."""

    __tablename__ = "lti_score_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_pk: Mapped[int] = mapped_column(
        ForeignKey("students.id", name="fk_lti_score_outbox_student_pk_students", ondelete="CASCADE"))
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", name="fk_lti_score_outbox_assignment_id_assignments", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a sender is on it until then
    last_error: Mapped[str | None] = mapped_column(Text)
