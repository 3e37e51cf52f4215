"""Typed dependencies for routes: `SessionDep`, `SettingsDep`, `InstructorDep`."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from service.settings import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessionmaker() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(HTTPBearer(auto_error=False))]


def require_instructor(settings: SettingsDep, credentials: BearerDep) -> None:
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "this route needs an instructor token: Authorization: Bearer <token>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    expected = settings.instructor_token.get_secret_value() if settings.instructor_token else None
    # compare_digest: the time taken must not tell how much of a guessed token was right.
    if not expected or not hmac.compare_digest(credentials.credentials.encode(), expected.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this token is not an instructor's")


InstructorDep = Annotated[None, Depends(require_instructor)]
