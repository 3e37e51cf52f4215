"""Convolution arithmetic and receptive fields."""

from __future__ import annotations

import numpy as np

from problems.core import EXACT, Part, Problem


def _receptive_field_random(rng: np.random.Generator) -> dict:
    return dict(
        layers=[
            dict(k=int(rng.choice([2, 3, 5])), s=int(rng.integers(1, 3)), d=int(rng.integers(1, 4)))
            for _ in range(rng.integers(3, 5))
        ]
    )


receptive_field = Problem(
    id="receptive-field",
    title="Receptive field of a stack of dilated, strided convolutions",
    family="receptive_fields",
    statement=r"""
A 1-D stack of convolution (or pooling) layers is applied to an input signal. Layer $l$ has
kernel size $k_l$, stride $s_l$ and dilation $d_l$ (a pooling layer is a layer with its own
$k$ and $s$). The layers, in order from the input:

$${{layers}}$$

The **receptive field** $r_l$ of layer $l$ is the number of consecutive input positions that
can influence one unit of layer $l$ (from the first to the last, holes included); the
**jump** $j_l$ is the distance, in input positions, between two adjacent units of layer $l$.
They follow

$$r_l = r_{l-1} + (k_l - 1)\, d_l\, j_{l-1}, \qquad j_l = j_{l-1}\, s_l, \qquad r_0 = j_0 = 1.$$

1. The receptive field after each layer, $[r_1, r_2, \dots]$.
2. The jump after each layer, $[j_1, j_2, \dots]$.
3. The receptive field of one unit of the last layer.

The answers are integers: give exact values.
""",
    parts=(
        Part("rf_per_layer", "vector", "receptive field after each layer, [r1, r2, …]", EXACT),
        Part("jump_per_layer", "vector", "jump after each layer, [j1, j2, …]", EXACT),
        Part("rf_final", "number", "receptive field of one unit of the last layer", EXACT),
    ),
    default=dict(layers=[dict(k=3, s=1, d=1), dict(k=3, s=1, d=2), dict(k=3, s=1, d=4)]),
    steps=dict(
        jump_per_layer=lambda layers: np.cumprod([layer["s"] for layer in layers]),
        # layer l widens the field by (k_l − 1) dilated taps, each j_{l−1} input positions apart
        rf_per_layer=lambda layers, jump_per_layer: 1 + np.cumsum(
            [
                (layer["k"] - 1) * layer["d"] * j_prev
                for layer, j_prev in zip(layers, [1, *jump_per_layer[:-1]])
            ]
        ),
        rf_final=lambda rf_per_layer: rf_per_layer[-1],
    ),
    random=_receptive_field_random,
)


PROBLEMS = [receptive_field]
