"""A statement with its variant's numbers filled in: `{{W1}}` becomes the LaTeX of param W1."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def latex_number(x: float | int) -> str:
    if isinstance(x, bool):
        return r"\text{true}" if x else r"\text{false}"
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:.6g}"
    if "e" in text:  # 1e-08 is read as 1e − 8 (a product with e): write 1 \times 10^{-8}
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def latex(value: Any) -> str:
    """Numbers as typed by a person, vectors as a transposed row (compact), matrices as bmatrix."""
    if isinstance(value, (int, float)):
        return latex_number(value)
    if isinstance(value, str):
        return rf"\text{{{value}}}"  # names (activations) upright, not as a product of letters
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return _table(value)
    if isinstance(value, list) and value and all(isinstance(v, list) and v and isinstance(v[0], list) for v in value):
        return r",\quad ".join(latex(matrix) for matrix in value)  # a list of matrices
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        rows = [" & ".join(latex_number(x) for x in row) for row in value]
        return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"
    if isinstance(value, list):
        return r"\begin{bmatrix} " + " & ".join(latex(v) for v in value) + r" \end{bmatrix}^\top"
    return str(value)


def _table(records: list[dict[str, Any]]) -> str:
    """A list of records (conv layers) as a numbered table: one row each, one column a key."""
    keys = list(records[0])
    header = " & ".join(["l", *(f"{k}_l" for k in keys)])
    rows = [" & ".join([str(i), *(latex(r.get(k, "")) for k in keys)]) for i, r in enumerate(records, 1)]
    return (r"\begin{array}{c|" + "c" * len(keys) + "} " + header + r" \\ \hline "
            + r" \\ ".join(rows) + r" \end{array}")


def render(template: str, params: Mapping[str, Any]) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name not in params:
            raise KeyError(f"statement names {{{{{name}}}}} but there is no such param")
        return latex(params[name])

    return _PLACEHOLDER.sub(fill, template)
