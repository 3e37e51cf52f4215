"""Refusals of the course layer: an HTTP status and a sentence for the person (the API sends it
as `detail`, the pages show it, the CLI prints it). Nothing here reads a request."""

from __future__ import annotations

from fastapi import HTTPException, status


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


def forbidden(detail: str) -> CourseworkError:
    return CourseworkError(status.HTTP_403_FORBIDDEN, detail)


def no_problem(problem_id: str) -> CourseworkError:
    """The one 404 for a problem id nobody defined (API routes, pages, assignments)."""
    return not_found(f"there is no problem {problem_id[:100]!r}; GET /api/problems lists them")


def problem_or_404(problem_id: str):
    from problems import registry

    try:
        return registry.get(problem_id)
    except KeyError:
        raise no_problem(problem_id) from None
