"""Lipschitz constant of a linear map."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    TWO_DECIMALS,
    Part,
    Problem,
)


def _lipschitz_linear_random(rng: np.random.Generator) -> dict:
    return dict(W=rng.integers(-4, 5, size=(2, 2)))


lipschitz_linear = Problem(
    id="lipschitz-linear",
    title="Lipschitz constant of a linear map",
    statement=r"""
Let $f(x) = Wx$ on $\mathbb{R}^2$ with the Euclidean norm, where

$$W = {{W}}.$$

1. The Lipschitz constant of $f$: the smallest $L$ with
   $\|f(x) - f(y)\|_2 \le L\, \|x - y\|_2$ for all $x, y$.
2. The singular values of $W$ (in any order).

Give numeric answers to at least 2 decimal places.
""",
    parts=(
        Part("L", "number", "the smallest Lipschitz constant of f(x) = Wx", tolerance=TWO_DECIMALS),
        Part("singular_values", "set", "the singular values of W", tolerance=TWO_DECIMALS),
    ),
    default=dict(W=[[3, 0], [4, 5]]),
    steps=dict(
        # σ_i = √(eigenvalues of WᵀW), largest first
        singular_values=lambda W: np.linalg.svd(W, compute_uv=False),
        # ‖W(x − y)‖ ≤ σ_max‖x − y‖, with equality along the top right-singular vector
        L=lambda singular_values: singular_values[0],
    ),
    random=_lipschitz_linear_random,
    valid=lambda v: (
        round(np.linalg.det(v.W)) != 0
        and not np.isclose(v.singular_values[0], v.singular_values[1], rtol=1e-9, atol=0)
    ),
)
