"""The grading routes' requests, read directly rather than by FastAPI's dependency solver.

FastAPI still builds each grading route from its endpoint's signature — the OpenAPI document,
the body size limit, the exception handlers are FastAPI's — but its general per-request handler
(every dependency and parameter solved in turn, with a sub-response for their headers) cost
half as much CPU as grading a typical submission (py-spy, under load). Reading the same four
things here instead — the JSON body validated by the problem's submission model, the bearer
token, the Idempotency-Key header, the clock — cut a practice request's instructions and raised
its throughput, measured side by side (bench/RESULTS-http.md, bench/RESULTS-costs.md).

The answers are FastAPI's own, error for error: the same validation, the same `loc`s, the same
RequestValidationError for the same handler. tests/service/api/test_direct_route.py sends a corpus
of good and bad requests through FastAPI's handler and through this one and requires identical
responses, so a FastAPI upgrade that changes its behaviour fails there, not in production.
"""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError

from service.api.clock import get_now
from service.api.deps import bearer
from service.api.readable import is_json, refuse_unreadable

# What the endpoint receives, by parameter name; DirectRoute refuses any other signature.
PARAMETERS = ("submission", "request", "credentials", "now", "idempotency_key")
NO_BODY = object()  # an empty body is "missing"; the JSON `null` is a value, and wrong


class DirectRoute(APIRoute):
    """An APIRoute whose endpoint takes exactly PARAMETERS, read without the dependency solver."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        endpoint = self.endpoint
        signature = inspect.signature(endpoint)
        if tuple(signature.parameters) != PARAMETERS:
            raise TypeError(f"{endpoint.__name__} must take {PARAMETERS}, not {tuple(signature.parameters)}")
        model = typing.get_args(signature.parameters["submission"].annotation)[0]
        key_annotation = signature.parameters["idempotency_key"].annotation
        body = TypeAdapter(model)
        key = TypeAdapter(key_annotation)
        key_alias = typing.get_args(key_annotation)[1].alias

        async def handle(request: Request) -> Response:
            submission_json = await _json_body(request)
            errors = []
            idempotency_key = request.headers.get(key_alias)
            try:
                idempotency_key = key.validate_python(idempotency_key)
            except ValidationError as error:
                errors += _located(error, ("header", key_alias))
            if submission_json is NO_BODY:
                errors.append(_missing(("body",)))
            else:
                try:
                    submission = body.validate_python(submission_json, from_attributes=True)
                except ValidationError as error:
                    errors += _located(error, ("body",))
            if errors:
                raise RequestValidationError(errors, body=None if submission_json is NO_BODY else submission_json)
            return await endpoint(submission, request, await bearer(request), get_now(request), idempotency_key)

        return handle


async def _json_body(request: Request) -> Any:
    """The body as FastAPI reads it for a JSON model: NO_BODY when empty, parsed JSON when the
    content type says JSON, else the raw bytes (which the model then refuses)."""
    try:
        raw = await request.body()
        if not raw:
            return NO_BODY
        if is_json(request.headers.get("content-type")):
            document = json.loads(raw)
            refuse_unreadable(document)
            return document
        return raw
    except json.JSONDecodeError as error:
        raise RequestValidationError(
            [{"type": "json_invalid", "loc": ("body", error.pos), "msg": "JSON decode error", "input": {},
              "ctx": {"error": error.msg}}],
            body=error.doc,
        ) from error
    except (HTTPException, RequestValidationError):
        raise
    except Exception as error:
        raise HTTPException(400, "There was an error parsing the body") from error


def _located(error: ValidationError, prefix: tuple) -> list[dict]:
    return [{**e, "loc": prefix + tuple(e.get("loc", ()))} for e in error.errors(include_url=False)]


def _missing(loc: tuple) -> dict:
    error = ValidationError.from_exception_data("Field required", [{"type": "missing", "loc": loc, "input": {}}])
    return {**error.errors(include_url=False)[0], "input": None}
