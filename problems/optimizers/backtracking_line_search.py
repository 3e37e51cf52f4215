"""Armijo backtracking line search on a quadratic."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    EXACT,
    Part,
    Problem,
)
from problems.optimizers.shared import is_spd_with_distinct_eigenvalues, spd_random


def _quadratic(Q, c, x):
    return 0.5 * x @ Q @ x + c @ x


# Carried forward, these run on a student's own (possibly absurd) upstream values: bounded, so a
# t_bound of 0 or below, or a beta of 1, cannot loop forever (found by API fuzzing).
MAX_BACKTRACKS = 10_000


def _count_backtracks(Q, c, x, dx, grad_f, alpha, beta, t0) -> int:
    t, backtracks = t0, 0
    while backtracks < MAX_BACKTRACKS and _quadratic(Q, c, x + t * dx) > _quadratic(Q, c, x) + alpha * t * grad_f @ dx:
        t, backtracks = beta * t, backtracks + 1
    return backtracks


def _smallest_k(t_bound, beta, t0) -> int:
    k = 0
    while k < MAX_BACKTRACKS and beta**k * t0 > t_bound:
        k += 1
    return k


# A trial step this close (relatively) to where the Armijo test or the bound flips is a tie.
LINE_SEARCH_MARGIN = 0.02


def _armijo_threshold(Q, grad_f, alpha):
    """For a quadratic and Δx = −∇f the Armijo test holds exactly for t ≤ 2(1 − α)‖∇f‖²/∇fᵀQ∇f."""
    return 2 * (1 - alpha) * (grad_f @ grad_f) / (grad_f @ Q @ grad_f)


def _line_search_valid(v) -> bool:
    if not is_spd_with_distinct_eigenvalues(v.Q) or not v.grad_f.any():
        return False
    trials = v.t0 * v.beta ** np.arange(max(v.num_backtracks, v.max_backtracks) + 1)
    threshold = _armijo_threshold(v.Q, v.grad_f, v.alpha)
    return bool(
        (np.abs(trials / threshold - 1) >= LINE_SEARCH_MARGIN).all()
        and (np.abs(trials / v.t_bound - 1) >= LINE_SEARCH_MARGIN).all()
    )


def _line_search_point(rng: np.random.Generator) -> dict:
    Q, c = spd_random(rng), rng.integers(-3, 4, size=2)
    while True:
        x = rng.integers(-3, 4, size=2)
        if (Q @ x + c).any():  # at the minimizer there is no direction to search
            return dict(Q=Q, c=c, x=x)


backtracking_line_search = Problem(
    id="backtracking-line-search",
    title="Armijo backtracking line search on a quadratic",
    statement=r"""
Backtracking line search along a descent direction $\Delta x$ starts from $t = t_0$ and
accepts $t$ when

$$f(x + t\Delta x) \le f(x) + \alpha t \nabla f(x)^\top \Delta x,$$

otherwise it sets $t \leftarrow \beta t$ and tries again. If $\nabla^2 f \preceq M I$, the
condition holds whenever

$$t \le \frac{-2(1 - \alpha) \nabla f(x)^\top \Delta x}{M \|\Delta x\|^2}.$$

Take $f(x) = \tfrac12 x^\top Q x + c^\top x$ with $M = \lambda_{\max}(Q)$, the steepest descent
direction $\Delta x = -\nabla f(x)$, and

$$Q = {{Q}}, \qquad c = {{c}}, \qquad x = {{x}}, \qquad \alpha = {{alpha}}, \quad
\beta = {{beta}}, \quad t_0 = {{t0}}.$$

1. The bound on $t$ above (to at least 2 decimal places).
2. The smallest integer $k \ge 0$ with $\beta^k t_0$ below that bound: how many backtracks at
   most the search can need.
3. What the search actually does: the accepted $t$ (exactly, e.g. `0.5^3` or `0.125`) and the
   number of backtracks before it.
""",
    parts=(
        Part("t_bound", "number", "the sufficient step size bound −2(1 − α)∇fᵀΔx / (M‖Δx‖²)"),
        Part("max_backtracks", "number", "the smallest integer k with βᵏt₀ ≤ the bound",
             tolerance=EXACT),
        Part("accepted_t", "number", "the step size t the search accepts (exact)", tolerance=EXACT),
        Part("num_backtracks", "number", "the number of backtracks (t ← βt) before it accepts",
             tolerance=EXACT),
    ),
    default=dict(Q=[[3, 1], [1, 2]], c=[-1, 1], x=[2, -1], alpha=0.3, beta=0.5, t0=1),
    steps=dict(
        grad_f=lambda Q, x, c: Q @ x + c,
        dx=lambda grad_f: -grad_f,
        M=lambda Q: np.linalg.eigvalsh(Q).max(),
        t_bound=lambda alpha, grad_f, dx, M: -2 * (1 - alpha) * (grad_f @ dx) / (M * (dx @ dx)),
        max_backtracks=lambda t_bound, beta, t0: _smallest_k(t_bound, beta, t0),
        num_backtracks=lambda Q, c, x, dx, grad_f, alpha, beta, t0: _count_backtracks(
            Q, c, x, dx, grad_f, alpha, beta, t0
        ),
        accepted_t=lambda t0, beta, num_backtracks: t0 * beta**num_backtracks,
    ),
    random=lambda rng: dict(
        _line_search_point(rng),
        alpha=float(rng.choice([0.1, 0.2, 0.25, 0.3, 0.4])),
        beta=float(rng.choice([0.5, 0.8])),
        t0=int(rng.choice([1, 2])),
    ),
    valid=_line_search_valid,
)
