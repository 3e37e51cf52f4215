"""branch-max-network against a forward pass written with plain loops and central differences
of it; the worked solution's rounded numbers against the reference."""

import math

import numpy as np
import pytest
from spellings import central_differences

from problems.backprop import branch_max_network as problem
from problems.core import params_for, solution

VARIANTS = ["default", *range(25)]
EPS = 1e-6


def matvec(M, v):
    return [sum(M[i][j] * v[j] for j in range(len(v))) for i in range(len(M))]


def loss_from_z(z, y):
    m = max(z)
    log_sum = m + math.log(sum(math.exp(zk - m) for zk in z))
    return -sum(yk * (zk - log_sum) for yk, zk in zip(y, z))


def branches(h, W21, W22):
    a = [max(u, 0.0) for u in matvec(W21, h)]
    b = [1 / (1 + math.exp(-u)) for u in matvec(W22, h)]
    z = [max(ai, bi) for ai, bi in zip(a, b)]
    return a, b, z


def forward(x, W1, W21, W22, y):
    h = [max(u, 0.0) for u in matvec(W1, x)]
    a, b, z = branches(h, W21, W22)
    e = [math.exp(zk) for zk in z]
    y_hat = [ek / sum(e) for ek in e]
    return dict(h=h, a=a, b=b, z=z, y_hat=y_hat, loss=loss_from_z(z, y))


def loss_from_h(h, W21, W22, y):
    return loss_from_z(branches(h, W21, W22)[2], y)


def numeric_gradient(loss, value):
    """Central differences of `loss` (which takes lists, as the plain loops do)."""
    return central_differences(lambda v: loss(v.tolist()), value, EPS)


def close(got, want):
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("variant", VARIANTS)
def test_forward_pass(variant):
    p = params_for(problem, variant)
    want = forward(p["x"], p["W1"], p["W21"], p["W22"], p["y"])
    values = solution(problem, variant)
    for name in ("h", "a", "b", "z", "y_hat"):
        assert values[name].shape == (len(want[name]),)
        close(values[name], want[name])
    assert values.loss == pytest.approx(want["loss"], rel=1e-9)


@pytest.mark.parametrize("variant", VARIANTS)
def test_gradients_match_finite_differences(variant):
    p = params_for(problem, variant)
    x, W1, W21, W22, y = p["x"], p["W1"], p["W21"], p["W22"], p["y"]
    plain = forward(x, W1, W21, W22, y)
    values = solution(problem, variant)

    close(values.dL_dz, numeric_gradient(lambda z: loss_from_z(z, y), plain["z"]))
    close(values.dL_dh, numeric_gradient(lambda h: loss_from_h(h, W21, W22, y), plain["h"]))
    close(values.dL_dW21, numeric_gradient(lambda W: forward(x, W1, W, W22, y)["loss"], W21))
    close(values.dL_dW22, numeric_gradient(lambda W: forward(x, W1, W21, W, y)["loss"], W22))
    close(values.dL_dW1, numeric_gradient(lambda W: forward(x, W, W21, W22, y)["loss"], W1))
    assert values.dL_dW21.shape == (3, 2) and values.dL_dW22.shape == (3, 2)
    assert values.dL_dW1.shape == (2, 4) and values.dL_dh.shape == (2,)


def within_two_decimals(answer, reference):
    """The catalog's rule: one unit of the second decimal place or 1 % relative."""
    answer, reference = np.asarray(answer, float), np.asarray(reference, float)
    error = np.abs(answer - reference)
    return bool(np.all((error <= 0.01 + 1e-12) | (error <= 0.01 * np.abs(reference))))


WORKED_SOLUTION = dict(
    h=[1, 2],
    a=[3, 0, 1],
    b=[0.5, 0.5, 0.5],
    z=[3, 0.5, 1],
    y_hat=[0.82, 0.07, 0.11],
    dL_dz=[0.82, -0.93, 0.11],
    dL_dW21=[[0.82, 1.64], [0, 0], [0.11, 0.22]],
    dL_dW22=[[0, 0], [-0.23, -0.46], [0, 0]],
    dL_dh=[-0.22, 1.39],
    dL_dW1=[[-0.22, -0.44, -0.66, -0.22], [1.39, 2.78, 4.17, 1.39]],
)


@pytest.mark.parametrize("part", sorted(WORKED_SOLUTION))
def test_worked_solution_rounded_answers_pass(part):
    assert within_two_decimals(WORKED_SOLUTION[part], solution(problem, "default")[part])


def test_loss_on_the_default():
    # ŷ₂ = e^0.5 / (e^3 + e^0.5 + e^1)
    assert solution(problem, "default").loss == pytest.approx(
        -math.log(math.exp(0.5) / (math.exp(3) + math.exp(0.5) + math.exp(1)))
    )


def test_the_checker_itself_can_fail():
    assert not within_two_decimals([0.80], [0.8214])  # off by 0.021, 2.6 % relative
    assert not within_two_decimals(WORKED_SOLUTION["dL_dW21"], solution(problem, "default").dL_dW22)


@pytest.mark.parametrize("seed", range(25))
def test_random_variants_honour_the_constraints(seed):
    p = params_for(problem, seed)
    shapes_and_bounds = (("x", (4,), 3), ("W1", (2, 4), 2), ("W21", (3, 2), 2), ("W22", (3, 2), 2))
    for name, shape, bound in shapes_and_bounds:
        value = np.array(p[name])
        assert value.shape == shape and value.dtype.kind == "i", name
        assert np.abs(value).max() <= bound, name
    y = np.array(p["y"])
    assert sorted(y.tolist()) == [0, 0, 1]

    h_pre = matvec(p["W1"], p["x"])
    assert all(u != 0 for u in h_pre)  # no ReLU kink
    h = [max(u, 0) for u in h_pre]
    assert any(h)
    assert all(u != 0 for u in matvec(p["W21"], h))
    plain = forward(p["x"], p["W1"], p["W21"], p["W22"], p["y"])
    assert all(abs(a - b) >= 0.05 for a, b in zip(plain["a"], plain["b"]))  # no tie, even rounded
