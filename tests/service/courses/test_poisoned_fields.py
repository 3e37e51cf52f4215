"""Issue 23: unreadable values in every field of every route are refused, never a 5xx. Each API row
of the authorization matrix (tests/service/courses/test_authorization.py) is sent by a role it succeeds
for, with one field at a time — a body leaf, a query value, a path parameter — replaced by an
unpaired surrogate, a NUL, NaN, an infinity, or an integer of 401 digits."""

from __future__ import annotations

import json
import re

import pytest
from test_authorization import API, CSV, ROLES, _filled, world  # noqa: F401 — `world` is a fixture

POISON_JSON = ['"\\ud800"', '"a\\u0000b"', "NaN", "-Infinity", "1" + "0" * 400, "-1" + "0" * 400]
POISON_URL = ["%ED%A0%80", "%00", "1" + "0" * 400, "NaN", "%F0%9F%98%80" * 300]
MARK = "__poison__"


def _leaves(value, path=()):
    """Where a body's values are: every string, number and boolean, by their path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path


def _replaced(value, path, new):
    if not path:
        return new
    copy = list(value) if isinstance(value, list) else dict(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], new)
    return copy


def _cases():
    for method, path, body, expected in API:
        if isinstance(body, CSV):
            continue  # a batch upload's rows: tests/service/batch/test_batch.py reads every kind of bad row
        role = next((r for r, status in zip(ROLES, expected, strict=True) if 200 <= status < 300), None)
        if role is None:
            continue  # nobody succeeds here in this world (the LMS roster of a course with no LMS)
        for leaf in list(_leaves(body)) if body is not None else []:
            yield pytest.param(method, path, body, role, ("body", leaf), id=f"{method} {path} body{list(leaf)}")
        for name in re.findall(r"\{(\w+)\}", path):
            yield pytest.param(method, path, body, role, ("path", name), id=f"{method} {path} path {name}")
        for name in re.findall(r"[?&](\w+)=", path):
            yield pytest.param(method, path, body, role, ("query", name), id=f"{method} {path} query {name}")


@pytest.mark.parametrize(("method", "path", "body", "role", "where"), list(_cases()))
def test_a_poisoned_field_is_refused_never_a_5xx(world, method, path, body, role, where):  # noqa: F811
    client, headers = world["client"], world["headers"][role]
    body = _filled(body, role)
    kind, at = where
    for poison_json, poison_url in zip(POISON_JSON, POISON_URL, strict=False):
        url, content = path, None if body is None else json.dumps(body)
        if kind == "body":
            content = json.dumps(_replaced(body, at, MARK)).replace(f'"{MARK}"', poison_json)
        elif kind == "path":
            url = url.replace("{" + at + "}", poison_url)
        else:
            url = re.sub(rf"([?&]{at}=)[^&]*", lambda m: m.group(1) + poison_url, url)
        url = url.format(**world["fill"]) if "{" in url else url
        response = client.request(method, url, content=content,
                                  headers={**headers, "Content-Type": "application/json"})
        assert response.status_code < 500, (url, content and content[:200], response.text[:300])
        if kind == "body" and poison_json.startswith('"'):
            assert "\\ud800" not in response.text and "\\u0000" not in response.text  # never echoed
