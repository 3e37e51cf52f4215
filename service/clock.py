""""Now", behind a dependency: deadlines are tested by moving the clock, never by sleeping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from service.models import utc_now

Clock = Callable[[], datetime]


def get_now(request: Request) -> datetime:
    clock: Clock = getattr(request.app.state, "clock", utc_now)
    return clock()


NowDep = Annotated[datetime, Depends(get_now)]
