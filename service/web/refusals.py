"""What a page does when the course layer refuses: the error page, with the refusal's status and
sentence — one handler (service/web/__init__.py) instead of a try/except in every page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import HTTPException
from sqlalchemy.orm import Session

from service.courses.staff import Need, course_for
from service.errors import CourseworkError
from service.store.models import Course, Instructor, Student


class PageRefused(Exception):
    def __init__(self, error: HTTPException, principal: Instructor | Student | None, back: str = "/"):
        self.error, self.principal, self.back = error, principal, back


@contextmanager
def shown_as_page(principal: Instructor | Student | None, back: str = "/") -> Iterator[None]:
    """A refusal (no such course, a role that does not allow it …) inside becomes the error page,
    with a link `back`."""
    try:
        yield
    except CourseworkError as error:
        raise PageRefused(error, principal, back) from None


def staff_course(session: Session, instructor: Instructor, course_id: int, need: Need = Need.VIEW) -> Course:
    """The course, if this instructor's role in it allows `need`; else the error page (404/403)."""
    with shown_as_page(instructor):
        return course_for(session, instructor, course_id, need)


def refuse(principal: Instructor | Student | None, status_code: int, detail: str) -> PageRefused:
    return PageRefused(HTTPException(status_code, detail), principal)
