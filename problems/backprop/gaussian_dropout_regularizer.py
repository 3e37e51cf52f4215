"""Gaussian dropout on a linear unit is an L2 penalty in expectation."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    Mistake,
    Part,
    Problem,
)
from problems.backprop.shared import NONZERO_HALVES, VISIBLE, visible


def _gaussian_dropout_random(rng: np.random.Generator) -> dict:
    return dict(
        w=rng.choice(NONZERO_HALVES, size=3),
        x=rng.choice(NONZERO_HALVES, size=3),
        y_d=int(rng.integers(-2, 3)),
        sigma2=float(rng.choice([0.1, 0.2, 0.25, 0.5, 1])),
    )


gaussian_dropout_regularizer = Problem(
    id="gaussian-dropout-regularizer",
    title="Gaussian dropout on a linear unit is an L2 penalty in expectation",
    mistake_margin=0.02,  # a mistake within rounding of the answer is not drawn
    statement=r"""
A linear unit predicts $\sum_k w_k x_k$ for a target $y_d$. Gaussian dropout multiplies each
input by independent noise $\delta_k \sim \mathcal{N}(1, \sigma^2)$, so the cost becomes

$$J = \tfrac{1}{2}\Big(y_d - \sum_k \delta_k w_k x_k\Big)^2.$$

Take

$$w = {{w}}, \qquad x = {{x}}, \qquad y_d = {{y_d}}, \qquad \sigma^2 = {{sigma2}}.$$

1. $J_{\text{plain}}$: the cost without noise ($\delta_k = 1$ for all $k$).
2. The penalty $\mathbb{E}[J] - J_{\text{plain}}$ that the noise adds.
3. $\mathbb{E}[J]$, the expectation over the noise.
4. The gradient of $\mathbb{E}[J]$ with respect to $w$.

A gradient is a column vector (the transpose of the row-vector derivative
$\partial \mathbb{E}[J]/\partial w$); you may enter it as a flat list.

Give numeric answers to at least 2 decimal places.
""",
    parts=(
        Part("J_plain", "number", "J without noise, ½(y_d − Σ w_k x_k)²"),
        Part(
            "penalty",
            "number",
            "the penalty E[J] − J_plain that the noise adds",
            mistakes=(
                Mistake(
                    lambda sigma2, prediction: 0.5 * sigma2 * prediction**2,
                    "The δ_k are independent, so the variances add: Var[Σ δ_k w_k x_k] = "
                    "σ² Σ w_k² x_k², not σ² (Σ w_k x_k)² (that would be one noise shared by all inputs).",
                ),
            ),
        ),
        Part("J_expected", "number", "E[J] over the noise"),
        Part(
            "dJ_dw_expected",
            "vector",
            "the gradient of E[J] in w (3 entries, a column vector)",
            layout="column",
            mistakes=(
                Mistake(
                    lambda y_d, prediction, x: -(y_d - prediction) * x,
                    "This is the gradient without the noise: E[J] also has the penalty "
                    "½σ² Σ w_k² x_k², whose gradient adds σ² w_k x_k².",
                ),
            ),
        ),
    ),
    default=dict(w=[0.5, -1, 2], x=[1, 2, 0.5], y_d=1, sigma2=0.25),
    steps=dict(
        prediction=lambda w, x: w @ x,  # the noise-free prediction is also E[Σ δ_k w_k x_k]
        J_plain=lambda y_d, prediction: 0.5 * (y_d - prediction) ** 2,
        # E[(y_d − P)²] = (y_d − E[P])² + Var[P], and Var[P] = σ² Σ w_k² x_k² (δ_k independent)
        penalty=lambda sigma2, w, x: 0.5 * sigma2 * np.sum(w**2 * x**2),
        J_expected=lambda J_plain, penalty: J_plain + penalty,
        dJ_dw_expected=lambda y_d, prediction, x, sigma2, w: -(y_d - prediction) * x + sigma2 * w * x**2,
    ),
    random=_gaussian_dropout_random,
    valid=lambda v: (
        abs(v.y_d - v.prediction) >= 0.25
        and v.penalty >= VISIBLE
        and visible(v.dJ_dw_expected)
    ),
)
