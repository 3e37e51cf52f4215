"""Lipschitz constants and norms."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    EXACT,
    TWO_DECIMALS,
    Mistake,
    Part,
    Problem,
    Tolerance,
    sigmoid,
)


def _lipschitz_linear_random(rng: np.random.Generator) -> dict:
    return dict(W=rng.integers(-4, 5, size=(2, 2)))


lipschitz_linear = Problem(
    id="lipschitz-linear",
    title="Lipschitz constant of a linear map",
    statement=r"""
Let $f(x) = Wx$ on $\mathbb{R}^2$ with the Euclidean norm, where

$$W = {{W}}.$$

1. The Lipschitz constant of $f$: the smallest $L$ with
   $\|f(x) - f(y)\|_2 \le L\, \|x - y\|_2$ for all $x, y$.
2. The singular values of $W$ (in any order).

Give numeric answers to at least 2 decimal places.
""",
    parts=(
        Part("L", "number", "the smallest Lipschitz constant of f(x) = Wx", tolerance=TWO_DECIMALS),
        Part("singular_values", "set", "the singular values of W", tolerance=TWO_DECIMALS),
    ),
    default=dict(W=[[3, 0], [4, 5]]),
    steps=dict(
        # σ_i = √(eigenvalues of WᵀW), largest first
        singular_values=lambda W: np.linalg.svd(W, compute_uv=False),
        # ‖W(x − y)‖ ≤ σ_max‖x − y‖, with equality along the top right-singular vector
        L=lambda singular_values: singular_values[0],
    ),
    random=_lipschitz_linear_random,
    valid=lambda v: (
        round(np.linalg.det(v.W)) != 0
        and not np.isclose(v.singular_values[0], v.singular_values[1], rtol=1e-9, atol=0)
    ),
)



# --- lipschitz-activations ---

def _activations_random(rng: np.random.Generator) -> dict:
    # mostly the usual 0 < α < 1, sometimes a slope steeper than the identity's
    if rng.random() < 0.7:
        return dict(alpha=int(rng.integers(1, 100)) / 100)
    return dict(alpha=int(rng.integers(101, 301)) / 100)



lipschitz_activations = Problem(
    id="lipschitz-activations",
    title="Lipschitz constants of activation functions",
    statement=r"""
For each activation $\varphi: \mathbb{R} \to \mathbb{R}$ below, find its Lipschitz constant:
the smallest $L$ with

$$|\varphi(a) - \varphi(b)| \le L\, |a - b| \quad \text{for all } a, b \in \mathbb{R}.$$

1. $\mathrm{ReLU}(a) = \max(0, a)$.
2. $\tanh(a)$.
3. The logistic sigmoid $\sigma(a) = 1/(1 + e^{-a})$.
4. The leaky ReLU with slope $\alpha = {{alpha}}$ for negative inputs: $a$ for $a > 0$,
   $\alpha a$ for $a \le 0$.
5. $\mathrm{softplus}(a) = \log(1 + e^{a})$.

Give exact values (e.g. $1/4$ or $0.25$).
""",
    parts=(
        Part("relu", "number", "L for ReLU(a) = max(0, a)", EXACT),
        Part("tanh", "number", "L for tanh", EXACT),
        Part(
            "sigmoid",
            "number",
            "L for σ(a) = 1/(1 + e^(−a))",
            EXACT,
            mistakes=(
                Mistake(
                    lambda: 1.0,
                    "σ'(a) = σ(a)(1 − σ(a)) is at most 1/4, reached at a = 0; 1 is the bound of "
                    "tanh', not of σ'.",
                ),
            ),
        ),
        Part(
            "leaky_relu",
            "number",
            "L for the leaky ReLU with slope α on negative inputs",
            EXACT,
            mistakes=(
                Mistake(
                    lambda alpha: min(1.0, abs(alpha)),
                    "L is the steeper of the two slopes, max(1, |α|), not the gentler one.",
                ),
            ),
        ),
        Part("softplus", "number", "L for softplus(a) = log(1 + e^a)", EXACT),
    ),
    default=dict(alpha=0.1),
    steps=dict(
        # For a differentiable φ (or piecewise), L = sup |φ'|.
        relu=lambda: 1.0,  # φ' is 0 or 1
        tanh=lambda: 1.0,  # φ' = 1 − tanh², largest at 0
        sigmoid=lambda: 0.25,  # φ' = σ(1 − σ), largest at 0 where σ = ½
        leaky_relu=lambda alpha: max(1.0, abs(alpha)),  # φ' is 1 or α
        softplus=lambda: 1.0,  # φ' = σ(a) < 1, approaching 1 as a → ∞
    ),
    random=_activations_random,
    valid=lambda v: v.alpha != 1,
)


# --- lipschitz-network-bound ---

# sup |φ'| of the activations a layer may have
ACTIVATION_LIPSCHITZ = {"identity": 1.0, "relu": 1.0, "tanh": 1.0, "sigmoid": 0.25}


def _network_random(rng: np.random.Generator) -> dict:
    depth = int(rng.integers(2, 4))
    return dict(
        weights=[rng.integers(-3, 4, size=(2, 2)) for _ in range(depth - 1)]
        + [rng.integers(-3, 4, size=(1, 2))],
        activations=[str(rng.choice(["relu", "sigmoid", "tanh"])) for _ in range(depth - 1)] + ["identity"],
    )



lipschitz_network_bound = Problem(
    id="lipschitz-network-bound",
    title="An upper bound on the Lipschitz constant of a multilayer network",
    statement=r"""
A network applies, layer after layer, $x \mapsto \varphi_i(W_i x)$ (no biases): the weight
matrices $W_1, W_2, \dots$ and the activations $\varphi_i$ (identity means none) are

$${{weights}}$$

$$[\varphi_1, \varphi_2, \dots]^\top = {{activations}}.$$

With the Euclidean norm, the network's Lipschitz constant is at most

$$L \le \prod_i \|W_i\|_2 \, L_{\varphi_i},$$

where $\|W\|_2$ is the spectral norm (largest singular value) and $L_\varphi$ the Lipschitz
constant of the activation.

1. Each layer's factor $\|W_i\|_2\, L_{\varphi_i}$, in order.
2. The bound on $L$.

Give numeric answers to at least 2 decimal places.
""",
    mistake_margin=0.02,  # a mistake within rounding of the answer is not drawn
    parts=(
        Part(
            "layer_constants",
            "vector",
            "‖W_i‖₂ · L_φi for each layer i, in order",
            mistakes=(
                Mistake(
                    lambda weights, activation_constants: [
                        np.sqrt(np.sum(W**2)) for W in weights
                    ] * activation_constants,
                    "This uses the Frobenius norm: the Lipschitz constant of x ↦ Wx in the 2-norm is "
                    "the spectral norm ‖W‖₂ = σ_max(W), which is at most ‖W‖_F.",
                ),
                Mistake(
                    lambda spectral_norms: spectral_norms,
                    "Each layer's constant is ‖W_i‖₂ times its activation's Lipschitz constant "
                    "(the sigmoid's is 1/4).",
                ),
            ),
        ),
        Part("total_bound", "number", "the bound Π_i ‖W_i‖₂ · L_φi on the network's Lipschitz constant"),
    ),
    default=dict(
        weights=[[[1, 2], [0, 1]], [[3, 0], [4, 5]], [[1, -1]]],
        activations=["relu", "sigmoid", "identity"],
    ),
    steps=dict(
        spectral_norms=lambda weights: np.array([np.linalg.norm(W, 2) for W in weights]),
        activation_constants=lambda activations: np.array([ACTIVATION_LIPSCHITZ[a] for a in activations]),
        layer_constants=lambda spectral_norms, activation_constants: spectral_norms * activation_constants,
        # a composition's constant is at most the product of its parts' constants
        total_bound=lambda layer_constants: np.prod(layer_constants),
    ),
    random=_network_random,
    valid=lambda v: (
        all(np.any(W != 0) for W in v.weights)
        and v.total_bound >= 0.05
    ),
)


# --- lipschitz-combinations ---

def _combinations_random(rng: np.random.Generator) -> dict:
    return dict(
        L_f=int(rng.integers(1, 7)),
        L_g=int(rng.integers(1, 7)),
        K_f=int(rng.integers(1, 7)),
        K_g=int(rng.integers(1, 7)),
        c=float(rng.choice([-4, -3, -2.5, -2, -1.5, -0.5, 0.5, 1.5, 2, 2.5, 3, 4])),
    )



lipschitz_combinations = Problem(
    id="lipschitz-combinations",
    title="Lipschitz constants of sums, compositions, products and multiples",
    statement=r"""
Let $f, g: \mathbb{R} \to \mathbb{R}$ be Lipschitz with constants $L_f = {{L_f}}$ and
$L_g = {{L_g}}$, and bounded: $|f(x)| \le K_f = {{K_f}}$ and $|g(x)| \le K_g = {{K_g}}$ for all
$x$. Let $c = {{c}}$.

Give the Lipschitz constant that follows from these bounds (the triangle inequality and the
definition, nothing about the particular $f$ and $g$) for

1. $f + g$,
2. $f \circ g$,
3. $f \cdot g$,
4. $c\, f$.

Give exact values.
""",
    mistake_margin=0.02,  # a mistake within rounding of the answer is not drawn
    parts=(
        Part("sum", "number", "a Lipschitz constant of f + g", EXACT),
        Part(
            "composition",
            "number",
            "a Lipschitz constant of f ∘ g",
            EXACT,
            mistakes=(
                Mistake(
                    lambda L_f, L_g: L_f + L_g,
                    "Under composition the constants multiply: |f(g(x)) − f(g(y))| ≤ L_f |g(x) − g(y)| "
                    "≤ L_f L_g |x − y|.",
                ),
            ),
        ),
        Part(
            "product",
            "number",
            "a Lipschitz constant of f · g",
            EXACT,
            mistakes=(
                Mistake(
                    lambda L_f, L_g: L_f * L_g,
                    "L_f·L_g is the composition's constant. For f·g write f(x)g(x) − f(y)g(y) = "
                    "f(x)(g(x) − g(y)) + g(y)(f(x) − f(y)) and bound each term with |f| ≤ K_f, |g| ≤ K_g.",
                ),
                Mistake(
                    lambda K_f, L_f, K_g, L_g: K_f * L_f + K_g * L_g,
                    "Each bound pairs with the other function's constant: K_f L_g + K_g L_f.",
                ),
            ),
        ),
        Part("scaled", "number", "a Lipschitz constant of c · f", EXACT),
    ),
    default=dict(L_f=2, L_g=3, K_f=4, K_g=1, c=-3),
    steps=dict(
        sum=lambda L_f, L_g: L_f + L_g,
        composition=lambda L_f, L_g: L_f * L_g,
        # f(x)g(x) − f(y)g(y) = f(x)(g(x) − g(y)) + g(y)(f(x) − f(y))
        product=lambda K_f, L_g, K_g, L_f: K_f * L_g + K_g * L_f,
        scaled=lambda c, L_f: abs(c) * L_f,
    ),
    random=_combinations_random,
    valid=lambda v: (
        v.L_f != v.L_g
        and v.K_f != v.K_g
        and len({v.sum, v.composition, v.product, v.scaled}) == 4  # no two answers tie
    ),
)


# --- matrix-norm-identities ---

# Two decimal places without the 1 % clause: for A = [[1, 2], [3, 4]] the Frobenius norm is
# within 0.3 % of the spectral norm, and 1 % would accept one for the other.
NORM_DECIMALS = Tolerance(decimals=2, hint="at least 2 decimal places")


def _eigenvalues_2x2(trace: float, det: float) -> np.ndarray:
    """The roots of the characteristic polynomial λ² − tr(A) λ + det(A), largest first; NaN
    when they are complex (such variants are never drawn)."""
    discriminant = trace**2 - 4 * det
    root = np.sqrt(discriminant) if discriminant >= 0 else np.nan
    return (trace + np.array([1, -1]) * root) / 2


def _norms_random(rng: np.random.Generator) -> dict:
    return dict(A=rng.integers(-3, 4, size=(2, 2)), X=rng.integers(-2, 3, size=(2, 2)))



matrix_norm_identities = Problem(
    id="matrix-norm-identities",
    title="Matrix norms, trace, determinant and eigenvalues",
    statement=r"""
Let

$$A = {{A}}, \qquad X = {{X}}.$$

1. The spectral norm $\|A\|_2$ (the largest singular value) and the Frobenius norm
   $\|A\|_F = \sqrt{\sum_{ij} A_{ij}^2}$.
2. $\mathrm{tr}(A)$, $\det(A)$ and the eigenvalues of $A$.
3. $\|A^\top A\|_2$.
4. $\|A + X\|_F^2$ and $\mathrm{tr}(A^\top X)$.
5. Does $\|A\|_F \ge \|A\|_2 \ge \|A\|_F / \sqrt{\mathrm{rank}(A)}$ hold for this $A$?

Give the norms and eigenvalues to at least 2 decimal places (or exactly, e.g.
$\sqrt{30}$); the trace, the determinant, $\|A + X\|_F^2$ and $\mathrm{tr}(A^\top X)$ are
integers: give exact values.
""",
    mistake_margin=0.02,  # a mistake within rounding of the answer is not drawn
    parts=(
        Part(
            "spectral_norm",
            "number",
            "‖A‖₂",
            NORM_DECIMALS,
            mistakes=(
                Mistake(
                    lambda frobenius_norm: frobenius_norm,
                    "That is the Frobenius norm ‖A‖_F; the spectral norm is the largest singular "
                    "value, √λ_max(AᵀA), which is at most ‖A‖_F.",
                ),
                Mistake(
                    lambda eigenvalues: np.abs(eigenvalues).max(),
                    "The largest |eigenvalue| equals ‖A‖₂ only for a normal (e.g. symmetric) matrix; "
                    "use the singular values, √λ(AᵀA).",
                ),
            ),
        ),
        Part("frobenius_norm", "number", "‖A‖_F", NORM_DECIMALS),
        Part("trace", "number", "tr(A)", EXACT),
        Part("det", "number", "det(A)", EXACT),
        Part("eigenvalues", "set", "the eigenvalues of A (2 values, any order)"),
        Part(
            "spectral_norm_AtA",
            "number",
            "‖AᵀA‖₂",
            NORM_DECIMALS,
            mistakes=(
                Mistake(
                    lambda frobenius_norm: frobenius_norm**2,
                    "That is ‖A‖_F² = σ₁² + σ₂²; ‖AᵀA‖₂ = σ_max² is only the largest of them.",
                ),
            ),
        ),
        Part(
            "frobenius_sum_sq",
            "number",
            "‖A + X‖_F²",
            EXACT,
            mistakes=(
                Mistake(
                    lambda A, X: np.sum(A**2) + np.sum(X**2),
                    "‖A + X‖_F² = ‖A‖_F² + 2 tr(AᵀX) + ‖X‖_F²: the cross term is missing.",
                ),
            ),
        ),
        Part("trace_AtX", "number", "tr(AᵀX)", EXACT),
        Part("norm_chain_holds", "boolean", "does ‖A‖_F ≥ ‖A‖₂ ≥ ‖A‖_F/√rank(A) hold?",
             mistakes=(Mistake(lambda: False, "Write the norms in the singular values: ‖A‖_F² = Σσᵢ² "
                               "and ‖A‖₂ = σ₁, and σ₁² ≤ Σσᵢ² ≤ rank(A)·σ₁² — the chain always "
                               "holds."),)),
    ),
    default=dict(A=[[1, 2], [3, 4]], X=[[0, 1], [1, 0]]),
    steps=dict(
        # ‖A‖₂² is the top eigenvalue of the symmetric AᵀA: computed first, by hand too
        spectral_norm_AtA=lambda A: np.linalg.eigvalsh(A.T @ A)[-1],
        spectral_norm=lambda spectral_norm_AtA: np.sqrt(spectral_norm_AtA),
        frobenius_norm=lambda A: np.sqrt(np.sum(A**2)),
        trace=lambda A: A[0, 0] + A[1, 1],
        det=lambda A: A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0],
        eigenvalues=lambda trace, det: _eigenvalues_2x2(trace, det),
        frobenius_sum_sq=lambda A, X: np.sum((A + X) ** 2),
        trace_AtX=lambda A, X: np.sum(A * X),  # tr(AᵀX) = Σ_ij A_ij X_ij
        norm_chain_holds=lambda frobenius_norm, spectral_norm, A: bool(
            frobenius_norm + 1e-12 >= spectral_norm >= frobenius_norm / np.sqrt(np.linalg.matrix_rank(A)) - 1e-12
        ),
    ),
    random=_norms_random,
    valid=lambda v: (
        v.det != 0
        and v.trace**2 - 4 * v.det >= 0.01  # real, distinct eigenvalues ...
        and abs(v.eigenvalues[0] - v.eigenvalues[1]) >= 0.1  # ... not a near-tie
        and v.X.any()
    ),
)


# --- sigmoid-tanh-equivalence ---

# Where the two networks are compared: a small integer grid (readable in feedback), then
# fixed pseudo-random points, the same for every student.
PROBE_INPUTS = np.vstack(
    [
        np.array([(a, b) for a in range(-2, 3) for b in range(-2, 3)], dtype=float),
        np.random.default_rng(20240101).uniform(-3, 3, size=(40, 2)),
    ]
)
AGREEMENT = 1e-6


def _sigmoid_net(W1, b1, W2, b2, inputs):
    """The output's pre-activation for each input row."""
    return (sigmoid(inputs @ W1.T + b1) @ W2.T + b2)[:, 0]


def _tanh_net(W1, b1, W2, b2, inputs):
    return (np.tanh(inputs @ W1.T + b1) @ W2.T + b2)[:, 0]


def _same_network(answer, W1, b1, W2, b2) -> list[str]:
    want = _sigmoid_net(W1, b1, W2, b2, PROBE_INPUTS)
    got = _tanh_net(answer["W1"], answer["b1"], answer["W2"], answer["b2"], PROBE_INPUTS)
    apart = np.abs(sigmoid(got) - sigmoid(want)) > AGREEMENT
    if not apart.any():
        return []
    offset = got - want
    if np.ptp(offset) <= 1e-9:
        return [
            f"At every input the output's pre-activation is off by the same constant "
            f"({offset.mean():.4g}): check b2′ — σ(a) = ½ + ½tanh(a/2) leaves a constant term "
            "that the output bias must absorb."
        ]
    i = int(np.argmax(apart))
    x1, x2 = PROBE_INPUTS[i]
    return [
        f"The two networks disagree: at x = ({x1:.4g}, {x2:.4g}) the sigmoid network gives "
        f"y = {sigmoid(want[i]):.4f}, yours gives y = {sigmoid(got[i]):.4f}."
    ]


def _sigmoid_tanh_random(rng: np.random.Generator) -> dict:
    return dict(
        W1=rng.integers(-4, 5, size=(2, 2)) / 2,
        b1=rng.integers(-4, 5, size=2) / 2,
        W2=rng.choice([-2, -1, 1, 2], size=(1, 2)),
        b2=rng.integers(-5, 6, size=1) / 10,
    )


sigmoid_tanh_equivalence = Problem(
    id="sigmoid-tanh-equivalence",
    title="The same network with tanh hidden units instead of sigmoids",
    statement=r"""
The logistic sigmoid and $\tanh$ are related by $\sigma(a) = \tfrac12 + \tfrac12 \tanh(a/2)$.
A network with sigmoid hidden units,

$$y = \sigma\big(W_2\, \sigma(W_1 x + b_1) + b_2\big), \qquad x \in \mathbb{R}^2,$$

has

$$W_1 = {{W1}}, \qquad b_1 = {{b1}}, \qquad W_2 = {{W2}}, \qquad b_2 = {{b2}}.$$

Find weights $W_1', b_1', W_2', b_2'$ for which the network with tanh hidden units,

$$y = \sigma\big(W_2' \tanh(W_1' x + b_1') + b_2'\big),$$

computes exactly the same function of $x$. Answer with an object
`{"W1": 2×2, "b1": 2 entries, "W2": 1×2, "b2": 1 entry}`; any such weights are right.

Give exact values (e.g. 0.25 or 1/4).
""",
    parts=(
        Part(
            "tanh_weights",
            "property",
            'the tanh network\'s weights, {"W1": 2×2, "b1": 2 entries, "W2": 1×2, "b2": 1 entry}',
            check=_same_network,
            shape={"W1": (2, 2), "b1": (2,), "W2": (1, 2), "b2": (1,)},
        ),
    ),
    default=dict(W1=[[1, -1], [2, 0.5]], b1=[0.5, -1], W2=[[1, -2]], b2=[0.3]),
    steps=dict(
        # σ(W1x + b1) = ½ + ½tanh(W1x/2 + b1/2): halve the first layer, and the ½ + ½(·) goes
        # into the second: W2σ(·) = ½W2 tanh(·) + ½ Σ_j (W2)_j
        tanh_weights=lambda W1, b1, W2, b2: dict(W1=W1 / 2, b1=b1 / 2, W2=W2 / 2, b2=b2 + W2.sum() / 2),
    ),
    random=_sigmoid_tanh_random,
    valid=lambda v: (
        v.W2.sum() != 0  # else b2′ = b2 and the constant term is invisible
        and (v.W1 != 0).any(axis=1).all()
    ),
)


# --- perceptron-regions ---

# Candidate weight vectors for a threshold unit, shortest first (a tie keeps the shorter one).
_DIRECTIONS = sorted(
    ((a, b) for a in range(-3, 4) for b in range(-3, 4) if (a, b) != (0, 0)),
    key=lambda w: (w[0] ** 2 + w[1] ** 2, w),
)


def _threshold_unit(points: np.ndarray, on: np.ndarray) -> tuple[np.ndarray, float] | None:
    """Small integer w and b, halfway across the widest gap between the points that must give 1
    and those that must give 0; None if no such w separates them."""
    best = None
    for w in map(np.array, _DIRECTIONS):
        projection = points @ w
        low, high = projection[~on].max(), projection[on].min()
        margin = (high - low) / np.linalg.norm(w)
        if high > low and (best is None or margin > best[0] + 1e-12):
            best = (margin, w.astype(float), -(low + high) / 2)
    return None if best is None else best[1:]


def _separating_units(regions) -> dict | None:
    points = np.array([p for region in regions for p in region["points"]], dtype=float)
    codes = np.array([region["code"] for region in regions for _ in region["points"]], dtype=float)
    units = [_threshold_unit(points, codes[:, i] == 1) for i in range(2)]
    if None in units:
        return None
    (w1, b1), (w2, b2) = units
    return dict(w1=w1, b1=b1, w2=w2, b2=b2)


def _number(x: float) -> str:
    return f"{x:g}"


def _every_point_coded(answer, regions) -> list[str]:
    W = np.array([answer["w1"], answer["w2"]])
    b = np.array([answer["b1"], answer["b2"]])
    failures = []
    for region in regions:
        expected = np.asarray(region["code"], dtype=int)
        for point in np.asarray(region["points"], dtype=float):
            code = (W @ point + b > 0).astype(int)
            if (code != expected).any():
                failures.append(
                    f"point ({_number(point[0])}, {_number(point[1])}) gets code "
                    f"({code[0]}, {code[1]}), expected ({expected[0]}, {expected[1]})."
                )
    return failures


def _json_number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else float(x)


def _perceptron_random(rng: np.random.Generator) -> dict:
    grid = np.array([(a, b) for a in np.arange(0, 5.5, 0.5) for b in np.arange(0, 5.5, 0.5)])
    while True:
        # two hidden lines with small integer normals; the points keep away from them
        W = rng.integers(-2, 3, size=(2, 2))
        b = rng.integers(-10, 11, size=2) / 2
        if not W.any(axis=1).all():
            continue
        pre = grid @ W.T + b
        clear = (np.abs(pre) >= 0.5).all(axis=1)
        grid_codes = (pre > 0).astype(int)
        codes = rng.permutation([(0, 0), (0, 1), (1, 0), (1, 1)])[:3]
        regions = []
        for code in codes:
            candidates = grid[clear & (grid_codes == code).all(axis=1)]
            if len(candidates) < 2:
                break
            chosen = candidates[rng.choice(len(candidates), size=2, replace=False)]
            regions.append(
                dict(points=[[_json_number(c) for c in p] for p in chosen], code=[int(c) for c in code])
            )
        else:
            return dict(regions=regions)


perceptron_regions = Problem(
    id="perceptron-regions",
    title="Two threshold units that tell three regions apart",
    statement=r"""
Two threshold units read a point $x \in \mathbb{R}^2$:

$$h_i = \begin{cases} 1 & \text{if } w_i \cdot x + b_i > 0, \\ 0 & \text{otherwise,} \end{cases}
\qquad i = 1, 2.$$

Together they give each point a code $(h_1, h_2)$. Row $l$ of the table lists the points of
region $S_l$ (one point per row of the matrix) and the code every point of $S_l$ must get:

$${{regions}}$$

Find $w_1, b_1, w_2, b_2$ such that every point gets its region's code. Answer with an object
`{"w1": 2 entries, "b1": a number, "w2": 2 entries, "b2": a number}`; any weights that work
are right. Give exact numbers (e.g. 2.5 or 5/2): a point exactly on a unit's line gets 0.
""",
    parts=(
        Part(
            "units",
            "property",
            'the two units, {"w1": 2 entries, "b1": a number, "w2": 2 entries, "b2": a number}',
            check=_every_point_coded,
            shape={"w1": (2,), "b1": (), "w2": (2,), "b2": ()},
        ),
    ),
    default=dict(
        regions=[
            dict(points=[[0, 0], [1, 1]], code=[1, 0]),
            dict(points=[[2, 2], [2.5, 3]], code=[1, 1]),
            dict(points=[[4, 1], [5, 0]], code=[0, 1]),
        ]
    ),
    steps=dict(
        # each unit on its own: a line with the points coded 1 on one side, the rest on the other
        units=lambda regions: _separating_units(regions),
    ),
    random=_perceptron_random,
    valid=lambda v: v.units is not None,
)

PROBLEMS = [
    lipschitz_linear,
    lipschitz_activations,
    lipschitz_network_bound,
    lipschitz_combinations,
    matrix_norm_identities,
    sigmoid_tanh_equivalence,
    perceptron_regions,
]
