"""Gradient of tr(XAXᵀ) with respect to X."""

from __future__ import annotations

from problems.authoring import Mistake, Part
from problems.gradients.shared import expression_problem

trace_gradient = expression_problem(
    "trace-gradient",
    "Gradient of tr(XAXᵀ) with respect to X",
    r"""
Let $f(X) = \operatorname{tr}(X A X^\top)$ with $X \in \mathbb{R}^{m \times n}$ and a square
$A \in \mathbb{R}^{n \times n}$ that is not symmetric.

Give $\partial f/\partial X$ (an $m \times n$ matrix, the shape of $X$) in $X$ and $A$.
""",
    Part("df_dX", "expression", "∂f/∂X in X and A (m×n)", symbols={"X": "m×n", "A": "n×n"},
         # X appears twice: XA from the right factor, XAᵀ from the left one
         formula=lambda X, A: X @ (A + A.T), answer="X (A + A^T)",
         mistakes=tuple(Mistake(value, "X appears twice in tr(XAXᵀ): the product rule gives XA "
                                "from one factor and XAᵀ from the other — the sum is X(A + Aᵀ).")
                        for value in (lambda X, A: X @ A, lambda X, A: X @ A.T))),
)
