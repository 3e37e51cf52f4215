"""What several gradients problems share."""

from __future__ import annotations

from problems.authoring import Part, Problem
from problems.fragments import LAYOUT

# Their answers are formulas, checked by evaluation on random matrices of the declared shapes
# (graders/equivalence.py); one variant for everyone.


def expression_problem(id: str, title: str, statement: str, *parts: Part) -> Problem:
    return Problem(id=id, title=title, statement=statement + "\n" + LAYOUT
                   + "\n\nWrite transposes as `x^T`, `x'` or `xᵀ`, inverses as `A^{-1}` or "
                   "`inv(A)`.\n", parts=parts, default={}, steps={})
