"""`boolean` parts: true or false. Accepts JSON booleans and the words true/false, yes/no
(any case). Anything else is invalid rather than wrong, so a typo costs no attempt.

A wrong answer says why when the part has a `Mistake` for it (its value the wrong answer, its
feedback pointing at the step of the problem that decides it): "Incorrect." alone teaches
nothing about a yes/no question."""

from __future__ import annotations

from graders.errors import AnswerError
from graders.kinds.base import AnswerKind
from graders.result import Verdict, correct, incorrect
from problems.core import Part, mistake_value

_WORDS = {"true": True, "yes": True, "false": False, "no": False}


def read_boolean(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _WORDS:
        return _WORDS[raw.strip().lower()]
    raise AnswerError("answer true or false (yes and no also work)")


def grade(part: Part, raw, reference, values) -> Verdict:
    answer = read_boolean(raw)
    if answer == bool(reference):
        return correct()
    for mistake in part.mistakes:
        if answer == bool(mistake_value(mistake, values)):
            return incorrect(mistake.feedback)
    return incorrect("Incorrect.")


KIND = AnswerKind(
    "boolean", grade,
    schema={"anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["true", "false", "yes", "no"]}]},
    hint="true or false (yes / no).",
    typed_forms=lambda key, layout: [("JSON", bool(key)), ("text", "true" if bool(key) else "false")],
    fits=lambda key: key.size == 1 and float(key) in (0.0, 1.0),
)
