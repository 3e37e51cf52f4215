"""Typed dependencies for routes: `SessionDep`, `SettingsDep`, and who is asking:
`InstructorDep`/`CurrentInstructor`, `CurrentStudent`, `OptionalStudent`, `PrincipalDep`.

A missing token is a 401; a token that is valid but not the right role is a 403. Instructor
routes also answer 403 to an unknown token (as they always have); elsewhere an unknown token is a
401, so a student with a mistyped token is never silently graded as practice.

Dependencies that never wait on anything are `async def`: FastAPI runs a plain `def` dependency
in a worker thread, and each such hop cost a grading more than its own work under load. The
ones that query the database stay in threads (`get_principal` hands its lookup to one).
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from service.models import Instructor, Student
from service.settings import Settings
from service.tokens import INSTRUCTOR_PREFIX, STUDENT_PREFIX, token_hash


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    # Making a session touches no database; closing one does only while it holds a connection
    # (a transaction left open by an error: the rollback), and then it is done in a thread.
    session = request.app.state.sessionmaker()
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
# One instance: the grading routes call it directly (service/routes/direct.py).
bearer = HTTPBearer(auto_error=False)
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


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


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})


INVALID_TOKEN = "this token is not valid (unknown or replaced); ask your instructor for yours"


def principal_for(session: Session, settings: Settings, token: str) -> Principal:
    """Whose token this is; a 401 for a token nobody holds."""
    principal = lookup_token(session, settings, token)
    if principal is None:
        raise _unauthorized(INVALID_TOKEN)
    return principal


async def get_principal(session: SessionDep, settings: SettingsDep, credentials: BearerDep) -> Principal | None:
    """Who is asking: an instructor, a student, or nobody (no token). An unknown token is a 401."""
    if credentials is None:
        return None  # practice: no database, no thread
    return await run_in_threadpool(principal_for, session, settings, credentials.credentials)


def require_instructor(session: SessionDep, settings: SettingsDep, credentials: BearerDep) -> Instructor:
    if credentials is None:
        raise _unauthorized("this route needs an instructor token: Authorization: Bearer <token>")
    principal = lookup_token(session, settings, credentials.credentials)
    if not isinstance(principal, Instructor):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this token is not an instructor's")
    return principal


async def require_student(principal: Annotated[Principal | None, Depends(get_principal)]) -> Student:
    return as_student(principal)


def as_student(principal: Principal | None) -> Student:
    """The student, or a 401 (no token) / 403 (an instructor's token)."""
    if principal is None:
        raise _unauthorized("this needs a student token: Authorization: Bearer <token>")
    if not isinstance(principal, Student):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "this is for students (their own work and variants), not for an instructor's token",
        )
    return principal


async def optional_student(principal: Annotated[Principal | None, Depends(get_principal)]) -> Student | None:
    """The student, if a student's token came; None for no token or an instructor's (practice)."""
    return principal if isinstance(principal, Student) else None


PrincipalDep = Annotated[Principal | None, Depends(get_principal)]
InstructorDep = Annotated[Instructor, Depends(require_instructor)]
CurrentInstructor = InstructorDep
CurrentStudent = Annotated[Student, Depends(require_student)]
OptionalStudent = Annotated[Student | None, Depends(optional_student)]
