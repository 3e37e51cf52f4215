"""What an answer kind is, as one unit (as a PrairieLearn element is): how an answer of the kind
is graded, the JSON a request may send for it, what the answer form says it accepts, how its
answer key is typed in each accepted syntax (for `hwcheck check-problem`) and what shape the key
must have. Each kind's module defines its `AnswerKind`; graders/kinds/__init__.py lists them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from graders.result import Verdict
from problems.core import Part, Values

NUMBER_SCHEMA = {"type": "number"}
TEXT_SCHEMA = {"type": "string", "maxLength": 2000}


@dataclass(frozen=True)
class AnswerKind:
    name: str
    grade: Callable[[Part, Any, Any, Values], Verdict]  # an AnswerError from it is `invalid`
    schema: dict[str, Any]  # the JSON Schema of what a request may send (the OpenAPI document)
    hint: str  # what the answer form says it accepts; `{}` slots take the examples
    examples: tuple[str, ...] = ()  # syntax only: none may be any part's answer (tests/web/test_hints.py)
    # The answer key as a student may type it, one (label, answer) per accepted syntax; None: the
    # kind's answers are not the key's value (an expression, a property).
    typed_forms: Callable[[np.ndarray, str | None], list[tuple[str, Any]]] | None = None
    fits: Callable[[np.ndarray], bool] | None = None  # the answer key has the kind's shape
    shaped: bool = False  # a preview is checked against the shape of the variant's reference
    # Analytics: wrong answers read as numbers (`1/4` is `0.25`), and compared with the
    # reference when `compared` (answer sharing); otherwise their text is collapsed.
    read_as_numbers: bool = True
    compared: bool = False

    def hint_text(self) -> str:
        """The hint with its examples in place (one slot takes them all, comma-separated)."""
        if self.hint.count("{}") == 1:
            return self.hint.format(", ".join(self.examples))
        return self.hint.format(*self.examples)


def every_digit(x) -> str:
    """A number with every digit: the typed forms test syntaxes, not rounding."""
    return repr(float(x))
