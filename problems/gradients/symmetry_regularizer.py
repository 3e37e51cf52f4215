"""A regularizer that pulls two weights together, as a quadratic form."""

from __future__ import annotations

import numpy as np

from problems.authoring import Part, Problem


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
