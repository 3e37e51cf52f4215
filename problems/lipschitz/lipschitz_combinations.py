"""Lipschitz constants of sums, compositions, products and multiples."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    EXACT,
    Mistake,
    Part,
    Problem,
)


def _combinations_random(rng: np.random.Generator) -> dict:
    return dict(
        L_f=int(rng.integers(1, 7)),
        L_g=int(rng.integers(1, 7)),
        K_f=int(rng.integers(1, 7)),
        K_g=int(rng.integers(1, 7)),
        c=float(rng.choice([-4, -3, -2.5, -2, -1.5, -0.5, 0.5, 1.5, 2, 2.5, 3, 4])),
    )


lipschitz_combinations = Problem(
    id="lipschitz-combinations",
    title="Lipschitz constants of sums, compositions, products and multiples",
    statement=r"""
Let $f, g: \mathbb{R} \to \mathbb{R}$ be Lipschitz with constants $L_f = {{L_f}}$ and
$L_g = {{L_g}}$, and bounded: $|f(x)| \le K_f = {{K_f}}$ and $|g(x)| \le K_g = {{K_g}}$ for all
$x$. Let $c = {{c}}$.

Give the Lipschitz constant that follows from these bounds (the triangle inequality and the
definition, nothing about the particular $f$ and $g$) for

1. $f + g$,
2. $f \circ g$,
3. $f \cdot g$,
4. $c\, f$.

Give exact values.
""",
    mistake_margin=0.02,  # a mistake within rounding of the answer is not drawn
    parts=(
        Part("sum", "number", "a Lipschitz constant of f + g", EXACT),
        Part(
            "composition",
            "number",
            "a Lipschitz constant of f ∘ g",
            EXACT,
            mistakes=(
                Mistake(
                    lambda L_f, L_g: L_f + L_g,
                    "Under composition the constants multiply: |f(g(x)) − f(g(y))| ≤ L_f |g(x) − g(y)| "
                    "≤ L_f L_g |x − y|.",
                ),
            ),
        ),
        Part(
            "product",
            "number",
            "a Lipschitz constant of f · g",
            EXACT,
            mistakes=(
                Mistake(
                    lambda L_f, L_g: L_f * L_g,
                    "L_f·L_g is the composition's constant. For f·g write f(x)g(x) − f(y)g(y) = "
                    "f(x)(g(x) − g(y)) + g(y)(f(x) − f(y)) and bound each term with |f| ≤ K_f, |g| ≤ K_g.",
                ),
                Mistake(
                    lambda K_f, L_f, K_g, L_g: K_f * L_f + K_g * L_g,
                    "Each bound pairs with the other function's constant: K_f L_g + K_g L_f.",
                ),
            ),
        ),
        Part("scaled", "number", "a Lipschitz constant of c · f", EXACT),
    ),
    default=dict(L_f=2, L_g=3, K_f=4, K_g=1, c=-3),
    steps=dict(
        sum=lambda L_f, L_g: L_f + L_g,
        composition=lambda L_f, L_g: L_f * L_g,
        # f(x)g(x) − f(y)g(y) = f(x)(g(x) − g(y)) + g(y)(f(x) − f(y))
        product=lambda K_f, L_g, K_g, L_f: K_f * L_g + K_g * L_f,
        scaled=lambda c, L_f: abs(c) * L_f,
    ),
    random=_combinations_random,
    valid=lambda v: (
        v.L_f != v.L_g
        and v.K_f != v.K_g
        and len({v.sum, v.composition, v.product, v.scaled}) == 4  # no two answers tie
    ),
)
