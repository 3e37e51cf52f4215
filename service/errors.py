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
