"""LayerNorm backward: one example's features normalised, scaled and shifted."""

import numpy as np

from problems.authoring import Mistake, Part, Problem

PROBLEMS = [
    Problem(
        id="layernorm-backward",
        title="LayerNorm backward on one example",
        family="normalisation",
        statement=r"""
LayerNorm normalises one example's $n$ features: $\mu = \frac1n \sum_i x_i$,
$\sigma^2 = \frac1n \sum_i (x_i - \mu)^2$, $\hat x = (x - \mu)/\sqrt{\sigma^2 + \epsilon}$, and
$y = \gamma \odot \hat x + \beta$. The loss is $L = g^\top y$ for a given upstream gradient $g$.

Take $x = {{x}}$, $\gamma = {{gamma}}$, $\beta = {{beta}}$, $g = {{g}}$ and $\epsilon = {{eps}}$.

Give $\hat x$, then $\partial L/\partial \gamma$, $\partial L/\partial \beta$ and
$\partial L/\partial x$ (each with $n$ entries).
""",
        parts=(
            Part("x_hat", "vector", "x̂ (4 entries)"),
            Part("dL_dgamma", "vector", "∂L/∂γ (4 entries)", layout="row", derivative_of=("loss", "gamma")),
            Part("dL_dbeta", "vector", "∂L/∂β (4 entries)", layout="row", derivative_of=("loss", "beta")),
            Part("dL_dx", "vector", "∂L/∂x (4 entries)", layout="row", derivative_of=("loss", "x"),
                 mistakes=(Mistake(lambda dL_dx_hat, var, eps: dL_dx_hat / np.sqrt(var + eps),
                                   "μ and σ² depend on x too: subtract the mean of ∂L/∂x̂ and its "
                                   "projection on x̂ before dividing by √(σ² + ε)."),)),
        ),
        default=dict(x=[1.0, 2.0, 4.0, 7.0], gamma=[1.0, 0.5, 2.0, 1.5], beta=[0.0, 1.0, -1.0, 0.5],
                     g=[0.5, -1.0, 1.5, 2.0], eps=1e-5),
        steps=dict(
            mu=lambda x: x.mean(),
            var=lambda x, mu: np.mean((x - mu) ** 2),
            x_hat=lambda x, mu, var, eps: (x - mu) / np.sqrt(var + eps),
            y=lambda gamma, x_hat, beta: gamma * x_hat + beta,
            loss=lambda g, y: g @ y,
            dL_dgamma=lambda g, x_hat: g * x_hat,
            dL_dbeta=lambda g: g * 1.0,
            dL_dx_hat=lambda g, gamma: g * gamma,
            # The worked form: the mean and the projection on x̂ come from μ and σ² depending on x.
            dL_dx=lambda dL_dx_hat, x_hat, var, eps: (
                dL_dx_hat - dL_dx_hat.mean() - x_hat * np.mean(dL_dx_hat * x_hat)) / np.sqrt(var + eps),
        ),
        random=lambda rng: dict(x=rng.integers(-5, 6, size=4).astype(float),
                                gamma=rng.choice([0.5, 1.0, 1.5, 2.0], size=4),
                                beta=rng.integers(-2, 3, size=4).astype(float),
                                g=rng.choice([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0], size=4), eps=1e-5),
        valid=lambda v: v.var > 1.0 and np.abs(v.dL_dx).min() > 0.02 and np.abs(v.dL_dgamma).min() > 0.05,
    ),
]
