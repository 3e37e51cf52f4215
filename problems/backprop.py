"""Backpropagation by hand: forward pass, then each gradient from the one above it."""

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
from problems.fragments import LAYOUT

# A student rounds b = σ(·) to two decimals; a and b closer than this would be a tie to them,
# and the max would route the gradient to whichever branch their rounding happened to favour.
TIE_MARGIN = 0.05
# Beyond this σ is 0 or 1 to two decimals and softmax puts all its mass on one class: the
# numbers stop being worth computing by hand (the homework's own are at most 3).
MAX_PRE_ACTIVATION = 6


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

# Within this of 0 a student's rounded pre-activation could sit on either side of a ReLU kink.
KINK_MARGIN = 0.05
# A gradient whose every entry is below this is 0.0 at two decimals: nothing left to compute.
VISIBLE = 0.05



def _visible(*values) -> bool:
    return all(np.abs(value).max() >= VISIBLE for value in values)



# --- mlp-bce-backprop and sigmoid-mlp-backprop: one batch of m = 2 examples, one a row of X ---

TWO_LAYER_DEFAULT = dict(
    X=[[1, 2, -1], [0, 1, 2]],
    y=[1, 0],
    W1=[[0.5, -1, 0.5], [1, 0.5, -0.5]],
    b1=[0.1, -0.2],
    W2=[[1, -1]],
    b2=[0.2],
)


NONZERO_HALVES = np.array([-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2])


def _two_layer_random(rng: np.random.Generator) -> dict:
    return dict(
        X=rng.integers(-2, 3, size=(2, 3)),
        y=rng.integers(0, 2, size=2),
        W1=rng.integers(-2, 3, size=(2, 3)) / 2,
        b1=rng.integers(-5, 6, size=2) / 10,
        W2=rng.choice(NONZERO_HALVES, size=(1, 2)),
        b2=rng.integers(-5, 6, size=1) / 10,
    )


FORGOT_MEAN = "J is the mean over the m examples: keep the factor 1/m."


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
    random=_two_layer_random,
    valid=lambda v: (
        (np.abs(v.Z1) > KINK_MARGIN).all()
        and (v.W1 != 0).any(axis=1).all()
        and max(np.abs(v.Z1).max(), np.abs(v.z2).max()) <= MAX_PRE_ACTIVATION
        # every hidden unit carries gradient for some example, and the mask matters somewhere
        and (v.Z1 > 0).any(axis=0).all()
        and (v.Z1 < 0).any()
        and _visible(v.dJ_dW2, v.dJ_db2, v.dJ_dW1, v.dJ_db1)
    ),
)



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
    random=_two_layer_random,
    valid=lambda v: (
        (v.W1 != 0).any(axis=1).all()
        and max(np.abs(v.Z1).max(), np.abs(v.z2).max()) <= MAX_PRE_ACTIVATION
        and _visible(v.dL_dW2, v.dL_db2, v.dL_dW1, v.dL_db1)
    ),
)


# --- softmax-leaky-relu-backprop ---

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
        and _visible(v.dL_da1, v.dL_dz1, v.dL_dW1, v.dL_dW2)
    ),
)


# --- batchnorm-backward ---

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
        and _visible(v.dL_dx, v.dL_dx_mean_only)
    ),
)


# --- gaussian-dropout-regularizer ---

def _gaussian_dropout_random(rng: np.random.Generator) -> dict:
    return dict(
        w=rng.choice(NONZERO_HALVES, size=3),
        x=rng.choice(NONZERO_HALVES, size=3),
        y_d=int(rng.integers(-2, 3)),
        sigma2=float(rng.choice([0.1, 0.2, 0.25, 0.5, 1])),
    )



gaussian_dropout_regularizer = Problem(
    id="gaussian-dropout-regularizer",
    title="Gaussian dropout on a linear unit is an L2 penalty in expectation",
    mistake_margin=0.02,  # a mistake within rounding of the answer is not drawn
    statement=r"""
A linear unit predicts $\sum_k w_k x_k$ for a target $y_d$. Gaussian dropout multiplies each
input by independent noise $\delta_k \sim \mathcal{N}(1, \sigma^2)$, so the cost becomes

$$J = \tfrac{1}{2}\Big(y_d - \sum_k \delta_k w_k x_k\Big)^2.$$

Take

$$w = {{w}}, \qquad x = {{x}}, \qquad y_d = {{y_d}}, \qquad \sigma^2 = {{sigma2}}.$$

1. $J_{\text{plain}}$: the cost without noise ($\delta_k = 1$ for all $k$).
2. The penalty $\mathbb{E}[J] - J_{\text{plain}}$ that the noise adds.
3. $\mathbb{E}[J]$, the expectation over the noise.
4. The gradient of $\mathbb{E}[J]$ with respect to $w$.

A gradient is a column vector (the transpose of the row-vector derivative
$\partial \mathbb{E}[J]/\partial w$); you may enter it as a flat list.

Give numeric answers to at least 2 decimal places.
""",
    parts=(
        Part("J_plain", "number", "J without noise, ½(y_d − Σ w_k x_k)²"),
        Part(
            "penalty",
            "number",
            "the penalty E[J] − J_plain that the noise adds",
            mistakes=(
                Mistake(
                    lambda sigma2, prediction: 0.5 * sigma2 * prediction**2,
                    "The δ_k are independent, so the variances add: Var[Σ δ_k w_k x_k] = "
                    "σ² Σ w_k² x_k², not σ² (Σ w_k x_k)² (that would be one noise shared by all inputs).",
                ),
            ),
        ),
        Part("J_expected", "number", "E[J] over the noise"),
        Part(
            "dJ_dw_expected",
            "vector",
            "the gradient of E[J] in w (3 entries, a column vector)",
            layout="column",
            mistakes=(
                Mistake(
                    lambda y_d, prediction, x: -(y_d - prediction) * x,
                    "This is the gradient without the noise: E[J] also has the penalty "
                    "½σ² Σ w_k² x_k², whose gradient adds σ² w_k x_k².",
                ),
            ),
        ),
    ),
    default=dict(w=[0.5, -1, 2], x=[1, 2, 0.5], y_d=1, sigma2=0.25),
    steps=dict(
        prediction=lambda w, x: w @ x,  # the noise-free prediction is also E[Σ δ_k w_k x_k]
        J_plain=lambda y_d, prediction: 0.5 * (y_d - prediction) ** 2,
        # E[(y_d − P)²] = (y_d − E[P])² + Var[P], and Var[P] = σ² Σ w_k² x_k² (δ_k independent)
        penalty=lambda sigma2, w, x: 0.5 * sigma2 * np.sum(w**2 * x**2),
        J_expected=lambda J_plain, penalty: J_plain + penalty,
        dJ_dw_expected=lambda y_d, prediction, x, sigma2, w: -(y_d - prediction) * x + sigma2 * w * x**2,
    ),
    random=_gaussian_dropout_random,
    valid=lambda v: (
        abs(v.y_d - v.prediction) >= 0.25
        and v.penalty >= VISIBLE
        and _visible(v.dJ_dw_expected)
    ),
)

PROBLEMS = [
    branch_max_network,
    mlp_bce_backprop,
    sigmoid_mlp_backprop,
    softmax_leaky_relu_backprop,
    batchnorm_backward,
    gaussian_dropout_regularizer,
]
