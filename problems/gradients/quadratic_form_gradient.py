"""Gradient of a quadratic form xᵀAx (A not symmetric)."""

from __future__ import annotations

import numpy as np

from problems.authoring import EXACT, Mistake, Part, Problem
from problems.fragments import LAYOUT

# Each is right only when A = Aᵀ, which the variants never are (and problems.core never draws a
# variant where one of them happens to equal the right answer).
QUADRATIC_MISTAKES = (
    Mistake(
        lambda A, x: 2 * A @ x,
        "2Ax is the gradient only when A is symmetric; here A ≠ Aᵀ — use xᵀ(A + Aᵀ).",
    ),
    Mistake(
        lambda A, x: 2 * x @ A,
        "2xᵀA is the derivative only when A is symmetric; here A ≠ Aᵀ — use xᵀ(A + Aᵀ).",
    ),
    Mistake(
        lambda A, x: x @ A,
        "x appears twice in xᵀAx: the product rule gives xᵀA from one factor and xᵀAᵀ from "
        "the other — the sum is xᵀ(A + Aᵀ).",
    ),
    Mistake(
        lambda A, x: A @ x,
        "x appears twice in xᵀAx: the product rule gives xᵀA from one factor and xᵀAᵀ from "
        "the other — the sum is xᵀ(A + Aᵀ).",
    ),
)


# The same, for the expression part (x is an n×1 column there). 2Ax and 2xᵀA need no entry:
# the expression grader finds by itself that they are right only for a symmetric A, and says so.
_PRODUCT_RULE = ("x appears twice in xᵀAx: the product rule gives xᵀA from one factor and xᵀAᵀ "
                 "from the other — the sum is xᵀ(A + Aᵀ).")


QUADRATIC_EXPRESSION_MISTAKES = tuple(
    Mistake(value, _PRODUCT_RULE)
    for value in (lambda A, x: x.T @ A, lambda A, x: x.T @ A.T, lambda A, x: A @ x,
                  lambda A, x: A.T @ x)
)


def _quadratic_random(rng: np.random.Generator) -> dict:
    return dict(A=rng.integers(-3, 4, size=(2, 2)), x=rng.integers(-3, 4, size=2))


quadratic_form_gradient = Problem(
    id="quadratic-form-gradient",
    title="Gradient of a quadratic form xᵀAx (A not symmetric)",
    statement=r"""
Let $f(x) = x^\top A x$ with $x \in \mathbb{R}^{n \times 1}$ and a square matrix
$A \in \mathbb{R}^{n \times n}$ that is **not** symmetric ($A \neq A^\top$).

""" + LAYOUT + r"""

Take
$$A = {{A}}, \qquad x = {{x}}.$$

Compute the value of $\dfrac{\partial f}{\partial x}$ at this $x$ — a $1 \times 2$ row vector.

The answer is made of integers: give exact values.

Then, for any $n$, give as expressions in $A$ and $x$: $\dfrac{\partial f}{\partial x}$
($1 \times n$) and $\dfrac{\partial f}{\partial A}$ ($n \times n$, the shape of $A$).
""",
    parts=(
        Part(
            "df_dx_value",
            "vector",
            "∂f/∂x at the given A and x (1×2 row vector)",
            tolerance=EXACT,
            layout="row",
            mistakes=QUADRATIC_MISTAKES,
        ),
        Part(
            "df_dx",
            "expression",
            "∂f/∂x as an expression in A and x (1×n row vector)",
            symbols={"A": "n×n", "x": "n×1"},
            formula=lambda A, x: x.T @ (A + A.T),
            answer="x^T (A + A^T)",
            mistakes=QUADRATIC_EXPRESSION_MISTAKES,
        ),
        Part(
            "df_dA",
            "expression",
            "∂f/∂A as an expression in A and x (n×n, the shape of A)",
            symbols={"A": "n×n", "x": "n×1"},
            # f = Σ_ij x_i A_ij x_j, so ∂f/∂A_ij = x_i x_j
            formula=lambda A, x: x @ x.T,
            answer="x x^T",
            mistakes=(
                Mistake(lambda A, x: x.T @ x,
                        "xᵀx is the scalar Σxᵢ²; ∂f/∂A_ij = x_i x_j fills an n×n matrix: x xᵀ."),
            ),
        ),
    ),
    default=dict(A=[[1, 2], [0, 3]], x=[1, -1]),
    steps=dict(
        # f = Σ_ij x_i A_ij x_j: differentiating each x in turn gives xᵀA + xᵀAᵀ
        df_dx_value=lambda A, x: x @ (A + A.T),
    ),
    random=_quadratic_random,
    valid=lambda v: (
        not np.array_equal(v.A, v.A.T)
        and v.x.any()
        and v.df_dx_value.any()
    ),
)
