"""Gradient descent on a quadratic: convergence rate and step sizes."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    Mistake,
    Part,
    Problem,
)
from problems.optimizers.shared import is_spd_with_distinct_eigenvalues, spd_random

# |1 − ηλ| of the two directions must differ by this much for "the slowest" to be one of them
SLOWEST_MARGIN = 0.05


# Where the statement promises convergence, the slowest factor stays this far below 1.
MAX_CONTRACTION = 0.95


# |sin| of the angle between an answer and the eigenvector: 2-decimal rounding stays inside.
ANGLE_TOLERANCE = 0.01


def _sine(u: np.ndarray, w: np.ndarray) -> float:
    return abs(u[0] * w[1] - u[1] * w[0]) / (np.linalg.norm(u) * np.linalg.norm(w))


def _slowest_direction_check(direction, Q, eta) -> list[str]:
    if np.linalg.norm(direction) <= 1e-12:
        return ["The zero vector has no direction: give a nonzero vector along the eigenvector "
                "of Q whose factor |1 − ηλ| is largest."]
    lambdas, vectors = np.linalg.eigh(Q)
    factors = np.abs(1 - eta * lambdas)
    slow = int(np.argmax(factors))
    fast = 1 - slow
    if _sine(direction, vectors[:, slow]) <= ANGLE_TOLERANCE:
        return []
    if _sine(direction, vectors[:, fast]) <= ANGLE_TOLERANCE:
        return [
            f"This is the eigenvector of λ = {lambdas[fast]:.4g}, along which the error shrinks "
            f"by |1 − ηλ| = {factors[fast]:.4g} each step; along the other eigenvector it shrinks "
            f"by only {factors[slow]:.4g}, so that one is the slowest direction."
        ]
    return ["This vector is not an eigenvector of Q (Qv is not a multiple of v): the error "
            "shrinks at a single rate only along an eigenvector of Q."]


def _gd_quadratic_random(rng: np.random.Generator) -> dict:
    return dict(
        Q=spd_random(rng),
        c=rng.integers(-3, 4, size=2),
        x0=rng.integers(-2, 3, size=2),
        eta=float(rng.choice([0.05, 0.1, 0.2, 0.25])),
        k=int(rng.integers(2, 4)),
    )


def _gradient_descent(Q, c, x0, eta, k):
    x = x0
    for _ in range(int(k)):
        x = x - eta * (Q @ x + c)
    return x


gd_quadratic_convergence = Problem(
    id="gd-quadratic-convergence",
    title="Gradient descent on a quadratic: convergence rate and step sizes",
    statement=r"""
Gradient descent with a constant learning rate $\eta$ minimizes

$$h(x) = \tfrac12 x^\top Q x + c^\top x, \qquad x_{k+1} = x_k - \eta (Q x_k + c),$$

where $Q$ is symmetric positive definite. With the minimizer $x^*$ the error
$r_k = x_k - x^*$ obeys $r_{k+1} = (I - \eta Q) r_k$. Take

$$Q = {{Q}}, \qquad c = {{c}}, \qquad x_0 = {{x0}}, \qquad \eta = {{eta}}, \qquad k = {{k}}.$$

1. The minimizer $x^*$ (2 entries).
2. The contraction factors $1 - \eta\lambda_i$, one for each eigenvalue $\lambda_i$ of $Q$.
3. $x_k$, after $k$ steps from $x_0$ (2 entries).
4. The largest learning rate for which gradient descent converges from every start
   ($\eta < \eta_{\max}$): give $\eta_{\max}$.
5. The constant learning rate that makes the slowest contraction factor $\max_i |1 - \eta\lambda_i|$
   as small as possible.
6. For the given $\eta$, the direction in which the error shrinks most slowly: a nonzero vector
   along it (any nonzero multiple is right), to at least 2 decimal places.

Give numeric answers to at least 2 decimal places.
""",
    parts=(
        Part("x_star", "vector", "x*, the minimizer of h (2 entries)"),
        Part("contraction_factors", "set", "the factors 1 − ηλᵢ (a set of 2 numbers)"),
        Part("x_k", "vector", "x_k, after k gradient descent steps (2 entries)"),
        Part(
            "max_stable_lr",
            "number",
            "η_max: gradient descent converges for 0 < η < η_max",
            mistakes=(
                Mistake(
                    lambda eigenvalues: 1 / eigenvalues.max(),
                    "At η = 1/λ_max the fastest factor 1 − ηλ_max is 0, but convergence only needs "
                    "|1 − ηλ| < 1 for every λ: that allows η up to 2/λ_max.",
                ),
            ),
        ),
        Part("best_constant_lr", "number", "the η that minimizes max |1 − ηλᵢ|"),
        Part(
            "slowest_direction",
            "property",
            "a nonzero vector along the direction in which the error shrinks most slowly "
            "(2 entries)",
            check=_slowest_direction_check,
            shape=(2,),
        ),
    ),
    default=dict(Q=[[3, 1], [1, 2]], c=[-1, 1], x0=[0, 0], eta=0.2, k=3),
    steps=dict(
        # ∇h = Qx + c vanishes at x*
        x_star=lambda Q, c: np.linalg.solve(Q, -c),
        eigenvalues=lambda Q: np.linalg.eigvalsh(Q),
        # in Q's eigenbasis I − ηQ is diagonal: each error component is multiplied by 1 − ηλᵢ
        contraction_factors=lambda eta, eigenvalues: 1 - eta * eigenvalues,
        x_k=lambda Q, c, x0, eta, k: _gradient_descent(Q, c, x0, eta, k),
        # |1 − ηλ| < 1 for every λ ⇔ 0 < η < 2/λ_max
        max_stable_lr=lambda eigenvalues: 2 / eigenvalues.max(),
        # max(|1 − ηλ_min|, |1 − ηλ_max|) is smallest where the two are equal
        best_constant_lr=lambda eigenvalues: 2 / (eigenvalues.min() + eigenvalues.max()),
        slowest_direction=lambda Q, contraction_factors: np.linalg.eigh(Q)[1][
            :, np.argmax(np.abs(contraction_factors))
        ],
    ),
    random=_gd_quadratic_random,
    valid=lambda v: (
        is_spd_with_distinct_eigenvalues(v.Q)
        and np.abs(v.contraction_factors).max() <= MAX_CONTRACTION
        and abs(np.diff(np.abs(v.contraction_factors))[0]) >= SLOWEST_MARGIN
        and not np.allclose(v.x0, v.x_star)
    ),
)
