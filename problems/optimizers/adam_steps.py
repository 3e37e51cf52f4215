"""Adam, step by step."""

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

adam_steps = Problem(
    id="adam-steps",
    title="Adam, step by step",
    statement=r"""
Adam updates a parameter vector $\theta$ from gradients $g_1, g_2, \dots$ by

$$m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2,$$
$$\hat m_t = \frac{m_t}{1 - \beta_1^t}, \qquad \hat v_t = \frac{v_t}{1 - \beta_2^t}, \qquad
\theta_t = \theta_{t-1} - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon},$$

element-wise, with $m_0 = v_0 = 0$. Take

$$\theta_0 = {{theta0}}, \qquad \beta_1 = {{beta1}}, \quad \beta_2 = {{beta2}}, \quad
\eta = {{eta}}, \quad \epsilon = {{eps}},$$

and the gradients of the first three steps (row $t$ is $g_t^\top$; they are given, not computed
from a function):

$$\begin{bmatrix} g_1^\top \\ g_2^\top \\ g_3^\top \end{bmatrix} = {{grads}}.$$

Give $m_t$, $v_t$, $\hat m_t$, $\hat v_t$ and $\theta_t$ for $t = 1, 2, 3$, each as a
$3 \times 2$ matrix whose row $t$ is the value after step $t$.

""" + optimizer_precision(r"$m$, $v$, $\hat m$ and $\hat v$"),
    parts=(
        Part("m", "matrix", "m_t for t = 1, 2, 3 (3×2 matrix, row t = step t)",
             tolerance=THREE_SIGFIGS),
        Part("v", "matrix", "v_t for t = 1, 2, 3 (3×2 matrix, row t = step t)",
             tolerance=THREE_SIGFIGS),
        Part("m_hat", "matrix", "m̂_t for t = 1, 2, 3 (3×2 matrix, row t = step t)",
             tolerance=THREE_SIGFIGS),
        Part("v_hat", "matrix", "v̂_t for t = 1, 2, 3 (3×2 matrix, row t = step t)",
             tolerance=THREE_SIGFIGS),
        Part("theta", "matrix", "θ_t for t = 1, 2, 3 (3×2 matrix, row t = step t)",
             tolerance=within_step_share),
    ),
    default=dict(
        theta0=[0.5, -1.0],
        grads=[[0.1, -0.2], [0.05, 0.3], [-0.1, 0.1]],
        beta1=0.9,
        beta2=0.999,
        eta=0.01,
        eps=1e-8,
    ),
    steps=dict(
        m=Recurrence(lambda m, grads, t, beta1: beta1 * m + (1 - beta1) * grads[t - 1],
                     rows="grads", each="step"),
        v=Recurrence(lambda v, grads, t, beta2: beta2 * v + (1 - beta2) * grads[t - 1] ** 2,
                     rows="grads", each="step"),
        # both averages start at 0: dividing by 1 − βᵗ removes the pull towards it
        m_hat=Recurrence(lambda m, beta1, t: m / (1 - beta1**t), rows="grads", each="step"),
        v_hat=Recurrence(lambda v, beta2, t: v / (1 - beta2**t), rows="grads", each="step"),
        theta=Recurrence(
            lambda theta, m_hat, v_hat, eta, eps: theta - eta * m_hat / (np.sqrt(v_hat) + eps),
            rows="grads", each="step",
            start=lambda theta0: theta0,
        ),
    ),
    random=lambda rng: dict(
        step_table_random(rng, etas=[0.01, 0.02, 0.05, 0.1], beta1s=[0.8, 0.9, 0.95]), eps=1e-8
    ),
    valid=lambda v: (
        (np.abs(v.m) >= MIN_MOMENT).all()
        and (np.abs(v.theta) >= MIN_THETA).all()
        and steps_are_visible(v.theta0, v.theta, v.eta)
    ),
)
