"""L2-regularised logistic regression: the loss and its gradient by the weights."""

import numpy as np

from problems.authoring import Mistake, Part, Problem, sigmoid

PROBLEMS = [
    Problem(
        id="logistic-l2-gradient",
        title="Gradient of L2-regularised logistic regression",
        family="linear models",
        statement=r"""
Logistic regression on $m = 3$ examples (rows of $X$) with labels $y$ and weight decay $\lambda$:
$$J(w) = -\frac1m \sum_i \big[y_i \log \sigma(x_i^\top w) + (1 - y_i) \log(1 - \sigma(x_i^\top w))\big]
  + \frac{\lambda}{2} \lVert w \rVert^2 .$$
Take $X = {{X}}$, $y = {{y}}$, $w = {{w}}$ and $\lambda = {{lam}}$.

Give the predictions $p = \sigma(X w)$, $J(w)$ and $\nabla_w J$ (2 entries).
""",
        parts=(
            Part("p", "vector", "p = σ(Xw) (3 entries)"),
            Part("J", "number", "J(w)"),
            Part("grad", "vector", "∇_w J (2 entries)", layout="column", derivative_of=("J", "w"),
                 mistakes=(Mistake(lambda X, p, y: X.T @ (p - y) / len(y),
                                   "The penalty (λ/2)‖w‖² adds λw to the gradient."),
                           Mistake(lambda X, p, y, lam, w: X.T @ (p - y) + lam * w,
                                   "The data term is a mean over the m examples: divide Xᵀ(p − y) by m."))),
        ),
        default=dict(X=[[1.0, 2.0], [-1.0, 0.5], [2.0, -1.0]], y=[1.0, 0.0, 1.0], w=[0.5, -0.25], lam=0.1),
        steps=dict(
            p=lambda X, w: sigmoid(X @ w),
            J=lambda y, p, lam, w: -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) + lam / 2 * w @ w,
            grad=lambda X, p, y, lam, w: X.T @ (p - y) / len(y) + lam * w,
        ),
        random=lambda rng: dict(X=rng.choice([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0], size=(3, 2)),
                                y=rng.integers(0, 2, size=3).astype(float),
                                w=rng.choice([-1.0, -0.5, 0.5, 1.0], size=2), lam=float(rng.choice([0.1, 0.5, 1.0]))),
        valid=lambda v: np.abs(v.grad).min() > 0.05 and 0 < v.y.sum() < 3,
    ),
]
