"""How typed text was read, before it is graded (STACK's validation step): the LaTeX and MathML
of what the parser understood, the symbols found and the shape — or the error, with the
position for a caret. Works for every part kind; nothing is compared with the answer here."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from graders import numeric, worked_notation
from graders.errors import AnswerError, ParseError
from graders.expression_values import (
    UNIFORM,
    LimitError,
    ShapeError,
    UnknownSymbol,
    read_expression,
    shape_text,
)
from graders.kinds import KINDS
from graders.kinds.array import ShapeMismatch, fit_shape
from graders.kinds.boolean import read_boolean
from graders.parse import parse
from graders.read import shape_name
from graders.render import to_latex, to_mathml, to_text
from graders.stands_for import substitute
from graders.symbols import parse_symbols
from graders.tree import Add, Call, Div, Hadamard, MatMul, Mul, Name, Neg, Num, Pow, Sub, Transpose
from problems.core import Part, to_json

# SymPy's canonical form of a scalar expression is offered only for small trees that expand to
# few terms: it is a display nicety and must never cost much time. SymPy cannot be stopped once
# it runs, so the bound is decided before: `(g1+g2+g3+beta2)^64` is 19 characters and 47,905
# terms (25 s of CPU and 3.6 MB of LaTeX), and is shown without a canonical form.
_CANONICAL_MAX_CHARS = 200
CANONICAL_MAX_TERMS = 64
_CAP = 10**9


def preview(part: Part, typed: str, reference: Any = None) -> dict[str, Any]:
    """`reference`, when given (the part's answer in the student's variant), lets a vector or
    matrix be checked against the shape grading expects — a flat list of 6 for a 3×2 is told
    now, not after an attempt."""
    # `$a^T$`, `L = 3√5`, `7.24, -1.24`, `∂f/∂x = a^T`: read as grading reads them, with an
    # error's position still in what was typed
    text = worked_notation.prepare(typed, part.kind).text
    out = _read(part, text)
    if out["ok"] and reference is not None and KINDS[part.kind].shaped:
        try:
            fit_shape(part, np.asarray(out["value"], dtype=float), np.asarray(reference, dtype=float))
        except (ShapeMismatch, AnswerError) as error:  # graded incorrect or invalid: say it now
            out = out | {"ok": False, "error": {"kind": "shape", "message": error.message, "position": None}}
    error = out["error"]
    if error and error["position"] is not None and text != typed and text in typed:
        out["error"] = error | {"position": error["position"] + typed.rindex(text)}
    return out


def _read(part: Part, text: str) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": part.kind, "ok": False, "read_as": None, "latex": None,
                           "mathml": None, "symbols": [], "shape": None, "value": None,
                           "canonical": None, "error": None}
    if part.kind == "boolean":
        try:
            value = read_boolean(text)
        except AnswerError as error:
            return out | {"error": _error(error, "invalid")}
        tex = r"\text{true}" if value else r"\text{false}"
        return out | {"ok": True, "read_as": str(value).lower(), "latex": tex,
                      "mathml": to_mathml(tex), "value": value}
    shown = text
    if part.kind == "expression":  # its symbols first: ∂x/∂z may stand for one of them
        try:
            shown = substitute(text, parse_symbols(part.symbols or {}))
        except UnknownSymbol as error:
            return out | {"error": _error(error, "unknown-symbol")}
    try:
        tree = parse(shown)
    except ParseError as error:
        return out | {"error": _error(error, "syntax")}
    tex = to_latex(tree)
    out |= {"read_as": to_text(tree), "latex": tex, "mathml": to_mathml(tex)}
    if part.kind == "expression":
        return _expression(part, text, out)
    try:
        if part.kind == "set":
            values = numeric.evaluate_items(tree)
            return out | {"ok": True, "value": [to_json(v) for v in values],
                          "shape": f"a set of {len(values)} values"}
        value = numeric.evaluate(tree)
    except AnswerError as error:
        return out | {"error": _error(error, "invalid")}
    return out | {"ok": True, "value": to_json(value), "shape": shape_name(np.shape(value))}


def _expression(part: Part, text: str, out: dict[str, Any]) -> dict[str, Any]:
    symbols = parse_symbols(part.symbols or {})
    try:
        reading = read_expression(text, symbols)
    except ParseError as error:
        return out | {"error": _error(error, "syntax")}
    except ShapeError as error:
        return out | {"error": _error(error, "shape")}
    except UnknownSymbol as error:
        return out | {"error": _error(error, "unknown-symbol")}
    except LimitError as error:
        return out | {"error": _error(error, "limit")}
    except AnswerError as error:
        return out | {"error": _error(error, "invalid")}
    # The resolved tree: `Ax` shows as A x, `J_x` as Jx, `\mathrm{d}A` as dA.
    tex = to_latex(reading.tree)
    shape = reading.shape
    out |= {"ok": True, "read_as": reading.display, "latex": tex, "mathml": to_mathml(tex),
            "symbols": list(reading.symbols),
            "shape": "scalar" if shape == (1, 1) else
            "square (the identity)" if shape == UNIFORM else shape_text(shape)}
    if (all(s.scalar for s in symbols) and len(text) <= _CANONICAL_MAX_CHARS
            and expanded_terms(reading.tree) <= CANONICAL_MAX_TERMS):
        out["canonical"] = _canonical(reading, symbols)
    return out


def _power(node) -> int | None:
    """The whole-number exponent |n| of a power SymPy's expand would multiply out, else None."""
    node = node.operand if isinstance(node, Neg) else node  # 1/(…)^n is expanded below the line
    if isinstance(node, Num) and float(node.value).is_integer() and node.value != 0:
        return abs(int(node.value))
    return None


def expanded_terms(node) -> int:
    """An upper bound on the terms `sympy.expand` writes for this tree, counted in every sum of
    the result: sums add, products multiply, a sum of t terms to the n-th has C(n+t-1, t-1) (the
    multinomial count), each term of a numerator carries the whole denominator, a function's
    arguments are expanded on their own. Capped at 10^9."""
    match node:
        case Num() | Name():
            return 1
        case Neg(operand=inner) | Transpose(operand=inner):
            return expanded_terms(inner)
        case Add(left=a, right=b) | Sub(left=a, right=b):
            return min(_CAP, expanded_terms(a) + expanded_terms(b))
        case Mul(left=a, right=b) | MatMul(left=a, right=b) | Hadamard(left=a, right=b):
            return min(_CAP, expanded_terms(a) * expanded_terms(b))
        case Div(left=a, right=b):  # each term of the numerator over the whole denominator
            return min(_CAP, expanded_terms(a) * (expanded_terms(b) + 1))
        case Pow(base=base, exponent=exponent):
            terms, n = expanded_terms(base), _power(exponent)
            if isinstance(base, Name):  # x^n, x^(a+b): one term, however large n
                return max(1, expanded_terms(exponent))
            # Anything else to a power that is not a small literal (64^1, 9^9^9, 2^100000):
            # SymPy would work out the exponent and then the power, exactly.
            if n is None or n > 100 or terms > CANONICAL_MAX_TERMS:
                return _CAP
            return min(_CAP, math.comb(n + terms - 1, terms - 1))
        case Call(args=args):
            return min(_CAP, sum(expanded_terms(a) for a in args) or 1)
    return _CAP  # anything else (a matrix literal …): no canonical form


def _canonical(reading, symbols) -> str | None:
    from graders.sympy_bridge import canonical_latex

    try:
        return canonical_latex(reading.tree, symbols)
    except Exception:   # a display nicety: never let it fail a preview
        return None


def _error(error: AnswerError, kind: str) -> dict[str, Any]:
    position = error.position if isinstance(error, ParseError) else None
    return {"kind": kind, "message": error.message, "position": position}
