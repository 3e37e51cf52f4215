"""Softmax cross-entropy: gradient and Hessian in the logits."""

from __future__ import annotations

import numpy as np

from problems.authoring import Mistake, Part, Problem, softmax
from problems.fragments import LAYOUT

softmax_ce_gradient = Problem(
    id="softmax-ce-gradient",
    title="Softmax cross-entropy: gradient and Hessian in the logits",
    statement=r"""
For logits $z \in \mathbb{R}^3$ and a one-hot label $y$,

$$\hat y = \mathrm{softmax}(z), \quad \hat y_k = \frac{e^{z_k}}{\sum_j e^{z_j}}, \qquad
L = -\sum_k y_k \log \hat y_k \quad (\log \text{ is the natural logarithm}).$$

""" + LAYOUT + r""" The gradient $\nabla_z L$ is the column vector $(\partial L/\partial z)^\top$.

Take
$$z = {{z}}, \qquad y = {{y}}.$$

1. $\hat y$ (3 entries).
2. The gradient $\nabla_z L$ (3 entries).
3. The Hessian $\nabla_z^2 L$ (a $3 \times 3$ matrix).
4. Is this Hessian positive semi-definite?

Give numeric answers to at least 2 decimal places.

5. The gradient $\nabla_z L$ for any $K$, as an expression in the column vectors $\hat y$
   (type `yhat` or `\hat{y}`) and $y$.
6. The same gradient as an expression in the logits $z$ and $y$ alone.
7. The Hessian $\nabla_z^2 L = \partial \hat y/\partial z$ for any $K$ ($K \times K$), as an
   expression in the column vector $\hat y$.
""",
    parts=(
        Part("y_hat", "vector", "ŷ = softmax(z) (3 entries)"),
        Part(
            "grad_z",
            "vector",
            "∇_z L, the gradient of L in z (column vector, 3 entries)",
            layout="column",
            mistakes=(
                Mistake(
                    lambda y, y_hat: y - y_hat,
                    "Sign: the gradient of softmax cross-entropy is ∇_z L = ŷ − y, not y − ŷ.",
                ),
            ),
        ),
        Part(
            "hessian_z",
            "matrix",
            "∇²_z L, the Hessian of L in z (3×3 matrix)",
            mistakes=(
                Mistake(
                    lambda y_hat: np.diag(y_hat * (1 - y_hat)),
                    "The diagonal ŷᵢ(1 − ŷᵢ) is right, but ∂ŷᵢ/∂zⱼ = −ŷᵢŷⱼ for i ≠ j is not zero: "
                    "the Hessian is diag(ŷ) − ŷŷᵀ.",
                ),
            ),
        ),
        Part("hessian_is_psd", "boolean", "is the Hessian positive semi-definite? (true or false)",
             mistakes=(Mistake(lambda: False, "Look at the Hessian diag(ŷ) − ŷŷᵀ you found: "
                               "vᵀ(diag(ŷ) − ŷŷᵀ)v = Σ ŷᵢvᵢ² − (Σ ŷᵢvᵢ)² is a variance, never "
                               "negative."),)),
        Part(
            "grad_z_expr",
            "expression",
            "∇_z L as an expression in the column vectors yhat and y",
            symbols={"yhat": "K×1", "y": "K×1"},
            formula=lambda yhat, y: yhat - y,
            answer="yhat - y",
        ),
        Part(
            "grad_z_of_logits",
            "expression",
            "∇_z L as an expression in the column vectors z and y",
            symbols={"z": "K×1", "y": "K×1"},
            formula=lambda z, y: softmax(z) - y,
            answer="softmax(z) - y",
            mistakes=(Mistake(lambda z, y: z - y, "The gradient compares the probabilities softmax(z) "
                                                  "with y, not the logits z themselves."),),
        ),
        Part(
            "hessian_z_expr",
            "expression",
            "∇²_z L = ∂ŷ/∂z as an expression in the column vector yhat (K×K)",
            symbols={"yhat": "K×1"},
            # ∂ŷ_i/∂z_j = ŷ_i(δ_ij − ŷ_j)
            formula=lambda yhat: np.diagflat(yhat) - yhat @ yhat.T,
            answer="diag(yhat) - yhat yhat^T",
            mistakes=(
                Mistake(lambda yhat: np.diagflat(yhat * (1 - yhat)),
                        "The diagonal ŷᵢ(1 − ŷᵢ) is right, but ∂ŷᵢ/∂zⱼ = −ŷᵢŷⱼ for i ≠ j is not zero: "
                        "the off-diagonal entries are −ŷŷᵀ's."),
                Mistake(lambda yhat: np.diagflat(yhat),
                        "diag(ŷ) is only the i = j half of ∂ŷᵢ/∂zⱼ = ŷᵢ(δᵢⱼ − ŷⱼ): the −ŷᵢŷⱼ term "
                        "is missing."),
            ),
        ),
    ),
    default=dict(z=[2, 1, 0.1], y=[0, 1, 0]),
    steps=dict(
        y_hat=lambda z: softmax(z),
        # L = −z_c + log Σ_j e^{z_j} for the true class c: ∂L/∂z_k = ŷ_k − y_k
        grad_z=lambda y_hat, y: y_hat - y,
        # ∂ŷ_i/∂z_j = ŷ_i(δ_ij − ŷ_j)
        hessian_z=lambda y_hat: np.diag(y_hat) - np.outer(y_hat, y_hat),
        # vᵀ(diag(ŷ) − ŷŷᵀ)v = Σŷ_i v_i² − (Σŷ_i v_i)² ≥ 0: a variance under ŷ
        hessian_is_psd=lambda hessian_z: bool(np.linalg.eigvalsh(hessian_z).min() >= -1e-12),
    ),
    random=lambda rng: dict(
        z=rng.integers(-4, 5, size=3) / 2,
        y=np.eye(3, dtype=int)[rng.integers(3)],
    ),
    valid=lambda v: (
        sorted(v.y.tolist()) == [0, 0, 1]  # one-hot
        # equal logits are a uniform ŷ; far apart ones put all the mass on one class
        and 0 < np.ptp(v.z) <= 3
    ),
)
