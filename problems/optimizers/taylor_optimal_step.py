"""The best step along −g for the second-order Taylor model."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    Mistake,
    Part,
    Problem,
)
from problems.optimizers.shared import is_spd_with_distinct_eigenvalues, spd_random


def _nonzero_vector(rng: np.random.Generator) -> np.ndarray:
    while True:
        g = rng.integers(-3, 4, size=2)
        if g.any():
            return g


taylor_optimal_step = Problem(
    id="taylor-optimal-step",
    title="The best step along −g for the second-order Taylor model",
    statement=r"""
Around $x_0$, with gradient $g$ and Hessian $H$, a step of size $\varepsilon$ along $-g$ changes
$f$ by, to second order,

$$f(x_0 - \varepsilon g) \approx f(x_0) - \varepsilon g^\top g + \tfrac12 \varepsilon^2 g^\top H g.$$

Take

$$g = {{g}}, \qquad H = {{H}} \ (\text{symmetric positive definite}).$$

1. The step size $\varepsilon^*$ that minimizes this model.
2. The bounds $\dfrac{1}{\lambda_{\max}(H)} \le \varepsilon^* \le \dfrac{1}{\lambda_{\min}(H)}$, as
   the vector $[1/\lambda_{\max},\ 1/\lambda_{\min}]$.
3. The decrease $f(x_0) - f(x_0 - \varepsilon^* g)$ the model predicts.

Give numeric answers to at least 2 decimal places.

4. $\varepsilon^*$ for any $n$, as an expression in $g \in \mathbb{R}^{n \times 1}$ and
   $H \in \mathbb{R}^{n \times n}$.
""",
    parts=(
        Part("eps_star", "number", "ε*, the step size that minimizes the model"),
        Part(
            "eps_bounds",
            "vector",
            "[1/λ_max, 1/λ_min] (2 entries, the lower bound first)",
            mistakes=(
                Mistake(
                    lambda eps_bounds: eps_bounds[::-1],
                    "The order: the lower bound 1/λ_max comes first, then 1/λ_min.",
                ),
            ),
        ),
        Part("predicted_decrease", "number", "the predicted decrease f(x₀) − f(x₀ − ε*g)"),
        Part(
            "eps_star_expr",
            "expression",
            "ε* as an expression in g (n×1) and H (n×n)",
            symbols={"g": "n×1", "H": "n×n spd"},
            formula=lambda g, H: (g.T @ g) / (g.T @ H @ g),
            answer="g^T g / (g^T H g)",
            mistakes=(
                Mistake(lambda g, H: (g.T @ H @ g) / (g.T @ g),
                        "Upside down: the model −εgᵀg + ½ε²gᵀHg is least where ε = gᵀg/(gᵀHg)."),
            ),
        ),
    ),
    default=dict(g=[1, -2], H=[[4, 1], [1, 3]]),
    steps=dict(
        # d/dε of the model: −gᵀg + ε gᵀHg = 0
        eps_star=lambda g, H: (g @ g) / (g @ H @ g),
        # gᵀHg/gᵀg is a Rayleigh quotient, between λ_min and λ_max
        eps_bounds=lambda H: 1 / np.linalg.eigvalsh(H)[::-1],
        # the model's drop at ε*, which simplifies to ½(gᵀg)²/(gᵀHg)
        predicted_decrease=lambda g, H, eps_star: (
            eps_star * (g @ g) - 0.5 * eps_star**2 * (g @ H @ g)
        ),
    ),
    random=lambda rng: dict(g=_nonzero_vector(rng), H=spd_random(rng, largest=6)),
    valid=lambda v: (
        is_spd_with_distinct_eigenvalues(v.H)
        and v.g.any()
        # g along an eigenvector puts ε* on a bound
        and v.eps_bounds[0] + 0.01 <= v.eps_star <= v.eps_bounds[1] - 0.01
    ),
)
