"""Newton's method for a root, and its quadratic convergence."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    FIVE_SIGFIGS,
    Part,
    Problem,
)


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
