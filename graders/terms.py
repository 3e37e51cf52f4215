"""The pieces an expression compiles to (graders/expression_values.py): shapes with dimension
letters, a compiled subexpression (`Term`), and the NumPy on (draws, rows, cols) values that
several of its operations share."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from graders.errors import AnswerError, LimitError
from graders.symbols import PRODUCT, Dim

# Beyond this an inverse is numerically meaningless: the point counts as undefined.
MAX_INVERSE_CONDITION = 1e10

Shape = tuple[Dim, Dim]
SCALAR: Shape = (1, 1)
UNIFORM = "I"            # the shape of the identity: any square size, decided by context

Env = Mapping[str, np.ndarray]


def shape_text(shape) -> str:
    if shape == UNIFORM:
        return "the identity (any square size)"
    rows, cols = (f"({d})" if PRODUCT in str(d) else d for d in shape)  # (n·p)×1, vec of an n×p
    return f"{rows}×{cols}"


def is_scalar(shape) -> bool:
    return shape == SCALAR


def is_square(shape) -> bool:
    return shape == UNIFORM or shape[0] == shape[1]


def transposed(shape):
    return shape if shape == UNIFORM else (shape[1], shape[0])



@dataclass
class Term:
    """A compiled subexpression: `const` for a constant (folded at compile time), else `run`."""

    node: object
    shape: object
    run: Callable[[Env], object] | None = None
    const: float | None = None
    symbols: frozenset = field(default_factory=frozenset)

    @property
    def fn(self) -> Callable[[Env], object]:
        if self.run is not None:
            return self.run
        value = self.const
        return lambda env: value



def fold(fn, *values) -> float:
    if (fn is np.divide and values[1] == 0) or (fn in (np.reciprocal, inverse)
                                                 and values[0] == 0):
        raise AnswerError("division by zero")
    with np.errstate(all="ignore"):
        try:
            result = float(fn(*(np.float64(v) for v in values)))
        except (OverflowError, ZeroDivisionError, ValueError):
            result = math.nan
    if math.isinf(result):
        raise LimitError("a number in the expression is too large to evaluate")
    if math.isnan(result):
        raise AnswerError("a constant in the expression is undefined (a division by zero, or a "
                          "root or logarithm of a negative number)")
    return result


def lift(node, shape, fn, *terms: Term) -> Term:
    """A term computing `fn` of the operands' values, folded when they are all constants."""
    used = frozenset().union(*(t.symbols for t in terms))
    if all(t.run is None for t in terms):
        return Term(node, shape, const=fold(fn, *(t.const for t in terms)), symbols=used)
    if len(terms) == 1:
        f = terms[0].fn
        return Term(node, shape, run=lambda env: fn(f(env)), symbols=used)
    if len(terms) == 2:
        f, g = terms[0].fn, terms[1].fn
        return Term(node, shape, run=lambda env: fn(f(env), g(env)), symbols=used)
    fs = [t.fn for t in terms]
    return Term(node, shape, run=lambda env: fn(*(f(env) for f in fs)), symbols=used)


def swap(value):
    return np.swapaxes(value, -1, -2) if np.ndim(value) == 3 else value


def eye_like(matrix: np.ndarray) -> np.ndarray:
    return np.eye(matrix.shape[-1])


def inverse(value):
    if np.ndim(value) < 3 or value.shape[-1] == 1:
        return 1.0 / value
    condition = np.linalg.cond(value)
    try:
        inverse = np.linalg.inv(value)
    except np.linalg.LinAlgError:
        inverse = np.full_like(value, np.nan)
    bad = ~(condition <= MAX_INVERSE_CONDITION)
    if bad.any():
        inverse = inverse.copy()
        inverse[bad] = np.nan
    return inverse


def matrix_power(value, k: int):
    if k < 0:
        value, k = inverse(value), -k
    if k == 0:
        return np.broadcast_to(np.eye(value.shape[-1]), value.shape).copy()
    return np.linalg.matrix_power(value, k)


def draws(env: Env) -> int:
    return next((value.shape[0] for value in env.values() if np.ndim(value) == 3), 1)


def batched_scalar(value):
    """(draws,) -> (draws, 1, 1)."""
    return np.asarray(value)[..., None, None]


