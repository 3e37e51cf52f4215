"""conv-output-size against a real convolution: explicit loops over a zero-padded input, windows
s apart whose taps are d apart, weights of the shape each layer needs. Output sizes and parameter
counts are read off the arrays; effective kernels are measured with impulses."""

from fractions import Fraction

import numpy as np
import pytest

from graders.grade import grade
from problems.core import as_arrays, params_for, run_steps, solution
from problems.receptive_fields import conv_output_size as problem
from problems.statement import render

SEEDS = range(25)
VARIANTS = ["default", *SEEDS]


def window_starts(length, k, s, d):
    """Start of every window that fits: its last tap, k − 1 steps of d further, is inside."""
    return [i for i in range(0, length, s) if i + (k - 1) * d < length]


def conv2d(image, weight, bias, s, p, d):
    """image (H, W, C_in), weight (k, k, C_in, C_out), bias (C_out,)."""
    H, W, C = image.shape
    padded = np.zeros((H + 2 * p, W + 2 * p, C))
    padded[p : p + H, p : p + W] = image
    k = weight.shape[0]
    rows = window_starts(padded.shape[0], k, s, d)
    cols = window_starts(padded.shape[1], k, s, d)
    out = np.zeros((len(rows), len(cols), weight.shape[3]))
    for a in range(k):
        for b in range(k):
            taps = padded[np.ix_([r + a * d for r in rows], [c + b * d for c in cols])]
            out += taps @ weight[a, b]
    return out + bias


def measure(input_shape, layers, seed=0):
    rng = np.random.default_rng(seed)
    image = rng.normal(size=tuple(input_shape))
    sizes, params = [], []
    for layer in layers:
        weight = rng.normal(size=(layer["k"], layer["k"], image.shape[2], layer["c_out"]))
        bias = rng.normal(size=layer["c_out"])
        image = conv2d(image, weight, bias, layer["s"], layer["p"], layer["d"])
        assert image.shape[0] == image.shape[1] and image.shape[2] == layer["c_out"]
        sizes.append(image.shape[0])
        params.append(weight.size + bias.size)
    return sizes, params


def measured_span(k, d):
    """How many input rows, first to last, reach output (0, 0) of one k×k layer of dilation d:
    push an impulse through every row and see which ones arrive."""
    n = k * d + 1  # room for any span up to k·d
    weight = np.ones((k, k, 1, 1))
    reaching = []
    for row in range(n):
        image = np.zeros((n, n, 1))
        image[row, 0, 0] = 1.0
        if conv2d(image, weight, np.zeros(1), 1, 0, d)[0, 0, 0] != 0:
            reaching.append(row)
    return max(reaching) - min(reaching) + 1


def test_the_convolution_itself_on_a_tiny_case():
    """The oracle against a sum written out position by position."""
    rng = np.random.default_rng(1)
    image, weight, bias = rng.normal(size=(7, 7, 2)), rng.normal(size=(3, 3, 2, 4)), rng.normal(size=4)
    s, p, d = 2, 1, 2
    out = conv2d(image, weight, bias, s, p, d)
    padded = np.pad(image, ((p, p), (p, p), (0, 0)))
    assert out.shape == (3, 3, 4)  # padded 9: windows at 0, 2, 4 span 5
    for i in range(3):
        for j in range(3):
            want = bias + sum(
                padded[i * s + a * d, j * s + b * d, c] * weight[a, b, c]
                for a in range(3) for b in range(3) for c in range(2)
            )
            np.testing.assert_allclose(out[i, j], want)


@pytest.mark.parametrize("variant", VARIANTS)
def test_sizes_and_parameter_counts_match_a_real_convolution(variant):
    params = params_for(problem, variant)
    sizes, counts = measure(params["input"], params["layers"])
    values = solution(problem, variant)
    np.testing.assert_array_equal(values.output_sizes, sizes)
    np.testing.assert_array_equal(values.param_counts, counts)


@pytest.mark.parametrize("variant", VARIANTS)
def test_effective_kernels_match_impulses(variant):
    layers = params_for(problem, variant)["layers"]
    spans = [measured_span(layer["k"], layer["d"]) for layer in layers]
    np.testing.assert_array_equal(solution(problem, variant).effective_kernels, spans)


def test_default_values():
    values = solution(problem, "default")
    np.testing.assert_array_equal(values.output_sizes, [30, 28, 24])
    np.testing.assert_array_equal(values.effective_kernels, [3, 3, 5])
    np.testing.assert_array_equal(values.param_counts, [448, 4640, 18496])
    assert params_for(problem, "default") == dict(
        input=[32, 32, 3],
        layers=[
            dict(k=3, s=1, p=0, d=1, c_out=16),
            dict(k=3, s=1, p=0, d=1, c_out=32),
            dict(k=3, s=1, p=0, d=2, c_out=64),
        ],
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_random_variants_honour_the_constraints(seed):
    params = params_for(problem, seed)
    H, W, C = params["input"]
    assert H == W and C in (1, 3)
    layers = params["layers"]
    assert 3 <= len(layers) <= 4
    for layer in layers:
        assert set(layer) == {"k", "s", "p", "d", "c_out"}
        assert layer["s"] in (1, 2) and 0 <= layer["p"] <= 2 and 1 <= layer["d"] <= 3
    # a mix, and a stack that never shrinks to nothing (the real convolution has outputs)
    assert {layer["s"] for layer in layers} >= {2}
    assert any(layer["d"] > 1 for layer in layers) and any(layer["p"] > 0 for layer in layers)
    sizes, _ = measure(params["input"], layers)
    assert min(sizes) >= 1
    assert problem.valid(run_steps(problem.steps, as_arrays(params)))


def test_statement_renders_the_layers_as_a_table():
    statement = render(problem.statement, params_for(problem, "default"))
    assert "{{" not in statement
    assert r"l & k_l & s_l & p_l & d_l & c_out_l \\ \hline 1 & 3 & 1 & 0 & 1 & 16" in statement
    assert "give exact values" in statement


# --- through the grader ---------------------------------------------------------------------

def status(variant, part_id, answer):
    (part,) = [p for p in grade(problem, variant, {part_id: answer}).parts if p.id == part_id]
    return part.status, part.feedback


@pytest.mark.parametrize("variant", ["default", 0, 1, 2])
def test_typed_references_are_correct_and_perturbed_ones_are_not(variant):
    values = solution(problem, variant)
    for part in problem.parts:
        if part.kind != "vector":
            continue  # expression parts are graded elsewhere
        ref = [int(v) for v in values[part.id]]
        matlab = "[" + " ".join(map(str, ref)) + "]"
        as_strings = [str(Fraction(v * 3, 3)) if i % 2 else f"{v}.0" for i, v in enumerate(ref)]
        latex = r"\begin{bmatrix} " + " & ".join(map(str, ref)) + r" \end{bmatrix}"
        for answer in (matlab, as_strings, latex):
            assert status(variant, part.id, answer) == ("correct", "Correct."), (part.id, answer)
        off_by_one = [ref[0] + 1, *ref[1:]]
        assert status(variant, part.id, off_by_one)[0] != "correct"
        assert status(variant, part.id, [v * 1.001 for v in ref])[0] != "correct"  # exact means exact


def test_known_mistakes_get_their_feedback():
    ignoring_dilation = status("default", "output_sizes", "[30 28 26]")
    assert ignoring_dilation == ("incorrect", problem.part("output_sizes").mistakes[0].feedback)
    assert "ignore the dilation" in ignoring_dilation[1]
    k_times_d = status("default", "effective_kernels", [3, 3, 6])
    assert k_times_d == ("incorrect", problem.part("effective_kernels").mistakes[0].feedback)
    no_bias = status("default", "param_counts", "[432 4608 18432]")
    assert no_bias == ("incorrect", "Each output channel also has a bias: add c_out.")
