"""Request and response models of the course routes (roster, assignments, submissions,
overrides, a student's own progress). The answer forms of the problems stay in schemas.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    field_validator,
    model_validator,
)

from service.schemas import GradeResponse, PartResultOut, PartSummary, ShownVariant
from service.text import Text

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,49}$", examples=["hw1"])]
SchoolId = Annotated[Text, Field(min_length=1, max_length=100, description="the school's student id")]


def _in_range(moment: datetime) -> datetime:
    # Deadlines are shifted by late days and compared with now: a year near 9999 overflowed
    # after the row was written. Nothing a course schedules lies outside this century and the next.
    if not (EARLIEST <= moment.astimezone(UTC) <= LATEST):
        raise ValueError(f"give a moment between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}")
    return moment


EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2199, 12, 31, 23, 59, 59, tzinfo=UTC)
Moment = Annotated[AwareDatetime, AfterValidator(_in_range)]


class CourseIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(min_length=1, max_length=200, examples=["CS 182 Spring 2027"])


class CourseOut(BaseModel):
    id: int
    name: str
    created_at: datetime
    role: str | None = Field(None, description="your role in it: owner, instructor, ta, viewer, or admin (site admin)")


Role = Literal["owner", "instructor", "ta", "viewer"]


class StaffIn(BaseModel):
    """Add an instructor (found by email) to the course's staff, or change their role."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    email: str = Field(min_length=1, max_length=320, examples=["ta@example.edu"])
    role: Role = Field(description="owner: everything; instructor: all but staff; ta: view, override, "
                                   "extend; viewer: read only")


class StaffOut(BaseModel):
    instructor_id: int
    name: str
    email: str
    role: Role
    added_at: datetime


class RosterEntry(BaseModel):
    """One row of a roster, as JSON or as a CSV row with these headers."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    student_id: SchoolId
    name: Text = Field(min_length=1, max_length=200)
    email: Text | None = Field(None, max_length=320)
    section: Text | None = Field(None, max_length=50)

    @field_validator("email", "section", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        # An empty CSV cell means "not given", not an empty email address.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("email")
    @classmethod
    def _an_address(cls, value: str | None) -> str | None:
        # Only the shape of an address (one @, a dot in the domain): tokens are what sign in, so
        # the email is contact data, and a typo like `ada.example.org` should not pass silently.
        if value is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError(f"{value[:80]!r} is not an email address")
        return value


class RosterStudentOut(BaseModel):
    student_id: str
    name: str
    email: str | None
    section: str | None
    status: Literal["created", "updated", "unchanged"]
    token: str | None = Field(
        description="the student's bearer token, shown only now (new students, or ?rotate=true); "
        "only its hash is stored"
    )


class RosterResult(BaseModel):
    course_id: int
    students: list[RosterStudentOut]


class StudentOut(BaseModel):
    student_id: str
    name: str
    email: str | None
    section: str | None


class AssignmentProblemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    problem_id: str = Field(max_length=100, examples=["branch-max-network"])
    points: float = Field(gt=0, le=10_000, examples=[10])


class AssignmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    slug: Slug
    title: str = Field(min_length=1, max_length=200)
    due_at: Moment
    late_policy: Literal["hard", "penalty"] = Field(
        "hard", description="`hard`: nothing after the deadline; `penalty`: penalty_per_day off per started day late"
    )
    penalty_per_day: float = Field(0.0, ge=0, le=1, description="fraction of the score, e.g. 0.1")
    accept_late_until: Moment | None = Field(None, description="`penalty` only: nothing accepted after it")
    attempts_allowed: int | None = Field(None, ge=1, le=1000, description="per problem; null: unlimited")
    counts: Literal["best", "last"] = "best"
    randomized: bool = Field(True, description="per-student variants; false: the published numbers for everyone")
    problems: list[AssignmentProblemIn] | None = Field(None, min_length=1, max_length=100)
    template: str | None = Field(
        None, max_length=100, examples=["hw1"],
        description="take the problems and points from this assignment of the assignments file "
                    "(GET /api/assignments); give either `template` or `problems`",
    )

    @model_validator(mode="after")
    def _consistent(self) -> AssignmentIn:
        if self.late_policy == "hard" and (self.penalty_per_day or self.accept_late_until):
            raise ValueError("a hard deadline accepts nothing late: penalty_per_day and accept_late_until "
                             "are for late_policy 'penalty'")
        if self.late_policy == "penalty" and not self.penalty_per_day:
            raise ValueError("late_policy 'penalty' needs penalty_per_day (a fraction, e.g. 0.1)")
        if self.accept_late_until is not None and self.accept_late_until < self.due_at:
            raise ValueError("accept_late_until is before due_at")
        if (self.problems is None) == (self.template is None):
            raise ValueError("give either `problems` or `template` (an id from GET /api/assignments)")
        ids = [p.problem_id for p in self.problems or []]
        if len(set(ids)) != len(ids):
            raise ValueError(f"a problem is listed twice: {sorted({i for i in ids if ids.count(i) > 1})}")
        return self


class AssignmentProblemOut(BaseModel):
    problem_id: str
    title: str
    points: float


class AssignmentOut(BaseModel):
    id: int
    slug: str
    title: str
    due_at: datetime
    late_policy: Literal["hard", "penalty"]
    penalty_per_day: float
    accept_late_until: datetime | None
    attempts_allowed: int | None
    counts: Literal["best", "last"]
    randomized: bool
    problems: list[AssignmentProblemOut]


class ExtensionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    student_id: SchoolId
    due_at: Moment


class ExtensionOut(BaseModel):
    assignment: str
    student_id: str
    due_at: datetime
    accept_late_until: datetime | None = Field(description="the student's own late cut-off, if any")


class SubmissionOut(BaseModel):
    """A stored course submission. Scores are on the problem's own scale (0…max_score)."""

    id: int
    student_id: str
    assignment: str
    problem_id: str
    variant: ShownVariant
    attempt: int | None = Field(description="null: a part could not be read (or every part was "
                                "empty): nothing counted and no attempt used; `not_counted` says why")
    submitted_at: datetime
    answers: dict[str, JsonValue]
    parts: list[PartResultOut]
    score: float
    max_score: float
    late_days: int
    penalty: float
    final_score: float
    override_score: float | None
    override_comment: str | None
    overridden_at: datetime | None
    counted_score: float = Field(description="override_score if set, else final_score")


class OverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    score: float = Field(ge=0, description="the submission's new score on the problem's scale (0…max_score)")
    comment: str = Field(min_length=1, max_length=2000)


class SubmissionReceipt(BaseModel):
    id: int
    assignment: str
    attempt: int | None = Field(description="null: a part could not be read (or every part was "
                                "empty): nothing counted and no attempt used; `not_counted` says why")
    attempts_used: int
    attempts_left: int | None = Field(description="null: unlimited")
    submitted_at: datetime
    due_at: datetime
    late_days: int
    penalty: float = Field(description="the fraction taken off for lateness")
    final_score: float = Field(description="score after the late penalty")
    not_counted: str | None = Field(default=None, description="why this submission counts for nothing "
                                    "and used no attempt (null when it used one)")


class StudentGradeResponse(GradeResponse):
    """What a student's graded submission returns: the grading and what was recorded."""

    submission: SubmissionReceipt


class CourseRef(BaseModel):
    id: int
    name: str


class MeOut(BaseModel):
    student_id: str
    name: str
    email: str | None
    section: str | None
    course: CourseRef


class ProblemProgress(BaseModel):
    problem_id: str
    title: str
    points: float
    attempts_used: int
    attempts_left: int | None = Field(description="null: unlimited")
    score: float | None = Field(description="points counted so far (best or last attempt, overrides "
                                            "applied); null before any counted submission")
    counted_submission_id: int | None
    override_comment: str | None


class AssignmentProgress(BaseModel):
    slug: str
    title: str
    due_at: datetime = Field(description="this student's deadline (an extension, if granted)")
    extended: bool
    late_policy: Literal["hard", "penalty"]
    penalty_per_day: float
    accept_late_until: datetime | None
    attempts_allowed: int | None
    counts: Literal["best", "last"]
    randomized: bool
    problems: list[ProblemProgress]
    score: float
    max_points: float


class StudentProblemOut(BaseModel):
    """A student's own variant of a problem in an assignment, with its answer key (instructors)."""

    course_id: int
    student_id: str
    assignment: str
    problem_id: str
    title: str
    statement: str
    variant: ShownVariant
    params: dict[str, JsonValue]
    parts: list[PartSummary]
    answers: dict[str, JsonValue]
