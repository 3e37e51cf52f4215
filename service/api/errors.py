"""Two things API fuzzing (tests/service/api/test_fuzz_api.py) found, fixed for every route at once:

- A 422 of ours is `{"detail": "a sentence"}`, FastAPI's own is `{"detail": [errors]}`; the
  OpenAPI document described only the list, so our refusals broke their own schema. The
  document now says `detail` is either.
- An id in a path beyond a 64-bit integer (`/api/courses/9223372036854775808`) reached the
  database driver and came back as a 500 (SQLite: OverflowError; PostgreSQL: out of range).
  Nothing can have such an id, so it is a 404.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, StatementError

OUT_OF_RANGE = "there is nothing with that id (it is out of range)"


def _out_of_range(error: BaseException) -> bool:
    cause = getattr(error, "orig", None) or error.__cause__ or error
    if isinstance(cause, OverflowError):
        return True
    return type(cause).__name__ == "NumericValueOutOfRange"  # psycopg's, by name: optional dependency


def install_api_errors(app: FastAPI) -> None:
    async def overflow(request: Request, error: Exception) -> JSONResponse:
        if isinstance(error, OverflowError) or _out_of_range(error):
            return JSONResponse({"detail": OUT_OF_RANGE}, status_code=404)
        raise error

    app.add_exception_handler(OverflowError, overflow)
    app.add_exception_handler(StatementError, overflow)
    app.add_exception_handler(DBAPIError, overflow)

    original = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        error = schema.get("components", {}).get("schemas", {}).get("HTTPValidationError", {})
        detail = error.get("properties", {}).get("detail")
        if detail and "anyOf" not in detail:
            listed = {k: v for k, v in detail.items() if k != "title"}
            error["properties"]["detail"] = {
                "title": "Detail", "anyOf": [listed, {"type": "string"}],
                "description": "the request's validation errors, or one sentence saying what to fix",
            }
        return schema

    app.openapi = openapi
