"""Instructors, courses and their rosters: students added or updated from a CSV or JSON list,
each new student given a token (shown once, stored as its hash)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.courses.schemas import (
    RosterEntry,
    RosterStudentOut,
)
from service.errors import conflict, not_found, unprocessable
from service.store.models import (
    Course,
    Instructor,
    Student,
)
from service.tokens import INSTRUCTOR_PREFIX, STUDENT_PREFIX, new_token


def create_instructor(session: Session, name: str, email: str, *, is_admin: bool = False) -> tuple[Instructor, str]:
    token, digest = new_token(INSTRUCTOR_PREFIX)
    instructor = Instructor(name=name, email=email.strip(), token_hash=digest, is_admin=is_admin)
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


ROSTER_COLUMNS = ("student_id", "name", "email", "section")
_FIELD_WORDS = {"student_id": "the student id", "name": "the name", "email": "the email",
                "section": "the section"}


def _plain(error: dict) -> str:
    """A validator's complaint about one roster cell, in words an instructor uses."""
    field = _FIELD_WORDS.get(str(error["loc"][0]) if error["loc"] else "", "a cell")
    kind = error["type"]
    if kind in ("string_too_short", "too_short", "missing"):
        return f"{field} is empty"
    if kind == "string_too_long":
        return f"{field} is too long ({error['ctx']['max_length']} characters at most)"
    if kind == "value_error":
        return f"{field}: {error['ctx']['error']}"
    return f"{field}: {error['msg']}"


def parse_roster_csv(text: str, warnings: list[str] | None = None) -> list[RosterEntry]:
    """A roster CSV with a header row: student_id, name, and optionally email, section. Every bad
    row is reported by its line, all at once; other columns are ignored, with a warning added
    to `warnings` when it is given."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [h for h in ("student_id", "name") if h not in headers]
    if missing:
        raise unprocessable(
            f"the roster CSV needs a header row with student_id and name (and optionally email, section); "
            f"missing: {', '.join(missing)}"
        )
    unknown = [h for h in headers if h and h not in ROSTER_COLUMNS]
    if unknown and warnings is not None:
        warnings.append(f"Ignored the column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}: "
                        f"a roster has {', '.join(ROSTER_COLUMNS)}.")
    reader.fieldnames = headers
    entries, problems = [], []
    for line, row in enumerate(reader, start=2):
        if not any((value or "").strip() for key, value in row.items() if key is not None):
            continue  # blank line
        fields = {k: v for k, v in row.items() if k in ROSTER_COLUMNS}
        try:
            entries.append(RosterEntry.model_validate(fields))
        except ValidationError as error:
            problems.append(f"line {line}: " + "; ".join(_plain(e) for e in error.errors()))
    if problems:
        shown = problems[:20] + ([f"and {len(problems) - 20} more lines"] if len(problems) > 20 else [])
        raise unprocessable(f"{len(problems)} roster line{'s' if len(problems) > 1 else ''} could not be "
                            f"read, so nothing was imported — {'; '.join(shown)}")
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
