"""Backprop through a ReLU layer and a sigmoid output with mean binary cross-entropy."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    Mistake,
    Part,
    Problem,
    relu,
    sigmoid,
)
from problems.backprop.shared import (
    FORGOT_MEAN,
    KINK_MARGIN,
    MAX_PRE_ACTIVATION,
    TWO_LAYER_DEFAULT,
    two_layer_random,
    visible,
)
from problems.fragments import LAYOUT

mlp_bce_backprop = Problem(
    id="mlp-bce-backprop",
    title="Backprop through a ReLU layer and a sigmoid output with mean binary cross-entropy",
    mistake_margin=0.02,  # a mistake within rounding of the answer is not drawn
    statement=r"""
A network with one ReLU hidden layer and a sigmoid output is trained on a batch of $m = 2$
examples. For each example $x$ (a row of $X$, used as a column vector):

$$z_1 = W_1 x + b_1, \qquad a_1 = \mathrm{ReLU}(z_1), \qquad z_2 = W_2 a_1 + b_2, \qquad
\hat y = \sigma(z_2),$$

and the cost is the mean binary cross-entropy over the batch,

$$J = \frac{1}{m} \sum_{i=1}^{m} -\big[y_i \log \hat y_i + (1 - y_i) \log(1 - \hat y_i)\big],$$

where $\sigma(u) = 1/(1 + e^{-u})$ and $\log$ is the natural logarithm. The data and parameters are

$$X = {{X}}, \qquad y = {{y}},$$
$$W_1 = {{W1}}, \qquad b_1 = {{b1}}, \qquad W_2 = {{W2}}, \qquad b_2 = {{b2}}.$$

No ReLU input is $0$, so every derivative exists.

1. Forward pass: $Z_1$ (row $i$ is $z_1$ of example $i$), $A_1 = \mathrm{ReLU}(Z_1)$,
   $\hat y$ (one entry per example) and $J$.
2. Backward pass: $\partial J/\partial \hat y$ and $\partial J/\partial z_2$ (one entry per
   example), $\partial J/\partial W_2$, $\partial J/\partial b_2$, $\partial J/\partial W_1$
   and $\partial J/\partial b_1$.
3. In vector form, for one example's loss $L$ with the number $\delta_2 = \partial L/\partial z_2$:
   write $\partial L/\partial z_1$ (a column) as an expression in $W_2$, $\delta_2$ and $z_1$;
   then, with the column $\delta_1 = \partial L/\partial z_1$, write $\partial L/\partial W_1$
   as an expression in $\delta_1$ and $x$.

""" + LAYOUT + r"""

Give numeric answers to at least 2 decimal places.
""",
    parts=(
        Part("Z1", "matrix", "Z1, row i = W1 x_i + b1 (2×2 matrix)"),
        Part("A1", "matrix", "A1 = ReLU(Z1) (2×2 matrix)"),
        Part("y_hat", "vector", "ŷ, one entry per example (2 entries)"),
        Part("J", "number", "J = (1/m) Σ_i BCE(y_i, ŷ_i)"),
        Part(
            "dJ_dyhat",
            "vector",
            "∂J/∂ŷ (2 entries, one per example)", layout="row",
            mistakes=(Mistake(lambda dJ_dyhat, m: m * dJ_dyhat, FORGOT_MEAN),),
        ),
        Part(
            "dJ_dz2",
            "vector",
            "∂J/∂z2 (2 entries, one per example)", layout="row",
            mistakes=(
                Mistake(lambda y_hat, y: y_hat - y, FORGOT_MEAN + " ∂J/∂z2 = (ŷ − y)/m."),
                Mistake(
                    lambda y_hat, y, m: (y - y_hat) / m,
                    "Sign: for a sigmoid output with binary cross-entropy, ∂J/∂z2 = (ŷ − y)/m, "
                    "not (y − ŷ)/m.",
                ),
            ),
        ),
        Part(
            "dJ_dW2",
            "matrix",
            "∂J/∂W2 (1×2 matrix)",
            mistakes=(Mistake(lambda dJ_dW2, m: m * dJ_dW2, FORGOT_MEAN),),
        ),
        Part("dJ_db2", "number", "∂J/∂b2 (a number)", derivative_of=("J", "b2")),
        Part(
            "dJ_dW1",
            "matrix",
            "∂J/∂W1 (2×3 matrix)",
            mistakes=(
                Mistake(
                    lambda dJ_dz2, W2, X: np.outer(W2[0], dJ_dz2 @ X),
                    "The ReLU passes gradient only where its input is positive: multiply "
                    "∂J/∂A1 by the mask 1[Z1 > 0] before the product with X.",
                ),
            ),
        ),
        Part("dJ_db1", "vector", "∂J/∂b1 (2 entries)", layout="row", derivative_of=("J", "b1")),
        Part(
            "dL_dz1_expr",
            "expression",
            "∂L/∂z₁ for one example, in W₂, δ₂ and z₁ (a column)",
            symbols={"W_2": "1×n", "delta_2": "scalar; ∂L/∂z_2", "z_1": "n×1"},
            # ReLU′(z₁) is the indicator of z₁ > 0, entry by entry
            formula=lambda W_2, delta_2, z_1: (W_2.T * delta_2) * (z_1 > 0),
            answer=r"(W_2^\top \delta_2) \odot 1[z_1 > 0]",
            mistakes=(
                Mistake(lambda W_2, delta_2: W_2.T * delta_2,
                        "ReLU's derivative is missing from the chain: multiply W₂ᵀδ₂ entry by entry "
                        "by 1[z₁ > 0]."),
                Mistake(lambda W_2, delta_2, z_1: W_2.T * delta_2 * relu(z_1),
                        "That multiplies by ReLU(z₁); the chain rule needs its derivative, the "
                        "indicator 1[z₁ > 0]."),
            ),
        ),
        Part(
            "dL_dW1_expr",
            "expression",
            "∂L/∂W₁ for one example, in δ₁ (a column) and x (Da×Dx)",
            symbols={"delta_1": "n×1; ∂L/∂z_1", "x": "d×1"},
            # z₁ = W₁x + b₁: each row i of W₁ meets x through δ₁ᵢ, an outer product
            formula=lambda delta_1, x: delta_1 @ x.T,
            answer=r"\delta_1 x^\top",
        ),
    ),
    default=TWO_LAYER_DEFAULT,
    steps=dict(
        m=lambda X: len(X),
        Z1=lambda X, W1, b1: X @ W1.T + b1,  # row i: W1 x_i + b1
        A1=lambda Z1: relu(Z1),
        z2=lambda A1, W2, b2: A1 @ W2[0] + b2[0],
        y_hat=lambda z2: sigmoid(z2),
        J=lambda y, y_hat, m: -np.sum(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)) / m,
        dJ_dyhat=lambda y, y_hat, m: (-y / y_hat + (1 - y) / (1 - y_hat)) / m,
        # σ'(z2) = ŷ(1 − ŷ) cancels the denominators of ∂J/∂ŷ
        dJ_dz2=lambda y_hat, y, m: (y_hat - y) / m,
        dJ_dW2=lambda dJ_dz2, A1: (dJ_dz2 @ A1)[None, :],
        dJ_db2=lambda dJ_dz2: np.sum(dJ_dz2),
        dJ_dA1=lambda dJ_dz2, W2: np.outer(dJ_dz2, W2[0]),
        dJ_dZ1=lambda dJ_dA1, Z1: dJ_dA1 * (Z1 > 0),
        dJ_dW1=lambda dJ_dZ1, X: dJ_dZ1.T @ X,
        dJ_db1=lambda dJ_dZ1: dJ_dZ1.sum(axis=0),
    ),
    random=two_layer_random,
    valid=lambda v: (
        (np.abs(v.Z1) > KINK_MARGIN).all()
        and (v.W1 != 0).any(axis=1).all()
        and max(np.abs(v.Z1).max(), np.abs(v.z2).max()) <= MAX_PRE_ACTIVATION
        # every hidden unit carries gradient for some example, and the mask matters somewhere
        and (v.Z1 > 0).any(axis=0).all()
        and (v.Z1 < 0).any()
        and visible(v.dJ_dW2, v.dJ_db2, v.dJ_dW1, v.dJ_db1)
    ),
)
