"""Gradient of a linear form aᵀx."""

from __future__ import annotations

from problems.authoring import EXACT, Mistake, Part, Problem
from problems.fragments import LAYOUT

linear_form_gradient = Problem(
    id="linear-form-gradient",
    title="Gradient of a linear form aᵀx",
    statement=r"""
Let $f(x) = a^\top x$ with $a, x \in \mathbb{R}^{n \times 1}$.

""" + LAYOUT + r"""

Take
$$a = {{a}}, \qquad x = {{x}}.$$

Compute the value of $\dfrac{\partial f}{\partial x}$ at this $x$ — a $1 \times 3$ row vector.

The answer is made of integers: give exact values.

Then give $\dfrac{\partial f}{\partial x}$ for any $n$ as an expression in $a$ and $x$.
""",
    parts=(
        Part(
            "df_dx_value",
            "vector",
            "∂f/∂x at the given a and x (1×3 row vector)",
            tolerance=EXACT,
            layout="row",
            mistakes=(
                Mistake(
                    lambda x: x,
                    "That is x. f = Σ aᵢxᵢ is linear in x, so ∂f/∂xᵢ = aᵢ whatever x is: "
                    "∂f/∂x = aᵀ.",
                ),
                Mistake(
                    lambda a, x: a * x,
                    "Those are the terms aᵢxᵢ of the sum, not their derivatives: "
                    "∂(aᵢxᵢ)/∂xᵢ = aᵢ, so ∂f/∂x = aᵀ.",
                ),
            ),
        ),
        Part(
            "df_dx",
            "expression",
            "∂f/∂x as an expression in a and x (1×n row vector)",
            symbols={"a": "n×1", "x": "n×1"},
            formula=lambda a: a.T,
            answer="a^T",
            mistakes=(
                Mistake(lambda x: x.T, "That is xᵀ. f = Σ aᵢxᵢ is linear in x, so ∂f/∂xᵢ = aᵢ "
                        "whatever x is: ∂f/∂x = aᵀ."),
            ),
        ),
    ),
    default=dict(a=[2, -1, 3], x=[1, 0, 2]),
    steps=dict(
        # f = Σ_i a_i x_i, so ∂f/∂x_i = a_i: the row vector aᵀ
        df_dx_value=lambda a: a,
    ),
    random=lambda rng: dict(a=rng.integers(-3, 4, size=3), x=rng.integers(-3, 4, size=3)),
    valid=lambda v: v.a.any() and v.x.any(),
)
