"""Matrix norms, trace, determinant and eigenvalues."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    EXACT,
    Mistake,
    Part,
    Problem,
    Tolerance,
)

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
