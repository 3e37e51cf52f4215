"""An upper bound on the Lipschitz constant of a multilayer network."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    Mistake,
    Part,
    Problem,
)

# sup |φ'| of the activations a layer may have
ACTIVATION_LIPSCHITZ = {"identity": 1.0, "relu": 1.0, "tanh": 1.0, "sigmoid": 0.25}


def _network_random(rng: np.random.Generator) -> dict:
    depth = int(rng.integers(2, 4))
    return dict(
        weights=[rng.integers(-3, 4, size=(2, 2)) for _ in range(depth - 1)]
        + [rng.integers(-3, 4, size=(1, 2))],
        activations=[str(rng.choice(["relu", "sigmoid", "tanh"])) for _ in range(depth - 1)] + ["identity"],
    )


lipschitz_network_bound = Problem(
    id="lipschitz-network-bound",
    title="An upper bound on the Lipschitz constant of a multilayer network",
    statement=r"""
A network applies, layer after layer, $x \mapsto \varphi_i(W_i x)$ (no biases): the weight
matrices $W_1, W_2, \dots$ and the activations $\varphi_i$ (identity means none) are

$${{weights}}$$

$$[\varphi_1, \varphi_2, \dots]^\top = {{activations}}.$$

With the Euclidean norm, the network's Lipschitz constant is at most

$$L \le \prod_i \|W_i\|_2 \, L_{\varphi_i},$$

where $\|W\|_2$ is the spectral norm (largest singular value) and $L_\varphi$ the Lipschitz
constant of the activation.

1. Each layer's factor $\|W_i\|_2\, L_{\varphi_i}$, in order.
2. The bound on $L$.

Give numeric answers to at least 2 decimal places.
""",
    mistake_margin=0.02,  # a mistake within rounding of the answer is not drawn
    parts=(
        Part(
            "layer_constants",
            "vector",
            "‖W_i‖₂ · L_φi for each layer i, in order",
            mistakes=(
                Mistake(
                    lambda weights, activation_constants: [
                        np.sqrt(np.sum(W**2)) for W in weights
                    ] * activation_constants,
                    "This uses the Frobenius norm: the Lipschitz constant of x ↦ Wx in the 2-norm is "
                    "the spectral norm ‖W‖₂ = σ_max(W), which is at most ‖W‖_F.",
                ),
                Mistake(
                    lambda spectral_norms: spectral_norms,
                    "Each layer's constant is ‖W_i‖₂ times its activation's Lipschitz constant "
                    "(the sigmoid's is 1/4).",
                ),
            ),
        ),
        Part("total_bound", "number", "the bound Π_i ‖W_i‖₂ · L_φi on the network's Lipschitz constant"),
    ),
    default=dict(
        weights=[[[1, 2], [0, 1]], [[3, 0], [4, 5]], [[1, -1]]],
        activations=["relu", "sigmoid", "identity"],
    ),
    steps=dict(
        spectral_norms=lambda weights: np.array([np.linalg.norm(W, 2) for W in weights]),
        activation_constants=lambda activations: np.array([ACTIVATION_LIPSCHITZ[a] for a in activations]),
        layer_constants=lambda spectral_norms, activation_constants: spectral_norms * activation_constants,
        # a composition's constant is at most the product of its parts' constants
        total_bound=lambda layer_constants: np.prod(layer_constants),
    ),
    random=_network_random,
    valid=lambda v: (
        all(np.any(W != 0) for W in v.weights)
        and v.total_bound >= 0.05
    ),
)
