"""The catalog's optimizer problems against computations of their own: plain Python loops for
Adam and Adamax, direct simulation of gradient descent and of the backtracking loop, brute-force
minimization along −g, numpy.roots and finite differences for Newton — never the problems'
own steps. Then every part through the grader: the reference typed in several syntaxes earns
"correct", a perturbed one does not."""

import math

import numpy as np
import pytest
from spellings import perturbed, typed

from graders.grade import grade
from problems import registry
from problems.core import params_for, resolved, run_steps, solution
from problems.optimizers import (
    adam_steps,
    adamax_steps,
    backtracking_line_search,
    gd_quadratic_convergence,
    newton_method,
    taylor_optimal_step,
)
from problems.statement import render

VARIANTS = ["default", *range(25)]
GRADED_VARIANTS = ["default", 0, 1, 2]
PROBLEMS = [adam_steps, adamax_steps, gd_quadratic_convergence, backtracking_line_search,
            taylor_optimal_step, newton_method]


# --- answers in the syntaxes students type: tests/problems/spellings.py ------------------

def rounded(part, ref, values):
    """The reference rounded as the statement asks: it must still be right."""
    ref = np.asarray(ref, dtype=float)
    tol = resolved(part, values).tolerance
    if tol.absolute and not (tol.sigfigs or tol.decimals or tol.relative):
        return np.round(ref, 5).tolist()  # "at least 5 decimal places"
    if tol.sigfigs:
        return np.vectorize(lambda v: float(f"{v:.{tol.sigfigs}g}"))(ref).tolist()
    if tol.decimals:
        return np.round(ref, tol.decimals).tolist()
    return ref.tolist()


def graded(problem, variant, part_id, answer):
    result = grade(problem, variant, {part_id: answer})
    return next(p for p in result.parts if p.id == part_id)


@pytest.mark.parametrize("problem", PROBLEMS, ids=[p.id for p in PROBLEMS])
@pytest.mark.parametrize("variant", GRADED_VARIANTS)
def test_reference_in_several_syntaxes_is_correct_and_a_perturbed_one_is_not(problem, variant):
    values = solution(problem, variant)
    for part in problem.parts:
        if part.kind in ("property", "expression"):
            continue
        ref = values[part.id]
        for answer in [*typed(part, ref), rounded(part, ref, values)]:
            result = graded(problem, variant, part.id, answer)
            assert result.status == "correct", (part.id, answer, result.feedback)
        wrong = graded(problem, variant, part.id, perturbed(part, ref))
        assert wrong.status != "correct", (part.id, wrong)


@pytest.mark.parametrize("problem", PROBLEMS, ids=[p.id for p in PROBLEMS])
def test_default_statement_renders_and_states_the_precision(problem):
    statement = render(problem.statement, params_for(problem, "default"))
    assert "{{" not in statement and statement.count("$$") % 2 == 0
    for part in problem.parts:
        tolerance = resolved(part, solution(problem, "default")).tolerance
        if part.kind in ("number", "vector", "matrix", "set") and tolerance.sigfigs:
            assert tolerance.hint in statement, part.id  # "3 significant figures"
        if tolerance.absolute and not (tolerance.sigfigs or tolerance.relative):
            assert "3 % of the step size" in statement, part.id
    assert any(words in statement for words in
               ("at least 2 decimal places", "3 significant figures", "5 significant figures"))


# --- adam-steps ----------------------------------------------------------------------------

def adam_loop(theta0, grads, beta1, beta2, eta, eps):
    d = len(theta0)
    m, v, theta = [0.0] * d, [0.0] * d, list(theta0)
    table = {"m": [], "v": [], "m_hat": [], "v_hat": [], "theta": []}
    for t, g in enumerate(grads, start=1):
        m = [beta1 * mi + (1 - beta1) * gi for mi, gi in zip(m, g)]
        v = [beta2 * vi + (1 - beta2) * gi * gi for vi, gi in zip(v, g)]
        m_hat = [mi / (1 - beta1**t) for mi in m]
        v_hat = [vi / (1 - beta2**t) for vi in v]
        theta = [th - eta * mh / (math.sqrt(vh) + eps) for th, mh, vh in zip(theta, m_hat, v_hat)]
        for name, row in zip(table, (m, v, m_hat, v_hat, theta)):
            table[name].append(row)
    return table


def test_adam_default_is_the_catalogs():
    assert params_for(adam_steps, "default") == dict(
        theta0=[0.5, -1.0], grads=[[0.1, -0.2], [0.05, 0.3], [-0.1, 0.1]],
        beta1=0.9, beta2=0.999, eta=0.01, eps=1e-8,
    )
    # the first step of Adam moves each coordinate by η against the gradient's sign
    np.testing.assert_allclose(solution(adam_steps, "default").theta[0], [0.49, -0.99], rtol=1e-6)


@pytest.mark.parametrize("variant", VARIANTS)
def test_adam_matches_a_plain_loop(variant):
    p = params_for(adam_steps, variant)
    values = solution(adam_steps, variant)
    for name, table in adam_loop(**p).items():
        assert values[name].shape == (3, 2), name
        np.testing.assert_allclose(values[name], table, rtol=1e-12, atol=1e-15, err_msg=name)


def test_adam_theta_row_follows_the_students_previous_rows():
    p = {k: np.asarray(v, dtype=float) for k, v in params_for(adam_steps, "default").items()}
    student_m_hat = np.array([[0.1, -0.2], [0.08, 0.06], [0.01, 0.08]])
    values = run_steps(adam_steps.steps, p, given={"m_hat": student_m_hat})
    v_hat = adam_loop(**params_for(adam_steps, "default"))["v_hat"]
    theta = np.asarray(p["theta0"])
    for t in range(3):
        theta = theta - 0.01 * student_m_hat[t] / (np.sqrt(v_hat[t]) + 1e-8)
        np.testing.assert_allclose(values.theta[t], theta, rtol=1e-12)


@pytest.mark.parametrize("seed", range(25))
def test_adam_random_variants(seed):
    p = params_for(adam_steps, seed)
    grads = np.array(p["grads"])
    assert grads.shape == (3, 2) and (grads != 0).all()
    assert np.allclose(grads * 20, np.round(grads * 20))  # multiples of 0.05
    assert p["beta1"] in (0.8, 0.9, 0.95) and p["beta2"] in (0.99, 0.999) and p["eps"] == 1e-8
    table = adam_loop(**p)
    assert np.abs(table["m"]).min() >= 0.002 and np.abs(table["theta"]).min() >= 0.1


# --- adamax-steps --------------------------------------------------------------------------

def adamax_loop(theta0, grads, beta1, beta2, eta):
    d = len(theta0)
    u, m, theta = [0.0] * d, [0.0] * d, list(theta0)
    table = {"u": [], "m": [], "theta": []}
    for t, g in enumerate(grads, start=1):
        u = [max(beta2 * ui, abs(gi)) for ui, gi in zip(u, g)]
        m = [beta1 * mi + (1 - beta1) * gi for mi, gi in zip(m, g)]
        theta = [th - eta / (1 - beta1**t) * mi / ui for th, mi, ui in zip(theta, m, u)]
        for name, row in zip(table, (u, m, theta)):
            table[name].append(row)
    return table


def test_adamax_default_is_the_catalogs():
    assert params_for(adamax_steps, "default") == dict(
        theta0=[1.0, -0.5], grads=[[0.2, -0.1], [-0.4, 0.05], [0.1, 0.3]],
        beta1=0.9, beta2=0.999, eta=0.002,
    )
    np.testing.assert_allclose(solution(adamax_steps, "default").u,
                               [[0.2, 0.1], [0.4, 0.0999], [0.3996, 0.3]], rtol=1e-12)


@pytest.mark.parametrize("variant", VARIANTS)
def test_adamax_matches_a_plain_loop(variant):
    p = params_for(adamax_steps, variant)
    values = solution(adamax_steps, variant)
    for name, table in adamax_loop(**p).items():
        assert values[name].shape == (3, 2), name
        np.testing.assert_allclose(values[name], table, rtol=1e-12, atol=1e-15, err_msg=name)


@pytest.mark.parametrize("seed", range(25))
def test_adamax_random_variants(seed):
    p = params_for(adamax_steps, seed)
    grads = np.array(p["grads"])
    assert grads.shape == (3, 2) and (grads != 0).all()
    table = adamax_loop(**p)
    assert np.abs(table["m"]).min() >= 0.002 and np.abs(table["theta"]).min() >= 0.1
    u = np.array(table["u"])
    # no near-tie inside the max
    assert (np.abs(p["beta2"] * u[:-1] - np.abs(grads[1:])) >= 0.01 * np.abs(grads[1:])).all()


# --- gd-quadratic-convergence --------------------------------------------------------------

def eigenvalues_2x2(Q):
    half_trace = (Q[0][0] + Q[1][1]) / 2
    det = Q[0][0] * Q[1][1] - Q[0][1] * Q[1][0]
    root = math.sqrt(half_trace**2 - det)
    return half_trace - root, half_trace + root


def gd(Q, c, x, eta, steps):
    Q, c, x = np.asarray(Q, float), np.asarray(c, float), np.asarray(x, float)
    for _ in range(steps):
        x = x - eta * (Q @ x + c)
    return x


def test_gd_default_is_the_catalogs():
    assert params_for(gd_quadratic_convergence, "default") == dict(
        Q=[[3, 1], [1, 2]], c=[-1, 1], x0=[0, 0], eta=0.2, k=3
    )
    values = solution(gd_quadratic_convergence, "default")
    np.testing.assert_allclose(values.x_star, [0.6, -0.8])
    np.testing.assert_allclose(values.x_k, [0.4, -0.48])
    assert values.best_constant_lr == pytest.approx(0.4)


@pytest.mark.parametrize("variant", VARIANTS)
def test_gd_matches_a_direct_simulation(variant):
    p = params_for(gd_quadratic_convergence, variant)
    values = solution(gd_quadratic_convergence, variant)
    # x*: where gradient descent ends up (the variants converge), and where Qx + c = 0
    limit = gd(p["Q"], p["c"], p["x0"], p["eta"], 2000)
    np.testing.assert_allclose(values.x_star, limit, atol=1e-9)
    np.testing.assert_allclose(np.asarray(p["Q"]) @ values.x_star + p["c"], 0, atol=1e-12)
    x_k = gd(p["Q"], p["c"], p["x0"], p["eta"], p["k"])
    np.testing.assert_allclose(values.x_k, x_k, atol=1e-12)


@pytest.mark.parametrize("variant", VARIANTS)
def test_gd_contraction_factors_are_the_eigenvalues_of_the_error_map(variant):
    p = params_for(gd_quadratic_convergence, variant)
    factors = solution(gd_quadratic_convergence, variant).contraction_factors
    A = np.eye(2) - p["eta"] * np.asarray(p["Q"], float)  # r_{k+1} = A r_k
    for f in factors:
        assert abs(np.linalg.det(A - f * np.eye(2))) < 1e-12
    assert sum(factors) == pytest.approx(np.trace(A))
    assert np.prod(factors) == pytest.approx(np.linalg.det(A))
    lam = eigenvalues_2x2(p["Q"])
    np.testing.assert_allclose(sorted(factors), sorted(1 - p["eta"] * np.array(lam)))


@pytest.mark.parametrize("variant", VARIANTS)
def test_gd_learning_rates_by_brute_force(variant):
    p = params_for(gd_quadratic_convergence, variant)
    values = solution(gd_quadratic_convergence, variant)
    start = np.asarray(values.x_star) + [1.0, 0.7]
    def error(eta):
        return np.linalg.norm(gd(p["Q"], p["c"], start, eta, 600) - values.x_star)

    bound = values.max_stable_lr
    assert error(0.98 * bound) < 1e-3 and error(1.02 * bound) > 1e3
    lam = eigenvalues_2x2(p["Q"])
    etas = np.linspace(0, bound, 200_001)
    worst = np.maximum(np.abs(1 - etas * lam[0]), np.abs(1 - etas * lam[1]))
    assert values.best_constant_lr == pytest.approx(etas[np.argmin(worst)], abs=2 * bound / 200_000)


def slowest_direction_by_simulation(p, x_star):
    """Power iteration in disguise: the error of gradient descent turns towards the direction
    that shrinks most slowly."""
    r = np.array([0.37, -0.91])
    for _ in range(500):
        r = gd(p["Q"], p["c"], x_star + r, p["eta"], 1) - x_star
        r = r / np.linalg.norm(r)
    return r


@pytest.mark.parametrize("variant", VARIANTS)
def test_gd_slowest_direction_property(variant):
    p = params_for(gd_quadratic_convergence, variant)
    x_star = solution(gd_quadratic_convergence, variant).x_star
    slow = slowest_direction_by_simulation(p, x_star)
    fast = np.array([-slow[1], slow[0]])  # Q is symmetric: the other eigenvector is orthogonal

    def result(answer):
        return graded(gd_quadratic_convergence, variant, "slowest_direction", answer)

    # any nonzero multiple, typed any way, rounded to 2 decimals
    for answer in (slow.tolist(), (-3 * slow).tolist(), np.round(slow, 2).tolist(),
                   "[" + "; ".join(f"{v:.4f}" for v in 10 * slow) + "]"):
        assert result(answer).status == "correct", answer
    step = solution(gd_quadratic_convergence, variant).slowest_direction
    assert result(step.tolist()).status == "correct"

    lam = sorted(eigenvalues_2x2(p["Q"]), key=lambda l: abs(1 - p["eta"] * l))
    fast_lambda, slow_lambda = lam
    fast_factor, slow_factor = abs(1 - p["eta"] * fast_lambda), abs(1 - p["eta"] * slow_lambda)
    wrong = result(fast.tolist())
    assert (wrong.status, wrong.feedback) == ("incorrect", (
        f"This is the eigenvector of λ = {fast_lambda:.4g}, along which the error shrinks by "
        f"|1 − ηλ| = {fast_factor:.4g} each step; along the other eigenvector it shrinks by only "
        f"{slow_factor:.4g}, so that one is the slowest direction."
    ))
    between = result((slow + fast).tolist())
    assert (between.status, between.feedback) == ("incorrect", (
        "This vector is not an eigenvector of Q (Qv is not a multiple of v): the error shrinks at "
        "a single rate only along an eigenvector of Q."
    ))
    zero = result([0, 0])
    assert (zero.status, zero.feedback) == ("incorrect", (
        "The zero vector has no direction: give a nonzero vector along the eigenvector of Q whose "
        "factor |1 − ηλ| is largest."
    ))


def test_gd_slowest_direction_shape_is_checked():
    result = graded(gd_quadratic_convergence, "default", "slowest_direction", [1, 2, 3])
    assert result.status == "invalid"


@pytest.mark.parametrize("seed", range(25))
def test_gd_random_variants(seed):
    p = params_for(gd_quadratic_convergence, seed)
    Q = p["Q"]
    assert Q[0][1] == Q[1][0] and Q[0][0] > 0 and Q[0][0] * Q[1][1] - Q[0][1] ** 2 > 0  # SPD
    lam = eigenvalues_2x2(Q)
    assert lam[1] - lam[0] >= 0.1
    factors = [abs(1 - p["eta"] * v) for v in lam]
    assert max(factors) <= 0.95 and abs(factors[0] - factors[1]) >= 0.05  # converges, no tie
    assert p["eta"] < 2 / lam[1] and p["k"] in (2, 3)
    assert all(isinstance(v, int) for v in [*p["c"], *p["x0"]])


# --- backtracking-line-search --------------------------------------------------------------

def f_quadratic(Q, c, x):
    quadratic = sum(x[i] * Q[i][j] * x[j] for i in range(2) for j in range(2))
    return 0.5 * quadratic + c[0] * x[0] + c[1] * x[1]


def backtracking(p):
    f = lambda x: f_quadratic(p["Q"], p["c"], x)  # noqa: E731
    x = [float(v) for v in p["x"]]
    g = [(f([x[0] + 1e-6, x[1]]) - f([x[0] - 1e-6, x[1]])) / 2e-6,
         (f([x[0], x[1] + 1e-6]) - f([x[0], x[1] - 1e-6])) / 2e-6]
    dx = [-g[0], -g[1]]
    slope = g[0] * dx[0] + g[1] * dx[1]
    t, backtracks = p["t0"], 0
    while f([x[0] + t * dx[0], x[1] + t * dx[1]]) > f(x) + p["alpha"] * t * slope:
        t, backtracks = p["beta"] * t, backtracks + 1
    return g, dx, slope, t, backtracks


def test_line_search_default_is_the_catalogs():
    assert params_for(backtracking_line_search, "default") == dict(
        Q=[[3, 1], [1, 2]], c=[-1, 1], x=[2, -1], alpha=0.3, beta=0.5, t0=1
    )
    values = solution(backtracking_line_search, "default")
    assert (values.max_backtracks, values.accepted_t, values.num_backtracks) == (2, 0.25, 2)


@pytest.mark.parametrize("variant", VARIANTS)
def test_line_search_matches_a_direct_simulation(variant):
    p = params_for(backtracking_line_search, variant)
    values = solution(backtracking_line_search, variant)
    g, dx, slope, t, backtracks = backtracking(p)
    M = eigenvalues_2x2(p["Q"])[1]
    bound = -2 * (1 - p["alpha"]) * slope / (M * (dx[0] ** 2 + dx[1] ** 2))
    assert values.t_bound == pytest.approx(bound, rel=1e-8)
    k = next(k for k in range(200) if p["beta"] ** k * p["t0"] <= bound)
    assert values.max_backtracks == k
    assert values.accepted_t == pytest.approx(t, rel=1e-12)
    assert values.num_backtracks == backtracks
    assert backtracks <= k  # the bound is sufficient, so the search never needs more


@pytest.mark.parametrize("variant", VARIANTS)
def test_line_search_bound_is_sufficient(variant):
    """Every step size up to the bound passes the Armijo test (that is the bound's claim)."""
    p = params_for(backtracking_line_search, variant)
    f = lambda x: f_quadratic(p["Q"], p["c"], x)  # noqa: E731
    g, dx, slope, _, _ = backtracking(p)
    x = p["x"]
    for t in np.linspace(0, solution(backtracking_line_search, variant).t_bound, 50)[1:]:
        assert f([x[0] + t * dx[0], x[1] + t * dx[1]]) <= f(x) + p["alpha"] * t * slope + 1e-9


def test_line_search_accepted_t_carries_the_students_count_forward():
    default = params_for(backtracking_line_search, "default")
    p = {k: np.asarray(v, dtype=float) for k, v in default.items()}
    values = run_steps(backtracking_line_search.steps, p, given={"num_backtracks": 3})
    assert values.accepted_t == 0.125


@pytest.mark.parametrize("seed", range(25))
def test_line_search_random_variants(seed):
    p = params_for(backtracking_line_search, seed)
    Q = p["Q"]
    assert Q[0][1] == Q[1][0] and Q[0][0] > 0 and Q[0][0] * Q[1][1] - Q[0][1] ** 2 > 0
    g, *_ = backtracking(p)
    assert max(abs(v) for v in g) > 0.5  # x is not the minimizer
    assert p["alpha"] in (0.1, 0.2, 0.25, 0.3, 0.4)
    assert p["beta"] in (0.5, 0.8) and p["t0"] in (1, 2)
    values = solution(backtracking_line_search, seed)
    for j in range(values.max_backtracks + 1):  # no trial step sits on the bound
        assert abs(p["beta"] ** j * p["t0"] / values.t_bound - 1) >= 0.02


def test_line_search_needs_backtracking_in_some_variants():
    counts = {solution(backtracking_line_search, seed).num_backtracks for seed in range(25)}
    assert 0 in counts or len(counts) > 1
    assert max(counts) >= 1


# --- taylor-optimal-step -------------------------------------------------------------------

def minimize_along_minus_g(g, H):
    """Brute force on f(x) = ½xᵀHx + gᵀx from x₀ = 0 (so ∇f(x₀) = g): a grid, then refined."""
    g, H = np.asarray(g, float), np.asarray(H, float)

    def f(X):  # one point a row
        return 0.5 * np.einsum("ij,jk,ik->i", X, H, X) + X @ g

    def phi(eps):
        return f(-np.outer(np.atleast_1d(eps), g))

    lo, hi = 0.0, 5.0
    for _ in range(8):
        grid = np.linspace(lo, hi, 1001)
        best = grid[np.argmin(phi(grid))]
        step = (hi - lo) / 1000
        lo, hi = max(best - step, 0.0), best + step
    best = (lo + hi) / 2
    return best, float(f(np.zeros((1, 2)))[0] - phi(best)[0])


def test_taylor_default_is_the_catalogs():
    assert params_for(taylor_optimal_step, "default") == dict(g=[1, -2], H=[[4, 1], [1, 3]])
    values = solution(taylor_optimal_step, "default")
    assert values.eps_star == pytest.approx(5 / 12)
    assert values.predicted_decrease == pytest.approx(25 / 24)


@pytest.mark.parametrize("variant", VARIANTS)
def test_taylor_matches_brute_force_minimization(variant):
    p = params_for(taylor_optimal_step, variant)
    values = solution(taylor_optimal_step, variant)
    eps, decrease = minimize_along_minus_g(p["g"], p["H"])
    # near its minimum a parabola is flat to √(machine ε): a search pins ε* to about 1e-8
    assert values.eps_star == pytest.approx(eps, abs=1e-7)
    assert values.predicted_decrease == pytest.approx(decrease, rel=1e-9)
    lam_min, lam_max = eigenvalues_2x2(p["H"])
    np.testing.assert_allclose(values.eps_bounds, [1 / lam_max, 1 / lam_min], rtol=1e-12)
    assert 1 / lam_max < eps < 1 / lam_min


def test_taylor_reversed_bounds_feedback():
    values = solution(taylor_optimal_step, "default")
    result = graded(taylor_optimal_step, "default", "eps_bounds", values.eps_bounds[::-1].tolist())
    assert result.feedback == "The order: the lower bound 1/λ_max comes first, then 1/λ_min."


@pytest.mark.parametrize("seed", range(25))
def test_taylor_random_variants(seed):
    p = params_for(taylor_optimal_step, seed)
    H = p["H"]
    assert H[0][1] == H[1][0] and H[0][0] > 0 and H[0][0] * H[1][1] - H[0][1] ** 2 > 0
    lam_min, lam_max = eigenvalues_2x2(H)
    assert lam_max - lam_min >= 0.1 and any(p["g"])
    eps, _ = minimize_along_minus_g(p["g"], H)
    assert 1 / lam_max + 0.01 <= eps <= 1 / lam_min - 0.01  # g is not an eigenvector


# --- newton-method -------------------------------------------------------------------------

def horner(coeffs, x):
    value = 0.0
    for a in coeffs:
        value = value * x + a
    return value


def fd_derivative(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


def newton_loop(coeffs, x0, steps=3):
    f = lambda x: horner(coeffs, x)  # noqa: E731
    xs = [float(x0)]
    for _ in range(steps):
        xs.append(xs[-1] - f(xs[-1]) / fd_derivative(f, xs[-1]))
    return xs[1:]


def test_newton_default_is_the_catalogs():
    assert params_for(newton_method, "default") == dict(coeffs=[1, 0, -2], x0=1)
    values = solution(newton_method, "default")
    assert (values.x1, values.x2) == (1.5, pytest.approx(17 / 12))
    assert values.root == pytest.approx(math.sqrt(2), rel=1e-15)
    assert values.C == pytest.approx(1 / (2 * math.sqrt(2)), rel=1e-15)


@pytest.mark.parametrize("variant", VARIANTS)
def test_newton_matches_numpy_roots_and_finite_differences(variant):
    p = params_for(newton_method, variant)
    values = solution(newton_method, variant)
    x1, x2, x3 = newton_loop(p["coeffs"], p["x0"])
    for value, loop_value in zip((values.x1, values.x2, values.x3), (x1, x2, x3)):
        assert value == pytest.approx(loop_value, rel=1e-8)
    real_roots = [r.real for r in np.roots(p["coeffs"]) if abs(r.imag) < 1e-9]
    nearest = min(real_roots, key=lambda r: abs(r - x3))
    assert values.root == pytest.approx(nearest, rel=1e-9)
    f = lambda x: horner(p["coeffs"], x)  # noqa: E731
    h = 1e-4
    f2 = (f(nearest + h) - 2 * f(nearest) + f(nearest - h)) / h**2
    assert values.C == pytest.approx(abs(f2 / (2 * fd_derivative(f, nearest))), rel=1e-5)


def test_newton_x2_comes_from_the_students_x1():
    p = {"coeffs": np.array([1.0, 0.0, -2.0]), "x0": 1}
    values = run_steps(newton_method.steps, p, given={"x1": 2.0})
    assert values.x2 == pytest.approx(2 - 2 / 4)  # 2 − f(2)/f′(2)
    assert values.x3 == pytest.approx(1.5 - 0.25 / 3)


@pytest.mark.parametrize("seed", range(25))
def test_newton_random_variants(seed):
    p = params_for(newton_method, seed)
    coeffs, x0 = p["coeffs"], p["x0"]
    assert all(isinstance(a, int) for a in coeffs) and isinstance(x0, int)
    f = lambda x: horner(coeffs, x)  # noqa: E731
    assert abs(f(x0)) >= 0.5 and abs(fd_derivative(f, x0)) >= 0.5  # not at a root, no flat tangent
    values = solution(newton_method, seed)
    assert abs(fd_derivative(f, values.root)) >= 0.5  # a simple root: quadratic convergence
    assert abs(values.x3 - values.root) <= 1e-2


@pytest.mark.parametrize("problem_id", ["adam-steps", "adamax-steps"])
def test_a_theta_that_never_moved_is_wrong(problem_id):
    problem = registry.get(problem_id)
    theta0 = params_for(problem, "default")["theta0"]
    graded = grade(problem, "default", {"theta": [theta0, theta0, theta0]})
    assert [p.status for p in graded.parts if p.id == "theta"] == ["incorrect"]


def _sig3(x):
    return np.array([float(f"{v:.3g}") for v in np.ravel(x)]).reshape(np.shape(x))


@pytest.mark.parametrize("variant", ["default", *range(12)])
def test_adam_theta_from_hand_rounded_moments_is_right(variant):
    """A student rounding m, v, m̂, v̂ to 3 significant figures at every step, as the statement
    asks, still lands within 4 decimal places of θ."""
    problem = registry.get("adam-steps")
    p = {k: np.asarray(v, dtype=float) for k, v in params_for(problem, variant).items()}
    theta, m, v, rows = p["theta0"].copy(), np.zeros(2), np.zeros(2), []
    for t, g in enumerate(p["grads"], start=1):
        m = _sig3(p["beta1"] * m + (1 - p["beta1"]) * g)
        v = _sig3(p["beta2"] * v + (1 - p["beta2"]) * g**2)
        m_hat, v_hat = _sig3(m / (1 - p["beta1"] ** t)), _sig3(v / (1 - p["beta2"] ** t))
        theta = np.round(theta - p["eta"] * m_hat / (np.sqrt(v_hat) + p["eps"]), 4)
        rows.append(theta)
    graded = grade(problem, variant, {"theta": np.array(rows).tolist()})
    assert [x.status for x in graded.parts if x.id == "theta"] == ["correct"]


@pytest.mark.parametrize("variant", ["default", *range(12)])
def test_adamax_theta_from_hand_rounded_moments_is_right(variant):
    problem = registry.get("adamax-steps")
    p = {k: np.asarray(v, dtype=float) for k, v in params_for(problem, variant).items()}
    theta, m, u, rows = p["theta0"].copy(), np.zeros(2), np.zeros(2), []
    for t, g in enumerate(p["grads"], start=1):
        m = _sig3(p["beta1"] * m + (1 - p["beta1"]) * g)
        u = _sig3(np.maximum(p["beta2"] * u, np.abs(g)))
        theta = np.round(theta - p["eta"] / (1 - p["beta1"] ** t) * m / u, 5)
        rows.append(theta)
    graded = grade(problem, variant, {"theta": np.array(rows).tolist()})
    assert [x.status for x in graded.parts if x.id == "theta"] == ["correct"]
