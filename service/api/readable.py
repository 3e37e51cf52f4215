"""Text at the edge: a request's path, query and JSON hold only what can be stored and sent back
(service/text.py says what cannot). Any of it in a request field is a 422 naming the field.
Answers are the one exception: an answer is never a 422, and the grader calls such an answer
`invalid` (graders/parse.py)."""

from __future__ import annotations

import email.message
import json
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from service.text import unreadable_reason


def _is_answer(loc: tuple) -> bool:
    return len(loc) >= 3 and loc[1] == "answers"  # ("body", "answers", part, …): the grader's


def unreadable(document: Any, loc: tuple = ("body",)) -> list[dict[str, Any]]:
    """Validation errors (FastAPI's shape) for every value and key that cannot be text or a number."""
    errors, stack = [], [(loc, document)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if (why := unreadable_reason(key)) is not None:
                    errors.append({"type": "value_error", "loc": where, "msg": f"a key: {why}", "input": None})
                else:
                    stack.append(((*where, key), item))
        elif isinstance(value, list):
            stack.extend(((*where, i), item) for i, item in enumerate(value))
        elif not _is_answer(where) and (why := unreadable_reason(value)) is not None:
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
    """An app-wide dependency: the path, the query and the JSON body of any route, checked before
    the route runs. (The grading routes read their bodies themselves and check them there:
    service/api/direct.py.) A NUL in `?student=` reached PostgreSQL, which refuses it: a 500."""
    errors = [{"type": "value_error", "loc": (where, name), "msg": why, "input": None}
              for where, values in (("path", request.path_params.items()),
                                    ("query", request.query_params.multi_items()))
              for name, value in values if (why := unreadable_reason(value)) is not None]
    if errors:
        raise RequestValidationError(errors[:20])
    if not is_json(request.headers.get("content-type")):
        return
    try:
        document = json.loads(await request.body())
    except ValueError:
        return  # not JSON: the route's own validation says so
    refuse_unreadable(document)
