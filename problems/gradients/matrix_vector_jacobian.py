"""Jacobian of y = Ax, and through a chain x = x(z)."""

from __future__ import annotations

from problems.authoring import Mistake, Part
from problems.gradients.shared import expression_problem

_JACOBIAN = {"A": "m×n", "x": "n×1", "J": "n×l; ∂x/∂z"}


matrix_vector_jacobian = expression_problem(
    "matrix-vector-jacobian",
    "Jacobian of y = Ax, and through a chain x = x(z)",
    r"""
Let $y = Ax$ with $A \in \mathbb{R}^{m \times n}$ constant and $x \in \mathbb{R}^{n \times 1}$.
Then let $x = x(z)$ depend on $z \in \mathbb{R}^{l \times 1}$ with Jacobian
$J = \partial x/\partial z \in \mathbb{R}^{n \times l}$.

1. $\partial y/\partial x$ (an $m \times n$ matrix), in $A$ and $x$.
2. $\partial y/\partial z$ (an $m \times l$ matrix), in $A$ and $J$.
""",
    Part("dy_dx", "expression", "∂y/∂x in A and x (m×n)", symbols=_JACOBIAN,
         formula=lambda A: A, answer="A",
         mistakes=(Mistake(lambda A, x: A @ x,
                           "That is y itself; y = Ax is linear in x, so ∂y/∂x = A."),)),
    Part("dy_dz", "expression", "∂y/∂z in A and J (m×l)", symbols=_JACOBIAN,
         # chain rule: ∂y/∂z = (∂y/∂x)(∂x/∂z)
         formula=lambda A, J: A @ J, answer="A J"),
)
