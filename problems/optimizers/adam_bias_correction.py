"""Adam's bias correction: why it divides by 1 − βᵗ."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    THREE_SIGFIGS,
    Mistake,
    Part,
    Problem,
)


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
