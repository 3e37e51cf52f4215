"""Text at the edge: a request's JSON holds only what can be stored and sent back. JSON can spell
an unpaired surrogate (`"\\ud800"`), which no UTF-8 text, file or database can hold, and Python's
reader takes `NaN` and `Infinity`, which are not JSON numbers; PostgreSQL refuses a NUL in text.
Any of them in a request field is a 422 naming the field. Answers are the one exception: an
answer is never a 422, and the grader calls such an answer `invalid` (graders/parse.py)."""

from __future__ import annotations

import email.message
import json
import math
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError


def _why(value: Any) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN and infinities are not JSON numbers; give a finite number"
    if isinstance(value, str):
        if "\x00" in value:
            return "a NUL character (U+0000) is not allowed in text"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            return f"an unpaired surrogate (U+{ord(value[error.start]):04X}) is not text"
    return None


def _is_answer(loc: tuple) -> bool:
    return len(loc) >= 3 and loc[1] == "answers"  # ("body", "answers", part, …): the grader's


def unreadable(document: Any, loc: tuple = ("body",)) -> list[dict[str, Any]]:
    """Validation errors (FastAPI's shape) for every value and key that cannot be text or a number."""
    errors, stack = [], [(loc, document)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if (why := _why(key)) is not None:
                    errors.append({"type": "value_error", "loc": where, "msg": f"a key: {why}", "input": None})
                else:
                    stack.append(((*where, key), item))
        elif isinstance(value, list):
            stack.extend(((*where, i), item) for i, item in enumerate(value))
        elif not _is_answer(where) and (why := _why(value)) is not None:
            errors.append({"type": "value_error", "loc": where, "msg": why, "input": None})
    return errors


def refuse_unreadable(document: Any) -> None:
    if errors := unreadable(document):
        raise RequestValidationError(errors[:20])


def is_json(content_type: str | None) -> bool:
    """application/json or application/…+json, as FastAPI decides to read a body as JSON (not
    application/x-ndjson: a batch upload is streamed to disk, never read whole here)."""
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


async def readable_json(request: Request) -> None:
    """An app-wide dependency: the JSON body of any route, checked before the route runs. (The
    grading routes read their bodies themselves and check them there: service/api/direct.py.)"""
    if not is_json(request.headers.get("content-type")):
        return
    try:
        document = json.loads(await request.body())
    except ValueError:
        return  # not JSON: the route's own validation says so
    refuse_unreadable(document)
