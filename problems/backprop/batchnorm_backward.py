"""Backward pass of batch normalization for one feature."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    Mistake,
    Part,
    Problem,
)
from problems.backprop.shared import VISIBLE, visible
from problems.fragments import LAYOUT


def _batchnorm_random(rng: np.random.Generator) -> dict:
    return dict(
        x=rng.integers(-3, 7, size=4),
        gamma=float(rng.choice([0.5, 1, 1.5, 2, 3])),
        beta=int(rng.integers(-5, 6)) / 10,
        eps=1e-5,
        g=rng.integers(-5, 6, size=4) / 10,
    )


batchnorm_backward = Problem(
    id="batchnorm-backward",
    title="Backward pass of batch normalization for one feature",
    mistake_margin=0.02,  # a mistake within rounding of the answer is not drawn
    statement=r"""
Batch normalization of one feature over a batch of $n = 4$ values:

$$\mu = \frac{1}{n} \sum_i x_i, \qquad \sigma^2 = \frac{1}{n} \sum_i (x_i - \mu)^2, \qquad
\hat x_i = \frac{x_i - \mu}{\sqrt{\sigma^2 + \varepsilon}}, \qquad y_i = \gamma \hat x_i + \beta.$$

The layer above sends back $g = \partial L/\partial y$. Take

$$x = {{x}}, \qquad \gamma = {{gamma}}, \qquad \beta = {{beta}}, \qquad
\varepsilon = {{eps}}, \qquad g = {{g}}.$$

1. Forward: $\hat x$ and $y$.
2. $\partial L/\partial \gamma$ and $\partial L/\partial \beta$.
3. $\partial L/\partial x$, the full backward pass: each $x_i$ reaches $L$ directly, through
   $\mu$ and through $\sigma^2$.
4. A worked solution simplified the backward pass by normalizing with $\hat x_i = x_i - \mu$
   only, which gives $\gamma\,(g - \mathrm{mean}(g))$. Compute this mean-only value too, to
   compare.
5. The same $\partial L/\partial x$ for any batch, as one vectorized expression in $g$, $\hat x$
   (columns of length $n$), $\gamma$, $N = n$ and $s = \sqrt{\sigma^2 + \varepsilon}$; the column
   of ones is $\mathbf{1}_n$ (type `1_n` or `ones(n)`).

""" + LAYOUT + r"""

Give numeric answers to at least 2 decimal places.
""",
    parts=(
        Part("x_hat", "vector", "x̂ (4 entries)"),
        Part("y", "vector", "y = γx̂ + β (4 entries)"),
        Part("dL_dgamma", "number", "∂L/∂γ"),
        Part("dL_dbeta", "number", "∂L/∂β"),
        Part(
            "dL_dx",
            "vector",
            "∂L/∂x, through μ and σ² (4 entries)", layout="row",
            mistakes=(
                Mistake(
                    lambda dL_dx_mean_only: dL_dx_mean_only,
                    "γ(g − mean(g)) only follows the path through μ: it ignores the path through "
                    "σ² (and the division by √(σ² + ε)). Every x_i also moves σ².",
                ),
                Mistake(
                    lambda gamma, g, var, eps: gamma * (g - g.mean()) / np.sqrt(var + eps),
                    "This treats σ² as a constant: it ignores the path through σ², which adds "
                    "−x̂ · mean(γ g x̂)/√(σ² + ε).",
                ),
            ),
        ),
        Part("dL_dx_mean_only", "vector", "the mean-only simplification γ(g − mean(g)) (4 entries)", layout="row"),
        Part(
            "dL_dx_expr",
            "expression",
            "∂L/∂x for any batch, in g, x̂, γ, N and s (a column)",
            symbols={"g": "n×1; ∂L/∂y", "xhat": "n×1", "gamma": "scalar", "N": "positive",
                     "s": "positive"},
            # the three paths of part 3: directly, through μ (the mean 𝟏𝟏ᵀg/N) and through σ²
            formula=lambda g, xhat, gamma, N, s: gamma / s * (g - g.sum() / N - xhat * (xhat.T @ g) / N),
            answer=r"\frac{\gamma}{s} \left(g - \frac{1}{N} \mathbf{1}_n \mathbf{1}_n^\top g - \frac{1}{N} \hat x \hat x^\top g\right)",
            mistakes=(
                Mistake(lambda g, gamma, N, s: gamma / s * (g - g.sum() / N),
                        "This follows the paths through μ only: the path through σ² adds "
                        "−x̂ (x̂ᵀ g)/N inside the bracket."),
                Mistake(lambda g, gamma, N: gamma * (g - g.sum() / N),
                        "That is the mean-only simplification γ(g − 𝟏𝟏ᵀg/N); the full pass also "
                        "divides by s = √(σ² + ε) and follows the path through σ²."),
                Mistake(lambda g, xhat, gamma, N, s: gamma / s * (g - g.sum() / N + xhat * (xhat.T @ g) / N),
                        "Sign: the path through σ² subtracts x̂ (x̂ᵀ g)/N."),
                Mistake(lambda g, xhat, gamma, N, s: gamma / s * (g - g.sum() / N - (xhat.T @ xhat) * g / N),
                        "x̂ᵀx̂ g only rescales g: the path through σ² is the projection onto x̂, "
                        "x̂ (x̂ᵀ g)/N."),
            ),
        ),
    ),
    default=dict(x=[1, 2, 4, 5], gamma=2, beta=0.5, eps=1e-5, g=[0.1, -0.2, 0.3, 0.4]),
    steps=dict(
        mu=lambda x: x.mean(),
        var=lambda x, mu: np.mean((x - mu) ** 2),
        x_hat=lambda x, mu, var, eps: (x - mu) / np.sqrt(var + eps),
        y=lambda gamma, x_hat, beta: gamma * x_hat + beta,
        dL_dgamma=lambda g, x_hat: np.sum(g * x_hat),
        dL_dbeta=lambda g: np.sum(g),
        dL_dx_hat=lambda g, gamma: gamma * g,
        # directly, through μ (− the mean) and through σ² (− x̂ times the mean of dL/dx̂ · x̂)
        dL_dx=lambda dL_dx_hat, x_hat, var, eps: (
            dL_dx_hat - dL_dx_hat.mean() - x_hat * np.mean(dL_dx_hat * x_hat)
        ) / np.sqrt(var + eps),
        dL_dx_mean_only=lambda gamma, g: gamma * (g - g.mean()),
    ),
    random=_batchnorm_random,
    valid=lambda v: (
        v.var >= 0.5
        and abs(v.dL_dbeta) >= VISIBLE
        and abs(v.dL_dgamma) >= VISIBLE  # the path through σ² carries something
        and visible(v.dL_dx, v.dL_dx_mean_only)
    ),
)
