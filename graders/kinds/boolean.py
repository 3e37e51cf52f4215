"""`boolean` parts: true or false. Accepts JSON booleans and the words true/false, yes/no
(any case). Anything else is invalid rather than wrong, so a typo costs no attempt."""

from __future__ import annotations

from graders.errors import AnswerError
from graders.result import Verdict, correct, incorrect
from problems.core import Part

_WORDS = {"true": True, "yes": True, "false": False, "no": False}


def read_boolean(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _WORDS:
        return _WORDS[raw.strip().lower()]
    raise AnswerError("answer true or false (yes and no also work)")


def grade(part: Part, raw, reference, values) -> Verdict:
    return correct() if read_boolean(raw) == bool(reference) else incorrect("Incorrect.")
