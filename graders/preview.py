"""How typed text was read, before it is graded (STACK's validation step): the LaTeX and MathML
of what the parser understood, the symbols found and the shape — or the error, with the
position for a caret. Works for every part kind; nothing is compared with the answer here."""

from __future__ import annotations

from typing import Any

import numpy as np

from graders import numeric
from graders.errors import AnswerError, ParseError
from graders.kinds.boolean import read_boolean
from graders.parse import parse
from graders.read import shape_name
from graders.render import to_latex, to_mathml, to_text
from graders.symbolic import (
    UNIFORM,
    LimitError,
    ShapeError,
    UnknownSymbol,
    read_expression,
    shape_text,
)
from graders.symbols import parse_symbols
from problems.core import Part, to_json

# SymPy's canonical form of a scalar expression is offered only for small trees: it is a
# display nicety and must never cost much time.
_CANONICAL_MAX_CHARS = 200


def preview(part: Part, text: str) -> dict[str, Any]:
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
    try:
        tree = parse(text)
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
    if all(s.scalar for s in symbols) and len(text) <= _CANONICAL_MAX_CHARS:
        out["canonical"] = _canonical(reading, symbols)
    return out


def _canonical(reading, symbols) -> str | None:
    from graders.sympy_bridge import canonical_latex

    try:
        return canonical_latex(reading.tree, symbols)
    except Exception:   # a display nicety: never let it fail a preview
        return None


def _error(error: AnswerError, kind: str) -> dict[str, Any]:
    position = error.position if isinstance(error, ParseError) else None
    return {"kind": kind, "message": error.message, "position": position}
