"""Backprop through two branches joined by an element-wise max."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    Mistake,
    Part,
    Problem,
    relu,
    sigmoid,
    softmax,
)
from problems.backprop.shared import MAX_PRE_ACTIVATION
from problems.fragments import LAYOUT

# A student rounds b = σ(·) to two decimals; a and b closer than this would be a tie to them,
# and the max would route the gradient to whichever branch their rounding happened to favour.
TIE_MARGIN = 0.05


def _branch_max_random(rng: np.random.Generator) -> dict:
    return dict(
        x=rng.integers(-3, 4, size=4),
        W1=rng.integers(-2, 3, size=(2, 4)),
        W21=rng.integers(-2, 3, size=(3, 2)),
        W22=rng.integers(-2, 3, size=(3, 2)),
        y=np.eye(3, dtype=int)[rng.integers(3)],
    )


branch_max_network = Problem(
    id="branch-max-network",
    title="Backprop through two branches joined by an element-wise max",
    statement=r"""
A small network sends its hidden layer through two branches and keeps, coordinate by
coordinate, the larger of the two:

$$h = \mathrm{ReLU}(W_1 x), \qquad a = \mathrm{ReLU}(W_{21} h), \qquad b = \sigma(W_{22} h),$$
$$z = \max(a, b) \ \text{(element-wise)}, \qquad \hat y = \mathrm{softmax}(z), \qquad
L = -\sum_k y_k \log \hat y_k,$$

where $\sigma(u) = 1/(1 + e^{-u})$ is the logistic sigmoid, applied element-wise, $\log$ is the
natural logarithm and $y$ is a one-hot label. The parameters are

$$x = {{x}}, \qquad W_1 = {{W1}},$$
$$W_{21} = {{W21}}, \qquad W_{22} = {{W22}}, \qquad y = {{y}}.$$

No ReLU input is exactly $0$ and $a$ and $b$ never tie, so every derivative exists.

1. Run the forward pass: $h$, $a$, $b$, $z$, $\hat y$ and the loss $L$.
2. Backpropagate: $\partial L/\partial z$, $\partial L/\partial W_{21}$,
   $\partial L/\partial W_{22}$, $\partial L/\partial h$ and $\partial L/\partial W_1$.

""" + LAYOUT + r"""

Give numeric answers to at least 2 decimal places.
""",
    parts=(
        Part("h", "vector", "h = ReLU(W1 x) (2 entries)"),
        Part("a", "vector", "a = ReLU(W21 h) (3 entries)"),
        Part("b", "vector", "b = σ(W22 h) (3 entries)"),
        Part("z", "vector", "z = max(a, b), element-wise (3 entries)"),
        Part("y_hat", "vector", "ŷ = softmax(z) (3 entries)"),
        Part("loss", "number", "L = −Σ y log ŷ"),
        Part(
            "dL_dz",
            "vector",
            "∂L/∂z (3 entries)", layout="row",
            mistakes=(
                Mistake(
                    lambda y, y_hat: y - y_hat,
                    "Sign: the gradient of softmax cross-entropy is ∂L/∂z = ŷ − y, not y − ŷ.",
                ),
            ),
        ),
        Part("dL_dW21", "matrix", "∂L/∂W21 (3×2 matrix)", derivative_of=("loss", "W21")),
        Part("dL_dW22", "matrix", "∂L/∂W22 (3×2 matrix)", derivative_of=("loss", "W22")),
        Part("dL_dh", "vector", "∂L/∂h (2 entries)", layout="row", derivative_of=("loss", "h")),
        Part("dL_dW1", "matrix", "∂L/∂W1 (2×4 matrix)", derivative_of=("loss", "W1")),
    ),
    default=dict(
        x=[1, 2, 3, 1],
        W1=[[-1, 0, 1, -1], [0, 1, 0, 0]],
        W21=[[1, 1], [1, -1], [-1, 1]],
        W22=[[2, -1], [4, -2], [-2, 1]],
        y=[0, 1, 0],
    ),
    steps=dict(
        h_pre=lambda W1, x: W1 @ x,
        h=lambda h_pre: relu(h_pre),
        a_pre=lambda W21, h: W21 @ h,
        a=lambda a_pre: relu(a_pre),
        b_pre=lambda W22, h: W22 @ h,
        b=lambda b_pre: sigmoid(b_pre),
        z=lambda a, b: np.maximum(a, b),
        y_hat=lambda z: softmax(z),
        loss=lambda y, y_hat: -np.sum(y * np.log(y_hat)),
        dL_dz=lambda y_hat, y: y_hat - y,
        # the max routes each coordinate's gradient to the larger branch only
        dL_da=lambda dL_dz, a, b: dL_dz * (a > b),
        dL_db=lambda dL_dz, a, b: dL_dz * (b > a),
        dL_da_pre=lambda dL_da, a_pre: dL_da * (a_pre > 0),
        dL_db_pre=lambda dL_db, b: dL_db * b * (1 - b),  # σ' = σ(1 − σ)
        dL_dW21=lambda dL_da_pre, h: np.outer(dL_da_pre, h),
        dL_dW22=lambda dL_db_pre, h: np.outer(dL_db_pre, h),
        dL_dh=lambda W21, dL_da_pre, W22, dL_db_pre: dL_da_pre @ W21 + dL_db_pre @ W22,
        dL_dh_pre=lambda dL_dh, h_pre: dL_dh * (h_pre > 0),
        dL_dW1=lambda dL_dh_pre, x: np.outer(dL_dh_pre, x),
    ),
    random=_branch_max_random,
    valid=lambda v: (
        (v.h_pre != 0).all()
        and (v.a_pre != 0).all()
        and v.h.any()
        and (np.abs(v.a - v.b) >= TIE_MARGIN).all()
        # like the homework's own numbers, both branches carry some of the gradient
        and (v.a > v.b).any()
        and (v.b > v.a).any()
        and max(np.abs(v.h_pre).max(), np.abs(v.a_pre).max(), np.abs(v.b_pre).max())
        <= MAX_PRE_ACTIVATION
    ),
)
