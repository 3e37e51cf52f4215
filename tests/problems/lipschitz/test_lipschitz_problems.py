"""The Lipschitz-family catalog problems against independent oracles: the largest slope of each
activation on a fine grid, power iteration and a brute-force search over unit vectors for
spectral norms, explicit sums for the other matrix quantities, extremal and random functions for
the combination rules, and brute force for the two property parts."""

import math

import numpy as np
import pytest
from spellings import check_typed_and_perturbed, graded

from problems import lipschitz
from problems.core import as_arrays, params_for, run_steps, solution
from problems.statement import render

SEEDS = range(25)
VARIANTS = ["default", *SEEDS]
GRID = np.linspace(-30, 30, 60_001)  # step 1e-3
ANGLES = np.linspace(0, 2 * np.pi, 100_001)
UNIT_VECTORS = np.stack([np.cos(ANGLES), np.sin(ANGLES)])

ACTIVATIONS = {
    "identity": lambda a: a,
    "relu": lambda a: np.maximum(a, 0),
    "tanh": np.tanh,
    "sigmoid": lambda a: np.exp(-np.logaddexp(0, -a)),
    "softplus": lambda a: np.logaddexp(0, a),
}


def leaky(alpha):
    return lambda a: np.where(a > 0, a, alpha * a)


def largest_slope(phi):
    """max |φ(a) − φ(b)| / |a − b| over neighbouring grid points."""
    return float(np.max(np.abs(np.diff(phi(GRID))) / np.diff(GRID)))


_SLOPES = {name: largest_slope(phi) for name, phi in ACTIVATIONS.items()}


def brute_spectral_norm(W):
    W = np.asarray(W, dtype=float)
    return float(np.linalg.norm(W @ UNIT_VECTORS, axis=0).max())


def power_iteration_norm(W, iterations=3000):
    W = np.asarray(W, dtype=float)
    M = W.T @ W
    v = np.random.default_rng(0).normal(size=M.shape[0])
    for _ in range(iterations):
        v = M @ v
        v /= np.linalg.norm(v)
    return math.sqrt(v @ M @ v)


# --- lipschitz-activations ------------------------------------------------------------------

@pytest.mark.parametrize("variant", VARIANTS)
def test_activation_constants_are_the_largest_slopes(variant):
    problem = lipschitz.lipschitz_activations
    values = solution(problem, variant)
    alpha = params_for(problem, variant)["alpha"]
    for part, phi in (("relu", ACTIVATIONS["relu"]), ("tanh", np.tanh), ("sigmoid", ACTIVATIONS["sigmoid"]),
                      ("softplus", ACTIVATIONS["softplus"]), ("leaky_relu", leaky(alpha))):
        measured = _SLOPES[part] if part in _SLOPES else largest_slope(phi)
        assert values[part] == pytest.approx(measured, rel=1e-6), part
        # and it bounds every pair, not only neighbours
        a, b = np.random.default_rng(1).uniform(-8, 8, size=(2, 20_000))
        assert np.all(np.abs(phi(a) - phi(b)) <= values[part] * np.abs(a - b) * (1 + 1e-9) + 1e-15)


def test_activation_defaults():
    values = solution(lipschitz.lipschitz_activations, "default")
    assert [values[p] for p in ("relu", "tanh", "sigmoid", "leaky_relu", "softplus")] == [1, 1, 0.25, 1, 1]
    assert params_for(lipschitz.lipschitz_activations, "default") == {"alpha": 0.1}


@pytest.mark.parametrize("seed", SEEDS)
def test_activation_random_slopes(seed):
    alpha = params_for(lipschitz.lipschitz_activations, seed)["alpha"]
    assert 0 < alpha <= 3 and alpha != 1 and round(alpha, 2) == alpha


def test_some_leaky_slopes_are_steeper_than_one():
    """Both cases of max(1, |α|) are drawn, so a solver that always answers 1 is caught."""
    steep = [s for s in SEEDS if params_for(lipschitz.lipschitz_activations, s)["alpha"] > 1]
    assert len(steep) >= 3
    for seed in steep:
        alpha = params_for(lipschitz.lipschitz_activations, seed)["alpha"]
        assert solution(lipschitz.lipschitz_activations, seed).leaky_relu == pytest.approx(largest_slope(leaky(alpha)))


# --- lipschitz-network-bound ----------------------------------------------------------------

def network(weights, activations, x):
    for W, name in zip(weights, activations):
        x = ACTIVATIONS[name](np.asarray(W, dtype=float) @ x)
    return x


@pytest.mark.parametrize("variant", VARIANTS)
def test_network_bound_from_power_iteration_and_grid_slopes(variant):
    problem = lipschitz.lipschitz_network_bound
    params = params_for(problem, variant)
    weights = [np.asarray(W, dtype=float) for W in params["weights"]]
    values = solution(problem, variant)
    factors = []
    for W, name in zip(weights, params["activations"]):
        norm = power_iteration_norm(W)
        assert norm == pytest.approx(brute_spectral_norm(W), rel=1e-6)
        factors.append(norm * _SLOPES[name])
    np.testing.assert_allclose(values.layer_constants, factors, rtol=1e-6)
    assert values.total_bound == pytest.approx(math.prod(factors), rel=1e-6)
    # the bound holds for the network itself
    x, y = np.random.default_rng(2).normal(size=(2, 2, 4000))
    ratios = np.linalg.norm(network(weights, params["activations"], x) - network(weights, params["activations"], y),
                            axis=0) / np.linalg.norm(x - y, axis=0)
    assert ratios.max() <= values.total_bound * (1 + 1e-9)


def test_network_bound_default():
    values = solution(lipschitz.lipschitz_network_bound, "default")
    # ‖[[1, 2], [0, 1]]‖₂ = 1 + √2, ‖[[3, 0], [4, 5]]‖₂ = 3√5, ‖[1, −1]‖₂ = √2
    want = [1 + math.sqrt(2), 3 * math.sqrt(5) / 4, math.sqrt(2)]
    np.testing.assert_allclose(values.layer_constants, want)
    assert params_for(lipschitz.lipschitz_network_bound, "default")["activations"] == ["relu", "sigmoid", "identity"]


@pytest.mark.parametrize("seed", SEEDS)
def test_network_random_variants(seed):
    params = params_for(lipschitz.lipschitz_network_bound, seed)
    weights = [np.array(W) for W in params["weights"]]
    assert 2 <= len(weights) <= 3 and len(params["activations"]) == len(weights)
    assert all(W.dtype.kind == "i" and W.any() for W in weights)
    assert [W.shape for W in weights] == [(2, 2)] * (len(weights) - 1) + [(1, 2)]
    assert params["activations"][-1] == "identity" and "sigmoid" in params["activations"]


# --- lipschitz-combinations -----------------------------------------------------------------

STEP = 1e-4
LINE = np.arange(-1, 1, STEP)


def slope(values):
    return float(np.max(np.abs(np.diff(values))) / STEP)


def clipped_line(L, K):
    """|f| ≤ K, Lipschitz L, and at x → 0⁻ both at once: f = K − … with slope L."""
    return np.clip(K + L * LINE, -K, K)


@pytest.mark.parametrize("variant", VARIANTS)
def test_combination_rules_bound_and_are_attained(variant):
    problem = lipschitz.lipschitz_combinations
    p = params_for(problem, variant)
    L_f, L_g, K_f, K_g, c = p["L_f"], p["L_g"], p["K_f"], p["K_g"], p["c"]
    values = solution(problem, variant)

    # attained (up to the grid) by extremal f, g
    f, g = L_f * LINE, L_g * LINE
    assert values.sum == pytest.approx(slope(f + g), rel=1e-6)
    assert values.composition == pytest.approx(slope(L_f * g), rel=1e-6)  # f(g(x)), f(u) = L_f u
    assert values.scaled == pytest.approx(slope(c * f), rel=1e-6)
    assert values.product == pytest.approx(slope(clipped_line(L_f, K_f) * clipped_line(L_g, K_g)), rel=1e-3)
    # and never beaten by random admissible pairs
    rng = np.random.default_rng(3)
    for _ in range(8):
        phase_f, phase_g = rng.uniform(0, 2 * np.pi, 2)
        f = K_f * np.sin(L_f * LINE / K_f + phase_f)
        g = K_g * np.sin(L_g * LINE / K_g + phase_g)
        g_of_x = lambda u: K_g * np.sin(L_g * u / K_g + phase_g)
        f_of = lambda u: K_f * np.sin(L_f * u / K_f + phase_f)
        assert slope(f + g) <= values.sum * (1 + 1e-9)
        assert slope(f_of(g_of_x(LINE))) <= values.composition * (1 + 1e-9)
        assert slope(f * g) <= values.product * (1 + 1e-9)
        assert slope(c * f) <= values.scaled * (1 + 1e-9)


def test_combination_defaults():
    values = solution(lipschitz.lipschitz_combinations, "default")
    assert (values.sum, values.composition, values.product, values.scaled) == (5, 6, 14, 6)


@pytest.mark.parametrize("seed", SEEDS)
def test_combination_random_variants(seed):
    p = params_for(lipschitz.lipschitz_combinations, seed)
    assert p["L_f"] != p["L_g"] and p["K_f"] != p["K_g"] and p["c"] not in (0, 1, -1)
    answers = solution(lipschitz.lipschitz_combinations, seed)
    assert len({answers.sum, answers.composition, answers.product, answers.scaled}) == 4


# --- matrix-norm-identities -----------------------------------------------------------------

def entries(M):
    return [(i, j) for i in range(len(M)) for j in range(len(M[0]))]


@pytest.mark.parametrize("variant", VARIANTS)
def test_matrix_quantities_by_brute_force(variant):
    problem = lipschitz.matrix_norm_identities
    p = params_for(problem, variant)
    A, X = p["A"], p["X"]
    v = solution(problem, variant)
    Anp = np.array(A, dtype=float)
    AtA = [[sum(A[k][i] * A[k][j] for k in range(2)) for j in range(2)] for i in range(2)]

    assert v.spectral_norm == pytest.approx(brute_spectral_norm(A), rel=1e-7)
    assert v.spectral_norm == pytest.approx(power_iteration_norm(A), rel=1e-7)
    assert v.spectral_norm_AtA == pytest.approx(brute_spectral_norm(AtA), rel=1e-7)
    assert v.frobenius_norm == pytest.approx(math.sqrt(sum(A[i][j] ** 2 for i, j in entries(A))), rel=1e-12)
    assert v.trace == A[0][0] + A[1][1]
    assert v.det == A[0][0] * A[1][1] - A[0][1] * A[1][0]
    lam = sorted(v.eigenvalues)
    for value in lam:  # det(A − λI) = 0
        assert (A[0][0] - value) * (A[1][1] - value) - A[0][1] * A[1][0] == pytest.approx(0, abs=1e-9)
    assert lam[1] - lam[0] >= 0.1
    assert v.frobenius_sum_sq == sum((A[i][j] + X[i][j]) ** 2 for i, j in entries(A))
    AtX = [[sum(A[k][i] * X[k][j] for k in range(2)) for j in range(2)] for i in range(2)]
    assert v.trace_AtX == AtX[0][0] + AtX[1][1]
    frob, spec = math.sqrt((Anp**2).sum()), brute_spectral_norm(A)
    rank = 2 if v.det != 0 else 1
    assert v.norm_chain_holds == (frob >= spec * (1 - 1e-9) and spec >= frob / math.sqrt(rank) * (1 - 1e-9))


def test_matrix_defaults():
    v = solution(lipschitz.matrix_norm_identities, "default")
    assert v.frobenius_norm == pytest.approx(math.sqrt(30))
    assert (v.trace, v.det, v.frobenius_sum_sq, v.trace_AtX) == (5, -2, 42, 5)
    np.testing.assert_allclose(sorted(v.eigenvalues), [(5 - math.sqrt(33)) / 2, (5 + math.sqrt(33)) / 2])
    assert v.spectral_norm_AtA == pytest.approx(15 + math.sqrt(221))
    assert v.norm_chain_holds is True


@pytest.mark.parametrize("seed", SEEDS)
def test_matrix_random_variants(seed):
    A = np.array(params_for(lipschitz.matrix_norm_identities, seed)["A"])
    assert A.dtype.kind == "i"
    tr, det = A[0, 0] + A[1, 1], A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0]
    assert det != 0 and tr**2 - 4 * det > 0  # invertible, real distinct eigenvalues


# --- sigmoid-tanh-equivalence ---------------------------------------------------------------

def sigmoid_net(W1, b1, W2, b2, x):
    s = lambda u: 1 / (1 + np.exp(-u))
    return s(np.asarray(W2) @ s(np.asarray(W1) @ x + np.asarray(b1)[:, None]) + np.asarray(b2)[:, None])


def tanh_net(W1, b1, W2, b2, x):
    s = lambda u: 1 / (1 + np.exp(-u))
    return s(np.asarray(W2) @ np.tanh(np.asarray(W1) @ x + np.asarray(b1)[:, None]) + np.asarray(b2)[:, None])


def flipped_first_unit(answer):
    flip = np.array([-1.0, 1.0])
    return dict(W1=np.asarray(answer["W1"]) * flip[:, None], b1=np.asarray(answer["b1"]) * flip,
                W2=np.asarray(answer["W2"]) * flip, b2=np.asarray(answer["b2"]))


def swapped_units(answer):
    return dict(W1=np.asarray(answer["W1"])[::-1], b1=np.asarray(answer["b1"])[::-1],
                W2=np.asarray(answer["W2"])[:, ::-1], b2=np.asarray(answer["b2"]))


def plain(answer):
    return {k: np.asarray(v).tolist() for k, v in answer.items()}


@pytest.mark.parametrize("variant", VARIANTS)
def test_tanh_weights_give_the_same_function(variant):
    problem = lipschitz.sigmoid_tanh_equivalence
    p = params_for(problem, variant)
    answer = solution(problem, variant).tanh_weights
    x = np.random.default_rng(4).uniform(-5, 5, size=(2, 500))
    want = sigmoid_net(p["W1"], p["b1"], p["W2"], p["b2"], x)
    for right in (answer, flipped_first_unit(answer), swapped_units(answer)):
        np.testing.assert_allclose(tanh_net(right["W1"], right["b1"], right["W2"], right["b2"], x), want, atol=1e-12)
        assert graded(problem, variant, "tanh_weights", plain(right)) == ("correct", "Correct.")
    # b2 left as it was: off by the constant ½ΣW2 in the output's pre-activation
    unchanged_b2 = {**plain(answer), "b2": p["b2"]}
    status, feedback = graded(problem, variant, "tanh_weights", unchanged_b2)
    assert status == "incorrect" and feedback.startswith("At every input the output's pre-activation is off")


def test_tanh_weights_default_answers_and_feedback():
    problem = lipschitz.sigmoid_tanh_equivalence
    typed = {"W1": "[0.5 -0.5; 1 1/4]", "b1": ["1/4", "-0.5"], "W2": "[0.5 -1]", "b2": "[-0.2]"}
    flipped = {"W1": [[-0.5, 0.5], [1, 0.25]], "b1": [-0.25, -0.5], "W2": [[-0.5, -1]], "b2": [-0.2]}
    assert graded(problem, "default", "tanh_weights", typed) == ("correct", "Correct.")
    assert graded(problem, "default", "tanh_weights", flipped) == ("correct", "Correct.")
    assert graded(problem, "default", "tanh_weights", {**typed, "b2": ["3/10"]}) == (
        "incorrect",
        "At every input the output's pre-activation is off by the same constant (0.5): check b2′ — "
        "σ(a) = ½ + ½tanh(a/2) leaves a constant term that the output bias must absorb.",
    )
    # W1 not halved: the first probe (−2, −2) already disagrees
    unhalved = {**typed, "W1": [[1, -1], [2, 0.5]]}
    x = np.array([[-2.0], [-2.0]])
    want = sigmoid_net([[1, -1], [2, 0.5]], [0.5, -1], [[1, -2]], [0.3], x)[0, 0]
    got = tanh_net([[1, -1], [2, 0.5]], [0.25, -0.5], [[0.5, -1]], [-0.2], x)[0, 0]
    assert graded(problem, "default", "tanh_weights", unhalved) == (
        "incorrect",
        f"The two networks disagree: at x = (-2, -2) the sigmoid network gives y = {want:.4f}, "
        f"yours gives y = {got:.4f}.",
    )
    assert graded(problem, "default", "tanh_weights", {**typed, "b2": [1, 2]})[0] == "invalid"


@pytest.mark.parametrize("seed", SEEDS)
def test_sigmoid_tanh_random_variants(seed):
    p = params_for(lipschitz.sigmoid_tanh_equivalence, seed)
    assert sum(p["W2"][0]) != 0 and all(w != 0 for w in p["W2"][0])
    assert all(any(row) for row in p["W1"])


# --- perceptron-regions ---------------------------------------------------------------------

def codes(units, point):
    return tuple(int(np.dot(units[f"w{i}"], point) + units[f"b{i}"] > 0) for i in (1, 2))


def all_coded(units, regions):
    return all(codes(units, point) == tuple(r["code"]) for r in regions for point in r["points"])


@pytest.mark.parametrize("variant", VARIANTS)
def test_perceptron_units_tell_every_region_apart(variant):
    problem = lipschitz.perceptron_regions
    regions = params_for(problem, variant)["regions"]
    units = solution(problem, variant).units
    assert all_coded(units, regions)
    doubled = {k: 2 * np.asarray(v) for k, v in units.items()}  # another right answer
    assert all_coded(doubled, regions)
    for right in (units, doubled):
        answer = {k: np.asarray(v).tolist() for k, v in right.items()}
        assert graded(problem, variant, "units", answer) == ("correct", "Correct.")
    # both units' roles swapped: every point whose code is not symmetric is misclassified
    swapped = {"w1": units["w2"].tolist(), "b1": float(units["b2"]), "w2": units["w1"].tolist(), "b2": float(units["b1"])}
    status, feedback = graded(problem, variant, "units", swapped)
    assert status == "incorrect" and "gets code" in feedback


def test_perceptron_default_answers_and_exact_feedback():
    problem = lipschitz.perceptron_regions
    by_hand = {"w1": "[-1 0]", "b1": "3", "w2": [1, 1], "b2": -3}
    another = {"w1": [-2, 0], "b1": 7, "w2": "[1; 1]", "b2": "-3"}
    assert graded(problem, "default", "units", by_hand) == ("correct", "Correct.")
    assert graded(problem, "default", "units", another) == ("correct", "Correct.")
    # a first unit that cuts (2, 2) off from its region
    wrong = {"w1": [-2, 1.5], "b1": 0.75, "w2": [1, 1], "b2": -3}
    assert graded(problem, "default", "units", wrong) == (
        "incorrect", "point (2, 2) gets code (0, 1), expected (1, 1).")
    swapped = {"w1": [1, 1], "b1": -3, "w2": [-1, 0], "b2": 3}
    assert graded(problem, "default", "units", swapped) == (
        "incorrect",
        "point (0, 0) gets code (0, 1), expected (1, 0). point (1, 1) gets code (0, 1), expected (1, 0). "
        "point (4, 1) gets code (1, 0), expected (0, 1). point (5, 0) gets code (1, 0), expected (0, 1).",
    )
    # on the line w·x + b = 0 the unit outputs 0
    on_line = {"w1": [-1, 0], "b1": 4, "w2": [1, 1], "b2": -3}  # (4, 1) gives exactly 0
    assert graded(problem, "default", "units", on_line)[0] == "correct"
    zero_at_origin = {"w1": [-1, 0], "b1": 0, "w2": [1, 1], "b2": -3}
    assert graded(problem, "default", "units", zero_at_origin)[1].startswith(
        "point (0, 0) gets code (0, 0), expected (1, 0).")


@pytest.mark.parametrize("seed", SEEDS)
def test_perceptron_random_variants(seed):
    regions = params_for(lipschitz.perceptron_regions, seed)["regions"]
    assert len(regions) == 3 and len({tuple(r["code"]) for r in regions}) == 3
    for region in regions:
        assert len(region["points"]) == 2
        for x, y in region["points"]:
            assert 0 <= x <= 5 and 0 <= y <= 5 and 2 * x == int(2 * x) and 2 * y == int(2 * y)
    points = [tuple(pt) for r in regions for pt in r["points"]]
    assert len(set(points)) == len(points)


# --- through the grader: every non-property part --------------------------------------------

NUMERIC = [lipschitz.lipschitz_activations, lipschitz.lipschitz_network_bound,
           lipschitz.lipschitz_combinations, lipschitz.matrix_norm_identities]
GRADED = [(problem, variant) for problem in NUMERIC for variant in ("default", 0, 1, 2)]


@pytest.mark.parametrize("problem, variant", GRADED, ids=[f"{p.id}-{v}" for p, v in GRADED])
def test_typed_references_are_correct_and_perturbed_ones_are_not(problem, variant):
    assert check_typed_and_perturbed(problem, variant) >= 2


@pytest.mark.parametrize(
    "problem, part_id, answer",
    [
        (lipschitz.lipschitz_activations, "sigmoid", "1"),
        (lipschitz.lipschitz_activations, "leaky_relu", "0.1"),
        # the Frobenius norm for the spectral norm, 0.2 % apart for this A
        (lipschitz.matrix_norm_identities, "spectral_norm", "sqrt(30)"),
        (lipschitz.matrix_norm_identities, "spectral_norm", "5.48"),
        (lipschitz.matrix_norm_identities, "spectral_norm_AtA", "30"),
        (lipschitz.matrix_norm_identities, "frobenius_sum_sq", "32"),
        (lipschitz.lipschitz_combinations, "product", "6"),
        (lipschitz.lipschitz_network_bound, "layer_constants", [math.sqrt(6), math.sqrt(50) / 4, math.sqrt(2)]),
    ],
)
def test_classic_mistakes_get_their_feedback(problem, part_id, answer):
    status, feedback = graded(problem, "default", part_id, answer)
    assert status == "incorrect"
    assert feedback in {m.feedback for m in problem.part(part_id).mistakes}


def test_spectral_and_frobenius_norms_are_not_confused():
    problem = lipschitz.matrix_norm_identities
    assert graded(problem, "default", "spectral_norm", "5.47")[0] == "correct"
    assert graded(problem, "default", "frobenius_norm", "5.47")[0] == "correct"
    assert graded(problem, "default", "frobenius_norm", "5.46")[0] != "correct"


FAMILY = [lipschitz.lipschitz_activations, lipschitz.lipschitz_network_bound, lipschitz.lipschitz_combinations,
          lipschitz.matrix_norm_identities, lipschitz.sigmoid_tanh_equivalence, lipschitz.perceptron_regions]


@pytest.mark.parametrize("problem", FAMILY, ids=lambda p: p.id)
def test_statements_render_and_variants_are_valid(problem):
    statement = render(problem.statement, params_for(problem, "default"))
    assert "{{" not in statement and problem.family == "lipschitz"
    seen = set()
    for seed in SEEDS:
        params = params_for(problem, seed)
        assert problem.valid(run_steps(problem.steps, as_arrays(params)))
        seen.add(repr(params))
    assert len(seen) >= 20
