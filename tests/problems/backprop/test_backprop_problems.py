"""mlp-bce-backprop, sigmoid-mlp-backprop, softmax-leaky-relu-backprop, batchnorm-backward and
gaussian-dropout-regularizer against forward passes written here with plain loops, central
differences of them, and (for the dropout expectation) Gauss–Hermite quadrature over the noise.
Then through the grader: every part's reference typed in two syntaxes is correct, a perturbed
one is not, and the classic mistakes get their own feedback."""

import math

import numpy as np
import pytest
from spellings import central_differences, check_typed_and_perturbed, graded

from problems import backprop
from problems.core import params_for, solution
from problems.statement import render

SEEDS = range(25)
VARIANTS = ["default", *SEEDS]
EPS = 1e-6
NEW = [
    backprop.mlp_bce_backprop,
    backprop.sigmoid_mlp_backprop,
    backprop.softmax_leaky_relu_backprop,
    backprop.batchnorm_backward,
    backprop.gaussian_dropout_regularizer,
]


def numeric_gradient(f, value):
    return central_differences(f, value, EPS)


def close(got, want):
    np.testing.assert_allclose(np.asarray(got, dtype=float), want, rtol=1e-5, atol=1e-7)


def sig(u):
    return 1 / (1 + math.exp(-u))


def dot(row, v):
    return sum(a * b for a, b in zip(row, v))


def bce(y, p):
    return -(y * math.log(p) + (1 - y) * math.log(1 - p))


def cross_entropy(z, y):
    top = max(z)
    log_sum = top + math.log(sum(math.exp(u - top) for u in z))
    return -sum(yk * (zk - log_sum) for yk, zk in zip(y, z))


# --- mlp-bce-backprop and sigmoid-mlp-backprop ----------------------------------------------

def two_layer(X, y, W1, b1, W2, b2, hidden):
    """Per-example hidden pre-activations, hidden outputs, output pre-activations and outputs,
    and the mean BCE."""
    Z1 = [[dot(W1[j], x) + b1[j] for j in range(len(W1))] for x in X]
    A1 = [[hidden(u) for u in z] for z in Z1]
    z2 = [dot(W2[0], a) + b2[0] for a in A1]
    out = [sig(u) for u in z2]
    return dict(Z1=Z1, A1=A1, z2=z2, out=out, loss=sum(bce(t, p) for t, p in zip(y, out)) / len(X))


def relu(u):
    return max(u, 0.0)


def two_layer_loss(p, hidden, **changed):
    q = {**p, **{k: np.asarray(v).tolist() for k, v in changed.items()}}
    return two_layer(q["X"], q["y"], q["W1"], q["b1"], q["W2"], q["b2"], hidden)["loss"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_mlp_bce_forward_and_gradients(variant):
    problem = backprop.mlp_bce_backprop
    p = params_for(problem, variant)
    v = solution(problem, variant)
    plain = two_layer(p["X"], p["y"], p["W1"], p["b1"], p["W2"], p["b2"], relu)
    m = len(p["X"])

    close(v.Z1, plain["Z1"])
    close(v.A1, plain["A1"])
    close(v.y_hat, plain["out"])
    assert v.J == pytest.approx(plain["loss"], rel=1e-12)
    # J as a function of ŷ and of z2 directly
    close(v.dJ_dyhat, numeric_gradient(lambda yh: sum(bce(t, q) for t, q in zip(p["y"], yh)) / m, plain["out"]))
    close(v.dJ_dz2, numeric_gradient(lambda z: sum(bce(t, sig(u)) for t, u in zip(p["y"], z)) / m, plain["z2"]))
    for name, step in (("W2", "dJ_dW2"), ("b2", "dJ_db2"), ("W1", "dJ_dW1"), ("b1", "dJ_db1")):
        want = numeric_gradient(lambda w: two_layer_loss(p, relu, **{name: w}), p[name])
        close(np.reshape(v[step], np.shape(want)), want)
    assert v.dJ_dW2.shape == (1, 2) and v.dJ_dW1.shape == (2, 3) and np.ndim(v.dJ_db2) == 0


@pytest.mark.parametrize("variant", VARIANTS)
def test_sigmoid_mlp_forward_and_gradients(variant):
    problem = backprop.sigmoid_mlp_backprop
    p = params_for(problem, variant)
    v = solution(problem, variant)
    plain = two_layer(p["X"], p["y"], p["W1"], p["b1"], p["W2"], p["b2"], sig)

    close(v.H, plain["A1"])
    close(v.p, plain["out"])
    assert v.loss == pytest.approx(plain["loss"], rel=1e-12)
    for name, step in (("W2", "dL_dW2"), ("b2", "dL_db2"), ("W1", "dL_dW1"), ("b1", "dL_db1")):
        want = numeric_gradient(lambda w: two_layer_loss(p, sig, **{name: w}), p[name])
        close(np.reshape(v[step], np.shape(want)), want)
    assert v.dL_dW2.shape == (1, 2) and v.dL_dW1.shape == (2, 3)


def test_two_layer_defaults_are_the_catalogs():
    default = dict(
        X=[[1, 2, -1], [0, 1, 2]], y=[1, 0], W1=[[0.5, -1, 0.5], [1, 0.5, -0.5]],
        b1=[0.1, -0.2], W2=[[1, -1]], b2=[0.2],
    )
    assert params_for(backprop.mlp_bce_backprop, "default") == default
    assert params_for(backprop.sigmoid_mlp_backprop, "default") == default
    # by hand: Z1 = [[−1.9, 2.3], [0.1, −0.7]], z2 = [−2.1, 0.3]
    np.testing.assert_allclose(solution(backprop.mlp_bce_backprop, "default").Z1, [[-1.9, 2.3], [0.1, -0.7]])


@pytest.mark.parametrize("problem", NEW[:2], ids=lambda p: p.id)
@pytest.mark.parametrize("seed", SEEDS)
def test_two_layer_random_variants_honour_the_constraints(problem, seed):
    p = params_for(problem, seed)
    X, W1, W2 = np.array(p["X"]), np.array(p["W1"]), np.array(p["W2"])
    assert X.shape == (2, 3) and X.dtype.kind == "i" and np.abs(X).max() <= 2
    assert W1.shape == (2, 3) and np.all(W1 * 2 == np.round(W1 * 2))  # halves
    assert W2.shape == (1, 2) and np.all(W2 != 0)
    assert set(p["y"]) <= {0, 1}
    hidden = relu if problem is backprop.mlp_bce_backprop else sig
    plain = two_layer(p["X"], p["y"], p["W1"], p["b1"], p["W2"], p["b2"], hidden)
    Z1 = np.array(plain["Z1"])
    assert np.abs(Z1).max() <= 6 and np.abs(plain["z2"]).max() <= 6  # σ does not saturate
    if problem is backprop.mlp_bce_backprop:
        assert np.all(np.abs(Z1) > 0.05)  # no ReLU kink, even after rounding
        assert (Z1 > 0).any(axis=0).all() and (Z1 < 0).any()


# --- softmax-leaky-relu-backprop ------------------------------------------------------------

def leaky(u):
    return u if u > 0 else 0.1 * u


def leaky_net(x, W1, b1, W2, b2, y):
    z1 = [dot(W1[j], x) + b1[j] for j in range(3)]
    a1 = [leaky(u) for u in z1]
    z2 = [dot(W2[k], a1) + b2[k] for k in range(3)]
    e = [math.exp(u) for u in z2]
    return dict(z1=z1, a1=a1, z2=z2, y_hat=[u / sum(e) for u in e], loss=cross_entropy(z2, y))


def loss_from_a1(a1, p):
    return cross_entropy([dot(p["W2"][k], a1) + p["b2"][k] for k in range(3)], p["y"])


@pytest.mark.parametrize("variant", VARIANTS)
def test_softmax_leaky_forward_and_gradients(variant):
    problem = backprop.softmax_leaky_relu_backprop
    p = params_for(problem, variant)
    v = solution(problem, variant)
    plain = leaky_net(p["x"], p["W1"], p["b1"], p["W2"], p["b2"], p["y"])

    close(v.y_hat, plain["y_hat"])
    close(v.dL_dz2, numeric_gradient(lambda z: cross_entropy(z, p["y"]), plain["z2"]))
    close(v.dL_da1, numeric_gradient(lambda a: loss_from_a1(a, p), plain["a1"]))
    close(v.dL_dz1, numeric_gradient(lambda z: loss_from_a1([leaky(u) for u in z], p), plain["z1"]))
    for name, step in (("W1", "dL_dW1"), ("b1", "dL_db1"), ("W2", "dL_dW2"), ("b2", "dL_db2")):
        def loss(w, name=name):
            q = {**p, name: np.asarray(w).tolist()}
            return leaky_net(q["x"], q["W1"], q["b1"], q["W2"], q["b2"], q["y"])["loss"]

        close(v[step], numeric_gradient(loss, p[name]))


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_leaky_random_variants_honour_the_constraints(seed):
    p = params_for(backprop.softmax_leaky_relu_backprop, seed)
    plain = leaky_net(p["x"], p["W1"], p["b1"], p["W2"], p["b2"], p["y"])
    z1 = np.array(plain["z1"])
    assert np.all(np.abs(z1) > 0.05)  # away from the kink
    assert (z1 < 0).any()  # the 0.1 slope is used
    assert max(np.abs(z1).max(), np.abs(plain["z2"]).max()) <= 6
    assert sorted(p["y"]) == [0, 0, 1]
    assert all(u != 0 for u in p["x"])


# --- batchnorm-backward ---------------------------------------------------------------------

def batchnorm(x, gamma, beta, eps):
    n = len(x)
    mu = sum(x) / n
    var = sum((xi - mu) ** 2 for xi in x) / n
    x_hat = [(xi - mu) / math.sqrt(var + eps) for xi in x]
    return x_hat, [gamma * u + beta for u in x_hat]


def upstream_loss(y, g):
    """L with ∂L/∂y = g: the linear loss Σ g_i y_i."""
    return sum(gi * yi for gi, yi in zip(g, y))


@pytest.mark.parametrize("variant", VARIANTS)
def test_batchnorm_forward_and_gradients(variant):
    problem = backprop.batchnorm_backward
    p = params_for(problem, variant)
    v = solution(problem, variant)
    x, gamma, beta, eps, g = p["x"], p["gamma"], p["beta"], p["eps"], p["g"]
    x_hat, y = batchnorm(x, gamma, beta, eps)

    close(v.x_hat, x_hat)
    close(v.y, y)
    loss = lambda x=x, gamma=gamma, beta=beta: upstream_loss(batchnorm(list(x), gamma, beta, eps)[1], g)
    assert v.dL_dgamma == pytest.approx(numeric_gradient(lambda c: loss(gamma=float(c)), gamma), rel=1e-6)
    assert v.dL_dbeta == pytest.approx(numeric_gradient(lambda c: loss(beta=float(c)), beta), rel=1e-6, abs=1e-9)
    close(v.dL_dx, numeric_gradient(lambda xs: loss(x=xs), x))
    # the worked solution's simplification: normalize by x − μ only
    mean_only = lambda xs: upstream_loss([gamma * (xi - sum(xs) / len(xs)) + beta for xi in xs], g)
    close(v.dL_dx_mean_only, numeric_gradient(mean_only, x))


def test_batchnorm_default():
    values = solution(backprop.batchnorm_backward, "default")
    np.testing.assert_allclose(values.x_hat, np.array([-2, -1, 1, 2]) / math.sqrt(2.5 + 1e-5))
    np.testing.assert_allclose(values.dL_dx_mean_only, [-0.1, -0.7, 0.3, 0.5])
    assert values.dL_dbeta == pytest.approx(0.6)


@pytest.mark.parametrize("seed", SEEDS)
def test_batchnorm_random_variants_honour_the_constraints(seed):
    p = params_for(backprop.batchnorm_backward, seed)
    x_hat, _ = batchnorm(p["x"], p["gamma"], p["beta"], p["eps"])
    assert len(set(p["x"])) > 1 and p["eps"] == 1e-5
    # the path through σ² matters: Σ g x̂ is visibly non-zero
    assert abs(sum(g * u for g, u in zip(p["g"], x_hat))) >= 0.05
    assert abs(sum(p["g"])) >= 0.05


# --- gaussian-dropout-regularizer -----------------------------------------------------------

NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(5)  # exact for polynomials of degree ≤ 9


def expected_cost(w, x, y_d, sigma2):
    """E over δ_k ~ N(1, σ²), independent, of ½(y_d − Σ δ_k w_k x_k)², by quadrature."""
    sigma = math.sqrt(sigma2)
    total = 0.0
    for i, wi in zip(NODES, WEIGHTS):
        for j, wj in zip(NODES, WEIGHTS):
            for k, wk in zip(NODES, WEIGHTS):
                delta = (1 + sigma * i, 1 + sigma * j, 1 + sigma * k)
                prediction = sum(d * a * b for d, a, b in zip(delta, w, x))
                total += wi * wj * wk * 0.5 * (y_d - prediction) ** 2
    return total / (2 * math.pi) ** 1.5


@pytest.mark.parametrize("variant", VARIANTS)
def test_gaussian_dropout_against_quadrature(variant):
    problem = backprop.gaussian_dropout_regularizer
    p = params_for(problem, variant)
    v = solution(problem, variant)
    w, x, y_d, sigma2 = p["w"], p["x"], p["y_d"], p["sigma2"]
    plain = 0.5 * (y_d - dot(w, x)) ** 2
    expected = expected_cost(w, x, y_d, sigma2)

    assert v.J_plain == pytest.approx(plain, rel=1e-12)
    assert v.J_expected == pytest.approx(expected, rel=1e-9)
    assert v.penalty == pytest.approx(expected - plain, rel=1e-8, abs=1e-12)
    close(v.dJ_dw_expected, numeric_gradient(lambda ws: expected_cost(ws, x, y_d, sigma2), w))


def test_gaussian_dropout_default():
    values = solution(backprop.gaussian_dropout_regularizer, "default")
    assert (values.J_plain, values.penalty, values.J_expected) == pytest.approx((1.125, 0.65625, 1.78125))
    np.testing.assert_allclose(values.dJ_dw_expected, [-1.375, -4, -0.625])


@pytest.mark.parametrize("seed", SEEDS)
def test_gaussian_dropout_random_variants_honour_the_constraints(seed):
    p = params_for(backprop.gaussian_dropout_regularizer, seed)
    assert all(u != 0 and 2 * u == round(2 * u) for u in p["w"] + p["x"])
    assert abs(p["y_d"] - dot(p["w"], p["x"])) >= 0.25
    assert p["sigma2"] > 0


# --- through the grader ---------------------------------------------------------------------



GRADED = [(problem, variant) for problem in NEW for variant in ("default", 0, 1, 2)]


@pytest.mark.parametrize("problem, variant", GRADED, ids=[f"{p.id}-{v}" for p, v in GRADED])
def test_typed_references_are_correct_and_perturbed_ones_are_not(problem, variant):
    assert check_typed_and_perturbed(problem, variant) >= 4


def mistake_feedback(problem, part_id, index=0):
    return problem.part(part_id).mistakes[index].feedback


@pytest.mark.parametrize(
    "problem, part_id, answer, index",
    [
        # batchnorm: the mean-only simplification for the full gradient
        (backprop.batchnorm_backward, "dL_dx", [-0.1, -0.7, 0.3, 0.5], 0),
        # BCE: forgetting 1/m (m = 2), and the sign
        (backprop.mlp_bce_backprop, "dJ_dz2", "[-0.8909 0.5744]", 0),
        (backprop.mlp_bce_backprop, "dJ_dz2", "[0.4455 -0.2872]", 1),
        # leaky ReLU treated as a ReLU
        (backprop.softmax_leaky_relu_backprop, "dL_dz1", [1.3975, 0, 0], 0),
        (backprop.softmax_leaky_relu_backprop, "dL_dz2", [-0.4914, -0.2765, 0.7679], 0),
    ],
)
def test_classic_mistakes_get_their_feedback(problem, part_id, answer, index):
    got = graded(problem, "default", part_id, answer)
    assert got == ("incorrect", mistake_feedback(problem, part_id, index))


def test_mean_only_feedback_names_the_path_through_the_variance():
    feedback = mistake_feedback(backprop.batchnorm_backward, "dL_dx")
    assert "ignores the path through σ²" in feedback
    # and the mean-only value itself is right for its own part
    assert graded(backprop.batchnorm_backward, "default", "dL_dx_mean_only", "[-0.1 -0.7 0.3 0.5]")[0] == "correct"


def test_a_gradient_as_an_explicit_row_gets_layout_feedback():
    row = [[-1.375, -4, -0.625]]  # explicitly 1×3
    status_, feedback = graded(backprop.gaussian_dropout_regularizer, "default", "dJ_dw_expected", row)
    assert status_ == "partial" and "column vector" in feedback


@pytest.mark.parametrize("problem", NEW, ids=lambda p: p.id)
def test_default_statement_renders_with_the_rules(problem):
    text_ = render(problem.statement, params_for(problem, "default"))
    assert "{{" not in text_
    assert "at least 2 decimal places" in text_
    if problem is not backprop.gaussian_dropout_regularizer:
        assert "row** vector" in text_  # the layout convention
    for name, value in params_for(problem, "default").items():
        assert isinstance(value, (int, float, list))
    assert problem.family == "backprop"


@pytest.mark.parametrize("problem", NEW, ids=lambda p: p.id)
def test_random_variants_differ_and_pass_valid(problem):
    from problems.core import as_arrays, run_steps

    seen = set()
    for seed in SEEDS:
        params = params_for(problem, seed)
        assert problem.valid(run_steps(problem.steps, as_arrays(params)))
        seen.add(repr(params))
    assert len(seen) == len(SEEDS)
