"""RMSprop: two steps, with its running average of squared gradients."""

import numpy as np

from problems.authoring import FIVE_SIGFIGS, THREE_SIGFIGS, Mistake, Part, Problem, Recurrence

PROBLEMS = [
    Problem(
        id="rmsprop-steps",
        title="Two RMSprop steps from given gradients",
        family="optimizers",
        statement=r"""
RMSprop keeps $s_t = \rho\, s_{t-1} + (1 - \rho)\, g_t^2$ (element-wise, $s_0 = 0$) and steps
$\theta_t = \theta_{t-1} - \eta\, g_t / (\sqrt{s_t} + \epsilon)$. With $\rho = {{rho}}$,
$\eta = {{eta}}$, $\epsilon = {{eps}}$, $\theta_0 = {{theta0}}$ and the gradients
$g_1, g_2$ given as the rows of
$$G = {{grads}},$$
give the table $s_1, s_2$ (rows) and $\theta_1, \theta_2$ (rows).
""",
        parts=(
            Part("s", "matrix", "s₁ and s₂, one row each (2×2)", tolerance=THREE_SIGFIGS,
                 mistakes=(Mistake(lambda grads, rho: np.cumsum(grads ** 2, axis=0) * (1 - rho),
                                   "s decays: s_t = ρ s_{t−1} + (1 − ρ) g_t², not a plain running sum."),)),
            Part("theta", "matrix", "θ₁ and θ₂, one row each (2×2)", tolerance=FIVE_SIGFIGS,
                 mistakes=(Mistake(lambda theta0, grads, eta, s: theta0 - np.cumsum(eta * grads / s, axis=0),
                                   "Divide by the root mean square √s_t, not by s_t."),)),
        ),
        default=dict(rho=0.9, eta=0.01, eps=1e-8, theta0=[1.0, -1.0], grads=[[0.5, -2.0], [1.0, 1.0]]),
        # A Recurrence is a table computed row by row: `s` reads its own previous row; `theta`
        # reads row t of `s`, so a student's own s carries forward into their θ.
        steps=dict(
            s=Recurrence(lambda s, grads, t, rho: rho * s + (1 - rho) * grads[t - 1] ** 2, rows="grads"),
            theta=Recurrence(lambda theta, s, grads, t, eta, eps: theta - eta * grads[t - 1] / (np.sqrt(s) + eps),
                             rows="grads", start=lambda theta0: theta0),
        ),
        random=lambda rng: dict(rho=float(rng.choice([0.5, 0.8, 0.9])), eta=float(rng.choice([0.01, 0.001])), eps=1e-8,
                                theta0=rng.choice([-1.0, 0.5, 1.0], size=2),
                                grads=rng.choice([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0], size=(2, 2))),
        # s₂ must show its decay (ρ s₁ against s₁) beyond 3 significant figures.
        valid=lambda v: np.all(np.abs(v.s[0] * (1 - v.rho)) > 0.02 * v.s[1]),
    ),
]
