"""Optimizers: the update rules, their moments, and why Adam corrects its bias."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    EXACT,
    FIVE_SIGFIGS,
    THREE_SIGFIGS,
    Mistake,
    Part,
    Problem,
    Recurrence,
    within_step_share,
)
from problems.fragments import optimizer_precision


def _adam_bias_random(rng: np.random.Generator) -> dict:
    Eg = float(rng.choice([-0.5, -0.4, -0.3, -0.2, -0.1, 0.1, 0.2, 0.3, 0.4, 0.5]))
    variance = float(rng.choice([0.0, 0.01, 0.02, 0.05]))  # E[g²] = E[g]² + Var[g]
    return dict(
        beta1=float(rng.choice([0.8, 0.85, 0.9, 0.95])),
        beta2=float(rng.choice([0.99, 0.995, 0.999])),
        t=int(rng.integers(1, 21)),
        Eg=Eg,
        Eg2=round(Eg**2 + variance, 4),
        v_t=float(f"{rng.integers(1, 10)}e-{rng.integers(3, 5)}"),
    )


adam_bias_correction = Problem(
    id="adam-bias-correction",
    title="Adam's bias correction: why it divides by 1 − βᵗ",
    statement=r"""
Adam keeps exponential moving averages of the gradient and of its square, both started at zero:

$$m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2, \qquad m_0 = v_0 = 0.$$

Assume the gradients $g_1, g_2, \dots$ are i.i.d. with $\mathbb{E}[g] = {{Eg}}$ and
$\mathbb{E}[g^2] = {{Eg2}}$. Because both averages start at zero they are biased towards
zero, and Adam corrects them by dividing by $1 - \beta_1^t$ and $1 - \beta_2^t$.

Take $\beta_1 = {{beta1}}$, $\beta_2 = {{beta2}}$ and $t = {{t}}$.

1. The bias factor $1 - \beta_2^t$.
2. $\mathbb{E}[v_t]$ (unroll the recursion for $v_t$ and take expectations).
3. $\mathbb{E}[m_t]$.
4. The bias-corrected $\hat v_t = v_t / (1 - \beta_2^t)$ for an observed $v_t = {{v_t}}$.

Give numeric answers to 3 significant figures.

Then, as expressions in scalar symbols:

5. $\mathbb{E}[v_t]$ in `beta2`, `t` and `Eg2` (for $\mathbb{E}[g^2]$).
6. $v_3$ unrolled from $v_0 = 0$, in `beta2` and the gradients `g1`, `g2`, `g3`.
""",
    parts=(
        Part("bias_factor", "number", "1 − β2ᵗ", tolerance=THREE_SIGFIGS),
        Part("expected_v", "number", "E[v_t]", tolerance=THREE_SIGFIGS),
        Part("expected_m", "number", "E[m_t]", tolerance=THREE_SIGFIGS),
        Part("corrected_v_hat", "number", "v̂_t = v_t / (1 − β2ᵗ)", tolerance=THREE_SIGFIGS),
        Part(
            "expected_v_expr",
            "expression",
            "E[v_t] as an expression in beta2, t and Eg2",
            symbols={"beta2": "scalar in (0, 1)", "t": "positive integer", "Eg2": "scalar > 0; E[g^2]"},
            formula=lambda beta2, t, Eg2: (1 - beta2**t) * Eg2,
            answer="(1 - beta2^t) Eg2",
            mistakes=(
                Mistake(lambda Eg2: Eg2, "That is what v_t would estimate without the bias: "
                        "v_0 = 0 leaves the weights (1 − β2)β2^(t−i) summing to 1 − β2ᵗ, not 1."),
            ),
        ),
        Part(
            "v3_expr",
            "expression",
            "v_3 unrolled from v_0 = 0, in beta2, g1, g2, g3",
            symbols={"beta2": "scalar in (0, 1)", "g1": "scalar", "g2": "scalar",
                     "g3": "scalar"},
            # v_1 = (1 − β2)g1², v_2 = β2 v_1 + (1 − β2)g2², v_3 = β2 v_2 + (1 − β2)g3²
            formula=lambda beta2, g1, g2, g3: (1 - beta2) * (beta2**2 * g1**2 + beta2 * g2**2
                                                             + g3**2),
            answer="(1 - beta2)(beta2^2 g1^2 + beta2 g2^2 + g3^2)",
            mistakes=(
                Mistake(lambda beta2, g1, g2, g3: (1 - beta2) * (g1**2 + beta2 * g2**2
                                                                 + beta2**2 * g3**2),
                        "The weights are reversed: the oldest gradient g1 has been decayed "
                        "twice (β2²), the newest g3 not at all."),
            ),
        ),
    ),
    default=dict(beta1=0.9, beta2=0.999, t=10, Eg=0.2, Eg2=0.04, v_t=0.0004),
    steps=dict(
        # E[v_t] = Σ_i (1 − β2) β2^(t−i) E[g²], a geometric sum: (1 − β2^t) E[g²]
        bias_factor=lambda beta2, t: 1 - beta2**t,
        expected_v=lambda bias_factor, Eg2: bias_factor * Eg2,
        expected_m=lambda beta1, t, Eg: (1 - beta1**t) * Eg,
        corrected_v_hat=lambda v_t, bias_factor: v_t / bias_factor,
    ),
    random=_adam_bias_random,
)


# --- step tables: Adam and Adamax ------------------------------------------------------------

# Random gradients are multiples of 0.05; a moment closer to zero than this is a cancellation a
# student rounding to 3 significant figures cannot reproduce within 1 %.
MIN_MOMENT = 0.002
# Parameters stay this far from zero, where "3 significant figures" would ask for more digits.
MIN_THETA = 0.1
GRADIENT_STEPS = np.arange(-10, 11)[np.arange(-10, 11) != 0] * 0.05  # ±0.05 … ±0.5, never 0


def steps_are_visible(theta0, theta, eta) -> bool:
    """Every coordinate moves by at least 10 % of η at every step: three times θ's tolerance
    (3 % of η), so a θ that stands still is never within it."""
    return bool((np.abs(np.diff(np.vstack([theta0, theta]), axis=0)) >= 0.1 * eta).all())


def _step_table_random(rng: np.random.Generator, etas: list[float], beta1s: list[float]) -> dict:
    return dict(
        theta0=rng.choice([-1.5, -1.0, -0.5, 0.5, 1.0, 1.5], size=2),
        grads=np.round(rng.choice(GRADIENT_STEPS, size=(3, 2)), 2),
        beta1=float(rng.choice(beta1s)),
        beta2=float(rng.choice([0.99, 0.999])),
        eta=float(rng.choice(etas)),
    )


adam_steps = Problem(
    id="adam-steps",
    title="Adam, step by step",
    statement=r"""
Adam updates a parameter vector $\theta$ from gradients $g_1, g_2, \dots$ by

$$m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2,$$
$$\hat m_t = \frac{m_t}{1 - \beta_1^t}, \qquad \hat v_t = \frac{v_t}{1 - \beta_2^t}, \qquad
\theta_t = \theta_{t-1} - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon},$$

element-wise, with $m_0 = v_0 = 0$. Take

$$\theta_0 = {{theta0}}, \qquad \beta_1 = {{beta1}}, \quad \beta_2 = {{beta2}}, \quad
\eta = {{eta}}, \quad \epsilon = {{eps}},$$

and the gradients of the first three steps (row $t$ is $g_t^\top$; they are given, not computed
from a function):

$$\begin{bmatrix} g_1^\top \\ g_2^\top \\ g_3^\top \end{bmatrix} = {{grads}}.$$

Give $m_t$, $v_t$, $\hat m_t$, $\hat v_t$ and $\theta_t$ for $t = 1, 2, 3$, each as a
$3 \times 2$ matrix whose row $t$ is the value after step $t$.

""" + optimizer_precision(r"$m$, $v$, $\hat m$ and $\hat v$"),
    parts=(
        Part("m", "matrix", "m_t for t = 1, 2, 3 (3×2 matrix, row t = step t)",
             tolerance=THREE_SIGFIGS),
        Part("v", "matrix", "v_t for t = 1, 2, 3 (3×2 matrix, row t = step t)",
             tolerance=THREE_SIGFIGS),
        Part("m_hat", "matrix", "m̂_t for t = 1, 2, 3 (3×2 matrix, row t = step t)",
             tolerance=THREE_SIGFIGS),
        Part("v_hat", "matrix", "v̂_t for t = 1, 2, 3 (3×2 matrix, row t = step t)",
             tolerance=THREE_SIGFIGS),
        Part("theta", "matrix", "θ_t for t = 1, 2, 3 (3×2 matrix, row t = step t)",
             tolerance=within_step_share),
    ),
    default=dict(
        theta0=[0.5, -1.0],
        grads=[[0.1, -0.2], [0.05, 0.3], [-0.1, 0.1]],
        beta1=0.9,
        beta2=0.999,
        eta=0.01,
        eps=1e-8,
    ),
    steps=dict(
        m=Recurrence(lambda m, grads, t, beta1: beta1 * m + (1 - beta1) * grads[t - 1],
                     rows="grads", each="step"),
        v=Recurrence(lambda v, grads, t, beta2: beta2 * v + (1 - beta2) * grads[t - 1] ** 2,
                     rows="grads", each="step"),
        # both averages start at 0: dividing by 1 − βᵗ removes the pull towards it
        m_hat=Recurrence(lambda m, beta1, t: m / (1 - beta1**t), rows="grads", each="step"),
        v_hat=Recurrence(lambda v, beta2, t: v / (1 - beta2**t), rows="grads", each="step"),
        theta=Recurrence(
            lambda theta, m_hat, v_hat, eta, eps: theta - eta * m_hat / (np.sqrt(v_hat) + eps),
            rows="grads", each="step",
            start=lambda theta0: theta0,
        ),
    ),
    random=lambda rng: dict(
        _step_table_random(rng, etas=[0.01, 0.02, 0.05, 0.1], beta1s=[0.8, 0.9, 0.95]), eps=1e-8
    ),
    valid=lambda v: (
        (np.abs(v.m) >= MIN_MOMENT).all()
        and (np.abs(v.theta) >= MIN_THETA).all()
        and steps_are_visible(v.theta0, v.theta, v.eta)
    ),
)


adamax_steps = Problem(
    id="adamax-steps",
    title="Adamax: Adam with the infinity norm, step by step",
    statement=r"""
Adamax replaces Adam's second moment by an exponentially weighted infinity norm:

$$u_t = \max(\beta_2 u_{t-1}, |g_t|), \qquad m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
\theta_t = \theta_{t-1} - \frac{\eta}{1 - \beta_1^t} \frac{m_t}{u_t},$$

element-wise, with $u_0 = m_0 = 0$. Take

$$\theta_0 = {{theta0}}, \qquad \beta_1 = {{beta1}}, \quad \beta_2 = {{beta2}}, \quad
\eta = {{eta}},$$

and the gradients of the first three steps (row $t$ is $g_t^\top$):

$$\begin{bmatrix} g_1^\top \\ g_2^\top \\ g_3^\top \end{bmatrix} = {{grads}}.$$

Give $u_t$, $m_t$ and $\theta_t$ for $t = 1, 2, 3$, each as a $3 \times 2$ matrix whose row $t$
is the value after step $t$.

""" + optimizer_precision(r"$u$ and $m$"),
    parts=(
        Part("u", "matrix", "u_t for t = 1, 2, 3 (3×2 matrix, row t = step t)",
             tolerance=THREE_SIGFIGS),
        Part("m", "matrix", "m_t for t = 1, 2, 3 (3×2 matrix, row t = step t)",
             tolerance=THREE_SIGFIGS),
        Part("theta", "matrix", "θ_t for t = 1, 2, 3 (3×2 matrix, row t = step t)",
             tolerance=within_step_share),
    ),
    default=dict(
        theta0=[1.0, -0.5],
        grads=[[0.2, -0.1], [-0.4, 0.05], [0.1, 0.3]],
        beta1=0.9,
        beta2=0.999,
        eta=0.002,
    ),
    steps=dict(
        u=Recurrence(lambda u, grads, t, beta2: np.maximum(beta2 * u, np.abs(grads[t - 1])),
                     rows="grads", each="step"),
        m=Recurrence(lambda m, grads, t, beta1: beta1 * m + (1 - beta1) * grads[t - 1],
                     rows="grads", each="step"),
        # u needs no bias correction (a max does not shrink towards its start); m does
        theta=Recurrence(
            lambda theta, m, u, eta, beta1, t: theta - eta / (1 - beta1**t) * m / u,
            rows="grads", each="step",
            start=lambda theta0: theta0,
        ),
    ),
    random=lambda rng: _step_table_random(rng, etas=[0.002, 0.005, 0.01, 0.02],
                                          beta1s=[0.8, 0.9, 0.95]),
    valid=lambda v: (
        (np.abs(v.m) >= MIN_MOMENT).all()
        and (np.abs(v.theta) >= MIN_THETA).all()
        and steps_are_visible(v.theta0, v.theta, v.eta)
        # no near-tie inside the max: either side must win clearly at 3 significant figures
        and (np.abs(v.beta2 * v.u[:-1] - np.abs(v.grads[1:])) >= 0.01 * np.abs(v.grads[1:])).all()
    ),
)


# --- gradient descent on a quadratic ---------------------------------------------------------

def _is_spd_with_distinct_eigenvalues(Q, margin: float = 0.1) -> bool:
    lambdas = np.linalg.eigvalsh(Q)
    return bool(np.allclose(Q, Q.T) and lambdas[0] > 0 and lambdas[1] - lambdas[0] >= margin)


def _spd_random(rng: np.random.Generator, largest: int = 5) -> np.ndarray:
    """A symmetric positive definite 2×2 integer matrix with distinct eigenvalues."""
    while True:
        a, d = rng.integers(1, largest + 1, size=2)
        b = rng.integers(-2, 3)
        Q = np.array([[a, b], [b, d]])
        if _is_spd_with_distinct_eigenvalues(Q):
            return Q


# |1 − ηλ| of the two directions must differ by this much for "the slowest" to be one of them
SLOWEST_MARGIN = 0.05
# Where the statement promises convergence, the slowest factor stays this far below 1.
MAX_CONTRACTION = 0.95
# |sin| of the angle between an answer and the eigenvector: 2-decimal rounding stays inside.
ANGLE_TOLERANCE = 0.01


def _sine(u: np.ndarray, w: np.ndarray) -> float:
    return abs(u[0] * w[1] - u[1] * w[0]) / (np.linalg.norm(u) * np.linalg.norm(w))


def _slowest_direction_check(direction, Q, eta) -> list[str]:
    if np.linalg.norm(direction) <= 1e-12:
        return ["The zero vector has no direction: give a nonzero vector along the eigenvector "
                "of Q whose factor |1 − ηλ| is largest."]
    lambdas, vectors = np.linalg.eigh(Q)
    factors = np.abs(1 - eta * lambdas)
    slow = int(np.argmax(factors))
    fast = 1 - slow
    if _sine(direction, vectors[:, slow]) <= ANGLE_TOLERANCE:
        return []
    if _sine(direction, vectors[:, fast]) <= ANGLE_TOLERANCE:
        return [
            f"This is the eigenvector of λ = {lambdas[fast]:.4g}, along which the error shrinks "
            f"by |1 − ηλ| = {factors[fast]:.4g} each step; along the other eigenvector it shrinks "
            f"by only {factors[slow]:.4g}, so that one is the slowest direction."
        ]
    return ["This vector is not an eigenvector of Q (Qv is not a multiple of v): the error "
            "shrinks at a single rate only along an eigenvector of Q."]


def _gd_quadratic_random(rng: np.random.Generator) -> dict:
    return dict(
        Q=_spd_random(rng),
        c=rng.integers(-3, 4, size=2),
        x0=rng.integers(-2, 3, size=2),
        eta=float(rng.choice([0.05, 0.1, 0.2, 0.25])),
        k=int(rng.integers(2, 4)),
    )


def _gradient_descent(Q, c, x0, eta, k):
    x = x0
    for _ in range(int(k)):
        x = x - eta * (Q @ x + c)
    return x


gd_quadratic_convergence = Problem(
    id="gd-quadratic-convergence",
    title="Gradient descent on a quadratic: convergence rate and step sizes",
    statement=r"""
Gradient descent with a constant learning rate $\eta$ minimizes

$$h(x) = \tfrac12 x^\top Q x + c^\top x, \qquad x_{k+1} = x_k - \eta (Q x_k + c),$$

where $Q$ is symmetric positive definite. With the minimizer $x^*$ the error
$r_k = x_k - x^*$ obeys $r_{k+1} = (I - \eta Q) r_k$. Take

$$Q = {{Q}}, \qquad c = {{c}}, \qquad x_0 = {{x0}}, \qquad \eta = {{eta}}, \qquad k = {{k}}.$$

1. The minimizer $x^*$ (2 entries).
2. The contraction factors $1 - \eta\lambda_i$, one for each eigenvalue $\lambda_i$ of $Q$.
3. $x_k$, after $k$ steps from $x_0$ (2 entries).
4. The largest learning rate for which gradient descent converges from every start
   ($\eta < \eta_{\max}$): give $\eta_{\max}$.
5. The constant learning rate that makes the slowest contraction factor $\max_i |1 - \eta\lambda_i|$
   as small as possible.
6. For the given $\eta$, the direction in which the error shrinks most slowly: a nonzero vector
   along it (any nonzero multiple is right), to at least 2 decimal places.

Give numeric answers to at least 2 decimal places.
""",
    parts=(
        Part("x_star", "vector", "x*, the minimizer of h (2 entries)"),
        Part("contraction_factors", "set", "the factors 1 − ηλᵢ (a set of 2 numbers)"),
        Part("x_k", "vector", "x_k, after k gradient descent steps (2 entries)"),
        Part(
            "max_stable_lr",
            "number",
            "η_max: gradient descent converges for 0 < η < η_max",
            mistakes=(
                Mistake(
                    lambda eigenvalues: 1 / eigenvalues.max(),
                    "At η = 1/λ_max the fastest factor 1 − ηλ_max is 0, but convergence only needs "
                    "|1 − ηλ| < 1 for every λ: that allows η up to 2/λ_max.",
                ),
            ),
        ),
        Part("best_constant_lr", "number", "the η that minimizes max |1 − ηλᵢ|"),
        Part(
            "slowest_direction",
            "property",
            "a nonzero vector along the direction in which the error shrinks most slowly "
            "(2 entries)",
            check=_slowest_direction_check,
            shape=(2,),
        ),
    ),
    default=dict(Q=[[3, 1], [1, 2]], c=[-1, 1], x0=[0, 0], eta=0.2, k=3),
    steps=dict(
        # ∇h = Qx + c vanishes at x*
        x_star=lambda Q, c: np.linalg.solve(Q, -c),
        eigenvalues=lambda Q: np.linalg.eigvalsh(Q),
        # in Q's eigenbasis I − ηQ is diagonal: each error component is multiplied by 1 − ηλᵢ
        contraction_factors=lambda eta, eigenvalues: 1 - eta * eigenvalues,
        x_k=lambda Q, c, x0, eta, k: _gradient_descent(Q, c, x0, eta, k),
        # |1 − ηλ| < 1 for every λ ⇔ 0 < η < 2/λ_max
        max_stable_lr=lambda eigenvalues: 2 / eigenvalues.max(),
        # max(|1 − ηλ_min|, |1 − ηλ_max|) is smallest where the two are equal
        best_constant_lr=lambda eigenvalues: 2 / (eigenvalues.min() + eigenvalues.max()),
        slowest_direction=lambda Q, contraction_factors: np.linalg.eigh(Q)[1][
            :, np.argmax(np.abs(contraction_factors))
        ],
    ),
    random=_gd_quadratic_random,
    valid=lambda v: (
        _is_spd_with_distinct_eigenvalues(v.Q)
        and np.abs(v.contraction_factors).max() <= MAX_CONTRACTION
        and abs(np.diff(np.abs(v.contraction_factors))[0]) >= SLOWEST_MARGIN
        and not np.allclose(v.x0, v.x_star)
    ),
)


# --- backtracking-line-search ----------------------------------------------------------------

def _quadratic(Q, c, x):
    return 0.5 * x @ Q @ x + c @ x


# Carried forward, these run on a student's own (possibly absurd) upstream values: bounded, so a
# t_bound of 0 or below, or a beta of 1, cannot loop forever (found by API fuzzing).
MAX_BACKTRACKS = 10_000


def _count_backtracks(Q, c, x, dx, grad_f, alpha, beta, t0) -> int:
    t, backtracks = t0, 0
    while backtracks < MAX_BACKTRACKS and _quadratic(Q, c, x + t * dx) > _quadratic(Q, c, x) + alpha * t * grad_f @ dx:
        t, backtracks = beta * t, backtracks + 1
    return backtracks


def _smallest_k(t_bound, beta, t0) -> int:
    k = 0
    while k < MAX_BACKTRACKS and beta**k * t0 > t_bound:
        k += 1
    return k


# A trial step this close (relatively) to where the Armijo test or the bound flips is a tie.
LINE_SEARCH_MARGIN = 0.02


def _armijo_threshold(Q, grad_f, alpha):
    """For a quadratic and Δx = −∇f the Armijo test holds exactly for t ≤ 2(1 − α)‖∇f‖²/∇fᵀQ∇f."""
    return 2 * (1 - alpha) * (grad_f @ grad_f) / (grad_f @ Q @ grad_f)


def _line_search_valid(v) -> bool:
    if not _is_spd_with_distinct_eigenvalues(v.Q) or not v.grad_f.any():
        return False
    trials = v.t0 * v.beta ** np.arange(max(v.num_backtracks, v.max_backtracks) + 1)
    threshold = _armijo_threshold(v.Q, v.grad_f, v.alpha)
    return bool(
        (np.abs(trials / threshold - 1) >= LINE_SEARCH_MARGIN).all()
        and (np.abs(trials / v.t_bound - 1) >= LINE_SEARCH_MARGIN).all()
    )


def _line_search_point(rng: np.random.Generator) -> dict:
    Q, c = _spd_random(rng), rng.integers(-3, 4, size=2)
    while True:
        x = rng.integers(-3, 4, size=2)
        if (Q @ x + c).any():  # at the minimizer there is no direction to search
            return dict(Q=Q, c=c, x=x)


backtracking_line_search = Problem(
    id="backtracking-line-search",
    title="Armijo backtracking line search on a quadratic",
    statement=r"""
Backtracking line search along a descent direction $\Delta x$ starts from $t = t_0$ and
accepts $t$ when

$$f(x + t\Delta x) \le f(x) + \alpha t \nabla f(x)^\top \Delta x,$$

otherwise it sets $t \leftarrow \beta t$ and tries again. If $\nabla^2 f \preceq M I$, the
condition holds whenever

$$t \le \frac{-2(1 - \alpha) \nabla f(x)^\top \Delta x}{M \|\Delta x\|^2}.$$

Take $f(x) = \tfrac12 x^\top Q x + c^\top x$ with $M = \lambda_{\max}(Q)$, the steepest descent
direction $\Delta x = -\nabla f(x)$, and

$$Q = {{Q}}, \qquad c = {{c}}, \qquad x = {{x}}, \qquad \alpha = {{alpha}}, \quad
\beta = {{beta}}, \quad t_0 = {{t0}}.$$

1. The bound on $t$ above (to at least 2 decimal places).
2. The smallest integer $k \ge 0$ with $\beta^k t_0$ below that bound: how many backtracks at
   most the search can need.
3. What the search actually does: the accepted $t$ (exactly, e.g. `0.5^3` or `0.125`) and the
   number of backtracks before it.
""",
    parts=(
        Part("t_bound", "number", "the sufficient step size bound −2(1 − α)∇fᵀΔx / (M‖Δx‖²)"),
        Part("max_backtracks", "number", "the smallest integer k with βᵏt₀ ≤ the bound",
             tolerance=EXACT),
        Part("accepted_t", "number", "the step size t the search accepts (exact)", tolerance=EXACT),
        Part("num_backtracks", "number", "the number of backtracks (t ← βt) before it accepts",
             tolerance=EXACT),
    ),
    default=dict(Q=[[3, 1], [1, 2]], c=[-1, 1], x=[2, -1], alpha=0.3, beta=0.5, t0=1),
    steps=dict(
        grad_f=lambda Q, x, c: Q @ x + c,
        dx=lambda grad_f: -grad_f,
        M=lambda Q: np.linalg.eigvalsh(Q).max(),
        t_bound=lambda alpha, grad_f, dx, M: -2 * (1 - alpha) * (grad_f @ dx) / (M * (dx @ dx)),
        max_backtracks=lambda t_bound, beta, t0: _smallest_k(t_bound, beta, t0),
        num_backtracks=lambda Q, c, x, dx, grad_f, alpha, beta, t0: _count_backtracks(
            Q, c, x, dx, grad_f, alpha, beta, t0
        ),
        accepted_t=lambda t0, beta, num_backtracks: t0 * beta**num_backtracks,
    ),
    random=lambda rng: dict(
        _line_search_point(rng),
        alpha=float(rng.choice([0.1, 0.2, 0.25, 0.3, 0.4])),
        beta=float(rng.choice([0.5, 0.8])),
        t0=int(rng.choice([1, 2])),
    ),
    valid=_line_search_valid,
)


# --- taylor-optimal-step ---------------------------------------------------------------------

def _nonzero_vector(rng: np.random.Generator) -> np.ndarray:
    while True:
        g = rng.integers(-3, 4, size=2)
        if g.any():
            return g


taylor_optimal_step = Problem(
    id="taylor-optimal-step",
    title="The best step along −g for the second-order Taylor model",
    statement=r"""
Around $x_0$, with gradient $g$ and Hessian $H$, a step of size $\varepsilon$ along $-g$ changes
$f$ by, to second order,

$$f(x_0 - \varepsilon g) \approx f(x_0) - \varepsilon g^\top g + \tfrac12 \varepsilon^2 g^\top H g.$$

Take

$$g = {{g}}, \qquad H = {{H}} \ (\text{symmetric positive definite}).$$

1. The step size $\varepsilon^*$ that minimizes this model.
2. The bounds $\dfrac{1}{\lambda_{\max}(H)} \le \varepsilon^* \le \dfrac{1}{\lambda_{\min}(H)}$, as
   the vector $[1/\lambda_{\max},\ 1/\lambda_{\min}]$.
3. The decrease $f(x_0) - f(x_0 - \varepsilon^* g)$ the model predicts.

Give numeric answers to at least 2 decimal places.

4. $\varepsilon^*$ for any $n$, as an expression in $g \in \mathbb{R}^{n \times 1}$ and
   $H \in \mathbb{R}^{n \times n}$.
""",
    parts=(
        Part("eps_star", "number", "ε*, the step size that minimizes the model"),
        Part(
            "eps_bounds",
            "vector",
            "[1/λ_max, 1/λ_min] (2 entries, the lower bound first)",
            mistakes=(
                Mistake(
                    lambda eps_bounds: eps_bounds[::-1],
                    "The order: the lower bound 1/λ_max comes first, then 1/λ_min.",
                ),
            ),
        ),
        Part("predicted_decrease", "number", "the predicted decrease f(x₀) − f(x₀ − ε*g)"),
        Part(
            "eps_star_expr",
            "expression",
            "ε* as an expression in g (n×1) and H (n×n)",
            symbols={"g": "n×1", "H": "n×n spd"},
            formula=lambda g, H: (g.T @ g) / (g.T @ H @ g),
            answer="g^T g / (g^T H g)",
            mistakes=(
                Mistake(lambda g, H: (g.T @ H @ g) / (g.T @ g),
                        "Upside down: the model −εgᵀg + ½ε²gᵀHg is least where ε = gᵀg/(gᵀHg)."),
            ),
        ),
    ),
    default=dict(g=[1, -2], H=[[4, 1], [1, 3]]),
    steps=dict(
        # d/dε of the model: −gᵀg + ε gᵀHg = 0
        eps_star=lambda g, H: (g @ g) / (g @ H @ g),
        # gᵀHg/gᵀg is a Rayleigh quotient, between λ_min and λ_max
        eps_bounds=lambda H: 1 / np.linalg.eigvalsh(H)[::-1],
        # the model's drop at ε*, which simplifies to ½(gᵀg)²/(gᵀHg)
        predicted_decrease=lambda g, H, eps_star: (
            eps_star * (g @ g) - 0.5 * eps_star**2 * (g @ H @ g)
        ),
    ),
    random=lambda rng: dict(g=_nonzero_vector(rng), H=_spd_random(rng, largest=6)),
    valid=lambda v: (
        _is_spd_with_distinct_eigenvalues(v.H)
        and v.g.any()
        # g along an eigenvector puts ε* on a bound
        and v.eps_bounds[0] + 0.01 <= v.eps_star <= v.eps_bounds[1] - 0.01
    ),
)


# --- newton-method ---------------------------------------------------------------------------

def newton_step(coeffs, x):
    """x − f(x)/f′(x) for the polynomial with these coefficients (highest power first)."""
    return x - np.polyval(coeffs, x) / np.polyval(np.polyder(coeffs), x)


def _newton_limit(coeffs, x, steps: int = 60):
    for _ in range(steps):
        if np.polyval(np.polyder(coeffs), x) == 0:
            break
        x_next = newton_step(coeffs, x)
        if x_next == x:
            break
        x = x_next
    return x


def _newton_random(rng: np.random.Generator) -> dict:
    if rng.random() < 0.5:
        coeffs = [1, int(rng.integers(-3, 4)), int(rng.integers(-7, 0))]  # c < 0: two real roots
    else:
        coeffs = [1, 0, int(rng.integers(-4, 3)), int(rng.integers(-5, 6))]
    while True:
        x0 = int(rng.integers(-3, 4))
        if np.polyval(coeffs, x0) != 0 and np.polyval(np.polyder(coeffs), x0) != 0:
            return dict(coeffs=coeffs, x0=x0)


def _newton_valid(v) -> bool:
    f = lambda x: np.polyval(v.coeffs, x)  # noqa: E731
    df = lambda x: np.polyval(np.polyder(v.coeffs), x)  # noqa: E731
    iterates = [v.x0, v.x1, v.x2, v.x3]
    return bool(
        abs(f(v.x0)) >= 0.5  # x0 is not (nearly) a root
        and all(abs(df(x)) >= 0.5 for x in iterates)  # no flat tangent on the way
        and all(abs(x) >= 0.01 for x in iterates[1:])  # 5 significant figures of ~0 ask too much
        and abs(f(v.root)) <= 1e-9
        and abs(df(v.root)) >= 0.5  # a simple root: the convergence is quadratic
        and v.C >= 0.05
        and abs(v.x3 - v.root) <= 1e-2  # converging visibly within three steps
    )


newton_method = Problem(
    id="newton-method",
    title="Newton's method for a root, and its quadratic convergence",
    statement=r"""
Newton's method looks for a root $x^*$ of $f$ ($f(x^*) = 0$) by

$$x_{k+1} = x_k - \frac{f(x_k)}{f'(x_k)}.$$

Near a simple root the error $e_k = x_k - x^*$ shrinks quadratically,
$|e_{k+1}| \approx C |e_k|^2$ with $C = \left| \dfrac{f''(x^*)}{2 f'(x^*)} \right|$.

Take the polynomial $f$ whose coefficient vector, highest power first, is $c = {{coeffs}}$
(for example $c = [1, 0, -2]^\top$ is $f(x) = x^2 - 2$), and start from $x_0 = {{x0}}$.

1. $x_1$, $x_2$ and $x_3$.
2. The root $x^*$ the iteration converges to.
3. The constant $C$ at that root.

Give every answer to 5 significant figures.
""",
    parts=(
        Part("x1", "number", "x₁", tolerance=FIVE_SIGFIGS),
        Part("x2", "number", "x₂", tolerance=FIVE_SIGFIGS),
        Part("x3", "number", "x₃", tolerance=FIVE_SIGFIGS),
        Part("root", "number", "the root x* the iteration converges to", tolerance=FIVE_SIGFIGS),
        Part("C", "number", "C = |f″(x*) / (2f′(x*))|", tolerance=FIVE_SIGFIGS),
    ),
    default=dict(coeffs=[1, 0, -2], x0=1),
    steps=dict(
        x1=lambda coeffs, x0: newton_step(coeffs, x0),
        x2=lambda coeffs, x1: newton_step(coeffs, x1),
        x3=lambda coeffs, x2: newton_step(coeffs, x2),
        root=lambda coeffs, x3: _newton_limit(coeffs, x3),
        # Taylor at x*: e_{k+1} = f″(x*)/(2f′(x*)) e_k² + O(e_k³)
        C=lambda coeffs, root: abs(
            np.polyval(np.polyder(coeffs, 2), root) / (2 * np.polyval(np.polyder(coeffs), root))
        ),
    ),
    random=_newton_random,
    valid=_newton_valid,
)


PROBLEMS = [
    adam_bias_correction,
    adam_steps,
    adamax_steps,
    gd_quadratic_convergence,
    backtracking_line_search,
    taylor_optimal_step,
    newton_method,
]
