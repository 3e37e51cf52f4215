"""Who a token belongs to: an instructor, a student, or the site admin of
HWCHECK_INSTRUCTOR_TOKEN. Tokens are found by their SHA-256; a token nobody holds is a 401."""

from __future__ import annotations

import hmac

from fastapi import HTTPException, status
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from service.settings import Settings
from service.store.models import Instructor, Student
from service.tokens import INSTRUCTOR_PREFIX, STUDENT_PREFIX, token_hash

Principal = Instructor | Student


def bootstrap_instructor() -> Instructor:
    # The HWCHECK_INSTRUCTOR_TOKEN holder: an instructor with no row (never added to a session).
    return Instructor(name="bootstrap instructor (HWCHECK_INSTRUCTOR_TOKEN)", email="")


def lookup_token(session: Session, settings: Settings, token: str) -> Principal | None:
    """Whose token this is, or None for a token nobody holds."""
    expected = settings.instructor_token.get_secret_value() if settings.instructor_token else None
    # compare_digest: the time taken must not tell how much of a guessed token was right.
    if expected and hmac.compare_digest(token.encode(), expected.encode()):
        return bootstrap_instructor()
    # Stored tokens are found by their SHA-256: an index lookup on a hash leaks nothing useful
    # about the token, and the database never holds the token itself.
    if token.startswith(INSTRUCTOR_PREFIX):
        return session.scalar(select(Instructor).where(Instructor.token_hash == token_hash(token)))
    if token.startswith(STUDENT_PREFIX):
        # With its course: a student's request always needs it (variants, assignments).
        return session.scalar(
            select(Student).options(joinedload(Student.course)).where(Student.token_hash == token_hash(token))
        )
    return None


def principal_by_hash(session: Session, settings: Settings, hashed: str) -> Principal | None:
    """Whose token has this SHA-256 (a web session's; it keeps no token): None once replaced."""
    expected = settings.instructor_token.get_secret_value() if settings.instructor_token else None
    if expected and hmac.compare_digest(token_hash(expected).encode(), hashed.encode()):
        return bootstrap_instructor()
    instructor = session.scalar(select(Instructor).where(Instructor.token_hash == hashed))
    if instructor is not None:
        return instructor
    return session.scalar(select(Student).options(joinedload(Student.course)).where(Student.token_hash == hashed))


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})


INVALID_TOKEN = "this token is not valid (unknown or replaced); ask your instructor for yours"


def principal_for(session: Session, settings: Settings, token: str) -> Principal:
    """Whose token this is; a 401 for a token nobody holds."""
    principal = lookup_token(session, settings, token)
    if principal is None:
        raise unauthorized(INVALID_TOKEN)
    return principal


def as_student(principal: Principal | None) -> Student:
    """The student, or a 401 (no token) / 403 (an instructor's token)."""
    if principal is None:
        raise unauthorized("this needs a student token: Authorization: Bearer <token>")
    if not isinstance(principal, Student):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "this is for students (their own work and variants), not for an instructor's token",
        )
    return principal
