"""The functions of a number answer (sqrt, σ, inv, det, norm, kron, max …), on numbers and
arrays; the entry-by-entry ones come from graders/functions.py's table."""

from __future__ import annotations

import numpy as np

from graders.errors import AnswerError
from graders.functions import COMPARISONS, ELEMENTWISE, ELEMENTWISE_DIVIDE, ELEMENTWISE_POWER
from graders.number_values import (
    MAX_ENTRIES,
    Value,
    both,
    checked,
    describe,
    divide,
    inverse,
    is_number,
    square,
)


def call(func: str, args: list[Value]) -> Value:
    if func in ("max", "min"):
        return extreme(func, args)
    if func in (ELEMENTWISE_DIVIDE, ELEMENTWISE_POWER):
        return entrywise(func, *args)
    if func in COMPARISONS:  # the indicator, entry by entry
        a, b = args
        if not (is_number(a) or is_number(b) or np.shape(a) == np.shape(b)):
            raise AnswerError(f"a comparison needs equal shapes, not {describe(a)} and {describe(b)}")
        held = COMPARISONS[func][2](np.asarray(a, dtype=float), np.asarray(b, dtype=float)).astype(float)
        return held if held.ndim else float(held)
    if func == "kron":
        a, b = (np.atleast_2d(np.asarray(v, dtype=float)) for v in args)
        if a.ndim > 2 or b.ndim > 2:
            raise AnswerError(f"kron() takes matrices, not {describe(args[0])} and {describe(args[1])}")
        if a.size * b.size > MAX_ENTRIES:
            raise AnswerError(f"kron() of {describe(args[0])} and {describe(args[1])} would be too large")
        return checked(np.kron(a, b))
    if len(args) != 1:
        raise AnswerError(f"{func}() takes one argument, but {len(args)} were given")
    (x,) = args
    if func == "vec":  # the columns stacked into one column
        if is_number(x) or x.ndim > 2:
            raise AnswerError(f"vec() takes a matrix, not {describe(x)}")
        return checked(np.reshape(np.atleast_2d(x), (-1, 1), order="F"))
    if func in ELEMENTWISE:
        entry = ELEMENTWISE[func]
        if entry.domain is not None and not np.all(entry.domain(x)):
            raise AnswerError(entry.outside)
        result = entry.numpy(x)
        return checked(result if isinstance(x, np.ndarray) else float(result))
    if func in ("norm", "norm_F"):
        if not is_number(x) and x.ndim > 2:
            raise AnswerError(f"{func}() is taken of a vector or a matrix, not {describe(x)}")
        if func == "norm" and not is_number(x) and x.ndim == 2 and 1 not in x.shape:
            return checked(float(np.linalg.norm(x, ord=2)))  # a matrix's largest singular value
        return checked(float(np.sqrt(np.sum(np.square(x)))))
    if func == "softmax":
        if is_number(x) or (x.ndim == 2 and 1 not in x.shape) or x.ndim > 2:
            raise AnswerError(f"{func}() is taken of a vector, not {describe(x)}")
        shifted = np.exp(x - np.max(x))  # the same softmax, without overflow
        return checked(shifted / shifted.sum())
    if func == "inv":
        return divide(1.0, x) if is_number(x) else inverse(x)
    if func in ("det", "tr"):
        matrix = square(x, func)
        return checked(float(np.linalg.det(matrix) if func == "det" else np.trace(matrix)))
    if func == "diag":
        if is_number(x) or x.ndim > 2:
            raise AnswerError(f"diag() needs a vector or a matrix, not {describe(x)}")
        if x.ndim == 1 and x.size**2 > MAX_ENTRIES:
            raise AnswerError(f"diag() of {describe(x)} would be too large")
        return checked(np.diag(x).astype(float))
    raise AnswerError(f"unknown function `{func}`")


def extreme(func: str, args: list[Value]) -> Value:
    """max/min: of several numbers, of one array's entries, or element-wise (`max(0, z)`)."""
    if not args:
        raise AnswerError(f"{func}() needs at least one argument")
    if len(args) == 1:
        return args[0] if is_number(args[0]) else float(getattr(np, func)(args[0]))
    pick = np.maximum if func == "max" else np.minimum
    result = args[0]
    for arg in args[1:]:
        if not is_number(result) and not is_number(arg) and result.shape != arg.shape:
            raise AnswerError(f"{func}() of {both(result, arg)}: the shapes differ")
        result = pick(result, arg)
    return checked(result if isinstance(result, np.ndarray) else float(result))


def entrywise(func: str, a: Value, b: Value) -> Value:
    """`a ./ b` and `a .^ b`: entry by entry, a number broadcast over the other side."""
    if not (is_number(a) or is_number(b) or np.shape(a) == np.shape(b)):
        raise AnswerError(f"an element-wise {'division' if func == ELEMENTWISE_DIVIDE else 'power'} "
                          f"needs equal shapes, not {describe(a)} and {describe(b)}")
    with np.errstate(all="ignore"):
        if func == ELEMENTWISE_DIVIDE:
            if np.any(np.asarray(b) == 0):
                raise AnswerError("division by zero")
            result = np.divide(a, b)
        else:
            result = np.power(np.asarray(a, dtype=float), b)
    return checked(result if isinstance(result, np.ndarray) and result.ndim else float(result))
