"""A time budget for grading one part: a clean `invalid` ("took too long") instead of a request
that hangs.

Every other limit (length, nesting, entries, exponents) bounds the work an answer can ask for;
this one is the backstop for whatever those miss. It is cooperative: `judge` opens a budget for
each part and the evaluator calls `check()` at every node it visits, so a slow answer stops at
the next node rather than being killed mid-write. The service sets the budget from
`HWCHECK_GRADING_PART_SECONDS`; 0 (or None) turns it off.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

from graders.errors import AnswerError

DEFAULT_PART_SECONDS = 2.0
_part_seconds: float | None = DEFAULT_PART_SECONDS
_deadline: ContextVar[float | None] = ContextVar("grading_part_deadline", default=None)


class OverBudget(AnswerError):
    """Grading this part took longer than the budget allows."""


def set_part_seconds(seconds: float | None) -> None:
    """The budget of every part graded in this process from now on (None or 0: none)."""
    global _part_seconds
    _part_seconds = seconds or None


def part_seconds() -> float | None:
    return _part_seconds


def over_budget_message(seconds: float) -> str:
    return (f"grading this answer took longer than the {seconds:g} s allowed for one part; "
            "simplify it (fewer operations, smaller numbers)")


class part_budget:
    """Grade one part within the budget; nested budgets keep the outer (earlier) deadline.

    A small class rather than @contextmanager: it is entered for every part of every
    submission, and the generator machinery cost more than the check itself."""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        seconds = _part_seconds
        self._token = None
        if seconds is None:
            return
        outer = _deadline.get()
        deadline = time.monotonic() + seconds
        self._token = _deadline.set(deadline if outer is None else min(outer, deadline))

    def __exit__(self, *exc_info) -> None:
        if self._token is not None:
            _deadline.reset(self._token)


def check() -> None:
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise OverBudget(over_budget_message(_part_seconds or 0))
