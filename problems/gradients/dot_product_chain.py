"""Chain rule through a dot product xᵀy."""

from __future__ import annotations

from problems.authoring import Mistake, Part
from problems.gradients.shared import expression_problem

_DOT_CHAIN = {"x": "n×1", "y": "n×1", "Jx": "n×l; ∂x/∂z", "Jy": "n×l; ∂y/∂z"}


dot_product_chain = expression_problem(
    "dot-product-chain",
    "Chain rule through a dot product xᵀy",
    r"""
Let $\alpha = x^\top y$ where $x = x(z)$ and $y = y(z)$ are in $\mathbb{R}^{n \times 1}$ and
depend on $z \in \mathbb{R}^{l \times 1}$, with Jacobians $J_x = \partial x/\partial z$ and
$J_y = \partial y/\partial z$, both $n \times l$ (type them `Jx` and `Jy`, or `J_x`, `J_y`).

Give $\partial \alpha/\partial z$ ($1 \times l$) in $x$, $y$, $J_x$, $J_y$.
""",
    Part("dalpha_dz", "expression", "∂α/∂z in x, y, Jx, Jy (1×l row vector)",
         symbols=_DOT_CHAIN,
         # ∂(xᵀy) = yᵀ∂x + xᵀ∂y
         formula=lambda x, y, Jx, Jy: x.T @ Jy + y.T @ Jx, answer="x^T Jy + y^T Jx",
         mistakes=(Mistake(lambda x, y, Jx, Jy: x.T @ Jx + y.T @ Jy,
                           "Each vector pairs with the other's Jacobian: ∂(xᵀy) = yᵀ∂x + xᵀ∂y, "
                           "so ∂α/∂z = xᵀJy + yᵀJx."),)),
)
