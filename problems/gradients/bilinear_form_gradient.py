"""Derivatives of a bilinear form yᵀAx."""

from __future__ import annotations

from problems.authoring import Part
from problems.gradients.shared import expression_problem

_BILINEAR = {"y": "m×1", "A": "m×n", "x": "n×1"}


bilinear_form_gradient = expression_problem(
    "bilinear-form-gradient",
    "Derivatives of a bilinear form yᵀAx",
    r"""
Let $\alpha = y^\top A x$ with $y \in \mathbb{R}^{m \times 1}$, $A \in \mathbb{R}^{m \times n}$
and $x \in \mathbb{R}^{n \times 1}$.

1. $\partial \alpha/\partial x$ ($1 \times n$), in $y$, $A$, $x$.
2. $\partial \alpha/\partial y$ ($1 \times m$), in $y$, $A$, $x$.
""",
    Part("dalpha_dx", "expression", "∂α/∂x (1×n row vector)", symbols=_BILINEAR,
         formula=lambda y, A: y.T @ A, answer="y^T A"),
    # α is a scalar, so α = αᵀ = xᵀAᵀy: linear in y with coefficient row xᵀAᵀ
    Part("dalpha_dy", "expression", "∂α/∂y (1×m row vector)", symbols=_BILINEAR,
         formula=lambda A, x: x.T @ A.T, answer="x^T A^T"),
)
