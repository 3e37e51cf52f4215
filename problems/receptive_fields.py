"""Convolution arithmetic and receptive fields."""

from __future__ import annotations

import numpy as np

from problems.authoring import EXACT, Mistake, Part, Problem, Recurrence


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

4. For three stride-1 layers of the same kernel size $K$ and dilations $d_1, d_2, d_3$: the
   receptive field of the last layer as an expression in `K`, `d1`, `d2`, `d3`.
""",
    parts=(
        Part("rf_per_layer", "vector", "receptive field after each layer, [r1, r2, …]", EXACT),
        Part("jump_per_layer", "vector", "jump after each layer, [j1, j2, …]", EXACT),
        Part("rf_final", "number", "receptive field of one unit of the last layer", EXACT),
        Part(
            "rf_expr",
            "expression",
            "receptive field of three stride-1 layers of kernel K, in K, d1, d2, d3",
            symbols={"K": "integer in [2, 9]", "d1": "positive integer",
                     "d2": "positive integer", "d3": "positive integer"},
            # every jump is 1: each layer adds (K − 1)d_l
            formula=lambda K, d1, d2, d3: 1 + (K - 1) * (d1 + d2 + d3),
            answer="1 + (K - 1)(d1 + d2 + d3)",
            mistakes=(
                Mistake(lambda K, d1, d2, d3: (K - 1) * (d1 + d2 + d3),
                        "Start from r_0 = 1: one unit sees one input position before any layer."),
            ),
        ),
    ),
    default=dict(layers=[dict(k=3, s=1, d=1), dict(k=3, s=1, d=2), dict(k=3, s=1, d=4)]),
    steps=dict(
        # j_l = j_{l−1}·s_l, j_0 = 1
        jump_per_layer=Recurrence(
            lambda jump_per_layer, layers, t: jump_per_layer * layers[t - 1]["s"],
            rows="layers", start=1.0, each="layer",
        ),
        jump_before=lambda jump_per_layer: np.array([1.0, *jump_per_layer[:-1]]),  # j_{l−1}
        # r_l = r_{l−1} + (k_l − 1)·d_l·j_{l−1}, r_0 = 1: (k_l − 1) dilated taps, j_{l−1} apart
        rf_per_layer=Recurrence(
            lambda rf_per_layer, layers, jump_before, t: (
                rf_per_layer + (layers[t - 1]["k"] - 1) * layers[t - 1]["d"] * jump_before[t - 1]
            ),
            rows="layers",
            start=1.0,
            each="layer",
        ),
        rf_final=lambda rf_per_layer: rf_per_layer[-1],
    ),
    random=_receptive_field_random,
)


def _effective_kernel(layer: dict) -> int:
    # k taps with d − 1 holes between neighbours
    return layer["k"] + (layer["k"] - 1) * (layer["d"] - 1)


def _sizes_ignoring_dilation(n: float, layers: list[dict]) -> list[float]:
    sizes = []
    for layer in layers:
        n = (n + 2 * layer["p"] - layer["k"]) // layer["s"] + 1
        sizes.append(n)
    return sizes


def _conv_output_size_random(rng: np.random.Generator) -> dict:
    size = int(rng.choice([16, 20, 24, 28, 32]))
    return dict(
        input=[size, size, int(rng.choice([1, 3]))],
        layers=[
            dict(
                k=int(rng.choice([2, 3, 5])),
                s=int(rng.integers(1, 3)),
                p=int(rng.integers(0, 3)),
                d=int(rng.integers(1, 4)),
                c_out=int(rng.choice([4, 8, 16, 32, 64])),
            )
            for _ in range(rng.integers(3, 5))
        ],
    )


conv_output_size = Problem(
    id="conv-output-size",
    title="Output sizes, dilated kernels and parameter counts of a stack of convolutions",
    statement=r"""
An input image of height $H$, width $W$ and $C$ channels, $[H, W, C]^\top = {{input}}$, goes
through a stack of 2-D convolutions. Layer $l$ has a $k_l \times k_l$ kernel, stride $s_l$, zero
padding $p_l$ (added on every side), dilation $d_l$ and $c_{\mathrm{out}}$ output channels (the
table's last column); it sees all the channels of the layer below and has one bias per output
channel.
The layers, in order from the input:

$${{layers}}$$

With dilation $d$ the kernel's $k$ taps are $d$ positions apart. A window that would stick out
past the padded input is not computed.

1. The spatial size (height = width) of each layer's output, $[n_1, n_2, \dots]$.
2. The effective kernel size of each layer: how many input positions, from the first tap to
   the last, one dilated kernel spans.
3. The number of trainable parameters (weights and biases) of each layer.

The answers are integers: give exact values.

4. For an input of size $i$ and three stride-1 unpadded layers with kernel sizes $K_1, K_2, K_3$,
   the last one dilated by $n$ (the others not): the final output size as an expression in `i`,
   `K1`, `K2`, `K3` and `n`.
""",
    parts=(
        Part(
            "output_sizes",
            "vector",
            "output spatial size after each layer, [n1, n2, …]",
            EXACT,
            mistakes=(
                Mistake(
                    lambda input, layers: _sizes_ignoring_dilation(input[0], layers),
                    "These sizes ignore the dilation: a dilated kernel spans "
                    "k + (k − 1)(d − 1) input positions, not k.",
                ),
            ),
        ),
        Part(
            "effective_kernels",
            "vector",
            "effective (dilated) kernel size of each layer",
            EXACT,
            mistakes=(
                Mistake(
                    lambda layers: [layer["k"] * layer["d"] for layer in layers],
                    "k·d counts d − 1 positions too many: the holes sit only between the k "
                    "taps, so the span is k + (k − 1)(d − 1).",
                ),
            ),
        ),
        Part(
            "param_counts",
            "vector",
            "trainable parameters of each layer",
            EXACT,
            mistakes=(
                Mistake(
                    lambda layers, channels_in: [
                        layer["k"] ** 2 * c_in * layer["c_out"] for layer, c_in in zip(layers, channels_in)
                    ],
                    "Each output channel also has a bias: add c_out.",
                ),
            ),
        ),
        Part(
            "output_size_expr",
            "expression",
            "output size of three stride-1 unpadded layers, the last dilated by n, in i, K1, K2, "
            "K3, n",
            symbols={"i": "integer in [40, 64]", "K1": "integer in [1, 7]",
                     "K2": "integer in [1, 7]", "K3": "integer in [1, 7]",
                     "n": "positive integer"},
            # each layer takes away its effective kernel minus one: K1 − 1, K2 − 1, n(K3 − 1)
            formula=lambda i, K1, K2, K3, n: i - K1 - K2 - n * K3 + n + 2,
            answer="i - K1 - K2 - n K3 + n + 2",
            mistakes=(
                Mistake(lambda i, K1, K2, K3: i - K1 - K2 - K3 + 3,
                        "This ignores the dilation: the last kernel spans n(K3 − 1) + 1 inputs."),
            ),
        ),
    ),
    default=dict(
        input=[32, 32, 3],
        layers=[
            dict(k=3, s=1, p=0, d=1, c_out=16),
            dict(k=3, s=1, p=0, d=1, c_out=32),
            dict(k=3, s=1, p=0, d=2, c_out=64),
        ],
    ),
    steps=dict(
        effective_kernels=lambda layers: np.array([_effective_kernel(layer) for layer in layers]),
        # n_l = ⌊(n_{l−1} + 2p − k_eff)/s⌋ + 1: the number of window positions that fit
        output_sizes=Recurrence(
            lambda output_sizes, layers, effective_kernels, t: (
                output_sizes + 2 * layers[t - 1]["p"] - effective_kernels[t - 1]
            ) // layers[t - 1]["s"] + 1,
            rows="layers",
            start=lambda input: input[0],
            each="layer",
        ),
        channels_in=lambda input, layers: np.array([input[2], *(layer["c_out"] for layer in layers[:-1])]),
        # k·k weights per input channel per output channel, plus one bias per output channel
        param_counts=lambda layers, channels_in: np.array(
            [layer["k"] ** 2 * c_in * layer["c_out"] + layer["c_out"] for layer, c_in in zip(layers, channels_in)]
        ),
    ),
    random=_conv_output_size_random,
    valid=lambda v: (
        (v.output_sizes >= 1).all()
        # a real mix: some stride 2, some dilation, some padding
        and any(layer["s"] == 2 for layer in v.layers)
        and any(layer["d"] > 1 for layer in v.layers)
        and any(layer["p"] > 0 for layer in v.layers)
        # no window made mostly of padding
        and all(2 * layer["p"] <= k_eff for layer, k_eff in zip(v.layers, v.effective_kernels))
    ),
)


PROBLEMS = [receptive_field, conv_output_size]
