"""receptive-field against impulses pushed through real dilated, strided 1-D convolutions."""

import numpy as np
import pytest

from problems.core import params_for, run_steps, solution
from problems.receptive_fields import receptive_field as problem

VARIANTS = ["default", *range(25)]
SIGNAL_LENGTH = 512


def correlate(signal, k, s, d):
    """A 'valid' dilated, strided correlation with an all-ones kernel, along axis 0:
    out[i] = Σ_m signal[i·s + m·d]."""
    out_len = (len(signal) - d * (k - 1) - 1) // s + 1
    out = np.zeros((out_len, *signal.shape[1:]))
    for i in range(out_len):
        for m in range(k):
            out[i] += signal[i * s + m * d]
    return out


def measure(layers):
    """Per layer: the span of input positions reaching unit 0, and the offset between where the
    inputs of units 0 and 1 begin. Column p of the signal is an impulse at input position p."""
    signal = np.eye(SIGNAL_LENGTH)
    fields, jumps = [], []
    for layer in layers:
        signal = correlate(signal, layer["k"], layer["s"], layer["d"])
        assert len(signal) >= 2, "signal too short for this stack"
        first, second = (np.flatnonzero(signal[unit]) for unit in (0, 1))
        fields.append(first.max() - first.min() + 1)
        jumps.append(second.min() - first.min())
    return fields, jumps


@pytest.mark.parametrize("variant", VARIANTS)
def test_matches_impulses_through_convolutions(variant):
    layers = params_for(problem, variant)["layers"]
    fields, jumps = measure(layers)
    values = solution(problem, variant)
    np.testing.assert_array_equal(values.rf_per_layer, fields)
    np.testing.assert_array_equal(values.jump_per_layer, jumps)
    assert values.rf_final == fields[-1]


def test_default_values():
    values = solution(problem, "default")
    np.testing.assert_array_equal(values.rf_per_layer, [3, 7, 15])
    np.testing.assert_array_equal(values.jump_per_layer, [1, 1, 1])
    assert values.rf_final == 15


def test_pooling_between_convolutions():
    # conv 3/1, pool 2/2, conv 3/1: r = 3, 3 + 1·1 = 4, 4 + 2·2 = 8; j = 1, 2, 2
    layers = [dict(k=3, s=1, d=1), dict(k=2, s=2, d=1), dict(k=3, s=1, d=1)]
    values = run_steps(problem.steps, dict(layers=layers))
    np.testing.assert_array_equal(values.rf_per_layer, [3, 4, 8])
    np.testing.assert_array_equal(values.jump_per_layer, [1, 2, 2])
    assert measure(layers) == ([3, 4, 8], [1, 2, 2])


def test_the_field_is_a_span_holes_included():
    # one 3-tap layer with dilation 2 reads positions 0, 2, 4: three inputs, a span of five
    signal = correlate(np.eye(16), 3, 1, 2)
    assert np.flatnonzero(signal[0]).tolist() == [0, 2, 4]
    assert run_steps(problem.steps, dict(layers=[dict(k=3, s=1, d=2)])).rf_final == 5


@pytest.mark.parametrize("seed", range(25))
def test_random_variants_honour_the_constraints(seed):
    layers = params_for(problem, seed)["layers"]
    assert 3 <= len(layers) <= 4
    for layer in layers:
        assert set(layer) == {"k", "s", "d"}
        assert layer["k"] in (2, 3, 5) and layer["s"] in (1, 2) and layer["d"] in (1, 2, 3)


def test_statement_lists_every_layer_as_a_table_row():
    from problems.statement import render

    statement = render(problem.statement, params_for(problem, "default"))
    assert r"l & k_l & s_l & d_l \\ \hline 1 & 3 & 1 & 1 \\ 2 & 3 & 1 & 2 \\ 3 & 3 & 1 & 4" in statement
