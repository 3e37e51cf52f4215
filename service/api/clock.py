""""Now", behind a dependency: deadlines are tested by moving the clock, never by sleeping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from service.store.models import utc_now

Clock = Callable[[], datetime]


def get_now(request: Request) -> datetime:
    clock: Clock = getattr(request.app.state, "clock", utc_now)
    return clock()


async def now_dependency(request: Request) -> datetime:
    # async: FastAPI would run a plain function in a worker thread, just to read a clock.
    return get_now(request)


NowDep = Annotated[datetime, Depends(now_dependency)]
