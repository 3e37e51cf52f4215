"""`number` parts: one real value.

Accepts a JSON number or a number expression (`0.25`, `1/4`, `3*sqrt(5)`, `2^-10`, `ln(2)`);
a one-entry list is read as its entry. Options on the Part: `tolerance` (the precision the
statement asks for), `mistakes` (known wrong values with their own feedback).
"""

from __future__ import annotations

import numpy as np

from graders import diagnose
from graders.errors import AnswerError
from graders.kinds.base import NUMBER_SCHEMA, TEXT_SCHEMA, AnswerKind, every_digit
from graders.read import read_value, shape_name
from graders.result import Verdict, correct, incorrect
from graders.tolerance import within
from problems.core import Part


def grade(part: Part, raw, reference, values) -> Verdict:
    answer = read_value(raw)
    if not isinstance(answer, float):  # a number is already one; an array must have one entry
        if np.size(answer) != 1:
            raise AnswerError(f"expected a single number, got {shape_name(np.shape(answer))}")
        answer = float(np.reshape(answer, ()))
    if within(part.tolerance, answer, reference).all():
        return correct()
    return incorrect(
        diagnose.systematic(part, answer, float(reference), values)
        or diagnose.too_coarse(part, answer, float(reference))
        or "Incorrect."
    )


KIND = AnswerKind(
    "number", grade,
    schema={"anyOf": [NUMBER_SCHEMA, TEXT_SCHEMA], "examples": [0.25, "1/4", "3*sqrt(5)"]},
    hint="A number or an expression: {}.",
    examples=("917.3", "-642/7", "40 + 2*sqrt(5)", "-8.5e2", "pi^5", "e^7", "ln(10^9)"),
    typed_forms=lambda key, layout: [("a JSON number", float(key)), ("text", every_digit(key))],
    fits=lambda key: key.size == 1,
    compared=True,
)
