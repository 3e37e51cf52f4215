"""`expression` parts: a formula in declared symbols (matrix calculus, or scalar formulas such
as Adam's bias term or a receptive field), judged equal to the expected one by evaluation on
random values (graders/equivalence.py), never by running what was typed.

Accepts text in the answer language (graders/parse.py): `x^T (A + A^T)`, `x.T @ (A + A.T)`,
`x'*(A+A')`, `x^\\top(A+A^\\top)`, `xᵀ(A + Aᵀ)`, `-A^{-1} dA A^{-1}`, `inv(A)`, `tr(X)`,
`(1 - beta2^t) Eg2`, `\\frac{g^T g}{g^T H g}`, `yhat ⊙ y`; a JSON number is a constant
expression. Names split into declared symbols, longest first (`Ax` is A·x, `J_x` is Jx).

Options on the Part:
  symbols        name -> declaration (graders/symbols.py): "n×1", "m×n", "n×n spd",
                 "scalar", "scalar in (0, 1)", "positive integer", ...
  formula        the expected value, a NumPy function of the symbols by name (vectors are n×1
                 columns): `lambda x, A: x.T @ (A + A.T)`
  answer         the expected expression as our grammar reads it: the answer key shows it and
                 its symbolic shape is the shape the answer must have
  layout_credit  credit for the expected expression transposed (default 0.5: `partial`)
  mistakes       known wrong answers, each a NumPy function of the symbols with its feedback
  weight         as for every part

Statuses: `correct`; `partial` (transposed: the layout convention); `incorrect` (a shape error
inside the answer or against the expected shape, a sign, a factor, right only for a symmetric
matrix, a known mistake, or plain wrong — each with its own feedback); `invalid` (cannot be
read: a syntax error with a caret, an unknown symbol, a refused limit — costs no attempt).
"""

from __future__ import annotations

from functools import lru_cache

from graders.equivalence import Check, Expected
from graders.kinds.base import NUMBER_SCHEMA, TEXT_SCHEMA, AnswerKind
from graders.result import Verdict
from graders.symbols import parse_symbols
from problems.core import Part


@lru_cache(maxsize=512)
def expected_for(part: Part) -> Expected:
    """The part's draws and expected values, computed once (a Part is hashed by identity)."""
    if part.answer is None or part.symbols is None:
        raise ValueError(f"expression part {part.id} needs `symbols` and `answer`")
    return Expected(parse_symbols(part.symbols), part.answer, part.formula, part.mistakes,
                    part.layout_credit, key=part.id)


def check(part: Part, raw) -> Check:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        return Check("invalid", "invalid", "an expression is written as text, like x^T (A + A^T)")
    return expected_for(part).check(raw)


def grade(part: Part, raw, reference, values) -> Verdict:
    result = check(part, raw)
    return Verdict(result.status, result.credit, result.feedback)


KIND = AnswerKind(
    "expression", grade,
    schema={"anyOf": [TEXT_SCHEMA, NUMBER_SCHEMA], "examples": ["x^T (A + A^T)", "(1 - beta2^t) Eg2"]},
    hint="An expression in the problem's symbols, like {}, {}, {}; * or @ for products, .* or ⊙ element-wise.",
    examples=("(P + Q^T) v", "inv(P)", "tr(M)"),
    read_as_numbers=False,  # its wrong answers are formulas: analytics collapses their text
)
