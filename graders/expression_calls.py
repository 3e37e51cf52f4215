"""The functions of an expression on draws of its symbols: the shape each gives (σ(z) of an n×1 z is
n×1, diag of a vector a square matrix, vec of an n×p matrix (n·p)×1) and its NumPy on
(draws, rows, cols) values. The entry-by-entry ones come from graders/functions.py's table."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graders.errors import AnswerError, ShapeError
from graders.functions import COMPARISONS, ELEMENTWISE, ELEMENTWISE_DIVIDE, ELEMENTWISE_POWER
from graders.render import to_text
from graders.symbols import dim_product
from graders.terms import (
    SCALAR,
    UNIFORM,
    Term,
    batched_scalar,
    inverse,
    is_scalar,
    is_square,
    lift,
    shape_text,
)
from graders.tree import Call

# Entry by entry on draws: the same NumPy as on numbers (graders/functions.py).
SCALAR_FUNCTIONS: dict[str, Callable] = {name: f.numpy for name, f in ELEMENTWISE.items()}




def call(func: str, args: list[Term]) -> Term:
    out = Call(func, tuple(a.node for a in args))
    if func in (ELEMENTWISE_DIVIDE, ELEMENTWISE_POWER):  # `a ./ b`, `a .^ k`, a^{∘k}
        shape = _common_shape(out, args)
        op = np.divide if func == ELEMENTWISE_DIVIDE else np.power
        return lift(out, shape, op, *args)
    if func in COMPARISONS:  # the indicator 1[a > b], entry by entry: ReLU's derivative
        shape = _common_shape(out, args)
        test = COMPARISONS[func][2]
        return lift(out, shape, lambda a, b: test(a, b).astype(float), *args)
    if func in ("max", "min"):
        # Entry by entry, as relu's max(z, 0): scalars broadcast over one shape.
        shape = _common_shape(out, args)
        pick = np.maximum if func == "max" else np.minimum
        return lift(out, shape, lambda *vs: reduce_entries(pick, vs), *args)
    if func in _OF_A_NUMBER and args and all(a.const is not None and is_scalar(a.shape) for a in args):
        # diag(2), vec(2), 2 ⊗ 3, ‖-2‖: of numbers these are numbers, folded here (their array
        # forms need a (draws, rows, cols) array, which a folded constant is not)
        return lift(out, SCALAR, _OF_A_NUMBER[func], *args)
    if func == "kron":
        return _kron(out, *args)
    if len(args) != 1:
        raise AnswerError(f"{func}() takes one argument, but {len(args)} were given")
    (a,) = args
    if func == "vec":  # the columns stacked, as the Matrix Cookbook's vec(AXB) = (Bᵀ ⊗ A) vec(X)
        if a.shape == UNIFORM:
            raise ShapeError(f"{to_text(out)}: the size of I is not known here")
        rows, cols = a.shape
        return lift(out, (dim_product(rows, cols), 1),
                     lambda m: np.reshape(np.swapaxes(m, -1, -2), (*np.shape(m)[:-2], -1, 1)), a)
    if func in SCALAR_FUNCTIONS:
        # Entry by entry: σ(z) of an n×1 z is n×1, as vectorised deep learning writes it.
        if a.shape == UNIFORM:
            raise ShapeError(f"{to_text(out)}: the size of I is not known here")
        return lift(out, a.shape, SCALAR_FUNCTIONS[func], a)
    if func in ("norm", "norm_F"):
        if a.shape == UNIFORM:
            raise ShapeError(f"{to_text(out)}: the size of I is not known here")
        if func == "norm" and 1 not in a.shape:  # a matrix's 2-norm: its largest singular value
            return lift(out, SCALAR, lambda v: np.linalg.norm(v, ord=2, axis=(-2, -1))[..., None, None], a)
        return lift(out, SCALAR, lambda v: np.sqrt(np.sum(np.square(v), axis=(-2, -1)))[..., None, None], a)
    if func == "softmax":
        if a.shape == UNIFORM or 1 not in a.shape:
            raise ShapeError(f"{to_text(out)}: {to_text(a.node)} is {shape_text(a.shape)} — "
                             f"{func}() is taken of a vector")
        return lift(out, a.shape, softmax_of, a)
    if func == "inv":
        if a.shape == UNIFORM:
            return lift(out, UNIFORM, np.reciprocal, a)
        if not is_square(a.shape):
            raise ShapeError(f"{to_text(out)}: {to_text(a.node)} is {shape_text(a.shape)}"
                             " — only a square matrix has an inverse")
        return lift(out, a.shape, inverse, a)
    if func in ("tr", "det"):
        if a.shape == UNIFORM:
            raise ShapeError(f"{to_text(out)}: the size of I is not known here; write the "
                             "trace of a declared matrix")
        if not is_square(a.shape):
            raise ShapeError(f"{to_text(out)}: {to_text(a.node)} is {shape_text(a.shape)}"
                             f" — {func} needs a square matrix")
        if is_scalar(a.shape):
            return lift(out, SCALAR, lambda v: v, a)
        if func == "tr":
            return lift(out, SCALAR, lambda m: batched_scalar(np.trace(m, axis1=-2,
                                                                         axis2=-1)), a)
        return lift(out, SCALAR, lambda m: batched_scalar(np.linalg.det(m)), a)
    if func == "diag":
        if a.shape == UNIFORM:
            raise ShapeError(f"{to_text(out)}: the size of I is not known here")
        rows, cols = a.shape
        if cols == 1 or rows == 1:
            n = rows if cols == 1 else cols
            return lift(out, (n, n), lambda v: np.reshape(v, (*np.shape(v)[:-2], 1, -1))
                         * np.eye(np.shape(v)[-2] * np.shape(v)[-1]), a)
        if rows == cols:
            return lift(out, (rows, 1),
                         lambda m: np.diagonal(m, axis1=-2, axis2=-1)[..., None], a)
        raise ShapeError(f"{to_text(out)}: {to_text(a.node)} is {shape_text(a.shape)} — "
                         "diag takes a vector or a square matrix")
    raise AnswerError(f"{func}() is not available in an expression here")

_OF_A_NUMBER: dict[str, Callable] = {
    "diag": lambda v: v, "vec": lambda v: v, "kron": np.multiply, "norm": np.abs, "norm_F": np.abs,
    "softmax": lambda v: 1.0,
}


def _kron(out, a: Term, b: Term) -> Term:
    """A ⊗ B: every entry of A times all of B, an (mp)×(nq) block matrix."""
    if UNIFORM in (a.shape, b.shape):
        raise ShapeError(f"{to_text(out)}: the size of I is not known here")
    (m, n), (p, q) = a.shape, b.shape

    def kron(x, y):
        # a folded constant is a bare float: as a 1×1 it broadcasts over the draws
        x, y = (np.asarray(v, dtype=float).reshape(np.shape(v) or (1, 1)) for v in (x, y))
        blocks = np.einsum("...ij,...kl->...ikjl", x, y)
        *draws, i, k, j, l_ = np.shape(blocks)
        return np.reshape(blocks, (*draws, i * k, j * l_))
    return lift(out, (dim_product(m, p), dim_product(n, q)), kron, a, b)

def _common_shape(out, args: list[Term]):
    """The one shape of an entry-by-entry function's arguments, scalars aside."""
    shapes = {a.shape for a in args if not is_scalar(a.shape)}
    if UNIFORM in shapes:
        raise ShapeError(f"{to_text(out)}: the size of I is not known here")
    if len(shapes) > 1:
        described = ", ".join(f"{to_text(a.node)} is {shape_text(a.shape)}" for a in args
                              if not is_scalar(a.shape))
        what = {ELEMENTWISE_DIVIDE: "an element-wise division", ELEMENTWISE_POWER: "an element-wise power"}
        raise ShapeError(f"{to_text(out)}: {described} — "
                         + what.get(out.func, f"{out.func}()") + " of different shapes")
    return shapes.pop() if shapes else SCALAR




def softmax_of(v):
    """Softmax over each draw's vector entries (a (draws, n, 1) or (draws, 1, n) array)."""
    shifted = np.exp(v - np.max(v, axis=(-2, -1), keepdims=True))
    return shifted / np.sum(shifted, axis=(-2, -1), keepdims=True)




def reduce_entries(pick, values):
    result = values[0]
    for value in values[1:]:
        result = pick(result, value)
    return result
