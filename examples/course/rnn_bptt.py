"""Backpropagation through time: two steps of a tiny tanh RNN."""

import numpy as np

from problems.authoring import Mistake, Part, Problem

PROBLEMS = [
    Problem(
        id="rnn-bptt",
        title="One step of backpropagation through time in a tiny RNN",
        family="recurrent networks",
        statement=r"""
A recurrent cell $h_t = \tanh(W h_{t-1} + U x_t)$ starts from $h_0 = {{h0}}$ and reads $x_1 = {{x1}}$,
$x_2 = {{x2}}$ (scalars), with $W = {{W}}$ and $U = {{U}}$ ($2 \times 2$ and $2 \times 1$). The
loss is $L = \tfrac12 \lVert h_2 - y \rVert^2$ with $y = {{y}}$.

Give $h_1$, $h_2$, $\partial L / \partial h_1$ (through $h_2$) and $\partial L / \partial W$
($2 \times 2$, summed over both steps).
""",
        parts=(
            Part("h1", "vector", "h₁ (2 entries)"),
            Part("h2", "vector", "h₂ (2 entries)"),
            Part("dL_dh1", "vector", "∂L/∂h₁ (2 entries)", layout="row", derivative_of=("loss", "h1")),
            Part("dL_dW", "matrix", "∂L/∂W (2×2)", derivative_of=("loss", "W"),
                 mistakes=(Mistake(lambda delta2, h1: np.outer(delta2, h1),
                                   "W is used at both steps: add step 1's term δ₁ h₀ᵀ, with δ₁ from ∂L/∂h₁."),
                           Mistake(lambda delta2, h1: np.outer(h1, delta2),
                                   "∂L/∂W at a step is δ hᵀ_{t−1} (outputs × inputs), not its transpose."))),
        ),
        default=dict(W=[[0.5, -1.0], [1.0, 0.5]], U=[1.0, -0.5], h0=[1.0, -1.0], x1=1.0, x2=2.0, y=[0.5, -1.0]),
        steps=dict(
            h1=lambda W, h0, U, x1: np.tanh(W @ h0 + U * x1),
            h2=lambda W, h1, U, x2: np.tanh(W @ h1 + U * x2),
            loss=lambda h2, y: 0.5 * np.sum((h2 - y) ** 2),
            delta2=lambda h2, y: (h2 - y) * (1 - h2 ** 2),  # ∂L/∂(pre-activation of step 2)
            dL_dh1=lambda W, delta2: W.T @ delta2,
            delta1=lambda dL_dh1, h1: dL_dh1 * (1 - h1 ** 2),
            dL_dW=lambda delta2, h1, delta1, h0: np.outer(delta2, h1) + np.outer(delta1, h0),
        ),
        random=lambda rng: dict(W=rng.choice([-1.0, -0.5, 0.5, 1.0], size=(2, 2)),
                                U=rng.choice([-1.0, -0.5, 0.5, 1.0], size=2), h0=rng.choice([-1.0, 1.0], size=2),
                                x1=float(rng.choice([-1.0, 1.0, 2.0])), x2=float(rng.choice([-2.0, -1.0, 1.0])),
                                y=rng.choice([-1.0, 1.0], size=2)),
        # Step 1's share of ∂L/∂W must show at two decimals, and so must a transpose.
        valid=lambda v: np.abs(np.outer(v.delta1, v.h0)).min() > 0.03 and np.abs(v.h1).min() > 0.1
        and np.abs(v.dL_dW - v.dL_dW.T).max() > 0.05,
    ),
]
