"""One attention head, O = softmax(QKᵀ/√d) V, and its gradients by V and by the scores."""

import numpy as np

from problems.authoring import Mistake, Part, Problem


def row_softmax(S):
    e = np.exp(S - S.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


PROBLEMS = [
    Problem(
        id="attention-head-backward",
        title="Backward through one attention head",
        family="attention",
        statement=r"""
One head attends with scores $S = Q K^\top / \sqrt{d}$, weights $A = \operatorname{softmax}(S)$
(row by row) and output $O = A V$. The loss is $L = \sum_{ij} G_{ij} O_{ij}$ for a given
upstream gradient $G$. With $d = {{d}}$,
$$Q = {{Q}}, \quad K = {{K}}, \quad V = {{V}}, \quad G = {{G}}.$$

Give $A$ ($2 \times 2$), $\partial L/\partial V$ ($2 \times 2$) and $\partial L/\partial S$
($2 \times 2$).
""",
        parts=(
            Part("A", "matrix", "A = softmax(S), by rows (2×2)"),
            Part("dL_dV", "matrix", "∂L/∂V (2×2)", derivative_of=("loss", "V"),
                 mistakes=(Mistake(lambda A, G: A @ G, "O = AV, so ∂L/∂V = Aᵀ G: the transpose of A."),)),
            Part("dL_dS", "matrix", "∂L/∂S (2×2)", derivative_of=("loss", "S"),
                 mistakes=(Mistake(lambda dL_dA, A: dL_dA * A * (1 - A),
                                   "softmax couples a row's entries: ∂L/∂S = A ⊙ (∂L/∂A − rowsum(∂L/∂A ⊙ A)), "
                                   "not the element-wise σ(1 − σ)."),)),
        ),
        default=dict(d=2, Q=[[1.0, 0.0], [0.5, 1.0]], K=[[1.0, 1.0], [0.0, 2.0]], V=[[1.0, 2.0], [3.0, -1.0]],
                     G=[[1.0, 0.0], [0.5, -1.0]]),
        steps=dict(
            S=lambda Q, K, d: Q @ K.T / np.sqrt(d),
            A=lambda S: row_softmax(S),
            O=lambda A, V: A @ V,
            loss=lambda G, O: np.sum(G * O),
            dL_dV=lambda A, G: A.T @ G,
            dL_dA=lambda G, V: G @ V.T,
            dL_dS=lambda A, dL_dA: A * (dL_dA - np.sum(dL_dA * A, axis=1, keepdims=True)),
        ),
        random=lambda rng: dict(d=2, Q=rng.integers(-2, 3, size=(2, 2)), K=rng.integers(-2, 3, size=(2, 2)),
                                V=rng.integers(-3, 4, size=(2, 2)), G=rng.choice([-2.0, -1.0, 1.0, 2.0], size=(2, 2))),
        # Transposing ∂L/∂S must be visible at two decimals, and no entry may vanish.
        valid=lambda v: np.abs(v.dL_dS - v.dL_dS.T).max() > 0.05 and np.abs(v.dL_dS).min() > 0.01
        and np.abs(v.dL_dV).min() > 0.05,
    ),
]
