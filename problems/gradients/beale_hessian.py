"""Beale's function: gradient, Hessian and convexity."""

from __future__ import annotations

import numpy as np

from problems.authoring import Mistake, Part, Problem
from problems.fragments import LAYOUT

BEALE_CONSTANTS = (1.5, 2.25, 2.625)


# Random points p and q take their coordinates here: powers of 0.5 stay short by hand.
BEALE_GRID = (-1.0, -0.5, 0.0, 0.5, 1.0)


# The negative eigenvalue at q must show through 2-decimal rounding (the smallest on the grid
# is about −0.5).
BEALE_NEGATIVE_MARGIN = 0.25


def _beale_terms(point):
    """F = Σᵢ rᵢ² with rᵢ = cᵢ − x + x yⁱ: each rᵢ with its gradient and Hessian in (x, y)."""
    x, y = point
    for i, c in enumerate(BEALE_CONSTANTS, start=1):
        r = c - x + x * y**i
        dr = np.array([y**i - 1, i * x * y ** (i - 1)])
        r_yy = i * (i - 1) * x * y ** (i - 2) if i >= 2 else 0.0
        d2r = np.array([[0.0, i * y ** (i - 1)], [i * y ** (i - 1), r_yy]])
        yield r, dr, d2r


def beale_gradient(point) -> np.ndarray:
    # ∇(r²) = 2r∇r
    return sum(2 * r * dr for r, dr, _ in _beale_terms(point))


def beale_hessian_at(point) -> np.ndarray:
    # ∇²(r²) = 2(∇r∇rᵀ + r∇²r)
    return sum(2 * (np.outer(dr, dr) + r * d2r) for r, dr, d2r in _beale_terms(point))


beale_hessian = Problem(
    id="beale-hessian",
    title="Beale's function: gradient, Hessian and convexity",
    statement=r"""
Beale's function is

$$F(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2.$$

""" + LAYOUT + r""" The gradient $\nabla F$ is the column vector
$\left[\partial F/\partial x,\ \partial F/\partial y\right]^\top$.

Take $p = {{p}}$, $q = {{q}}$ and the learning rate $\eta = {{eta}}$.

1. The gradient $\nabla F(p)$ (2 entries).
2. The Hessian $\nabla^2 F(q)$ (a $2 \times 2$ matrix).
3. The eigenvalues of $\nabla^2 F(q)$.
4. Is $F$ convex? (A twice-differentiable function is convex if and only if its Hessian is
   positive semi-definite at every point.)
5. One step of gradient descent from $p$: $p - \eta \nabla F(p)$.

Give numeric answers to at least 2 decimal places.
""",
    parts=(
        Part("grad_at_p", "vector", "∇F(p), the gradient at p (column vector, 2 entries)",
             layout="column"),
        Part("hessian_at_q", "matrix", "∇²F(q), the Hessian at q (2×2 matrix)"),
        Part("hessian_eigenvalues", "set", "the eigenvalues of ∇²F(q) (a set of 2 numbers)"),
        Part("is_convex", "boolean", "is F convex? (true or false)",
             mistakes=(Mistake(lambda: True, "Look at the eigenvalues of ∇²F(q) you found: one is "
                               "negative, and a convex function's Hessian is positive semi-definite "
                               "at every point — one point where it is not settles it."),)),
        Part("gd_step", "vector", "p − η∇F(p), one gradient descent step from p (2 entries)"),
    ),
    default=dict(p=[0, 1], q=[0, 0], eta=0.1),
    steps=dict(
        grad_at_p=lambda p: beale_gradient(p),
        hessian_at_q=lambda q: beale_hessian_at(q),
        hessian_eigenvalues=lambda hessian_at_q: np.linalg.eigvalsh(hessian_at_q),
        # Convex means ∇²F ⪰ 0 at every point, so one point with a negative eigenvalue settles
        # it: ∇²F(q) is such a point (valid= keeps q where it is).
        is_convex=lambda: False,
        gd_step=lambda p, eta, grad_at_p: p - eta * grad_at_p,
    ),
    random=lambda rng: dict(
        p=rng.choice(BEALE_GRID, size=2),
        q=rng.choice(BEALE_GRID, size=2),
        eta=float(rng.choice([0.01, 0.05, 0.1])),
    ),
    valid=lambda v: v.hessian_eigenvalues.min() <= -BEALE_NEGATIVE_MARGIN,
)
