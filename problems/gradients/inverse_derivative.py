"""Derivative of a matrix inverse."""

from __future__ import annotations

import numpy as np

from problems.authoring import Mistake, Part
from problems.gradients.shared import expression_problem

_COMMUTE = ("Matrices do not commute: A⁻¹ and dA cannot be reordered. Differentiate A A⁻¹ = I: "
            "dA A⁻¹ + A d(A⁻¹) = 0, so d(A⁻¹) = −A⁻¹ dA A⁻¹.")


inverse_derivative = expression_problem(
    "inverse-derivative",
    "Derivative of a matrix inverse",
    r"""
A square invertible matrix $A \in \mathbb{R}^{n \times n}$ depends on a scalar $\alpha$; write
$dA = \partial A/\partial \alpha$ (also $n \times n$; type it `dA`).

Give $\partial (A^{-1})/\partial \alpha$ in $A$ and $dA$.
""",
    Part("dAinv", "expression", "∂(A⁻¹)/∂α in A and dA (n×n)",
         symbols={"A": "n×n invertible", "dA": "n×n; ∂A/∂α"},
         formula=lambda A, dA: -np.linalg.inv(A) @ dA @ np.linalg.inv(A),
         answer="-A^{-1} dA A^{-1}",
         mistakes=tuple(Mistake(value, _COMMUTE) for value in (
             lambda A, dA: -np.linalg.inv(A) @ np.linalg.inv(A) @ dA,
             lambda A, dA: -dA @ np.linalg.inv(A) @ np.linalg.inv(A)))),
)
