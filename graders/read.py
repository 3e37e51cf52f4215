"""A submitted value -> a number or an array, or an `AnswerError` that says what to fix.

JSON numbers and nested lists pass through (a string inside a list is read as a number
expression); a string goes through the answer grammar. Both end in the same evaluator, so a
ragged JSON list and a ragged MATLAB literal get the same message.
"""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np

from graders import budget, numeric, tree
from graders.errors import AnswerError
from graders.parse import parse

# A matrix is two levels of lists; sets of vectors would be three. Deeper is never an answer,
# and stopping here keeps a 1,000-deep JSON body from reaching any recursion.
_MAX_JSON_DEPTH = 4
MAX_ENTRIES = 10_000


def is_missing(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list) and not raw)


def describe_json(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true/false"
    if isinstance(raw, dict):
        return "an object"
    return type(raw).__name__


def _check_entries(raw: list) -> None:
    """Refuse a JSON array of more than MAX_ENTRIES numbers before building anything from it:
    each level alone may be short (1,000 rows of 1,000) while the whole is a million."""
    count, stack = 0, [raw]
    while stack:
        items = stack.pop()
        for item in items:
            if isinstance(item, list):
                stack.append(item)
            else:
                count += 1
        if count > MAX_ENTRIES:
            raise AnswerError(f"too many entries (over {MAX_ENTRIES:,}); the limit is {MAX_ENTRIES:,}")


def to_tree(raw: Any, depth: int = 0) -> tree.Node:
    """JSON -> the same tree the grammar would build, without evaluating anything."""
    if depth == 0 and isinstance(raw, list):
        _check_entries(raw)
    if isinstance(raw, bool):
        raise AnswerError(f"expected a number, got {str(raw).lower()}")
    if isinstance(raw, int) and abs(raw) > sys.float_info.max:  # JSON allows 10^400; floats do not
        raise AnswerError("the number is too large to evaluate (beyond ±1.8e308); give a finite number")
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw):
            raise AnswerError("NaN and infinities are not answers; give a finite number")
        return tree.Num(float(raw), repr(raw))
    if isinstance(raw, str):
        return parse(raw)
    if isinstance(raw, list):
        if depth >= _MAX_JSON_DEPTH:
            raise AnswerError("the lists are nested too deeply; a matrix is a list of rows")
        if len(raw) > MAX_ENTRIES:
            raise AnswerError(f"too many entries ({len(raw):,}); the limit is {MAX_ENTRIES:,}")
        return tree.Bracket((tuple(to_tree(item, depth + 1) for item in raw),))
    raise AnswerError(f"expected a number or a list of numbers, got {describe_json(raw)}")


def _finite_numbers(items: list) -> bool:
    try:
        return all((type(x) is float or type(x) is int) and math.isfinite(x) for x in items)
    except OverflowError:  # an int beyond float range: the general path says what it says
        return False


def _plain_json(raw: Any) -> float | np.ndarray | None:
    """The value of a plain JSON answer — a finite number, a list of them, or a list of
    equal-length lists of them — or None for anything else.

    Most answers arrive like this, and building a tree node per entry to evaluate it again
    costs far more than `np.array` (bench/RESULTS-costs.md). The result is the one `numeric.evaluate(to_tree(raw))`
    gives for these inputs (floats, a vector, a stacked matrix; within MAX_ENTRIES). Anything
    else (a string inside, a bool, NaN, ragged or empty rows, deeper nesting, too many
    entries) returns None and takes the general path, with its messages.
    """
    if type(raw) is float or type(raw) is int:
        if not _finite_numbers([raw]):
            return None
        budget.check()
        return float(raw)
    if type(raw) is not list or not raw or len(raw) > MAX_ENTRIES:
        return None
    if type(raw[0]) is list:
        width = len(raw[0])
        if not width or len(raw) * width > MAX_ENTRIES:
            return None
        for row in raw:
            if type(row) is not list or len(row) != width or not _finite_numbers(row):
                return None
    elif not _finite_numbers(raw):
        return None
    budget.check()
    return np.array(raw, dtype=float)


def read_value(raw: Any) -> float | np.ndarray:
    value = _plain_json(raw)
    if value is None:
        value = numeric.evaluate(to_tree(raw))
    if isinstance(value, float):  # the common single number, without NumPy's 0-d detour
        finite = math.isfinite(value)
    else:
        if value.size > MAX_ENTRIES:
            raise AnswerError(f"too many entries ({value.size:,}); the limit is {MAX_ENTRIES:,}")
        finite = bool(np.isfinite(value).all())
    if not finite:
        raise AnswerError("NaN and infinities are not answers; give finite numbers")
    return value


def read_items(raw: Any) -> list[float | np.ndarray]:
    """The values of a set answer: a JSON list, `{a, b}`, `[a, b]`, `a ± b`."""
    if isinstance(raw, list):
        if len(raw) > MAX_ENTRIES:
            raise AnswerError(f"too many entries ({len(raw):,}); the limit is {MAX_ENTRIES:,}")
        _check_entries(raw)
        items = []
        for item in raw:
            items.extend(read_items(item) if isinstance(item, str) else [read_value(item)])
        return items
    if isinstance(raw, str):
        items = numeric.evaluate_items(parse(raw))
    else:
        items = [read_value(raw)]
    for item in items:
        if not np.all(np.isfinite(item)):
            raise AnswerError("NaN and infinities are not answers; give finite numbers")
    return items


def shape_name(shape: tuple[int, ...]) -> str:
    if shape == ():
        return "a single number"
    if len(shape) == 1:
        return f"a vector of {shape[0]} entries"
    return f"a {shape[0]}×{shape[1]} matrix"
