"""quadratic-form-gradient against finite differences of f(x) = xᵀAx summed by hand."""

import numpy as np
import pytest

from problems.core import mistake_value, params_for, run_steps, solution
from problems.gradients import quadratic_form_gradient as problem

VARIANTS = ["default", *range(25)]


def f(A, x):
    n = len(x)
    return sum(x[i] * A[i][j] * x[j] for i in range(n) for j in range(n))


def finite_difference_gradient(A, x, eps=1e-4):
    grad = []
    for i in range(len(x)):
        up, down = list(x), list(x)
        up[i] += eps
        down[i] -= eps
        grad.append((f(A, up) - f(A, down)) / (2 * eps))
    return grad


@pytest.mark.parametrize("variant", VARIANTS)
def test_df_dx_value_matches_finite_differences(variant):
    params = params_for(problem, variant)
    ref = solution(problem, variant).df_dx_value
    assert ref.shape == (2,)
    np.testing.assert_allclose(ref, finite_difference_gradient(params["A"], params["x"]), atol=1e-6)


def test_default_value():
    # xᵀ(A + Aᵀ) = [1, −1] [[2, 2], [2, 6]] = [0, −4]
    np.testing.assert_array_equal(solution(problem, "default").df_dx_value, [0, -4])


@pytest.mark.parametrize("variant", VARIANTS)
def test_answer_is_integer_because_the_tolerance_is_exact(variant):
    ref = solution(problem, variant).df_dx_value
    np.testing.assert_array_equal(ref, np.round(ref))


@pytest.mark.parametrize("seed", range(25))
def test_random_variants_honour_the_constraints(seed):
    params = params_for(problem, seed)
    A, x = np.array(params["A"]), np.array(params["x"])
    assert A.shape == (2, 2) and x.shape == (2,)
    assert A.dtype.kind == "i" and x.dtype.kind == "i"
    assert np.abs(A).max() <= 3 and np.abs(x).max() <= 3
    assert not np.array_equal(A, A.T)
    assert x.any()


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_mistake_feedback_is_given_to_a_right_answer(variant):
    values = solution(problem, variant)
    params = params_for(problem, variant)
    truth = finite_difference_gradient(params["A"], params["x"])
    for mistake in problem.part("df_dx_value").mistakes:
        assert not np.allclose(mistake_value(mistake, values), truth, atol=1e-6), mistake.feedback


def test_the_symmetric_shortcuts_are_what_their_feedback_says():
    """2Ax and 2xᵀA must be right for a symmetric A — that is what the feedback claims."""
    A = np.array([[2.0, -1.0], [-1.0, 3.0]])
    x = np.array([1.0, 2.0])
    values = run_steps(problem.steps, dict(A=A, x=x))
    truth = finite_difference_gradient(A.tolist(), x.tolist())
    symmetric_right = [m for m in problem.part("df_dx_value").mistakes if "symmetric" in m.feedback]
    assert len(symmetric_right) == 2
    for mistake in symmetric_right:
        np.testing.assert_allclose(mistake_value(mistake, values), truth, atol=1e-6)
