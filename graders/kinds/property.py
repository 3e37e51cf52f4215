"""`property` parts: any answer with the stated property is right; there is no single reference.

Accepts what `number`/`vector`/`matrix` accept, or a JSON object whose values are such answers
(`{"W1": [[...]], "b1": [...]}`); strings inside are read by the grammar. Options on the Part:
`shape` — the answer's shape, or field -> shape for an object — enforced here, with a message
naming both shapes, so `check` only ever sees well-formed answers; `check(answer, <params and
steps by name>)` returns the conditions that fail, in the student's words ("R does not vanish
when w₁ = w₂"); none means right.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from graders.errors import AnswerError
from graders.kinds.base import TEXT_SCHEMA, AnswerKind
from graders.read import read_value, shape_name
from graders.result import Verdict, correct, incorrect
from problems.core import Part, step_inputs


def _shaped(value, shape: tuple[int, ...], what: str):
    value = np.asarray(value, dtype=float)
    if value.shape == shape:
        return value if shape else float(value)
    if len(shape) == 1 and value.size == shape[0] and value.ndim == 2 and 1 in value.shape:
        return value.reshape(shape)  # a vector written as a row or a column is the same vector
    if len(shape) == 2 and value.ndim == 1 and 1 in shape and value.size == shape[0] * shape[1]:
        return value.reshape(shape)
    if value.size == 1 and int(np.prod(shape)) == 1:
        return value.reshape(shape) if shape else float(value.reshape(()))  # 0.3 for a 1-entry b2
    raise AnswerError(f"{what}: expected {shape_name(shape)}, got {shape_name(value.shape)}")


def read_property_answer(raw: Any, shape) -> Any:
    if isinstance(shape, Mapping):
        if not isinstance(raw, dict):
            raise AnswerError("expected an object with the fields " + ", ".join(shape))
        missing = [name for name in shape if name not in raw]
        extra = [name for name in raw if name not in shape]
        if missing or extra:
            problems = [f"missing {', '.join(missing)}" if missing else "",
                        f"unknown {', '.join(map(str, extra[:5]))}" if extra else ""]
            raise AnswerError(f"expected the fields {', '.join(shape)} ({'; '.join(p for p in problems if p)})")
        return {name: _shaped(read_value(raw[name]), field_shape, name) for name, field_shape in shape.items()}
    if isinstance(raw, dict):
        raise AnswerError("expected a number or an array, got an object")
    value = read_value(raw)
    return value if shape is None else _shaped(value, tuple(shape), "this answer")


def grade(part: Part, raw, reference, values) -> Verdict:
    answer = read_property_answer(raw, part.shape)
    names = step_inputs(part.check)[1:]
    failures = part.check(answer, *(values[name] for name in names))
    return correct() if not failures else incorrect(" ".join(failures))


KIND = AnswerKind(
    "property", grade,
    schema={"anyOf": [{"type": "array"}, {"type": "object"}, TEXT_SCHEMA]},
    hint="A matrix such as {}, or a JSON object for several fields.",
    examples=("[51 -62; 73 84]",),
)
