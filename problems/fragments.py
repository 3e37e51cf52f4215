"""Sentences several statements share, written once."""

from __future__ import annotations

LAYOUT = (
    "Layout convention: the derivative of a scalar by a column vector is a **row** vector "
    "(numerator layout; enter vectors as flat lists), the Jacobian $\\partial y/\\partial x$ of "
    "$y \\in \\mathbb{R}^m$ by $x \\in \\mathbb{R}^n$ is $m \\times n$, and the derivative of a "
    "scalar by a matrix has the matrix's shape."
)


def optimizer_precision(tables: str) -> str:
    """The precision an optimizer's step tables are graded to (`tables`: the LaTeX of the state
    tables the statement asks for, e.g. "$m$, $v$, $\\hat m$ and $\\hat v$")."""
    return (f"Give the entries of {tables} to 3 significant figures, and $\\theta$ to at least 5 "
            "decimal places: its steps are small, so $\\theta$ is accepted within 3 % of the step "
            "size $\\eta$ of the exact value (rounding the tables on the way is fine).")
