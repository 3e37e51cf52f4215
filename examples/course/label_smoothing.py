"""Cross-entropy with label smoothing, and its gradient by the logits."""

import numpy as np

from problems.authoring import THREE_SIGFIGS, Mistake, Part, Problem, softmax

PROBLEMS = [
    Problem(
        id="label-smoothing-cross-entropy",
        title="Cross-entropy with label smoothing",
        family="losses",
        statement=r"""
A classifier outputs logits $z = {{z}}$ over $K = 4$ classes; the true class is $c = {{label}}$
(counting from 0). Label smoothing with $\varepsilon = {{eps}}$ trains against
$q = (1 - \varepsilon)\, e_c + \varepsilon / K$ instead of the one-hot $e_c$, with the loss
$L = -\sum_k q_k \log p_k$, $p = \operatorname{softmax}(z)$.

Give $q$, $L$ and $\partial L / \partial z$ (4 entries).
""",
        parts=(
            Part("q", "vector", "q (4 entries)", tolerance=THREE_SIGFIGS,  # ε/3 and ε/4 differ by < 0.01
                 mistakes=(Mistake(lambda onehot, eps: (1 - eps) * onehot + eps / 3,
                                   "ε is spread over all K classes, the true one included: ε/K, not ε/(K − 1)."),)),
            Part("loss", "number", "L"),
            Part("dL_dz", "vector", "∂L/∂z (4 entries)", layout="row", derivative_of=("loss", "z"),
                 mistakes=(Mistake(lambda p, onehot: p - onehot, "That is the gradient against the one-hot label; "
                                                                 "the target is now q: p − q."),)),
        ),
        default=dict(z=[2.0, 0.5, -1.0, 0.0], label=0, eps=0.1),
        steps=dict(
            onehot=lambda z, label: np.eye(len(z))[label],
            q=lambda onehot, eps: (1 - eps) * onehot + eps / len(onehot),
            p=lambda z: softmax(z),
            loss=lambda q, p: -np.sum(q * np.log(p)),
            dL_dz=lambda p, q: p - q,
        ),
        random=lambda rng: dict(z=rng.choice([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0], size=4),
                                label=int(rng.integers(0, 4)), eps=float(rng.choice([0.1, 0.2]))),
        valid=lambda v: np.abs(v.dL_dz).min() > 0.02,
    ),
]
