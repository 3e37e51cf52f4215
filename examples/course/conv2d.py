"""A conv2d backward pass: a 2×2 kernel over a 4×4 input, stride 1, no padding."""

import numpy as np

from problems.authoring import Mistake, Part, Problem


def correlate(X, K):
    """Valid cross-correlation, as deep-learning libraries' conv2d computes it."""
    k = K.shape[0]
    n = X.shape[0] - k + 1
    return np.array([[np.sum(X[i:i + k, j:j + k] * K) for j in range(n)] for i in range(n)])


PROBLEMS = [
    Problem(
        id="conv2d-backward",
        title="Backward pass of a 2×2 convolution on a 4×4 input",
        family="convolutions",
        statement=r"""
A convolution layer (cross-correlation, as in PyTorch; stride 1, no padding) computes
$Y_{ij} = \sum_{a,b} X_{i+a,\,j+b} K_{ab}$: a $3 \times 3$ output from the $4 \times 4$ input
$$X = {{X}}$$
and the kernel $K = {{K}}$. The loss is $L = \sum_{ij} G_{ij} Y_{ij}$ with upstream gradient
$$G = {{G}}.$$

Give $Y$, $\partial L / \partial K$ ($2 \times 2$) and $\partial L / \partial X$ ($4 \times 4$).
""",
        parts=(
            Part("Y", "matrix", "Y (3×3)"),
            Part("dL_dK", "matrix", "∂L/∂K (2×2)", derivative_of=("loss", "K"),
                 mistakes=(Mistake(lambda X, G: correlate(X, G)[::-1, ::-1],
                                   "∂L/∂K is X cross-correlated with G, not flipped."),)),
            Part("dL_dX", "matrix", "∂L/∂X (4×4)", derivative_of=("loss", "X"),
                 mistakes=(Mistake(lambda G, K: correlate(np.pad(G, 1), K),
                                   "∂L/∂X is a full convolution of G with K flipped by 180°."),)),
        ),
        default=dict(X=[[1, 2, 0, 1], [0, 1, 3, 2], [2, 0, 1, 1], [1, 3, 0, 2]], K=[[1, -1], [2, 0]],
                     G=[[1, 0, -1], [0, 2, 1], [1, -1, 0]]),
        steps=dict(
            Y=lambda X, K: correlate(X, K),
            loss=lambda G, Y: np.sum(G * Y),
            dL_dK=lambda X, G: correlate(X, G),
            # Each input pixel meets the kernel once per output it feeds: G padded, K flipped.
            dL_dX=lambda G, K: correlate(np.pad(G, 1), K[::-1, ::-1]),
        ),
        random=lambda rng: dict(X=rng.integers(-2, 4, size=(4, 4)), K=rng.integers(-2, 3, size=(2, 2)),
                                G=rng.integers(-1, 2, size=(3, 3))),
        valid=lambda v: not np.array_equal(v.K, v.K[::-1, ::-1]) and np.count_nonzero(v.G) >= 5
        and np.abs(v.dL_dK).sum() > 0 and not np.allclose(v.dL_dK, v.dL_dK[::-1, ::-1]),
    ),
]
