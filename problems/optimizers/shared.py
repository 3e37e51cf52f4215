"""What several optimizers problems share."""

from __future__ import annotations

import numpy as np

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


def step_table_random(rng: np.random.Generator, etas: list[float], beta1s: list[float]) -> dict:
    return dict(
        theta0=rng.choice([-1.5, -1.0, -0.5, 0.5, 1.0, 1.5], size=2),
        grads=np.round(rng.choice(GRADIENT_STEPS, size=(3, 2)), 2),
        beta1=float(rng.choice(beta1s)),
        beta2=float(rng.choice([0.99, 0.999])),
        eta=float(rng.choice(etas)),
    )


def is_spd_with_distinct_eigenvalues(Q, margin: float = 0.1) -> bool:
    lambdas = np.linalg.eigvalsh(Q)
    return bool(np.allclose(Q, Q.T) and lambdas[0] > 0 and lambdas[1] - lambdas[0] >= margin)


def spd_random(rng: np.random.Generator, largest: int = 5) -> np.ndarray:
    """A symmetric positive definite 2×2 integer matrix with distinct eigenvalues."""
    while True:
        a, d = rng.integers(1, largest + 1, size=2)
        b = rng.integers(-2, 3)
        Q = np.array([[a, b], [b, d]])
        if is_spd_with_distinct_eigenvalues(Q):
            return Q
