"""Momentum and Nesterov: two steps of each on a quadratic bowl."""

import numpy as np

from problems.authoring import FIVE_SIGFIGS, Mistake, Part, Problem


def gradient(H, b, theta):
    return H @ theta - b  # of f(θ) = ½ θᵀHθ − bᵀθ


PROBLEMS = [
    Problem(
        id="momentum-nesterov-steps",
        title="Heavy-ball momentum and Nesterov steps",
        family="optimizers",
        statement=r"""
Minimise $f(\theta) = \tfrac12 \theta^\top H \theta - b^\top \theta$ with $H = {{H}}$ and
$b = {{b}}$, from $\theta_0 = {{theta0}}$ and $v_0 = 0$, with step size $\eta = {{eta}}$ and
momentum $\mu = {{mu}}$.

1. Heavy-ball momentum: $v_t = \mu v_{t-1} + \nabla f(\theta_{t-1})$,
   $\theta_t = \theta_{t-1} - \eta v_t$. Give $\theta_1$ and $\theta_2$.
2. Nesterov: the same, with the gradient taken at the look-ahead point
   $\theta_{t-1} - \eta \mu v_{t-1}$. Give its $\theta_2$.
""",
        parts=(
            Part("theta1", "vector", "θ₁, heavy ball (2 entries)", tolerance=FIVE_SIGFIGS),
            Part("theta2", "vector", "θ₂, heavy ball (2 entries)", tolerance=FIVE_SIGFIGS,
                 mistakes=(Mistake(lambda theta1, H, b, eta: theta1 - eta * gradient(H, b, theta1),
                                   "That is a plain gradient step: v₂ = μ v₁ + ∇f(θ₁) keeps μ v₁."),)),
            Part("nesterov2", "vector", "θ₂, Nesterov (2 entries)", tolerance=FIVE_SIGFIGS,
                 mistakes=(Mistake(lambda theta2: theta2, "Nesterov takes the gradient at the look-ahead "
                                                          "θ₁ − ημv₁, not at θ₁."),)),
        ),
        default=dict(H=[[2.0, 0.5], [0.5, 1.0]], b=[1.0, -1.0], theta0=[1.0, 1.0], eta=0.1, mu=0.9),
        steps=dict(
            v1=lambda H, b, theta0: gradient(H, b, theta0),
            theta1=lambda theta0, eta, v1: theta0 - eta * v1,
            v2=lambda mu, v1, H, b, theta1: mu * v1 + gradient(H, b, theta1),
            theta2=lambda theta1, eta, v2: theta1 - eta * v2,
            # Nesterov's first step is the heavy ball's: the look-ahead of v0 = 0 is θ0 itself.
            nesterov_v2=lambda mu, v1, H, b, theta1, eta: mu * v1 + gradient(H, b, theta1 - eta * mu * v1),
            nesterov2=lambda theta1, eta, nesterov_v2: theta1 - eta * nesterov_v2,
        ),
        random=lambda rng: dict(H=np.diag(rng.choice([0.5, 1.0, 2.0, 3.0], size=2)) + 0.5 * (1 - np.eye(2)),
                                b=rng.choice([-1.0, 1.0, 2.0], size=2), theta0=rng.choice([-1.0, 1.0, 2.0], size=2),
                                eta=float(rng.choice([0.05, 0.1, 0.2])), mu=float(rng.choice([0.5, 0.9]))),
        valid=lambda v: np.abs(v.theta2 - v.nesterov2).min() > 1e-3 and np.abs(v.v1).min() > 0.1,
    ),
]
