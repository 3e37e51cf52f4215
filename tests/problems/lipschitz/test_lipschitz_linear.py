"""lipschitz-linear against power iteration and a brute-force search over unit vectors."""

import math

import numpy as np
import pytest

from problems.core import params_for, solution
from problems.lipschitz import lipschitz_linear as problem

VARIANTS = ["default", *range(25)]
ANGLES = np.linspace(0, 2 * np.pi, 200_001)
UNIT_VECTORS = np.stack([np.cos(ANGLES), np.sin(ANGLES)])


def power_iteration_sigma_max(W, iterations=2000):
    M = W.T @ W
    v = np.array([0.6, 0.8])
    for _ in range(iterations):
        v = M @ v
        v /= np.linalg.norm(v)
    return math.sqrt(v @ M @ v)


@pytest.mark.parametrize("variant", VARIANTS)
def test_L_is_the_top_singular_value(variant):
    W = np.array(params_for(problem, variant)["W"], dtype=float)
    values = solution(problem, variant)
    stretch = np.linalg.norm(W @ UNIT_VECTORS, axis=0)
    assert values.L == pytest.approx(power_iteration_sigma_max(W), rel=1e-6)
    assert values.L == pytest.approx(stretch.max(), rel=1e-6)


@pytest.mark.parametrize("variant", VARIANTS)
def test_singular_values(variant):
    W = np.array(params_for(problem, variant)["W"], dtype=float)
    sv = solution(problem, variant).singular_values
    stretch = np.linalg.norm(W @ UNIT_VECTORS, axis=0)
    assert sv.shape == (2,)
    assert sv[0] >= sv[1] > 0  # sorted descending
    assert sv[0] == pytest.approx(stretch.max(), rel=1e-6)
    assert sv[1] == pytest.approx(stretch.min(), rel=1e-6, abs=1e-9)
    # independent invariants: σ1σ2 = |det W| and σ1² + σ2² = ‖W‖_F²
    det = W[0, 0] * W[1, 1] - W[0, 1] * W[1, 0]
    assert sv[0] * sv[1] == pytest.approx(abs(det), rel=1e-9)
    assert sv[0] ** 2 + sv[1] ** 2 == pytest.approx((W**2).sum(), rel=1e-9)


@pytest.mark.parametrize("variant", VARIANTS)
def test_L_bounds_every_pair_and_is_nearly_attained(variant):
    W = np.array(params_for(problem, variant)["W"], dtype=float)
    L = solution(problem, variant).L
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(2, 2, 5000))
    ratios = np.linalg.norm(W @ (x - y), axis=0) / np.linalg.norm(x - y, axis=0)
    assert ratios.max() <= L * (1 + 1e-12)
    assert ratios.max() >= 0.99 * L


def test_default_values():
    values = solution(problem, "default")
    assert values.L == pytest.approx(3 * math.sqrt(5))
    np.testing.assert_allclose(values.singular_values, [3 * math.sqrt(5), math.sqrt(5)])


@pytest.mark.parametrize("seed", range(25))
def test_random_variants_honour_the_constraints(seed):
    W = np.array(params_for(problem, seed)["W"])
    assert W.shape == (2, 2) and W.dtype.kind == "i"
    assert np.abs(W).max() <= 4
    assert W[0, 0] * W[1, 1] - W[0, 1] * W[1, 0] != 0
    sv = solution(problem, seed).singular_values
    assert not math.isclose(sv[0], sv[1], rel_tol=1e-6)
