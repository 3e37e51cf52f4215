"""Operations routes: `/healthz` (the process is alive), `/readyz` (it can reach its database),
`/metrics` (Prometheus text format; service/ops/observability.py).

`/readyz` runs `SELECT 1` (on PostgreSQL under `SET LOCAL statement_timeout`) in a thread of
its own and waits at most `HWCHECK_READINESS_TIMEOUT_SECONDS`: a database that refuses, fails
or does not answer in time is a 503 `{"status": "unavailable", "reason": ...}`. A check still
stuck (an unreachable host can hold a connect for minutes) is waited on again rather than
started twice, so a probe every few seconds never piles up threads or connections.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine, text

from service.ops.observability import metrics_payload

router = APIRouter(tags=["operations"])

_checks = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="readyz")
_lock = threading.Lock()


@router.get("/healthz", summary="Liveness: the process answers")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def _select_one(engine: Engine, timeout: float) -> None:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"SET LOCAL statement_timeout = {max(1, int(timeout * 1000))}"))
        connection.execute(text("SELECT 1")).scalar_one()
        connection.rollback()


def _reason(error: BaseException) -> str:
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()
    first = detail[0] if detail else ""
    return f"database unreachable: {type(error).__name__}: {first}"[:300]


@router.get("/readyz", summary="Readiness: the database answers SELECT 1",
            responses={503: {"description": "the database is unreachable; `reason` says why"}})
async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    timeout = state.settings.readiness_timeout_seconds
    with _lock:
        future = getattr(state, "readiness_check", None)
        if future is None or future.done():
            future = _checks.submit(_select_one, state.engine, timeout)
            state.readiness_check = future
    try:
        await asyncio.wait_for(asyncio.wrap_future(future), timeout)
    except (TimeoutError, asyncio.TimeoutError):
        return JSONResponse({"status": "unavailable",
                             "reason": f"database did not answer within {timeout:g} s"}, status_code=503)
    except Exception as error:  # noqa: BLE001 - any failure is "not ready", with its reason
        return JSONResponse({"status": "unavailable", "reason": _reason(error)}, status_code=503)
    return JSONResponse({"status": "ready", "database": state.engine.dialect.name})


@router.get("/metrics", summary="Prometheus metrics (text exposition format)",
            response_class=Response)
def metrics() -> Response:
    payload, content_type = metrics_payload()
    return Response(payload, media_type=content_type)
