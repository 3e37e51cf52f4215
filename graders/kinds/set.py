"""`set` parts: values whose order does not matter (eigenvalues, singular values, roots).

Accepts a JSON list, `{a, b}`, `[a, b]`, `(a, b)` or `a ± b`. Each reference value is matched to
at most one answer value within the part's `tolerance` (a maximum matching, so the order and
near-duplicates cannot fool it). Credit is matched / max(expected count, given count), so extra
values cost as much as missing ones.
"""

from __future__ import annotations

import numpy as np

from graders import diagnose
from graders.kinds.base import NUMBER_SCHEMA, TEXT_SCHEMA, AnswerKind, every_digit
from graders.read import read_items
from graders.result import Verdict, correct, partial
from graders.tolerance import within
from problems.core import Part, to_json


def _max_matching(close: np.ndarray) -> list[int]:
    """A maximum matching in the bipartite graph close[i, j] (Kuhn's algorithm; sets here have a
    handful of values): for each given value j, the expected value i it matches, or −1."""
    owner = [-1] * close.shape[1]

    def augment(i: int, seen: list[bool]) -> bool:
        for j in np.flatnonzero(close[i]):
            if not seen[j]:
                seen[j] = True
                if owner[j] == -1 or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(close.shape[0]):
        augment(i, [False] * close.shape[1])
    return owner


def grade(part: Part, raw, reference, values) -> Verdict:
    expected = np.atleast_1d(np.asarray(reference, dtype=float))
    given = [np.asarray(v, dtype=float) for v in read_items(raw)]
    if any(v.size != 1 for v in given):
        return partial(0.0, "Each value of this set is a single number.")
    given_values = np.array([float(v.reshape(())) for v in given])
    close = np.array([[bool(within(part.tolerance, g, e)) for g in given_values] for e in expected])
    owner = _max_matching(close) if close.size else [-1] * len(given_values)
    matched = sum(o >= 0 for o in owner)
    credit = matched / max(len(expected), len(given_values))
    if credit == 1.0:
        return correct()
    notes = []
    if len(given_values) != len(expected):
        notes.append(f"Expected {len(expected)} values, got {len(given_values)}.")
    notes.append(f"{matched} of {len(expected)} values match" + _unmatched(part, given_values, owner, expected))
    return partial(credit, " ".join(notes))


def _unmatched(part: Part, given: np.ndarray, owner: list[int], expected: np.ndarray) -> str:
    """': your −1.2 is close to an expected value, but …; your 5 matches none', naming the values
    that are off without saying what they should be."""
    off = [g for g, o in zip(given, owner) if o < 0]
    if not off:
        return "."
    free = [e for i, e in enumerate(expected) if i not in owner]
    coarse = [g for g in off if any(diagnose.too_coarse(part, g, e) for e in free)]
    wrong = [g for g in off if g not in coarse]
    said = []
    if coarse:
        hint = f" ({part.tolerance.hint})" if part.tolerance.hint else ""
        said.append(f"your {_listed(coarse)} {'is' if len(coarse) == 1 else 'are'} close to an expected value, "
                    f"but not within the required precision{hint}")
    if wrong:
        said.append(f"your {_listed(wrong)} {'matches' if len(wrong) == 1 else 'match'} no expected value")
    return ": " + "; ".join(said) + "."


def _listed(values) -> str:
    return ", ".join(f"{v:g}" for v in values)


KIND = AnswerKind(
    "set", grade,
    schema={"anyOf": [{"type": "array", "items": {"anyOf": [NUMBER_SCHEMA, TEXT_SCHEMA]}}, TEXT_SCHEMA],
            "examples": [[1, 2], "3 ± 3*sqrt(2)"]},
    hint="Values in any order: {}, {} or {}.",
    examples=("{-47, 61}", "[-47, 61]", "50 ± 9*sqrt(3)"),
    typed_forms=lambda key, layout: [("a JSON list", to_json(key.ravel())),
                                     ("brackets", "[" + ", ".join(map(every_digit, key.ravel())) + "]")],
    fits=lambda key: key.ndim <= 1,
)
