"""How close a numeric answer must be, as data a problem declares.

A `Tolerance` is a set of clauses joined by "or": an answer passes when any clause passes. The
graders apply it (graders/tolerance.py); problems only say what the statement promises.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Tolerance:
    relative: float | None = None  # |ans - ref| <= relative * |ref|
    absolute: float | None = None  # |ans - ref| <= absolute
    decimals: int | None = None  # within one unit of the d-th decimal place
    sigfigs: int | None = None  # within one unit of the s-th significant figure of ref
    hint: str = ""  # what the statement asks for, quoted back in feedback

    def __or__(self, other: Tolerance) -> Tolerance:
        """Either clause is enough: keep the looser of each kind."""

        def looser(a, b, name):
            if a is None or b is None:
                return a if b is None else b
            return min(a, b) if name in ("decimals", "sigfigs") else max(a, b)

        merged = {
            f.name: looser(getattr(self, f.name), getattr(other, f.name), f.name)
            for f in fields(self)
            if f.name != "hint"
        }
        return Tolerance(**merged, hint=self.hint or other.hint)


# The catalog's precision rule. Worked solutions round every intermediate to two decimals and
# must still pass, hence "one unit of the second decimal place OR 1 % relative".
TWO_DECIMALS = Tolerance(decimals=2, relative=0.01, hint="at least 2 decimal places")
# Optimizer states and bias factors are small; decimal places would say nothing about them.
THREE_SIGFIGS = Tolerance(sigfigs=3, relative=0.01, hint="3 significant figures")
FIVE_SIGFIGS = Tolerance(sigfigs=5, relative=1e-5, hint="5 significant figures")
# Integers, sizes and constants like 1/4: any exact form, no approximation that is off.
EXACT = Tolerance(relative=1e-9, absolute=1e-12, hint="an exact value (e.g. 1/4, 3*sqrt(2))")
