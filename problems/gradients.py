"""Gradients and Hessians: matrix calculus in the course's layout convention."""

from __future__ import annotations

import numpy as np

from problems.core import EXACT, Mistake, Part, Problem

LAYOUT = (
    "Layout convention: the derivative of a scalar by a column vector is a **row** vector "
    "(numerator layout), the Jacobian $\\partial y/\\partial x$ of $y \\in \\mathbb{R}^m$ by "
    "$x \\in \\mathbb{R}^n$ is $m \\times n$, and the derivative of a scalar by a matrix has the "
    "matrix's shape."
)

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


def _quadratic_random(rng: np.random.Generator) -> dict:
    return dict(A=rng.integers(-3, 4, size=(2, 2)), x=rng.integers(-3, 4, size=2))


quadratic_form_gradient = Problem(
    id="quadratic-form-gradient",
    title="Gradient of a quadratic form xᵀAx (A not symmetric)",
    family="gradients",
    statement=r"""
Let $f(x) = x^\top A x$ with $x \in \mathbb{R}^{n \times 1}$ and a square matrix
$A \in \mathbb{R}^{n \times n}$ that is **not** symmetric ($A \neq A^\top$).

""" + LAYOUT + r"""

Take
$$A = {{A}}, \qquad x = {{x}}.$$

Compute the value of $\dfrac{\partial f}{\partial x}$ at this $x$ — a $1 \times 2$ row vector.

The answer is made of integers: give exact values.
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

PROBLEMS = [quadratic_form_gradient]
