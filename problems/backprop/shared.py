"""What several backprop problems share."""

from __future__ import annotations

import numpy as np

# Beyond this σ is 0 or 1 to two decimals and softmax puts all its mass on one class: the
# numbers stop being worth computing by hand (the homework's own are at most 3).
MAX_PRE_ACTIVATION = 6


# Within this of 0 a student's rounded pre-activation could sit on either side of a ReLU kink.
KINK_MARGIN = 0.05


# A gradient whose every entry is below this is 0.0 at two decimals: nothing left to compute.
VISIBLE = 0.05


def visible(*values) -> bool:
    return all(np.abs(value).max() >= VISIBLE for value in values)


TWO_LAYER_DEFAULT = dict(
    X=[[1, 2, -1], [0, 1, 2]],
    y=[1, 0],
    W1=[[0.5, -1, 0.5], [1, 0.5, -0.5]],
    b1=[0.1, -0.2],
    W2=[[1, -1]],
    b2=[0.2],
)


NONZERO_HALVES = np.array([-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2])


def two_layer_random(rng: np.random.Generator) -> dict:
    return dict(
        X=rng.integers(-2, 3, size=(2, 3)),
        y=rng.integers(0, 2, size=2),
        W1=rng.integers(-2, 3, size=(2, 3)) / 2,
        b1=rng.integers(-5, 6, size=2) / 10,
        W2=rng.choice(NONZERO_HALVES, size=(1, 2)),
        b2=rng.integers(-5, 6, size=1) / 10,
    )


FORGOT_MEAN = "J is the mean over the m examples: keep the factor 1/m."
