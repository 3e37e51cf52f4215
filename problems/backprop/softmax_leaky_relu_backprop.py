"""Backprop through a leaky-ReLU layer into softmax cross-entropy."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    Mistake,
    Part,
    Problem,
    softmax,
)
from problems.backprop.shared import KINK_MARGIN, MAX_PRE_ACTIVATION, visible
from problems.fragments import LAYOUT

LEAKY_SLOPE = 0.1


def _leaky_relu_slope(z1: np.ndarray) -> np.ndarray:
    return np.where(z1 > 0, 1.0, LEAKY_SLOPE)


def _softmax_leaky_random(rng: np.random.Generator) -> dict:
    return dict(
        x=rng.choice([-2, -1, 1, 2], size=2),
        W1=rng.integers(-2, 3, size=(3, 2)) / 2,
        b1=rng.integers(-5, 6, size=3) / 10,
        W2=rng.integers(-2, 3, size=(3, 3)) / 2,
        b2=rng.integers(-2, 3, size=3) / 10,
        y=np.eye(3, dtype=int)[rng.integers(3)],
    )


RELU_NOT_LEAKY = (
    "A leaky ReLU passes 0.1 × the gradient where z1 < 0, not 0: its derivative is 1 for "
    "z1 > 0 and 0.1 for z1 < 0."
)


SLOPE_0_01 = "This problem's leaky ReLU has slope 0.1 for z1 < 0, not 0.01."


softmax_leaky_relu_backprop = Problem(
    id="softmax-leaky-relu-backprop",
    title="Backprop through a leaky-ReLU layer into softmax cross-entropy",
    mistake_margin=0.02,  # a mistake within rounding of the answer is not drawn
    statement=r"""
A classifier with one hidden layer of leaky ReLUs (slope $0.1$ for negative inputs) and a
softmax output:

$$z_1 = W_1 x + b_1, \qquad a_1 = \mathrm{LeakyReLU}(z_1), \qquad z_2 = W_2 a_1 + b_2,$$
$$\hat y = \mathrm{softmax}(z_2), \qquad L = -\sum_k y_k \log \hat y_k,$$

where $\mathrm{LeakyReLU}(u) = u$ for $u > 0$ and $0.1\,u$ for $u \le 0$, element-wise, $\log$ is
the natural logarithm and $y$ is a one-hot label. The parameters are

$$x = {{x}}, \qquad W_1 = {{W1}}, \qquad b_1 = {{b1}},$$
$$W_2 = {{W2}}, \qquad b_2 = {{b2}}, \qquad y = {{y}}.$$

No entry of $z_1$ is $0$, so every derivative exists.

1. The prediction $\hat y$.
2. Backpropagate: $\partial L/\partial z_2$, $\partial L/\partial a_1$,
   $\partial L/\partial z_1$, $\partial L/\partial W_1$, $\partial L/\partial b_1$,
   $\partial L/\partial W_2$ and $\partial L/\partial b_2$.

""" + LAYOUT + r"""

Give numeric answers to at least 2 decimal places.
""",
    parts=(
        Part("y_hat", "vector", "ŷ = softmax(z2) (3 entries)"),
        Part(
            "dL_dz2",
            "vector",
            "∂L/∂z2 (3 entries)", layout="row",
            mistakes=(
                Mistake(
                    lambda y, y_hat: y - y_hat,
                    "Sign: the gradient of softmax cross-entropy is ∂L/∂z2 = ŷ − y, not y − ŷ.",
                ),
            ),
        ),
        Part(
            "dL_da1",
            "vector",
            "∂L/∂a1 (3 entries)", layout="row",
            mistakes=(
                Mistake(
                    lambda W2, dL_dz2: W2 @ dL_dz2,
                    "z2 = W2 a1 + b2, so ∂L/∂a1 = (∂L/∂z2) W2 — as a column, W2ᵀ(ŷ − y), not "
                    "W2(ŷ − y).",
                ),
            ),
        ),
        Part(
            "dL_dz1",
            "vector",
            "∂L/∂z1 (3 entries)", layout="row",
            mistakes=(
                Mistake(lambda dL_da1, z1: dL_da1 * (z1 > 0), RELU_NOT_LEAKY),
                Mistake(lambda dL_da1, z1: dL_da1 * np.where(z1 > 0, 1.0, 0.01), SLOPE_0_01),
            ),
        ),
        Part(
            "dL_dW1",
            "matrix",
            "∂L/∂W1 (3×2 matrix)",
            mistakes=(Mistake(lambda dL_da1, z1, x: np.outer(dL_da1 * (z1 > 0), x), RELU_NOT_LEAKY),),
        ),
        Part(
            "dL_db1",
            "vector",
            "∂L/∂b1 (3 entries)", layout="row",
            mistakes=(Mistake(lambda dL_da1, z1: dL_da1 * (z1 > 0), RELU_NOT_LEAKY),),
        ),
        Part("dL_dW2", "matrix", "∂L/∂W2 (3×3 matrix)", derivative_of=("L", "W2")),
        Part("dL_db2", "vector", "∂L/∂b2 (3 entries)", layout="row", derivative_of=("L", "b2")),
    ),
    default=dict(
        x=[1, -2],
        W1=[[1, 0.5], [-1, 1], [0.5, 0.5]],
        b1=[0.2, 0.5, -0.5],
        W2=[[1, -1, 0], [0.5, 0.5, 1], [-1, 0, 1]],
        b2=[0, 0, 0],
        y=[0, 0, 1],
    ),
    steps=dict(
        z1=lambda W1, x, b1: W1 @ x + b1,
        a1=lambda z1: np.where(z1 > 0, z1, LEAKY_SLOPE * z1),
        z2=lambda W2, a1, b2: W2 @ a1 + b2,
        y_hat=lambda z2: softmax(z2),
        L=lambda y, y_hat: -np.sum(y * np.log(y_hat)),
        dL_dz2=lambda y_hat, y: y_hat - y,
        dL_da1=lambda dL_dz2, W2: dL_dz2 @ W2,
        dL_dz1=lambda dL_da1, z1: dL_da1 * _leaky_relu_slope(z1),
        dL_dW1=lambda dL_dz1, x: np.outer(dL_dz1, x),
        dL_db1=lambda dL_dz1: dL_dz1,
        dL_dW2=lambda dL_dz2, a1: np.outer(dL_dz2, a1),
        dL_db2=lambda dL_dz2: dL_dz2,
    ),
    random=_softmax_leaky_random,
    valid=lambda v: (
        (np.abs(v.z1) > KINK_MARGIN).all()
        and max(np.abs(v.z1).max(), np.abs(v.z2).max()) <= MAX_PRE_ACTIVATION
        and (v.z1 < 0).any()  # the leaky slope is used
        and visible(v.dL_da1, v.dL_dz1, v.dL_dW1, v.dL_dW2)
    ),
)
