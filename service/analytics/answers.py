"""Answers as analytics counts them: read and rounded to 3 significant figures, so `1/4`,
`0.25` and `0.250` are one answer; the references they are compared with for sharing."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any


def _key(value: Any) -> str:
    """A number or array to 3 significant figures: equal keys are the 'same answer'."""
    import numpy as np

    array = np.atleast_1d(np.asarray(value, dtype=float))
    text = ", ".join(f"{x:.3g}" for x in array.ravel())
    if array.ndim == 2:
        return f"{array.shape[0]}x{array.shape[1]}[{text}]"
    return f"[{text}]" if np.ndim(value) else text


def normalized(raw: Any, kind: str = "number") -> str:
    """A submitted answer as analytics counts it: numbers and arrays read and rounded to 3
    significant figures (so `1/4`, `0.25` and `0.250` are one answer), other text — and every
    answer to an expression part — collapsed. Typed text is cached: a class repeats its wrong
    answers, and reading one again costs a parse."""
    from graders.kinds import KINDS  # lazily, as this module reads graders everywhere

    if kind in KINDS and not KINDS[kind].read_as_numbers:
        return _collapsed(raw)
    if isinstance(raw, str) and len(raw) <= 200:  # a bounded cache: 8192 short texts at most
        return _normalized_text(raw)
    return _normalized(raw)


def _collapsed(raw: Any) -> str:
    text = raw if isinstance(raw, str) else json.dumps(raw, sort_keys=True)
    return " ".join(text.split())[:200]


def _normalized(raw: Any) -> str:
    from graders.errors import AnswerError
    from graders.read import read_value

    try:
        return _key(read_value(raw))
    except (AnswerError, ValueError, TypeError, RecursionError):
        return _collapsed(raw)


_normalized_text = lru_cache(maxsize=8192)(_normalized)


@lru_cache(maxsize=4096)
def reference_keys(problem, variant: Any) -> dict[str, str]:
    """The reference of each number, vector and matrix part of a variant as a `_key` (what
    the sharing check compares wrong answers with); cached like the solution itself."""
    from graders.kinds import KINDS
    from problems.core import reference

    references = reference(problem, variant)
    return {p.id: _key(references[p.id]) for p in problem.parts
            if KINDS[p.kind].compared and p.id in references}


def as_given(raw: Any) -> str:
    """An answer as it came, on one line: text as typed, anything else as compact JSON."""
    if raw is None:
        return ""
    return raw if isinstance(raw, str) else json.dumps(raw, separators=(",", ":"))


def part_records(problem, references: dict[str, str], answers: dict[str, Any],
                 parts: Iterable[tuple[str, str, float, float, str]]) -> list[dict[str, Any]]:
    """Graded parts (id, status, score, max_score, feedback) -> the records outputs and analytics
    read: with the answer as given, and for analytics the wrong answer normalized and the
    reference's key (`reference_keys`). Stored submissions come here too."""
    records = []
    for part_id, status, score, max_score, feedback in parts:
        raw = answers.get(part_id)
        record = {"id": part_id, "status": status, "score": score, "max_score": max_score,
                  "feedback": feedback, "answer": as_given(raw), "normalized": None,
                  "reference": references.get(part_id)}
        if status in ("incorrect", "partial"):  # what analytics counts and compares
            kind = next((p.kind for p in problem.parts if p.id == part_id), "number")  # a stored part may be gone
            record["normalized"] = normalized(raw, kind)
        records.append(record)
    return records
