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


STEP_SHARE = 0.03


def within_step_share(eta: float) -> Tolerance:
    """θ of an optimizer, judged on the scale of its steps rather than of θ itself.

    Adamax's default steps (1e-4 to 6e-4) vanish in 3 significant figures of θ ≈ 1, and 1 % of
    θ accepts a θ that never moved. Each step is η times a factor (m̂/√v̂, m/u) that the variants
    keep ≥ 0.09, while rounding m and v to 3 significant figures moves θ by at most ~0.0075·η per
    step: 3 % of η separates the two for the three steps of a table.
    """
    return Tolerance(absolute=STEP_SHARE * eta, hint=f"within {STEP_SHARE:.0%} of the step size η = {eta:g}")
FIVE_SIGFIGS = Tolerance(sigfigs=5, relative=1e-5, hint="5 significant figures")
# Integers, sizes and constants like 1/4: any exact form, no approximation that is off.
EXACT = Tolerance(relative=1e-9, absolute=1e-12, hint="an exact value (e.g. 1/4, 3*sqrt(2))")
