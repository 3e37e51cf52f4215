"""The same network with tanh hidden units instead of sigmoids."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    Part,
    Problem,
    sigmoid,
)

# Where the two networks are compared: a small integer grid (readable in feedback), then
# fixed pseudo-random points, the same for every student.
PROBE_INPUTS = np.vstack(
    [
        np.array([(a, b) for a in range(-2, 3) for b in range(-2, 3)], dtype=float),
        np.random.default_rng(20240101).uniform(-3, 3, size=(40, 2)),
    ]
)


AGREEMENT = 1e-6


def _sigmoid_net(W1, b1, W2, b2, inputs):
    """The output's pre-activation for each input row."""
    return (sigmoid(inputs @ W1.T + b1) @ W2.T + b2)[:, 0]


def _tanh_net(W1, b1, W2, b2, inputs):
    return (np.tanh(inputs @ W1.T + b1) @ W2.T + b2)[:, 0]


def _same_network(answer, W1, b1, W2, b2) -> list[str]:
    want = _sigmoid_net(W1, b1, W2, b2, PROBE_INPUTS)
    got = _tanh_net(answer["W1"], answer["b1"], answer["W2"], answer["b2"], PROBE_INPUTS)
    apart = np.abs(sigmoid(got) - sigmoid(want)) > AGREEMENT
    if not apart.any():
        return []
    offset = got - want
    if np.ptp(offset) <= 1e-9:
        return [
            f"At every input the output's pre-activation is off by the same constant "
            f"({offset.mean():.4g}): check b2′ — σ(a) = ½ + ½tanh(a/2) leaves a constant term "
            "that the output bias must absorb."
        ]
    i = int(np.argmax(apart))
    x1, x2 = PROBE_INPUTS[i]
    return [
        f"The two networks disagree: at x = ({x1:.4g}, {x2:.4g}) the sigmoid network gives "
        f"y = {sigmoid(want[i]):.4f}, yours gives y = {sigmoid(got[i]):.4f}."
    ]


def _sigmoid_tanh_random(rng: np.random.Generator) -> dict:
    return dict(
        W1=rng.integers(-4, 5, size=(2, 2)) / 2,
        b1=rng.integers(-4, 5, size=2) / 2,
        W2=rng.choice([-2, -1, 1, 2], size=(1, 2)),
        b2=rng.integers(-5, 6, size=1) / 10,
    )


sigmoid_tanh_equivalence = Problem(
    id="sigmoid-tanh-equivalence",
    title="The same network with tanh hidden units instead of sigmoids",
    statement=r"""
The logistic sigmoid and $\tanh$ are related by $\sigma(a) = \tfrac12 + \tfrac12 \tanh(a/2)$.
A network with sigmoid hidden units,

$$y = \sigma\big(W_2\, \sigma(W_1 x + b_1) + b_2\big), \qquad x \in \mathbb{R}^2,$$

has

$$W_1 = {{W1}}, \qquad b_1 = {{b1}}, \qquad W_2 = {{W2}}, \qquad b_2 = {{b2}}.$$

Find weights $W_1', b_1', W_2', b_2'$ for which the network with tanh hidden units,

$$y = \sigma\big(W_2' \tanh(W_1' x + b_1') + b_2'\big),$$

computes exactly the same function of $x$. Answer with an object
`{"W1": 2×2, "b1": 2 entries, "W2": 1×2, "b2": 1 entry}`; any such weights are right.

Give exact values (e.g. 0.25 or 1/4).
""",
    parts=(
        Part(
            "tanh_weights",
            "property",
            'the tanh network\'s weights, {"W1": 2×2, "b1": 2 entries, "W2": 1×2, "b2": 1 entry}',
            check=_same_network,
            shape={"W1": (2, 2), "b1": (2,), "W2": (1, 2), "b2": (1,)},
        ),
    ),
    default=dict(W1=[[1, -1], [2, 0.5]], b1=[0.5, -1], W2=[[1, -2]], b2=[0.3]),
    steps=dict(
        # σ(W1x + b1) = ½ + ½tanh(W1x/2 + b1/2): halve the first layer, and the ½ + ½(·) goes
        # into the second: W2σ(·) = ½W2 tanh(·) + ½ Σ_j (W2)_j
        tanh_weights=lambda W1, b1, W2, b2: dict(W1=W1 / 2, b1=b1 / 2, W2=W2 / 2, b2=b2 + W2.sum() / 2),
    ),
    random=_sigmoid_tanh_random,
    valid=lambda v: (
        v.W2.sum() != 0  # else b2′ = b2 and the constant term is invisible
        and (v.W1 != 0).any(axis=1).all()
    ),
)
