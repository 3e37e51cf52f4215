"""Gradients and Hessians: matrix calculus in the course's layout convention."""

from __future__ import annotations

import numpy as np

from problems.authoring import EXACT, Mistake, Part, Problem, sigmoid, softmax
from problems.fragments import LAYOUT

# Each is right only when A = Aᵀ, which the variants never are (and problems.core never draws a
# variant where one of them happens to equal the right answer).
QUADRATIC_MISTAKES = (
    Mistake(
        lambda A, x: 2 * A @ x,
        "2Ax is the gradient only when A is symmetric; here A ≠ Aᵀ — use xᵀ(A + Aᵀ).",
    ),
    Mistake(
        lambda A, x: 2 * x @ A,
        "2xᵀA is the derivative only when A is symmetric; here A ≠ Aᵀ — use xᵀ(A + Aᵀ).",
    ),
    Mistake(
        lambda A, x: x @ A,
        "x appears twice in xᵀAx: the product rule gives xᵀA from one factor and xᵀAᵀ from "
        "the other — the sum is xᵀ(A + Aᵀ).",
    ),
    Mistake(
        lambda A, x: A @ x,
        "x appears twice in xᵀAx: the product rule gives xᵀA from one factor and xᵀAᵀ from "
        "the other — the sum is xᵀ(A + Aᵀ).",
    ),
)


# The same, for the expression part (x is an n×1 column there). 2Ax and 2xᵀA need no entry:
# the expression grader finds by itself that they are right only for a symmetric A, and says so.
_PRODUCT_RULE = ("x appears twice in xᵀAx: the product rule gives xᵀA from one factor and xᵀAᵀ "
                 "from the other — the sum is xᵀ(A + Aᵀ).")
QUADRATIC_EXPRESSION_MISTAKES = tuple(
    Mistake(value, _PRODUCT_RULE)
    for value in (lambda A, x: x.T @ A, lambda A, x: x.T @ A.T, lambda A, x: A @ x,
                  lambda A, x: A.T @ x)
)


def _quadratic_random(rng: np.random.Generator) -> dict:
    return dict(A=rng.integers(-3, 4, size=(2, 2)), x=rng.integers(-3, 4, size=2))


quadratic_form_gradient = Problem(
    id="quadratic-form-gradient",
    title="Gradient of a quadratic form xᵀAx (A not symmetric)",
    statement=r"""
Let $f(x) = x^\top A x$ with $x \in \mathbb{R}^{n \times 1}$ and a square matrix
$A \in \mathbb{R}^{n \times n}$ that is **not** symmetric ($A \neq A^\top$).

""" + LAYOUT + r"""

Take
$$A = {{A}}, \qquad x = {{x}}.$$

Compute the value of $\dfrac{\partial f}{\partial x}$ at this $x$ — a $1 \times 2$ row vector.

The answer is made of integers: give exact values.

Then, for any $n$, give as expressions in $A$ and $x$: $\dfrac{\partial f}{\partial x}$
($1 \times n$) and $\dfrac{\partial f}{\partial A}$ ($n \times n$, the shape of $A$).
""",
    parts=(
        Part(
            "df_dx_value",
            "vector",
            "∂f/∂x at the given A and x (1×2 row vector)",
            tolerance=EXACT,
            layout="row",
            mistakes=QUADRATIC_MISTAKES,
        ),
        Part(
            "df_dx",
            "expression",
            "∂f/∂x as an expression in A and x (1×n row vector)",
            symbols={"A": "n×n", "x": "n×1"},
            formula=lambda A, x: x.T @ (A + A.T),
            answer="x^T (A + A^T)",
            mistakes=QUADRATIC_EXPRESSION_MISTAKES,
        ),
        Part(
            "df_dA",
            "expression",
            "∂f/∂A as an expression in A and x (n×n, the shape of A)",
            symbols={"A": "n×n", "x": "n×1"},
            # f = Σ_ij x_i A_ij x_j, so ∂f/∂A_ij = x_i x_j
            formula=lambda A, x: x @ x.T,
            answer="x x^T",
            mistakes=(
                Mistake(lambda A, x: x.T @ x,
                        "xᵀx is the scalar Σxᵢ²; ∂f/∂A_ij = x_i x_j fills an n×n matrix: x xᵀ."),
            ),
        ),
    ),
    default=dict(A=[[1, 2], [0, 3]], x=[1, -1]),
    steps=dict(
        # f = Σ_ij x_i A_ij x_j: differentiating each x in turn gives xᵀA + xᵀAᵀ
        df_dx_value=lambda A, x: x @ (A + A.T),
    ),
    random=_quadratic_random,
    valid=lambda v: (
        not np.array_equal(v.A, v.A.T)
        and v.x.any()
        and v.df_dx_value.any()
    ),
)


# --- linear-form-gradient --------------------------------------------------------------------

linear_form_gradient = Problem(
    id="linear-form-gradient",
    title="Gradient of a linear form aᵀx",
    statement=r"""
Let $f(x) = a^\top x$ with $a, x \in \mathbb{R}^{n \times 1}$.

""" + LAYOUT + r"""

Take
$$a = {{a}}, \qquad x = {{x}}.$$

Compute the value of $\dfrac{\partial f}{\partial x}$ at this $x$ — a $1 \times 3$ row vector.

The answer is made of integers: give exact values.

Then give $\dfrac{\partial f}{\partial x}$ for any $n$ as an expression in $a$ and $x$.
""",
    parts=(
        Part(
            "df_dx_value",
            "vector",
            "∂f/∂x at the given a and x (1×3 row vector)",
            tolerance=EXACT,
            layout="row",
            mistakes=(
                Mistake(
                    lambda x: x,
                    "That is x. f = Σ aᵢxᵢ is linear in x, so ∂f/∂xᵢ = aᵢ whatever x is: "
                    "∂f/∂x = aᵀ.",
                ),
                Mistake(
                    lambda a, x: a * x,
                    "Those are the terms aᵢxᵢ of the sum, not their derivatives: "
                    "∂(aᵢxᵢ)/∂xᵢ = aᵢ, so ∂f/∂x = aᵀ.",
                ),
            ),
        ),
        Part(
            "df_dx",
            "expression",
            "∂f/∂x as an expression in a and x (1×n row vector)",
            symbols={"a": "n×1", "x": "n×1"},
            formula=lambda a: a.T,
            answer="a^T",
            mistakes=(
                Mistake(lambda x: x.T, "That is xᵀ. f = Σ aᵢxᵢ is linear in x, so ∂f/∂xᵢ = aᵢ "
                        "whatever x is: ∂f/∂x = aᵀ."),
            ),
        ),
    ),
    default=dict(a=[2, -1, 3], x=[1, 0, 2]),
    steps=dict(
        # f = Σ_i a_i x_i, so ∂f/∂x_i = a_i: the row vector aᵀ
        df_dx_value=lambda a: a,
    ),
    random=lambda rng: dict(a=rng.integers(-3, 4, size=3), x=rng.integers(-3, 4, size=3)),
    valid=lambda v: v.a.any() and v.x.any(),
)


# --- beale-hessian ---------------------------------------------------------------------------

BEALE_CONSTANTS = (1.5, 2.25, 2.625)
# Random points p and q take their coordinates here: powers of 0.5 stay short by hand.
BEALE_GRID = (-1.0, -0.5, 0.0, 0.5, 1.0)
# The negative eigenvalue at q must show through 2-decimal rounding (the smallest on the grid
# is about −0.5).
BEALE_NEGATIVE_MARGIN = 0.25


def _beale_terms(point):
    """F = Σᵢ rᵢ² with rᵢ = cᵢ − x + x yⁱ: each rᵢ with its gradient and Hessian in (x, y)."""
    x, y = point
    for i, c in enumerate(BEALE_CONSTANTS, start=1):
        r = c - x + x * y**i
        dr = np.array([y**i - 1, i * x * y ** (i - 1)])
        r_yy = i * (i - 1) * x * y ** (i - 2) if i >= 2 else 0.0
        d2r = np.array([[0.0, i * y ** (i - 1)], [i * y ** (i - 1), r_yy]])
        yield r, dr, d2r


def beale_gradient(point) -> np.ndarray:
    # ∇(r²) = 2r∇r
    return sum(2 * r * dr for r, dr, _ in _beale_terms(point))


def beale_hessian_at(point) -> np.ndarray:
    # ∇²(r²) = 2(∇r∇rᵀ + r∇²r)
    return sum(2 * (np.outer(dr, dr) + r * d2r) for r, dr, d2r in _beale_terms(point))


beale_hessian = Problem(
    id="beale-hessian",
    title="Beale's function: gradient, Hessian and convexity",
    statement=r"""
Beale's function is

$$F(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2.$$

""" + LAYOUT + r""" The gradient $\nabla F$ is the column vector
$\left[\partial F/\partial x,\ \partial F/\partial y\right]^\top$.

Take $p = {{p}}$, $q = {{q}}$ and the learning rate $\eta = {{eta}}$.

1. The gradient $\nabla F(p)$ (2 entries).
2. The Hessian $\nabla^2 F(q)$ (a $2 \times 2$ matrix).
3. The eigenvalues of $\nabla^2 F(q)$.
4. Is $F$ convex? (A twice-differentiable function is convex if and only if its Hessian is
   positive semi-definite at every point.)
5. One step of gradient descent from $p$: $p - \eta \nabla F(p)$.

Give numeric answers to at least 2 decimal places.
""",
    parts=(
        Part("grad_at_p", "vector", "∇F(p), the gradient at p (column vector, 2 entries)",
             layout="column"),
        Part("hessian_at_q", "matrix", "∇²F(q), the Hessian at q (2×2 matrix)"),
        Part("hessian_eigenvalues", "set", "the eigenvalues of ∇²F(q) (a set of 2 numbers)"),
        Part("is_convex", "boolean", "is F convex? (true or false)",
             mistakes=(Mistake(lambda: True, "Look at the eigenvalues of ∇²F(q) you found: one is "
                               "negative, and a convex function's Hessian is positive semi-definite "
                               "at every point — one point where it is not settles it."),)),
        Part("gd_step", "vector", "p − η∇F(p), one gradient descent step from p (2 entries)"),
    ),
    default=dict(p=[0, 1], q=[0, 0], eta=0.1),
    steps=dict(
        grad_at_p=lambda p: beale_gradient(p),
        hessian_at_q=lambda q: beale_hessian_at(q),
        hessian_eigenvalues=lambda hessian_at_q: np.linalg.eigvalsh(hessian_at_q),
        # Convex means ∇²F ⪰ 0 at every point, so one point with a negative eigenvalue settles
        # it: ∇²F(q) is such a point (valid= keeps q where it is).
        is_convex=lambda: False,
        gd_step=lambda p, eta, grad_at_p: p - eta * grad_at_p,
    ),
    random=lambda rng: dict(
        p=rng.choice(BEALE_GRID, size=2),
        q=rng.choice(BEALE_GRID, size=2),
        eta=float(rng.choice([0.01, 0.05, 0.1])),
    ),
    valid=lambda v: v.hessian_eigenvalues.min() <= -BEALE_NEGATIVE_MARGIN,
)


# --- softmax-ce-gradient ---------------------------------------------------------------------

softmax_ce_gradient = Problem(
    id="softmax-ce-gradient",
    title="Softmax cross-entropy: gradient and Hessian in the logits",
    statement=r"""
For logits $z \in \mathbb{R}^3$ and a one-hot label $y$,

$$\hat y = \mathrm{softmax}(z), \quad \hat y_k = \frac{e^{z_k}}{\sum_j e^{z_j}}, \qquad
L = -\sum_k y_k \log \hat y_k \quad (\log \text{ is the natural logarithm}).$$

""" + LAYOUT + r""" The gradient $\nabla_z L$ is the column vector $(\partial L/\partial z)^\top$.

Take
$$z = {{z}}, \qquad y = {{y}}.$$

1. $\hat y$ (3 entries).
2. The gradient $\nabla_z L$ (3 entries).
3. The Hessian $\nabla_z^2 L$ (a $3 \times 3$ matrix).
4. Is this Hessian positive semi-definite?

Give numeric answers to at least 2 decimal places.

5. The gradient $\nabla_z L$ for any $K$, as an expression in the column vectors $\hat y$
   (type `yhat` or `\hat{y}`) and $y$.
6. The same gradient as an expression in the logits $z$ and $y$ alone.
7. The Hessian $\nabla_z^2 L = \partial \hat y/\partial z$ for any $K$ ($K \times K$), as an
   expression in the column vector $\hat y$.
""",
    parts=(
        Part("y_hat", "vector", "ŷ = softmax(z) (3 entries)"),
        Part(
            "grad_z",
            "vector",
            "∇_z L, the gradient of L in z (column vector, 3 entries)",
            layout="column",
            mistakes=(
                Mistake(
                    lambda y, y_hat: y - y_hat,
                    "Sign: the gradient of softmax cross-entropy is ∇_z L = ŷ − y, not y − ŷ.",
                ),
            ),
        ),
        Part(
            "hessian_z",
            "matrix",
            "∇²_z L, the Hessian of L in z (3×3 matrix)",
            mistakes=(
                Mistake(
                    lambda y_hat: np.diag(y_hat * (1 - y_hat)),
                    "The diagonal ŷᵢ(1 − ŷᵢ) is right, but ∂ŷᵢ/∂zⱼ = −ŷᵢŷⱼ for i ≠ j is not zero: "
                    "the Hessian is diag(ŷ) − ŷŷᵀ.",
                ),
            ),
        ),
        Part("hessian_is_psd", "boolean", "is the Hessian positive semi-definite? (true or false)",
             mistakes=(Mistake(lambda: False, "Look at the Hessian diag(ŷ) − ŷŷᵀ you found: "
                               "vᵀ(diag(ŷ) − ŷŷᵀ)v = Σ ŷᵢvᵢ² − (Σ ŷᵢvᵢ)² is a variance, never "
                               "negative."),)),
        Part(
            "grad_z_expr",
            "expression",
            "∇_z L as an expression in the column vectors yhat and y",
            symbols={"yhat": "K×1", "y": "K×1"},
            formula=lambda yhat, y: yhat - y,
            answer="yhat - y",
        ),
        Part(
            "grad_z_of_logits",
            "expression",
            "∇_z L as an expression in the column vectors z and y",
            symbols={"z": "K×1", "y": "K×1"},
            formula=lambda z, y: softmax(z) - y,
            answer="softmax(z) - y",
            mistakes=(Mistake(lambda z, y: z - y, "The gradient compares the probabilities softmax(z) "
                                                  "with y, not the logits z themselves."),),
        ),
        Part(
            "hessian_z_expr",
            "expression",
            "∇²_z L = ∂ŷ/∂z as an expression in the column vector yhat (K×K)",
            symbols={"yhat": "K×1"},
            # ∂ŷ_i/∂z_j = ŷ_i(δ_ij − ŷ_j)
            formula=lambda yhat: np.diagflat(yhat) - yhat @ yhat.T,
            answer="diag(yhat) - yhat yhat^T",
            mistakes=(
                Mistake(lambda yhat: np.diagflat(yhat * (1 - yhat)),
                        "The diagonal ŷᵢ(1 − ŷᵢ) is right, but ∂ŷᵢ/∂zⱼ = −ŷᵢŷⱼ for i ≠ j is not zero: "
                        "the off-diagonal entries are −ŷŷᵀ's."),
                Mistake(lambda yhat: np.diagflat(yhat),
                        "diag(ŷ) is only the i = j half of ∂ŷᵢ/∂zⱼ = ŷᵢ(δᵢⱼ − ŷⱼ): the −ŷᵢŷⱼ term "
                        "is missing."),
            ),
        ),
    ),
    default=dict(z=[2, 1, 0.1], y=[0, 1, 0]),
    steps=dict(
        y_hat=lambda z: softmax(z),
        # L = −z_c + log Σ_j e^{z_j} for the true class c: ∂L/∂z_k = ŷ_k − y_k
        grad_z=lambda y_hat, y: y_hat - y,
        # ∂ŷ_i/∂z_j = ŷ_i(δ_ij − ŷ_j)
        hessian_z=lambda y_hat: np.diag(y_hat) - np.outer(y_hat, y_hat),
        # vᵀ(diag(ŷ) − ŷŷᵀ)v = Σŷ_i v_i² − (Σŷ_i v_i)² ≥ 0: a variance under ŷ
        hessian_is_psd=lambda hessian_z: bool(np.linalg.eigvalsh(hessian_z).min() >= -1e-12),
    ),
    random=lambda rng: dict(
        z=rng.integers(-4, 5, size=3) / 2,
        y=np.eye(3, dtype=int)[rng.integers(3)],
    ),
    valid=lambda v: (
        sorted(v.y.tolist()) == [0, 0, 1]  # one-hot
        # equal logits are a uniform ŷ; far apart ones put all the mass on one class
        and 0 < np.ptp(v.z) <= 3
    ),
)


# --- logistic-regression-gradient ------------------------------------------------------------

def _logistic_random(rng: np.random.Generator) -> dict:
    y = rng.permutation([0, 1, int(rng.integers(2)), int(rng.integers(2))])  # both classes
    return dict(
        x=rng.choice([-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2], size=4),
        y=y,
        w=float(rng.choice([-1, -0.5, 0.5, 1])),
        b=round(float(rng.integers(-5, 6)) / 10, 1),
        eta=float(rng.choice([0.1, 0.2, 0.5])),
    )


logistic_regression_gradient = Problem(
    id="logistic-regression-gradient",
    title="Logistic regression: the gradient of the cross-entropy and one descent step",
    statement=r"""
Logistic regression on $N = 4$ scalar examples $(x_n, y_n)$, $y_n \in \{0, 1\}$:

$$\hat y_n = \sigma(w x_n + b), \quad \sigma(u) = \frac{1}{1 + e^{-u}}, \qquad
E(w, b) = -\sum_{n=1}^{N} \left[ y_n \ln \hat y_n + (1 - y_n) \ln (1 - \hat y_n) \right].$$

Take
$$x = {{x}}, \qquad y = {{y}}, \qquad w = {{w}}, \quad b = {{b}}, \quad \eta = {{eta}}.$$

1. $\partial E/\partial w$ and $\partial E/\partial b$ at this $(w, b)$.
2. One step of gradient descent with learning rate $\eta$: $w_{\text{next}}$ and
   $b_{\text{next}}$.
3. Is $E$ convex in $(w, b)$?

Give numeric answers to at least 2 decimal places.
""",
    parts=(
        Part("dE_dw", "number", "∂E/∂w"),
        Part("dE_db", "number", "∂E/∂b"),
        Part(
            "w_next",
            "number",
            "w after one gradient descent step",
            mistakes=(
                Mistake(
                    lambda w, eta, dE_dw: w + eta * dE_dw,
                    "That step goes uphill: gradient descent subtracts η ∂E/∂w.",
                ),
            ),
        ),
        Part(
            "b_next",
            "number",
            "b after one gradient descent step",
            mistakes=(
                Mistake(
                    lambda b, eta, dE_db: b + eta * dE_db,
                    "That step goes uphill: gradient descent subtracts η ∂E/∂b.",
                ),
            ),
        ),
        Part("is_convex", "boolean", "is E convex in (w, b)? (true or false)",
             mistakes=(Mistake(lambda: False, "Each term of E is −ln σ(s) or −ln(1 − σ(s)) of the "
                               "linear score s = w xₙ + b; both have second derivative σ(s)(1 − σ(s)) "
                               "≥ 0 in s, and a sum of convex functions of a linear map is convex."),)),
    ),
    default=dict(x=[0.5, 1.5, -1, 2], y=[0, 1, 0, 1], w=0.5, b=-0.2, eta=0.1),
    steps=dict(
        y_hat=lambda w, x, b: sigmoid(w * x + b),
        # ∂E/∂u_n = ŷ_n − y_n for u_n = w x_n + b, and ∂u_n/∂w = x_n, ∂u_n/∂b = 1
        dE_dw=lambda y_hat, y, x: np.sum((y_hat - y) * x),
        dE_db=lambda y_hat, y: np.sum(y_hat - y),
        w_next=lambda w, eta, dE_dw: w - eta * dE_dw,
        b_next=lambda b, eta, dE_db: b - eta * dE_db,
        # ∇²E = Σ_n ŷ_n(1 − ŷ_n) [x_n, 1]ᵀ[x_n, 1]: a sum of PSD outer products at every (w, b)
        is_convex=lambda: True,
    ),
    random=_logistic_random,
    valid=lambda v: (
        set(v.y.tolist()) == {0, 1}
        # a zero gradient would make the descent step (and the uphill mistake) trivial
        and abs(v.dE_dw) >= 0.05
        and abs(v.dE_db) >= 0.05
    ),
)


# --- symmetry-regularizer --------------------------------------------------------------------

def _number(value: float) -> str:
    return f"{value + 0.0:.6g}"  # + 0.0: no "-0"


def _symmetry_check(S) -> list[str]:
    """wᵀSw = s₁₁w₁² + (s₁₂ + s₂₁)w₁w₂ + s₂₂w₂², so R is fixed by its values at (1, 0), (0, 1)
    and (1, 1), where (w₁ − w₂)² is 1, 1 and 0."""
    failures = []
    r10, r01, r11 = S[0, 0], S[1, 1], S.sum()
    if not np.isclose(r10, 1, rtol=0, atol=1e-9):
        failures.append(f"R(w) for w = (1, 0) should be 1, but your S gives s₁₁ = {_number(r10)}.")
    if not np.isclose(r01, 1, rtol=0, atol=1e-9):
        failures.append(f"R(w) for w = (0, 1) should be 1, but your S gives s₂₂ = {_number(r01)}.")
    if not np.isclose(r11, 0, rtol=0, atol=1e-9):
        failures.append(
            "R does not vanish when w₁ = w₂: for w = (1, 1) your S gives "
            f"R = s₁₁ + s₁₂ + s₂₁ + s₂₂ = {_number(r11)}, not 0."
        )
    return failures


symmetry_regularizer = Problem(
    id="symmetry-regularizer",
    title="A regularizer that pulls two weights together, as a quadratic form",
    statement=r"""
For a weight vector $w = [w_1, w_2]^\top \in \mathbb{R}^2$ we want the regularizer
$R(w) = (w_1 - w_2)^2$, which is zero exactly when $w_1 = w_2$.

Find a $2 \times 2$ matrix $S$ such that $R(w) = w^\top S w$ for **every** $w \in \mathbb{R}^2$.
(More than one $S$ works: any of them is right.)
""",
    parts=(
        Part(
            "S",
            "property",
            "a 2×2 matrix S with wᵀSw = (w₁ − w₂)² for every w",
            check=_symmetry_check,
            shape=(2, 2),
        ),
    ),
    default={},
    steps=dict(
        # (w₁ − w₂)² = w₁² − 2w₁w₂ + w₂²: the symmetric choice splits −2 evenly
        S=lambda: np.array([[1.0, -1.0], [-1.0, 1.0]]),
    ),
)


# --- expression-only problems: matrix calculus in symbols, no numbers ---------------------------
# Their answers are formulas, checked by evaluation on random matrices of the declared shapes
# (graders/equivalence.py); one variant for everyone.


def _expression_problem(id: str, title: str, statement: str, *parts: Part) -> Problem:
    return Problem(id=id, title=title, statement=statement + "\n" + LAYOUT
                   + "\n\nWrite transposes as `x^T`, `x'` or `xᵀ`, inverses as `A^{-1}` or "
                   "`inv(A)`.\n", parts=parts, default={}, steps={})


_JACOBIAN = {"A": "m×n", "x": "n×1", "J": "n×l; ∂x/∂z"}
matrix_vector_jacobian = _expression_problem(
    "matrix-vector-jacobian",
    "Jacobian of y = Ax, and through a chain x = x(z)",
    r"""
Let $y = Ax$ with $A \in \mathbb{R}^{m \times n}$ constant and $x \in \mathbb{R}^{n \times 1}$.
Then let $x = x(z)$ depend on $z \in \mathbb{R}^{l \times 1}$ with Jacobian
$J = \partial x/\partial z \in \mathbb{R}^{n \times l}$.

1. $\partial y/\partial x$ (an $m \times n$ matrix), in $A$ and $x$.
2. $\partial y/\partial z$ (an $m \times l$ matrix), in $A$ and $J$.
""",
    Part("dy_dx", "expression", "∂y/∂x in A and x (m×n)", symbols=_JACOBIAN,
         formula=lambda A: A, answer="A",
         mistakes=(Mistake(lambda A, x: A @ x,
                           "That is y itself; y = Ax is linear in x, so ∂y/∂x = A."),)),
    Part("dy_dz", "expression", "∂y/∂z in A and J (m×l)", symbols=_JACOBIAN,
         # chain rule: ∂y/∂z = (∂y/∂x)(∂x/∂z)
         formula=lambda A, J: A @ J, answer="A J"),
)

_BILINEAR = {"y": "m×1", "A": "m×n", "x": "n×1"}
bilinear_form_gradient = _expression_problem(
    "bilinear-form-gradient",
    "Derivatives of a bilinear form yᵀAx",
    r"""
Let $\alpha = y^\top A x$ with $y \in \mathbb{R}^{m \times 1}$, $A \in \mathbb{R}^{m \times n}$
and $x \in \mathbb{R}^{n \times 1}$.

1. $\partial \alpha/\partial x$ ($1 \times n$), in $y$, $A$, $x$.
2. $\partial \alpha/\partial y$ ($1 \times m$), in $y$, $A$, $x$.
""",
    Part("dalpha_dx", "expression", "∂α/∂x (1×n row vector)", symbols=_BILINEAR,
         formula=lambda y, A: y.T @ A, answer="y^T A"),
    # α is a scalar, so α = αᵀ = xᵀAᵀy: linear in y with coefficient row xᵀAᵀ
    Part("dalpha_dy", "expression", "∂α/∂y (1×m row vector)", symbols=_BILINEAR,
         formula=lambda A, x: x.T @ A.T, answer="x^T A^T"),
)

trace_gradient = _expression_problem(
    "trace-gradient",
    "Gradient of tr(XAXᵀ) with respect to X",
    r"""
Let $f(X) = \operatorname{tr}(X A X^\top)$ with $X \in \mathbb{R}^{m \times n}$ and a square
$A \in \mathbb{R}^{n \times n}$ that is not symmetric.

Give $\partial f/\partial X$ (an $m \times n$ matrix, the shape of $X$) in $X$ and $A$.
""",
    Part("df_dX", "expression", "∂f/∂X in X and A (m×n)", symbols={"X": "m×n", "A": "n×n"},
         # X appears twice: XA from the right factor, XAᵀ from the left one
         formula=lambda X, A: X @ (A + A.T), answer="X (A + A^T)",
         mistakes=tuple(Mistake(value, "X appears twice in tr(XAXᵀ): the product rule gives XA "
                                "from one factor and XAᵀ from the other — the sum is X(A + Aᵀ).")
                        for value in (lambda X, A: X @ A, lambda X, A: X @ A.T))),
)

_DOT_CHAIN = {"x": "n×1", "y": "n×1", "Jx": "n×l; ∂x/∂z", "Jy": "n×l; ∂y/∂z"}
dot_product_chain = _expression_problem(
    "dot-product-chain",
    "Chain rule through a dot product xᵀy",
    r"""
Let $\alpha = x^\top y$ where $x = x(z)$ and $y = y(z)$ are in $\mathbb{R}^{n \times 1}$ and
depend on $z \in \mathbb{R}^{l \times 1}$, with Jacobians $J_x = \partial x/\partial z$ and
$J_y = \partial y/\partial z$, both $n \times l$ (type them `Jx` and `Jy`, or `J_x`, `J_y`).

Give $\partial \alpha/\partial z$ ($1 \times l$) in $x$, $y$, $J_x$, $J_y$.
""",
    Part("dalpha_dz", "expression", "∂α/∂z in x, y, Jx, Jy (1×l row vector)",
         symbols=_DOT_CHAIN,
         # ∂(xᵀy) = yᵀ∂x + xᵀ∂y
         formula=lambda x, y, Jx, Jy: x.T @ Jy + y.T @ Jx, answer="x^T Jy + y^T Jx",
         mistakes=(Mistake(lambda x, y, Jx, Jy: x.T @ Jx + y.T @ Jy,
                           "Each vector pairs with the other's Jacobian: ∂(xᵀy) = yᵀ∂x + xᵀ∂y, "
                           "so ∂α/∂z = xᵀJy + yᵀJx."),)),
)

_COMMUTE = ("Matrices do not commute: A⁻¹ and dA cannot be reordered. Differentiate A A⁻¹ = I: "
            "dA A⁻¹ + A d(A⁻¹) = 0, so d(A⁻¹) = −A⁻¹ dA A⁻¹.")
inverse_derivative = _expression_problem(
    "inverse-derivative",
    "Derivative of a matrix inverse",
    r"""
A square invertible matrix $A \in \mathbb{R}^{n \times n}$ depends on a scalar $\alpha$; write
$dA = \partial A/\partial \alpha$ (also $n \times n$; type it `dA`).

Give $\partial (A^{-1})/\partial \alpha$ in $A$ and $dA$.
""",
    Part("dAinv", "expression", "∂(A⁻¹)/∂α in A and dA (n×n)",
         symbols={"A": "n×n invertible", "dA": "n×n; ∂A/∂α"},
         formula=lambda A, dA: -np.linalg.inv(A) @ dA @ np.linalg.inv(A),
         answer="-A^{-1} dA A^{-1}",
         mistakes=tuple(Mistake(value, _COMMUTE) for value in (
             lambda A, dA: -np.linalg.inv(A) @ np.linalg.inv(A) @ dA,
             lambda A, dA: -dA @ np.linalg.inv(A) @ np.linalg.inv(A)))),
)


PROBLEMS = [
    quadratic_form_gradient,
    linear_form_gradient,
    beale_hessian,
    softmax_ce_gradient,
    logistic_regression_gradient,
    symmetry_regularizer,
    matrix_vector_jacobian,
    bilinear_form_gradient,
    trace_gradient,
    dot_product_chain,
    inverse_derivative,
]
