"""Our resolved tree -> SymPy, node by node (never text -> SymPy: nothing typed reaches
`sympify`). Scalars become Symbols with their declared domain as assumptions, matrices
MatrixSymbols with dimension letters as integer Symbols.

Used for display and canonical forms of scalar expressions (the preview), and by
bench/symbolic.py as the baseline that decides equivalence by `simplify(ref - ans) == 0`.
"""

from __future__ import annotations

import sympy
from sympy import (
    Determinant,
    HadamardProduct,
    Inverse,
    MatrixExpr,
    MatrixSymbol,
    OneMatrix,
    Trace,
    ZeroMatrix,
)
from sympy import (
    Identity as SymIdentity,
)
from sympy import (
    Transpose as SymTranspose,
)

from graders.functions import ELEMENTWISE
from graders.render import Identity
from graders.symbols import Symbol
from graders.tree import (
    Add,
    Call,
    Div,
    Hadamard,
    MatMul,
    Mul,
    Name,
    Neg,
    Num,
    Ones,
    Pow,
    Sub,
    Transpose,
)


class _Uniform:
    """c·I before its size is known."""

    def __init__(self, scale):
        self.scale = scale


def _dim(d):
    return sympy.Integer(d) if isinstance(d, int) else sympy.Symbol(d, integer=True, positive=True)


def _symbol(s: Symbol):
    if not s.scalar:
        return MatrixSymbol(s.name, _dim(s.rows), _dim(s.cols))
    assumptions = {"real": True}
    if s.integer:
        assumptions["integer"] = True
    if s.low is not None and s.low >= 0:
        assumptions["positive" if s.low > 0 or s.open_low else "nonnegative"] = True
    return sympy.Symbol(s.name, **assumptions)


def _number(node: Num):
    if node.text in ("pi", "π"):
        return sympy.pi
    if node.text == "e":
        return sympy.E
    if float(node.value).is_integer():
        return sympy.Integer(int(node.value))   # `2`, `²`, `⁻¹`
    try:
        return sympy.Rational(node.text)      # our own validated literal, not typed text
    except (TypeError, ValueError):
        return sympy.Float(node.value)


def _is_matrix(x) -> bool:
    return isinstance(x, MatrixExpr)


def _as_scalar(x):
    """A 1×1 matrix expression used as a scalar (xᵀy): its trace, which unlike `x[0, 0]`
    introduces no dummy summation indices (two equal trees give equal SymPy expressions)."""
    if _is_matrix(x) and x.shape == (1, 1):
        return Trace(x)
    return x


def _materialise(x, like):
    if isinstance(x, _Uniform):
        return x.scale * SymIdentity(like.shape[0]) if _is_matrix(like) else x.scale
    return x


def to_sympy(node, symbols: tuple[Symbol, ...]):
    table = {s.name: _symbol(s) for s in symbols}
    return _convert(node, table)


def _convert(node, table):
    match node:
        case Num():
            return _number(node)
        case Name(name=name):
            return table[name]
        case Identity():
            return _Uniform(sympy.Integer(1))
        case Ones(size=size):
            return OneMatrix(_dim(int(size) if size.isdigit() else size), 1)
        case Neg(operand):
            x = _convert(operand, table)
            return _Uniform(-x.scale) if isinstance(x, _Uniform) else -x
        case Add(left, right) | Sub(left, right):
            a, b = _convert(left, table), _convert(right, table)
            if isinstance(a, _Uniform) and isinstance(b, _Uniform):
                return _Uniform(a.scale + b.scale if isinstance(node, Add) else a.scale - b.scale)
            a, b = _materialise(a, b), _materialise(b, a)
            return a + b if isinstance(node, Add) else a - b
        case Mul(left, right) | MatMul(left, right):
            a, b = _convert(left, table), _convert(right, table)
            if isinstance(a, _Uniform) and isinstance(b, _Uniform):
                return _Uniform(a.scale * b.scale)
            if isinstance(a, _Uniform):
                return a.scale * b if _is_matrix(b) and b.shape != (1, 1) else _Uniform(a.scale * _as_scalar(b))
            if isinstance(b, _Uniform):
                return b.scale * a if _is_matrix(a) and a.shape != (1, 1) else _Uniform(b.scale * _as_scalar(a))
            if _is_matrix(a) and _is_matrix(b) and a.shape[1] == b.shape[0] \
                    and not (a.shape == (1, 1) or b.shape == (1, 1)):
                return a * b
            return _as_scalar(a) * _as_scalar(b)
        case Hadamard(left, right):
            a, b = _convert(left, table), _convert(right, table)
            if _is_matrix(a) and _is_matrix(b) and a.shape == b.shape:
                return HadamardProduct(a, b)
            return _as_scalar(a) * _as_scalar(b)
        case Div(left, right):
            a, b = _convert(left, table), _as_scalar(_convert(right, table))
            return _Uniform(a.scale / b) if isinstance(a, _Uniform) else a / b
        case Pow(base, exponent):
            a, k = _convert(base, table), _as_scalar(_convert(exponent, table))
            if isinstance(a, _Uniform):
                return _Uniform(a.scale**k)
            if _is_matrix(a) and a.shape != (1, 1):
                return Inverse(a) if k == -1 else a**k
            return _as_scalar(a) ** k
        case Transpose(operand):
            a = _convert(operand, table)
            return a if isinstance(a, _Uniform) or not _is_matrix(a) else SymTranspose(a)
        case Call(func, args):
            return _call(func, [_convert(arg, table) for arg in args])
    raise ValueError(f"cannot convert {type(node).__name__}")


_FUNCTIONS = {name: f.sympy(sympy) for name, f in ELEMENTWISE.items() if f.sympy is not None}


def _call(func, args):
    if func in ("max", "min"):
        return (sympy.Max if func == "max" else sympy.Min)(*map(_as_scalar, args))
    (a,) = args
    if func in _FUNCTIONS:
        return _FUNCTIONS[func](_as_scalar(a))
    if func == "inv":
        if isinstance(a, _Uniform):
            return _Uniform(1 / a.scale)
        return Inverse(a) if _is_matrix(a) and a.shape != (1, 1) else 1 / _as_scalar(a)
    if func == "tr":
        return Trace(a) if _is_matrix(a) and a.shape != (1, 1) else _as_scalar(a)
    if func == "det":
        return Determinant(a) if _is_matrix(a) and a.shape != (1, 1) else _as_scalar(a)
    raise ValueError(f"{func} has no SymPy form here")


def canonical_latex(node, symbols: tuple[Symbol, ...]) -> str:
    """A scalar expression expanded by SymPy, as LaTeX (the preview's canonical form)."""
    return sympy.latex(sympy.expand(to_sympy(node, symbols)))


def sympy_equal(answer, expected) -> bool:
    """The baseline: simplify(expected - answer) == 0 (with MatrixExpr: a ZeroMatrix)."""
    if isinstance(answer, _Uniform) or isinstance(expected, _Uniform):
        like = expected if not isinstance(expected, _Uniform) else answer
        answer, expected = _materialise(answer, like), _materialise(expected, like)
    if _is_matrix(answer) != _is_matrix(expected):
        answer, expected = _as_scalar(answer), _as_scalar(expected)
    if _is_matrix(answer) and answer.shape != expected.shape:
        return False
    difference = sympy.simplify(expected - answer)
    if _is_zero(difference):
        return True
    if _is_matrix(answer):
        # simplify leaves products of sums alone: distribute them, then try again
        return _is_zero(sympy.simplify((expected - answer).doit().expand()))
    return False


def _is_zero(difference) -> bool:
    return difference == 0 or isinstance(difference, ZeroMatrix) or \
        getattr(difference, "is_ZeroMatrix", False) is True
