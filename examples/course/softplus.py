"""Softplus and its derivatives, element-wise on a vector: softplus′ is the sigmoid."""

import numpy as np

from problems.authoring import Mistake, Part, Problem, sigmoid

PROBLEMS = [
    Problem(
        id="softplus-derivatives",
        title="Softplus, its gradient and its curvature",
        family="activations",
        statement=r"""
$\operatorname{softplus}(x) = \log(1 + e^{x})$, applied entry by entry. Let
$s(x) = \sum_i \operatorname{softplus}(x_i)$ and take $x = {{x}}$.

Give $s(x)$, the gradient $\partial s/\partial x$ (a row of 3), and the diagonal of the Hessian
of $s$ (3 entries: the Hessian is diagonal).
""",
        parts=(
            Part("s", "number", "s(x)"),
            Part("ds_dx", "vector", "∂s/∂x (3 entries)", layout="row", derivative_of=("s", "x"),
                 mistakes=(Mistake(lambda x: np.exp(x) / (1 + np.exp(x)) ** 2,
                                   "That is σ′(x) = σ(1 − σ), the second derivative; softplus′ is σ itself."),)),
            Part("hessian_diag", "vector", "the Hessian's diagonal (3 entries)",
                 mistakes=(Mistake(lambda ds_dx: ds_dx, "That is the gradient σ(x); the curvature is σ(1 − σ)."),)),
        ),
        default=dict(x=[-1.0, 0.5, 2.0]),
        steps=dict(
            s=lambda x: np.sum(np.log1p(np.exp(x))),
            ds_dx=lambda x: sigmoid(x),
            hessian_diag=lambda ds_dx: ds_dx * (1 - ds_dx),
        ),
        random=lambda rng: dict(x=rng.choice([-2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0], size=3)),
        valid=lambda v: len(set(v.x.tolist())) == 3,
    ),
]
