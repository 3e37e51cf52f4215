"""A typed expression, read against a part's declared symbols: names resolved, limits checked,
the shape inferred with dimension letters, and the whole compiled to a NumPy evaluator that
works on a batch of random draws at once (its pieces: graders/terms.py; its functions:
graders/expression_calls.py).

`read_expression(text, symbols)` returns a `Reading` (the resolved tree, its shape such as
('1', 'n'), the symbols it uses, and `evaluate(env)`), or raises an AnswerError:

- `UnknownSymbol`  a name that is not declared (`z` is not a symbol here; the symbols are A, x)
- `ShapeError`     a product, sum or function whose shapes do not fit, naming the offending
                   subexpression and both shapes: "Xᵀ(A + Aᵀ): Xᵀ is n×m, A + Aᵀ is n×n —
                   cannot multiply when m ≠ n"
- `LimitError`     an exponent beyond ±MAX_EXPONENT on a symbol or matrix, a constant too large
- ParseError       from graders.parse (length, nesting, syntax, with a caret)

Names (graders/symbol_names.py). A typed name is split into declared symbols, longest first:
with symbols A, x, Jx, `Ax` is A·x, `Jx` is Jx, `xJx` is x·Jx; underscores do not count (`J_x`
is Jx, `beta_2` is beta2). `pi` is π and, when no symbol is called so, `e` is e and — where some symbol is a
matrix — `I` is the identity, whose size the shapes around it decide.
`𝟏_n` (`ones(n)`) is the column of ones of the size n that some symbol has.

Products. `*`, `·`, `\\cdot`, `@` and juxtaposition are the matrix product where the shapes
conform and a scalar multiple where one side is 1×1 (a 1×1 result such as xᵀy is a scalar
wherever the algebra allows); `⊙`, `.*`, `\\odot` the element-wise product of equal shapes;
`/` divides by a scalar. Powers: of scalars, any scalar exponent; of square matrices, a whole
constant (`A^{-1}`, `A^2`; `A^{-T}` is the inverse transposed). Functions: tr, det, diag, inv on
matrices; exp, ln/log, sqrt, sigma, tanh (and abs, sin, cos, tan, relu, max, min) on scalars.

Values. Every symbol's value is a (draws, rows, cols) array, a scalar a (draws, 1, 1) one, so
one evaluation covers all the draws of one dimension assignment (batched matmul, inverse,
determinant). Undefined points (a log of a negative number, a singular inverse) become NaN,
for the comparison to judge; nothing a student types is ever run as code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from graders.errors import AnswerError, LimitError, ShapeError, UnknownSymbol
from graders.expression_calls import call
from graders.parse import parse
from graders.render import Identity, to_text
from graders.stands_for import substitute
from graders.symbol_names import Names
from graders.symbols import PRODUCT, Symbol
from graders.terms import (
    SCALAR,
    UNIFORM,
    Env,
    Term,
    draws,
    eye_like,
    is_scalar,
    is_square,
    lift,
    matrix_power,
    shape_text,
    swap,
    transposed,
)
from graders.tree import (
    Add,
    Bracket,
    Call,
    Div,
    Hadamard,
    MatMul,
    Mul,
    Name,
    Neg,
    Node,
    Num,
    Ones,
    PlusMinus,
    Pow,
    SetOf,
    Sub,
    Transpose,
    Tuple,
)

MAX_EXPONENT = 64


@dataclass(frozen=True)
class Reading:
    """What a typed expression was read as."""

    text: str
    tree: object                   # the resolved tree (graders.tree nodes and Identity)
    shape: object                  # (rows, cols) with dimension letters, or UNIFORM
    symbols: tuple[str, ...]       # the declared symbols it uses, in declaration order
    _fn: Callable[[Env], object]

    def evaluate(self, env: Env, count: int) -> np.ndarray | float:
        """The value on a batch of draws: a (count, rows, cols) array, or for the bare identity
        its scale (a float or (count, 1, 1) array)."""
        try:
            with np.errstate(all="ignore"):
                value = self._fn(env)
        except RecursionError:
            raise LimitError("the expression is too deeply nested to check") from None
        if self.shape == UNIFORM:
            return value
        value = np.asarray(value, dtype=float)
        return value if value.ndim == 3 else np.full((count, 1, 1), float(value))

    @property
    def display(self) -> str:
        return to_text(self.tree)


def read_expression(text, symbols: tuple[Symbol, ...]) -> Reading:
    """Read `text` (or a JSON number) as an expression in `symbols`."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise AnswerError("an expression is written as text, like x^T (A + A^T)")
    if isinstance(text, (int, float)):
        if not math.isfinite(text):
            raise AnswerError("NaN and infinities are not answers")
        node, text = Num(float(text), repr(text)), repr(text)
    else:
        node = parse(substitute(text, symbols))  # ∂x/∂z, E[g²] as the symbols they stand for
    return read_tree(node, symbols, text)


def read_tree(node, symbols: tuple[Symbol, ...], text: str) -> Reading:
    """A parsed tree as an expression in `symbols` (feedback tries changed trees this way)."""
    try:
        term = _Compiler(symbols).term(node)
    except RecursionError:
        raise LimitError("the expression is too deeply nested to check") from None
    used = tuple(s.name for s in symbols if s.name in term.symbols)
    return Reading(text, term.node, term.shape, used, term.fn)




# ---- The compiler --------------------------------------------------------------------------


class _Compiler:
    def __init__(self, symbols: tuple[Symbol, ...]):
        self.names = Names(symbols)
        self.by_name = {s.name: s for s in symbols}

    # One Python frame per tree level: the parser bounds the depth at 250.
    def term(self, node: Node) -> Term:
        match node:
            case Num(value=value):
                return Term(node, SCALAR, const=float(value))
            case Name(name=typed):
                return self.name(typed)
            case Ones(size=size):
                return self.ones(node, size)
            case Neg(operand):
                t = self.term(operand)
                return lift(Neg(t.node), t.shape, np.negative, t)
            case Add(left, right) | Sub(left, right):
                return self.sum(node, self.term(left), self.term(right))
            case Mul(implicit=True):
                return self.juxtaposition(node)
            case Mul(left, right) | MatMul(left, right):
                return self.product(node, self.term(left), self.term(right))
            case Hadamard(left, right):
                return self.hadamard(self.term(left), self.term(right))
            case Div(left, right):
                return self.divide(self.term(left), self.term(right))
            case Pow(Name(name=typed), exponent) if self.several(typed):
                return self.term(self.last_piece(typed, lambda last: Pow(last, exponent)))
            case Transpose(Name(name=typed)) if self.several(typed):
                return self.term(self.last_piece(typed, Transpose))
            case Pow(base, exponent):
                return self.power(self.term(base), exponent)
            case Transpose(Num(text=text)) if not text.startswith(("pi", "π", "e")):
                raise AnswerError(f"{text}ᵀ: a number has no transpose; the vector of ones is 𝟏_n "
                                  "(or ones(n)), with its length")
            case Transpose(operand):
                t = self.term(operand)
                return lift(Transpose(t.node), transposed(t.shape), swap, t)
            case Call(func, args):
                return call(func, [self.term(arg) for arg in args])
            case Bracket() | Tuple() | SetOf():
                raise AnswerError("this part wants a formula in its symbols, not a list of "
                                  "numbers")
            case PlusMinus():
                raise AnswerError("± gives two values; this part wants one expression")
        raise AnswerError("this cannot be read as an expression")

    def name(self, typed: str) -> Term:
        pieces = [self.names.node(p) for p in self.names.split(typed)]
        terms = [self.leaf(p) for p in pieces]
        result = terms[0]
        for t in terms[1:]:
            result = self.product(Mul(result.node, t.node, implicit=True), result, t)
        return result

    def ones(self, node: Ones, size: str) -> Term:
        """𝟏_n: its length is a dimension letter of the symbols, taken at evaluation from a
        symbol of that size (no symbol is used by it), or a whole number."""
        if size.isdigit():
            length = int(size)
            return Term(node, (length, 1), run=lambda env: np.ones((draws(env), length, 1)))
        for symbol in self.by_name.values():
            for axis, dim in ((1, symbol.rows), (2, symbol.cols)):
                if dim == size:
                    key = symbol.name
                    return Term(node, (size, 1),
                                 run=lambda env: np.ones((env[key].shape[0], env[key].shape[axis], 1)))
        letters = sorted({str(d) for s in self.by_name.values() for d in (s.rows, s.cols)
                          if isinstance(d, str) and PRODUCT not in d})
        known = f"the sizes here are {', '.join(letters)}" if letters else "every symbol here is a number"
        raise UnknownSymbol(f"𝟏_{size}: `{size}` is no size of a symbol; {known}")

    def several(self, typed: str) -> bool:
        return len(self.names.split(typed)) > 1

    def last_piece(self, typed: str, postfix) -> Node:
        """`xx^T` is x xᵀ and `beta2g1^2` is beta2 g1²: a transpose or power typed after a run
        of symbols applies to the last one, as on paper."""
        *first, last = self.names.split(typed)
        node = postfix(Name(last))
        for piece in reversed(first):
            node = Mul(Name(piece), node, implicit=True)
        return node

    def leaf(self, node) -> Term:
        if isinstance(node, Num):
            return Term(node, SCALAR, const=node.value)
        if isinstance(node, Identity):
            return Term(node, UNIFORM, const=1.0)
        symbol = self.by_name[node.name]
        key = symbol.name
        return Term(node, (symbol.rows, symbol.cols), run=lambda env: env[key],
                     symbols=frozenset([key]))

    def juxtaposition(self, node: Mul) -> Term:
        """`A x`, `2 x`, `x^T A x`: the factors of a run of juxtaposed operands, left to right.
        `\\mathrm{d}A` and `d A` arrive as two names: when the left one alone is no symbol,
        the two together may be one (dA)."""
        factors = []
        while isinstance(node, Mul) and node.implicit:
            factors.append(node.right)
            node = node.left
        factors.append(node)
        factors.reverse()
        terms: list[Term] = []
        i = 0
        while i < len(factors):
            factor = factors[i]
            following = factors[i + 1] if i + 1 < len(factors) else None
            if isinstance(factor, Name) and isinstance(following, Name):
                try:
                    terms.append(self.name(factor.name))
                except UnknownSymbol:
                    try:
                        terms.append(self.name(factor.name + following.name))
                    except UnknownSymbol:
                        pass
                    else:
                        i += 2
                        continue
                    raise
            else:
                terms.append(self.term(factor))
            i += 1
        result = terms[0]
        for t in terms[1:]:
            result = self.product(Mul(result.node, t.node, implicit=True), result, t)
        return result

    # ---- operations --------------------------------------------------------------------

    def sum(self, node, a: Term, b: Term) -> Term:
        subtract = isinstance(node, Sub)
        out = (Sub if subtract else Add)(a.node, b.node)
        op = np.subtract if subtract else np.add
        if a.shape == b.shape:
            return lift(out, a.shape, op, a, b)
        # A number beside a vector or matrix is added to every entry (`1 − σ(z)`), as vectorised
        # deep learning writes it; a scalar *symbol* there is still a shape error.
        for constant, other in ((a, b), (b, a)):
            if constant.const is not None and is_scalar(constant.shape) and other.shape != UNIFORM:
                return lift(out, other.shape, op, a, b)
        if a.shape == UNIFORM and is_square(b.shape):
            return lift(out, b.shape, lambda s, m: op(s * eye_like(np.asarray(m)), m)
                         if np.ndim(m) == 3 else op(s, m), a, b)
        if b.shape == UNIFORM and is_square(a.shape):
            return lift(out, a.shape, lambda m, s: op(m, s * eye_like(np.asarray(m)))
                         if np.ndim(m) == 3 else op(m, s), a, b)
        verb = "subtract" if subtract else "add"
        raise ShapeError(f"{to_text(out)}: {to_text(a.node)} is {shape_text(a.shape)}, "
                         f"{to_text(b.node)} is {shape_text(b.shape)} — cannot {verb} "
                         "different shapes" + _transpose_hint(a, b))

    def product(self, node, a: Term, b: Term) -> Term:
        out = type(node)(a.node, b.node, implicit=True) if isinstance(node, Mul) \
            else MatMul(a.node, b.node)
        if UNIFORM in (a.shape, b.shape) and (is_scalar(a.shape) or is_scalar(b.shape)
                                              or a.shape == b.shape):
            return lift(out, UNIFORM, np.multiply, a, b)              # 2I, I·I
        if a.shape == UNIFORM:
            return lift(out, b.shape, np.multiply, a, b)
        if b.shape == UNIFORM:
            return lift(out, a.shape, np.multiply, a, b)
        if is_scalar(a.shape) or is_scalar(b.shape):
            shape = b.shape if is_scalar(a.shape) else a.shape
            return lift(out, shape, np.multiply, a, b)
        if a.shape[1] == b.shape[0]:
            return lift(out, (a.shape[0], b.shape[1]), np.matmul, a, b)
        inner_a, inner_b = a.shape[1], b.shape[0]
        if isinstance(inner_a, str) and isinstance(inner_b, str):
            why = f"when {inner_a} ≠ {inner_b}"
        else:
            why = f"(the inner sizes {inner_a} and {inner_b} differ)"
        if a.shape == b.shape:  # two n×1 side by side: the entry-by-entry product was meant
            why += "; for the entry-by-entry product write ⊙ (or .*)"
        raise ShapeError(f"{to_text(out)}: {to_text(a.node)} is {shape_text(a.shape)}, "
                         f"{to_text(b.node)} is {shape_text(b.shape)} — cannot multiply {why}")

    def hadamard(self, a: Term, b: Term) -> Term:
        out = Hadamard(a.node, b.node)
        if a.shape == b.shape or is_scalar(a.shape) or is_scalar(b.shape):
            shape = b.shape if is_scalar(a.shape) else a.shape
            return lift(out, shape, np.multiply, a, b)
        if a.shape == UNIFORM and is_square(b.shape):
            return lift(out, b.shape, lambda s, m: s * eye_like(m) * m, a, b)
        if b.shape == UNIFORM and is_square(a.shape):
            return lift(out, a.shape, lambda m, s: s * eye_like(m) * m, a, b)
        raise ShapeError(f"{to_text(out)}: {to_text(a.node)} is {shape_text(a.shape)}, "
                         f"{to_text(b.node)} is {shape_text(b.shape)} — an element-wise "
                         "product needs equal shapes" + _transpose_hint(a, b))

    def divide(self, a: Term, b: Term) -> Term:
        out = Div(a.node, b.node)
        if not is_scalar(b.shape):
            raise ShapeError(f"{to_text(out)}: {to_text(b.node)} is {shape_text(b.shape)} — "
                             "only a scalar divides; for a matrix use its inverse")
        return lift(out, a.shape, np.divide, a, b)

    def power(self, base: Term, exponent_node: Node) -> Term:
        # A^{-T}: the inverse, transposed
        if (isinstance(exponent_node, Neg) and exponent_node.operand == Name("T")
                and "T" not in self.names.by_key and not is_scalar(base.shape)):
            inverse = call("inv", [base])
            return lift(Transpose(inverse.node), transposed(inverse.shape), swap, inverse)
        try:
            exponent = self.term(exponent_node)
        except UnknownSymbol as error:
            if exponent_node == Name("t") and not is_scalar(base.shape):
                raise UnknownSymbol(error.message + " — for a transpose write ^T (capital T)") \
                    from None
            raise
        out = Pow(base.node, exponent.node)
        if not is_scalar(exponent.shape):
            raise ShapeError(f"{to_text(out)}: the exponent {to_text(exponent.node)} is "
                             f"{shape_text(exponent.shape)}; an exponent must be a scalar")
        constant = exponent.const
        if constant is not None and base.run is not None and abs(constant) > MAX_EXPONENT:
            raise LimitError(f"{to_text(out)}: the exponent is too large; the limit is "
                             f"±{MAX_EXPONENT}")
        if is_scalar(base.shape):
            return lift(out, SCALAR, np.power, base, exponent)
        if not is_square(base.shape):
            raise ShapeError(f"{to_text(out)}: {to_text(base.node)} is "
                             f"{shape_text(base.shape)} — only a square matrix has powers (an "
                             "element-wise square is x ⊙ x)")
        if constant is None or not float(constant).is_integer():
            raise ShapeError(f"{to_text(out)}: a matrix power must be a whole number")
        k = int(constant)
        if base.shape == UNIFORM:
            return lift(out, UNIFORM, lambda s: np.power(s, k), base)
        return lift(out, base.shape, lambda m: matrix_power(m, k), base)


def _transpose_hint(a: Term, b: Term) -> str:
    """When one side is the other's shape transposed — backprop's Wδ where Wᵀδ was meant."""
    if a.shape != b.shape and transposed(a.shape) == b.shape and not is_scalar(a.shape):
        return f"; one of them transposed would fit (is it {to_text(Transpose(a.node))}?)"
    return ""


