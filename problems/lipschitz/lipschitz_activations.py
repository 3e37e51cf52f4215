"""Lipschitz constants of activation functions."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    EXACT,
    Mistake,
    Part,
    Problem,
)


def _activations_random(rng: np.random.Generator) -> dict:
    # mostly the usual 0 < α < 1, sometimes a slope steeper than the identity's
    if rng.random() < 0.7:
        return dict(alpha=int(rng.integers(1, 100)) / 100)
    return dict(alpha=int(rng.integers(101, 301)) / 100)


lipschitz_activations = Problem(
    id="lipschitz-activations",
    title="Lipschitz constants of activation functions",
    statement=r"""
For each activation $\varphi: \mathbb{R} \to \mathbb{R}$ below, find its Lipschitz constant:
the smallest $L$ with

$$|\varphi(a) - \varphi(b)| \le L\, |a - b| \quad \text{for all } a, b \in \mathbb{R}.$$

1. $\mathrm{ReLU}(a) = \max(0, a)$.
2. $\tanh(a)$.
3. The logistic sigmoid $\sigma(a) = 1/(1 + e^{-a})$.
4. The leaky ReLU with slope $\alpha = {{alpha}}$ for negative inputs: $a$ for $a > 0$,
   $\alpha a$ for $a \le 0$.
5. $\mathrm{softplus}(a) = \log(1 + e^{a})$.

Give exact values (e.g. $1/4$ or $0.25$).
""",
    parts=(
        Part("relu", "number", "L for ReLU(a) = max(0, a)", EXACT),
        Part("tanh", "number", "L for tanh", EXACT),
        Part(
            "sigmoid",
            "number",
            "L for σ(a) = 1/(1 + e^(−a))",
            EXACT,
            mistakes=(
                Mistake(
                    lambda: 1.0,
                    "σ'(a) = σ(a)(1 − σ(a)) is at most 1/4, reached at a = 0; 1 is the bound of "
                    "tanh', not of σ'.",
                ),
            ),
        ),
        Part(
            "leaky_relu",
            "number",
            "L for the leaky ReLU with slope α on negative inputs",
            EXACT,
            mistakes=(
                Mistake(
                    lambda alpha: min(1.0, abs(alpha)),
                    "L is the steeper of the two slopes, max(1, |α|), not the gentler one.",
                ),
            ),
        ),
        Part("softplus", "number", "L for softplus(a) = log(1 + e^a)", EXACT),
    ),
    default=dict(alpha=0.1),
    steps=dict(
        # For a differentiable φ (or piecewise), L = sup |φ'|.
        relu=lambda: 1.0,  # φ' is 0 or 1
        tanh=lambda: 1.0,  # φ' = 1 − tanh², largest at 0
        sigmoid=lambda: 0.25,  # φ' = σ(1 − σ), largest at 0 where σ = ½
        leaky_relu=lambda alpha: max(1.0, abs(alpha)),  # φ' is 1 or α
        softplus=lambda: 1.0,  # φ' = σ(a) < 1, approaching 1 as a → ∞
    ),
    random=_activations_random,
    valid=lambda v: v.alpha != 1,
)
