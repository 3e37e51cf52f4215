"""The catalog's gradient problems against computations of their own: central finite differences
of the functions written out here, brute force for sets and properties — never the problems'
own steps. Then every part through the grader: the reference typed in several syntaxes earns
"correct", a perturbed one does not."""

import itertools
import math

import numpy as np
import pytest
from spellings import perturbed, typed

from graders.grade import grade
from problems.core import params_for, run_steps, solution
from problems.gradients import (
    beale_hessian,
    linear_form_gradient,
    logistic_regression_gradient,
    softmax_ce_gradient,
    symmetry_regularizer,
)
from problems.statement import render

VARIANTS = ["default", *range(25)]
GRADED_VARIANTS = ["default", 0, 1, 2]
PROBLEMS = [linear_form_gradient, beale_hessian, softmax_ce_gradient, logistic_regression_gradient,
            symmetry_regularizer]


# --- independent numerics ------------------------------------------------------------------

def fd_gradient(f, point, h=1e-5):
    point = [float(v) for v in point]
    grad = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        grad.append((f(up) - f(down)) / (2 * h))
    return np.array(grad)


def fd_hessian(f, point, h=1e-4):
    point = [float(v) for v in point]
    n = len(point)
    H = np.zeros((n, n))
    for i, j in itertools.product(range(n), repeat=2):
        def at(si, sj):
            p = list(point)
            p[i] += si * h
            p[j] += sj * h
            return f(p)
        H[i, j] = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h * h)
    return H


def eigenvalues_2x2(H):
    """Roots of λ² − tr λ + det, by the quadratic formula."""
    half_trace = (H[0][0] + H[1][1]) / 2
    det = H[0][0] * H[1][1] - H[0][1] * H[1][0]
    root = math.sqrt(half_trace**2 - det)
    return sorted([half_trace - root, half_trace + root])


# --- answers in the syntaxes students type: tests/problems/spellings.py ------------------

def graded(problem, variant, part_id, answer):
    result = grade(problem, variant, {part_id: answer})
    return next(p for p in result.parts if p.id == part_id)


def assert_every_part_graded(problem, variant):
    values = solution(problem, variant)
    for part in problem.parts:
        if part.kind in ("property", "expression"):
            continue
        ref = values[part.id]
        for answer in typed(part, ref):
            result = graded(problem, variant, part.id, answer)
            assert result.status == "correct", (part.id, answer, result.feedback)
        wrong = graded(problem, variant, part.id, perturbed(part, ref))
        assert wrong.status != "correct", (part.id, wrong)


@pytest.mark.parametrize("problem", PROBLEMS, ids=[p.id for p in PROBLEMS])
@pytest.mark.parametrize("variant", GRADED_VARIANTS)
def test_reference_in_several_syntaxes_is_correct_and_a_perturbed_one_is_not(problem, variant):
    assert_every_part_graded(problem, variant)


@pytest.mark.parametrize("problem", PROBLEMS, ids=[p.id for p in PROBLEMS])
def test_default_statement_renders(problem):
    statement = render(problem.statement, params_for(problem, "default"))
    assert "{{" not in statement and statement.count("$$") % 2 == 0
    if problem is not symmetry_regularizer:  # the precision rule is stated
        assert "at least 2 decimal places" in statement or "give exact values" in statement


# --- linear-form-gradient ------------------------------------------------------------------

def test_linear_form_default_is_the_catalogs():
    assert params_for(linear_form_gradient, "default") == dict(a=[2, -1, 3], x=[1, 0, 2])


@pytest.mark.parametrize("variant", VARIANTS)
def test_linear_form_matches_finite_differences(variant):
    p = params_for(linear_form_gradient, variant)
    f = lambda x: sum(a * xi for a, xi in zip(p["a"], x))  # noqa: E731
    ref = solution(linear_form_gradient, variant).df_dx_value
    assert ref.shape == (3,)
    np.testing.assert_allclose(ref, fd_gradient(f, p["x"]), atol=1e-8)
    np.testing.assert_array_equal(ref, np.round(ref))  # the tolerance is exact


def test_linear_form_feedback():
    a, x = [2, -1, 3], [1, 0, 2]
    column = graded(linear_form_gradient, "default", "df_dx_value", [[v] for v in a])
    assert (column.status, column.score) == ("partial", 0.5)
    assert "row vector (1×3)" in column.feedback
    assert graded(linear_form_gradient, "default", "df_dx_value", "[2 -1 3]").status == "correct"
    given_x = graded(linear_form_gradient, "default", "df_dx_value", x)
    assert given_x.feedback.startswith("That is x.")
    terms = graded(linear_form_gradient, "default", "df_dx_value",
                   [ai * xi for ai, xi in zip(a, x)])
    assert terms.feedback.startswith("Those are the terms aᵢxᵢ of the sum")


@pytest.mark.parametrize("seed", range(25))
def test_linear_form_random_variants(seed):
    p = params_for(linear_form_gradient, seed)
    a, x = np.array(p["a"]), np.array(p["x"])
    assert a.shape == x.shape == (3,) and a.dtype.kind == x.dtype.kind == "i"
    assert np.abs(a).max() <= 3 and np.abs(x).max() <= 3 and a.any() and x.any()
    assert not np.array_equal(a, x) and not np.array_equal(a * x, a)  # no mistake is right


# --- beale-hessian -------------------------------------------------------------------------

def beale(point):
    x, y = point
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def test_beale_default_is_the_catalogs():
    assert params_for(beale_hessian, "default") == dict(p=[0, 1], q=[0, 0], eta=0.1)
    values = solution(beale_hessian, "default")
    np.testing.assert_allclose(values.hessian_at_q, [[6, 3], [3, 0]], atol=1e-12)
    np.testing.assert_allclose(sorted(values.hessian_eigenvalues), [3 - 3 * 2**0.5, 3 + 3 * 2**0.5])
    np.testing.assert_allclose(values.gd_step, [0, 1], atol=1e-12)  # (0, 1) is stationary


@pytest.mark.parametrize("variant", VARIANTS)
def test_beale_matches_finite_differences(variant):
    p = params_for(beale_hessian, variant)
    values = solution(beale_hessian, variant)
    np.testing.assert_allclose(values.grad_at_p, fd_gradient(beale, p["p"]), rtol=1e-7, atol=1e-6)
    H = fd_hessian(beale, p["q"])
    np.testing.assert_allclose(values.hessian_at_q, H, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(sorted(values.hessian_eigenvalues), eigenvalues_2x2(H),
                               rtol=1e-5, atol=1e-4)
    step = np.array(p["p"]) - p["eta"] * fd_gradient(beale, p["p"])
    np.testing.assert_allclose(values.gd_step, step, rtol=1e-7, atol=1e-6)


@pytest.mark.parametrize("variant", VARIANTS)
def test_beale_is_not_convex_and_q_shows_it(variant):
    """Brute force: some direction through q has negative curvature, so F is not convex, and
    the answer `false` is what the reference says."""
    q = params_for(beale_hessian, variant)["q"]
    s = 1e-3
    curvatures = []
    for angle in np.linspace(0, np.pi, 181):
        v = np.array([np.cos(angle), np.sin(angle)])
        curvatures.append((beale(q + s * v) + beale(q - s * v) - 2 * beale(q)) / s**2)
    assert min(curvatures) < -0.2
    assert solution(beale_hessian, variant).is_convex is False
    assert graded(beale_hessian, variant, "is_convex", "false").status == "correct"
    assert graded(beale_hessian, variant, "is_convex", "true").status == "incorrect"


def test_beale_gd_step_carries_the_students_gradient_forward():
    params = dict(p=np.array([0.5, -1.0]), q=np.array([0.0, 0.0]), eta=0.1)
    values = run_steps(beale_hessian.steps, params, given={"grad_at_p": np.array([10.0, -20.0])})
    np.testing.assert_allclose(values.gd_step, [0.5 - 1.0, -1.0 + 2.0])


@pytest.mark.parametrize("seed", range(25))
def test_beale_random_variants(seed):
    p = params_for(beale_hessian, seed)
    grid = {-1, -0.5, 0, 0.5, 1}
    assert set(p["p"]) <= grid and set(p["q"]) <= grid
    assert p["eta"] in (0.01, 0.05, 0.1)
    assert eigenvalues_2x2(fd_hessian(beale, p["q"]))[0] < -0.2


# --- softmax-ce-gradient -------------------------------------------------------------------

def cross_entropy(y):
    def loss(z):
        total = sum(math.exp(v) for v in z)
        return -sum(yk * math.log(math.exp(zk) / total) for yk, zk in zip(y, z))
    return loss


def test_softmax_default_is_the_catalogs():
    assert params_for(softmax_ce_gradient, "default") == dict(z=[2, 1, 0.1], y=[0, 1, 0])
    np.testing.assert_allclose(solution(softmax_ce_gradient, "default").y_hat,
                               [0.659, 0.2424, 0.0986], atol=1e-3)


@pytest.mark.parametrize("variant", VARIANTS)
def test_softmax_matches_finite_differences(variant):
    p = params_for(softmax_ce_gradient, variant)
    values = solution(softmax_ce_gradient, variant)
    total = sum(math.exp(v) for v in p["z"])
    np.testing.assert_allclose(values.y_hat, [math.exp(v) / total for v in p["z"]], rtol=1e-12)
    loss = cross_entropy(p["y"])
    np.testing.assert_allclose(values.grad_z, fd_gradient(loss, p["z"]), atol=1e-8)
    assert abs(values.grad_z.sum()) < 1e-12  # adding a constant to z changes nothing
    H = fd_hessian(loss, p["z"])
    np.testing.assert_allclose(values.hessian_z, H, atol=1e-6)


@pytest.mark.parametrize("variant", VARIANTS)
def test_softmax_hessian_is_psd_by_brute_force(variant):
    H = fd_hessian(cross_entropy(params_for(softmax_ce_gradient, variant)["y"]),
                   params_for(softmax_ce_gradient, variant)["z"])
    rng = np.random.default_rng(0)
    assert all(v @ H @ v >= -1e-6 for v in rng.normal(size=(200, 3)))
    assert solution(softmax_ce_gradient, variant).hessian_is_psd is True


def test_softmax_feedback():
    values = solution(softmax_ce_gradient, "default")
    flipped = graded(softmax_ce_gradient, "default", "grad_z",
                     (np.array([0, 1, 0]) - values.y_hat).tolist())
    assert flipped.feedback == (
        "Sign: the gradient of softmax cross-entropy is ∇_z L = ŷ − y, not y − ŷ."
    )
    diagonal = graded(softmax_ce_gradient, "default", "hessian_z",
                      np.diag(values.y_hat * (1 - values.y_hat)).tolist())
    assert diagonal.status == "incorrect"
    assert diagonal.feedback.startswith("The diagonal ŷᵢ(1 − ŷᵢ) is right")


@pytest.mark.parametrize("seed", range(25))
def test_softmax_random_variants(seed):
    p = params_for(softmax_ce_gradient, seed)
    assert sorted(p["y"]) == [0, 0, 1] and all(isinstance(v, int) for v in p["y"])
    assert all(v * 2 == round(v * 2) and -2 <= v <= 2 for v in p["z"])
    assert 0 < max(p["z"]) - min(p["z"]) <= 3


# --- logistic-regression-gradient ----------------------------------------------------------

def logistic_loss(x, y):
    def E(wb):
        w, b = wb
        total = 0.0
        for xn, yn in zip(x, y):
            s = 1 / (1 + math.exp(-(w * xn + b)))
            total -= yn * math.log(s) + (1 - yn) * math.log(1 - s)
        return total
    return E


def test_logistic_default_is_the_catalogs():
    assert params_for(logistic_regression_gradient, "default") == dict(
        x=[0.5, 1.5, -1, 2], y=[0, 1, 0, 1], w=0.5, b=-0.2, eta=0.1
    )


@pytest.mark.parametrize("variant", VARIANTS)
def test_logistic_matches_finite_differences(variant):
    p = params_for(logistic_regression_gradient, variant)
    values = solution(logistic_regression_gradient, variant)
    dE_dw, dE_db = fd_gradient(logistic_loss(p["x"], p["y"]), [p["w"], p["b"]])
    assert values.dE_dw == pytest.approx(dE_dw, abs=1e-8)
    assert values.dE_db == pytest.approx(dE_db, abs=1e-8)
    assert values.w_next == pytest.approx(p["w"] - p["eta"] * dE_dw, abs=1e-8)
    assert values.b_next == pytest.approx(p["b"] - p["eta"] * dE_db, abs=1e-8)


@pytest.mark.parametrize("variant", ["default", 0, 1, 2, 3])
def test_logistic_loss_is_convex_by_brute_force(variant):
    p = params_for(logistic_regression_gradient, variant)
    E = logistic_loss(p["x"], p["y"])
    rng = np.random.default_rng(1)
    for _ in range(200):
        a, b = rng.uniform(-3, 3, size=(2, 2))
        assert E((a + b) / 2) <= (E(a) + E(b)) / 2 + 1e-12
    for point in rng.uniform(-3, 3, size=(20, 2)):
        assert eigenvalues_2x2(fd_hessian(E, point))[0] >= -1e-4
    assert solution(logistic_regression_gradient, variant).is_convex is True


def test_logistic_uphill_step_feedback():
    values = solution(logistic_regression_gradient, "default")
    uphill = graded(logistic_regression_gradient, "default", "w_next",
                    float(0.5 + 0.1 * values.dE_dw))
    assert uphill.feedback == "That step goes uphill: gradient descent subtracts η ∂E/∂w."


@pytest.mark.parametrize("seed", range(25))
def test_logistic_random_variants(seed):
    p = params_for(logistic_regression_gradient, seed)
    assert len(p["x"]) == len(p["y"]) == 4 and set(p["y"]) == {0, 1}
    assert all(v * 2 == round(v * 2) and v != 0 for v in p["x"])
    assert p["w"] in (-1, -0.5, 0.5, 1) and round(p["b"], 1) == p["b"]
    assert p["eta"] in (0.1, 0.2, 0.5)
    dE_dw, dE_db = fd_gradient(logistic_loss(p["x"], p["y"]), [p["w"], p["b"]])
    assert abs(dE_dw) >= 0.05 and abs(dE_db) >= 0.05


# --- symmetry-regularizer ------------------------------------------------------------------

W_SAMPLES = np.random.default_rng(2).normal(size=(20, 2))


def is_the_regularizer(S) -> bool:
    S = np.asarray(S, dtype=float)
    return all(np.isclose(w @ S @ w, (w[0] - w[1]) ** 2, atol=1e-9) for w in W_SAMPLES)


def S_result(answer):
    return graded(symmetry_regularizer, "default", "S", answer)


@pytest.mark.parametrize(
    ("answer", "S"),
    [
        ([[1, -1], [-1, 1]], [[1, -1], [-1, 1]]),
        ([[1, 0], [-2, 1]], [[1, 0], [-2, 1]]),
        ("[1 -3; 1 1]", [[1, -3], [1, 1]]),
        (r"\begin{bmatrix} 1 & 0.5 \\ -5/2 & 1 \end{bmatrix}", [[1, 0.5], [-2.5, 1]]),
        ([["1", "-2"], ["0", "1"]], [[1, -2], [0, 1]]),
    ],
)
def test_symmetry_different_right_answers(answer, S):
    assert is_the_regularizer(S)
    result = S_result(answer)
    assert (result.status, result.score) == ("correct", 1.0), result.feedback


def test_symmetry_step_gives_a_right_answer():
    S = solution(symmetry_regularizer, "default").S
    assert is_the_regularizer(S)
    assert S_result(S.tolist()).status == "correct"


def test_symmetry_agrees_with_brute_force_on_every_small_integer_matrix():
    right = 0
    for entries in itertools.product(range(-2, 3), repeat=4):
        S = [list(entries[:2]), list(entries[2:])]
        truth = is_the_regularizer(S)
        right += truth
        assert (S_result(S).status == "correct") == truth, S
    assert right == 3  # s₁₁ = s₂₂ = 1 and (s₁₂, s₂₁) = (0, −2), (−1, −1) or (−2, 0)


VANISH = "R does not vanish when w₁ = w₂: for w = (1, 1) your S gives R = s₁₁ + s₁₂ + s₂₁ + s₂₂ = "


@pytest.mark.parametrize(
    ("answer", "feedback"),
    [
        ([[1, 0], [0, 1]], VANISH + "2, not 0."),
        ([[2, -1], [-1, 1]],
         "R(w) for w = (1, 0) should be 1, but your S gives s₁₁ = 2. "
         + VANISH + "1, not 0."),
        ([[2, -1.5], [-1.5, 1]],  # R(1, 1) = 0, but not (w₁ − w₂)²
         "R(w) for w = (1, 0) should be 1, but your S gives s₁₁ = 2."),
        ([[1, -1], [-1, 0.5]],
         "R(w) for w = (0, 1) should be 1, but your S gives s₂₂ = 0.5. "
         + VANISH + "-0.5, not 0."),
        ([[-1, 1], [1, -1]],  # the sign flipped
         "R(w) for w = (1, 0) should be 1, but your S gives s₁₁ = -1. "
         "R(w) for w = (0, 1) should be 1, but your S gives s₂₂ = -1."),
    ],
)
def test_symmetry_wrong_answers_name_the_failing_condition(answer, feedback):
    assert not is_the_regularizer(answer)
    result = S_result(answer)
    assert (result.status, result.feedback) == ("incorrect", feedback)


def test_symmetry_wrong_shape_is_invalid():
    result = S_result([1, -1, -1, 1])
    assert result.status == "invalid"
    assert result.feedback == "this answer: expected a 2×2 matrix, got a vector of 4 entries"
