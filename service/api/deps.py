"""Typed dependencies for routes: `SessionDep`, `SettingsDep`, and who is asking:
`InstructorDep`, `CurrentStudent`, `PrincipalDep`, and
the course a route is about, checked against the caller's role in it: `ViewedCourse`,
`GradedCourse`, `ManagedCourse`, `StaffedCourse` (service/courses/staff.py decides).

A missing token is a 401; a token that is valid but not the right role is a 403. Instructor
routes also answer 403 to an unknown token (as they always have); elsewhere an unknown token is a
401, so a student with a mistyped token is never silently graded as practice.

Dependencies that never wait on anything are `async def`: FastAPI runs a plain `def` dependency
in a worker thread, and each such hop cost a grading more than its own work under load. The
ones that query the database stay in threads (`get_principal` hands its lookup to one)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from service.courses.principals import (
    Principal,
    as_student,
    lookup_token,
    principal_for,
    unauthorized,
)
from service.courses.staff import Need, course_for
from service.settings import Settings
from service.store.models import Course, Instructor, Student


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


# One instance: the grading routes call it directly (service/api/direct.py).
bearer = HTTPBearer(auto_error=False)


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


async def get_principal(session: SessionDep, settings: SettingsDep, credentials: BearerDep) -> Principal | None:
    """Who is asking: an instructor, a student, or nobody (no token). An unknown token is a 401."""
    if credentials is None:
        return None  # practice: no database, no thread
    return await run_in_threadpool(principal_for, session, settings, credentials.credentials)


def require_instructor(session: SessionDep, settings: SettingsDep, credentials: BearerDep) -> Instructor:
    if credentials is None:
        raise unauthorized("this route needs an instructor token: Authorization: Bearer <token>")
    principal = lookup_token(session, settings, credentials.credentials)
    if not isinstance(principal, Instructor):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this token is not an instructor's")
    return principal


async def require_student(principal: Annotated[Principal | None, Depends(get_principal)]) -> Student:
    return as_student(principal)


PrincipalDep = Annotated[Principal | None, Depends(get_principal)]


InstructorDep = Annotated[Instructor, Depends(require_instructor)]


CurrentStudent = Annotated[Student, Depends(require_student)]



def _course(need: Need):
    def dependency(course_id: int, instructor: InstructorDep, session: SessionDep) -> Course:
        return course_for(session, instructor, course_id, need)

    dependency.__name__ = f"course_to_{need.value}"
    return Annotated[Course, Depends(dependency)]


ViewedCourse = _course(Need.VIEW)  # any staff role
GradedCourse = _course(Need.GRADE)  # owner, instructor, TA
ManagedCourse = _course(Need.MANAGE)  # owner, instructor
StaffedCourse = _course(Need.STAFF)  # owner
