"""Recurrence steps against a plain loop (Adam's moment tables)."""

import numpy as np

from problems.core import Recurrence, run_steps

STEPS = dict(
    m=Recurrence(lambda m, grads, t, beta1: beta1 * m + (1 - beta1) * grads[t - 1], rows="grads"),
    m_hat=Recurrence(lambda m, beta1, t: m / (1 - beta1**t), rows="grads"),
    theta=Recurrence(lambda theta, m_hat, eta: theta - eta * m_hat, rows="grads", start=lambda theta0: theta0),
    last=lambda theta: theta[-1],
)
PARAMS = dict(grads=np.array([[0.1, -0.2], [0.05, 0.3], [-0.1, 0.1]]), beta1=0.9, eta=0.5,
              theta0=np.array([0.5, -1.0]))


def plain_loop(grads, beta1, eta, theta0):
    m, theta, ms, m_hats, thetas = np.zeros(2), theta0.copy(), [], [], []
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        m_hat = m / (1 - beta1**t)
        theta = theta - eta * m_hat
        ms.append(m), m_hats.append(m_hat), thetas.append(theta)
    return np.array(ms), np.array(m_hats), np.array(thetas)


def test_recurrences_match_a_plain_loop():
    values = run_steps(STEPS, PARAMS)
    ms, m_hats, thetas = plain_loop(**PARAMS)
    np.testing.assert_allclose(values["m"], ms)
    np.testing.assert_allclose(values["m_hat"], m_hats)
    np.testing.assert_allclose(values["theta"], thetas)
    np.testing.assert_allclose(values["last"], thetas[-1])


def test_a_given_table_feeds_the_later_ones():
    student_m = np.ones((3, 2))
    values = run_steps(STEPS, PARAMS, given={"m": student_m})
    np.testing.assert_allclose(values["m"], student_m)
    np.testing.assert_allclose(values["m_hat"], student_m / (1 - 0.9 ** np.arange(1, 4))[:, None])
