"""Backprop through a sigmoid hidden layer and a sigmoid output."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    Mistake,
    Part,
    Problem,
    sigmoid,
)
from problems.backprop.shared import (
    FORGOT_MEAN,
    MAX_PRE_ACTIVATION,
    TWO_LAYER_DEFAULT,
    two_layer_random,
    visible,
)
from problems.fragments import LAYOUT

sigmoid_mlp_backprop = Problem(
    id="sigmoid-mlp-backprop",
    title="Backprop through a sigmoid hidden layer and a sigmoid output",
    mistake_margin=0.02,  # a mistake within rounding of the answer is not drawn
    statement=r"""
A network with one sigmoid hidden layer and a sigmoid output is trained on a batch of $m = 2$
examples. For each example $x$ (a row of $X$, used as a column vector):

$$h = \sigma(W_1 x + b_1), \qquad p = \sigma(W_2 h + b_2),$$
$$L = -\frac{1}{m} \sum_{i=1}^{m} \big[y_i \log p_i + (1 - y_i) \log(1 - p_i)\big],$$

where $\sigma(u) = 1/(1 + e^{-u})$ and $\log$ is the natural logarithm. The data and
parameters are

$$X = {{X}}, \qquad y = {{y}},$$
$$W_1 = {{W1}}, \qquad b_1 = {{b1}}, \qquad W_2 = {{W2}}, \qquad b_2 = {{b2}}.$$

1. Forward pass: $H$ (row $i$ is $h$ of example $i$), $p$ (one entry per example) and $L$.
2. Backward pass: $\partial L/\partial W_2$, $\partial L/\partial b_2$,
   $\partial L/\partial W_1$ and $\partial L/\partial b_1$.
3. In vector form, for one example with $z_1 = W_1 x + b_1$ and the number
   $\delta_2 = \partial L/\partial z_2$: write $\partial L/\partial z_1$ (a column) as an
   expression in $W_2$, $\delta_2$ and $z_1$.

""" + LAYOUT + r"""

Give numeric answers to at least 2 decimal places.
""",
    parts=(
        Part("H", "matrix", "H, row i = σ(W1 x_i + b1) (2×2 matrix)"),
        Part("p", "vector", "p, one entry per example (2 entries)"),
        Part("loss", "number", "L = −(1/m) Σ [y log p + (1 − y) log(1 − p)]"),
        Part(
            "dL_dW2",
            "matrix",
            "∂L/∂W2 (1×2 matrix)",
            mistakes=(Mistake(lambda dL_dW2, m: m * dL_dW2, FORGOT_MEAN.replace("J", "L")),),
        ),
        Part("dL_db2", "number", "∂L/∂b2 (a number)", derivative_of=("loss", "b2")),
        Part(
            "dL_dW1",
            "matrix",
            "∂L/∂W1 (2×3 matrix)",
            mistakes=(
                Mistake(
                    lambda dL_dz2, W2, X: np.outer(W2[0], dL_dz2 @ X),
                    "The hidden sigmoid is missing from the chain: multiply ∂L/∂H by "
                    "σ'(z1) = h(1 − h) before the product with X.",
                ),
            ),
        ),
        Part("dL_db1", "vector", "∂L/∂b1 (2 entries)", layout="row", derivative_of=("loss", "b1")),
        Part(
            "dL_dz1_expr",
            "expression",
            "∂L/∂z₁ for one example, in W₂, δ₂ and z₁ (a column)",
            symbols={"W_2": "1×n", "delta_2": "scalar; ∂L/∂z_2", "z_1": "n×1"},
            formula=lambda W_2, delta_2, z_1: (W_2.T * delta_2) * sigmoid(z_1) * (1 - sigmoid(z_1)),
            answer=r"(W_2^\top \delta_2) \odot \sigma(z_1) \odot (1 - \sigma(z_1))",
            mistakes=(
                Mistake(lambda W_2, delta_2, z_1: W_2.T * delta_2 * sigmoid(z_1),
                        "That multiplies by σ(z₁); the chain rule needs the sigmoid's derivative "
                        "σ′(z₁) = σ(z₁) ⊙ (1 − σ(z₁))."),
            ),
        ),
    ),
    default=TWO_LAYER_DEFAULT,
    steps=dict(
        m=lambda X: len(X),
        Z1=lambda X, W1, b1: X @ W1.T + b1,
        H=lambda Z1: sigmoid(Z1),
        z2=lambda H, W2, b2: H @ W2[0] + b2[0],
        p=lambda z2: sigmoid(z2),
        loss=lambda y, p, m: -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / m,
        dL_dz2=lambda p, y, m: (p - y) / m,
        dL_dW2=lambda dL_dz2, H: (dL_dz2 @ H)[None, :],
        dL_db2=lambda dL_dz2: np.sum(dL_dz2),
        dL_dH=lambda dL_dz2, W2: np.outer(dL_dz2, W2[0]),
        dL_dZ1=lambda dL_dH, H: dL_dH * H * (1 - H),  # σ' = σ(1 − σ)
        dL_dW1=lambda dL_dZ1, X: dL_dZ1.T @ X,
        dL_db1=lambda dL_dZ1: dL_dZ1.sum(axis=0),
    ),
    random=two_layer_random,
    valid=lambda v: (
        (v.W1 != 0).any(axis=1).all()
        and max(np.abs(v.Z1).max(), np.abs(v.z2).max()) <= MAX_PRE_ACTIVATION
        and visible(v.dL_dW2, v.dL_db2, v.dL_dW1, v.dL_db1)
    ),
)
