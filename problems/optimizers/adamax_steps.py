"""Adamax: Adam with the infinity norm, step by step."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    THREE_SIGFIGS,
    Part,
    Problem,
    Recurrence,
    within_step_share,
)
from problems.fragments import optimizer_precision
from problems.optimizers.shared import MIN_MOMENT, MIN_THETA, step_table_random, steps_are_visible

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
    random=lambda rng: step_table_random(rng, etas=[0.002, 0.005, 0.01, 0.02],
                                          beta1s=[0.8, 0.9, 0.95]),
    valid=lambda v: (
        (np.abs(v.m) >= MIN_MOMENT).all()
        and (np.abs(v.theta) >= MIN_THETA).all()
        and steps_are_visible(v.theta0, v.theta, v.eta)
        # no near-tie inside the max: either side must win clearly at 3 significant figures
        and (np.abs(v.beta2 * v.u[:-1] - np.abs(v.grads[1:])) >= 0.01 * np.abs(v.grads[1:])).all()
    ),
)
