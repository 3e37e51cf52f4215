"""adam-bias-correction against the unrolled sums and a Monte-Carlo run of the recursion."""

import numpy as np
import pytest

from problems.core import params_for, solution
from problems.optimizers import adam_bias_correction as problem

VARIANTS = ["default", *range(25)]


def unrolled_expectation(beta, t, moment):
    # x_t = Σ_{i=1..t} (1 − β) β^(t−i) g_i (or g_i²), so E[x_t] = Σ_i (1 − β) β^(t−i) E[·]
    return sum((1 - beta) * beta ** (t - i) * moment for i in range(1, t + 1))


@pytest.mark.parametrize("variant", VARIANTS)
def test_expectations_match_the_unrolled_sums(variant):
    p = params_for(problem, variant)
    values = solution(problem, variant)
    beta1, beta2, t = p["beta1"], p["beta2"], p["t"]
    assert values.expected_v == pytest.approx(unrolled_expectation(beta2, t, p["Eg2"]), rel=1e-9)
    assert values.expected_m == pytest.approx(unrolled_expectation(beta1, t, p["Eg"]), rel=1e-9)
    assert values.bias_factor == pytest.approx(unrolled_expectation(beta2, t, 1.0), rel=1e-9)
    # dividing by the bias factor undoes the shrinkage: v̂ · Σ_i (1 − β2) β2^(t−i) = v_t
    shrink = unrolled_expectation(beta2, t, 1.0)
    assert values.corrected_v_hat * shrink == pytest.approx(p["v_t"], rel=1e-9)


def test_default_values():
    values = solution(problem, "default")
    assert values.bias_factor == pytest.approx(0.009955, rel=1e-3)
    assert values.expected_v == pytest.approx(0.000398, rel=1e-3)
    assert values.expected_m == pytest.approx(0.130, rel=1e-2)
    assert values.corrected_v_hat == pytest.approx(0.0402, rel=1e-3)


def monte_carlo_moments(p, paths=20_000, seed=0):
    rng = np.random.default_rng(seed)
    sd = np.sqrt(max(p["Eg2"] - p["Eg"] ** 2, 0.0))
    m = np.zeros(paths)
    v = np.zeros(paths)
    for _ in range(p["t"]):
        g = rng.normal(p["Eg"], sd, size=paths)
        m = p["beta1"] * m + (1 - p["beta1"]) * g
        v = p["beta2"] * v + (1 - p["beta2"]) * g**2
    return m, v


@pytest.mark.parametrize("variant", ["default", 0, 1, 2, 3, 4, 5])
def test_monte_carlo_agrees(variant):
    p = params_for(problem, variant)
    values = solution(problem, variant)
    m, v = monte_carlo_moments(p)
    for samples, expected in ((m, values.expected_m), (v, values.expected_v)):
        standard_error = samples.std() / np.sqrt(len(samples))
        assert abs(samples.mean() - expected) <= 5 * standard_error + 1e-12 * abs(expected)


@pytest.mark.parametrize("seed", range(25))
def test_random_variants_honour_the_constraints(seed):
    p = params_for(problem, seed)
    assert p["beta1"] in (0.8, 0.85, 0.9, 0.95)
    assert p["beta2"] in (0.99, 0.995, 0.999)
    assert isinstance(p["t"], int) and 1 <= p["t"] <= 20
    assert p["Eg"] != 0 and round(p["Eg"], 2) == p["Eg"]
    assert p["Eg2"] >= p["Eg"] ** 2 - 1e-12
    assert 0 < p["v_t"] < 0.01 and len(repr(p["v_t"])) <= 6  # a short decimal like 0.0004
