"""Logistic regression: the gradient of the cross-entropy and one descent step."""

from __future__ import annotations

import numpy as np

from problems.authoring import Mistake, Part, Problem, sigmoid


def _logistic_random(rng: np.random.Generator) -> dict:
    y = rng.permutation([0, 1, int(rng.integers(2)), int(rng.integers(2))])  # both classes
    return dict(
        x=rng.choice([-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2], size=4),
        y=y,
        w=float(rng.choice([-1, -0.5, 0.5, 1])),
        b=round(float(rng.integers(-5, 6)) / 10, 1),
        eta=float(rng.choice([0.1, 0.2, 0.5])),
    )


logistic_regression_gradient = Problem(
    id="logistic-regression-gradient",
    title="Logistic regression: the gradient of the cross-entropy and one descent step",
    statement=r"""
Logistic regression on $N = 4$ scalar examples $(x_n, y_n)$, $y_n \in \{0, 1\}$:

$$\hat y_n = \sigma(w x_n + b), \quad \sigma(u) = \frac{1}{1 + e^{-u}}, \qquad
E(w, b) = -\sum_{n=1}^{N} \left[ y_n \ln \hat y_n + (1 - y_n) \ln (1 - \hat y_n) \right].$$

Take
$$x = {{x}}, \qquad y = {{y}}, \qquad w = {{w}}, \quad b = {{b}}, \quad \eta = {{eta}}.$$

1. $\partial E/\partial w$ and $\partial E/\partial b$ at this $(w, b)$.
2. One step of gradient descent with learning rate $\eta$: $w_{\text{next}}$ and
   $b_{\text{next}}$.
3. Is $E$ convex in $(w, b)$?

Give numeric answers to at least 2 decimal places.
""",
    parts=(
        Part("dE_dw", "number", "∂E/∂w"),
        Part("dE_db", "number", "∂E/∂b"),
        Part(
            "w_next",
            "number",
            "w after one gradient descent step",
            mistakes=(
                Mistake(
                    lambda w, eta, dE_dw: w + eta * dE_dw,
                    "That step goes uphill: gradient descent subtracts η ∂E/∂w.",
                ),
            ),
        ),
        Part(
            "b_next",
            "number",
            "b after one gradient descent step",
            mistakes=(
                Mistake(
                    lambda b, eta, dE_db: b + eta * dE_db,
                    "That step goes uphill: gradient descent subtracts η ∂E/∂b.",
                ),
            ),
        ),
        Part("is_convex", "boolean", "is E convex in (w, b)? (true or false)",
             mistakes=(Mistake(lambda: False, "Each term of E is −ln σ(s) or −ln(1 − σ(s)) of the "
                               "linear score s = w xₙ + b; both have second derivative σ(s)(1 − σ(s)) "
                               "≥ 0 in s, and a sum of convex functions of a linear map is convex."),)),
    ),
    default=dict(x=[0.5, 1.5, -1, 2], y=[0, 1, 0, 1], w=0.5, b=-0.2, eta=0.1),
    steps=dict(
        y_hat=lambda w, x, b: sigmoid(w * x + b),
        # ∂E/∂u_n = ŷ_n − y_n for u_n = w x_n + b, and ∂u_n/∂w = x_n, ∂u_n/∂b = 1
        dE_dw=lambda y_hat, y, x: np.sum((y_hat - y) * x),
        dE_db=lambda y_hat, y: np.sum(y_hat - y),
        w_next=lambda w, eta, dE_dw: w - eta * dE_dw,
        b_next=lambda b, eta, dE_db: b - eta * dE_db,
        # ∇²E = Σ_n ŷ_n(1 − ŷ_n) [x_n, 1]ᵀ[x_n, 1]: a sum of PSD outer products at every (w, b)
        is_convex=lambda: True,
    ),
    random=_logistic_random,
    valid=lambda v: (
        set(v.y.tolist()) == {0, 1}
        # a zero gradient would make the descent step (and the uphill mistake) trivial
        and abs(v.dE_dw) >= 0.05
        and abs(v.dE_db) >= 0.05
    ),
)
