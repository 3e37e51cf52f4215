"""Why a numeric answer is wrong, when we can tell: a known mistake of the problem, the sign,
the transpose, a factor of two, or rounding too coarse. Shared by number and array parts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from graders.tolerance import Near, allclose, loosened, within
from problems.core import Part, mistake_value
from problems.precision import Tolerance


def _matches(tol: Tolerance, answer, reference) -> bool:
    answer, reference = np.asarray(answer, dtype=float), np.asarray(reference, dtype=float)
    return answer.shape == reference.shape and bool(within(tol, answer, reference).all())


def known_mistake(part: Part, answer, values: Mapping[str, Any]) -> str | None:
    answer = np.asarray(answer, dtype=float)
    for mistake in part.mistakes:
        wrong = mistake_value(mistake, values)
        # A mistake written as a column or row still names a vector answer.
        if wrong.size == answer.size and _matches(part.tolerance, answer, wrong.reshape(answer.shape)):
            return mistake.feedback
    return None


def systematic(part: Part, answer, reference, values: Mapping[str, Any]) -> str | None:
    """A mistake in the method, visible in the whole answer, most specific first. Such an answer
    earns nothing even where some entries happen to agree (a transposed matrix's diagonal)."""
    feedback = known_mistake(part, answer, values)
    if feedback:
        return feedback
    answer, reference = np.asarray(answer, dtype=float), np.asarray(reference, dtype=float)
    near = Near(part.tolerance, reference)  # four candidates, one reference

    def matches(candidate: np.ndarray) -> bool:
        return candidate.shape == reference.shape and bool(near(candidate).all())

    if np.any(reference != 0) and matches(-answer):
        return "The magnitude is right but the sign is wrong."
    square = reference.ndim == 2 and reference.shape[0] == reference.shape[1]
    if square and not allclose(reference, reference.T) and matches(answer.T):
        return "This is the transpose of the expected matrix: check which index is the row."
    for factor, words in ((2.0, "twice"), (0.5, "half")):
        if np.any(reference != 0) and matches(answer / factor):
            return f"This is {words} the expected value: check for a factor of 2."
    return None


# An exact part (1/4, 3√5) answered within this fraction of its value: an approximation.
EXACT_CLOSE = 0.05


def _exact(tol: Tolerance) -> bool:
    """Asks for the exact value: only a tight relative or absolute bound, no digits to round to."""
    return tol.decimals is None and tol.sigfigs is None and (tol.relative or 0.0) <= 1e-6 \
        and (tol.absolute or 0.0) <= 1e-6


def too_coarse(part: Part, answer, reference) -> str | None:
    """Right to within ten times the tolerance: the method is fine, the rounding is not. For an
    exact part, within 5 %: an approximation where the exact value is asked (0.249 for 1/4)."""
    tol = part.tolerance
    if _exact(tol) and _matches(Tolerance(relative=EXACT_CLOSE, absolute=1e-9), answer, reference):
        # Not the tolerance's hint: its examples (1/4) may be this very answer.
        return ("Close, but this part asks for an exact value: yours is near it, not equal to it. "
                "Give the exact value (a fraction, a root, π …), not a decimal approximation.")
    if _matches(loosened(tol, 10), answer, reference):
        hint = f" ({tol.hint})" if tol.hint else ""
        return f"Close, but not within the required precision{hint}."
    return None
