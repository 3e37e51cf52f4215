"""Applies a problem's `Tolerance` entry by entry: an entry passes when any clause passes."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from problems.precision import Tolerance

# Room for binary floating point: 1.39 - 1.38 is 0.010000000000000009, which is "one unit".
_SLACK = 1 + 1e-9


def within(tol: Tolerance, answer, reference) -> np.ndarray:
    """Boolean mask (same shape as reference) of the entries that are close enough."""
    if isinstance(answer, float) and isinstance(reference, float):  # np.float64 is a float
        return np.array(_scalar_within(tol, float(answer), float(reference)))
    return Near(tol, reference)(answer)


class Near:
    """`within(tol, ·, reference)` with what depends on the reference alone worked out once:
    diagnosis holds several candidates (−answer, answerᵀ, answer/2, 2·answer) against the same
    reference, and the bound (and, for significant figures, each entry's unit) is most of the
    work. Same operations as ever, so the same mask."""

    __slots__ = ("ref", "bound", "unit", "nonzero", "zero")

    def __init__(self, tol: Tolerance, reference):
        ref = self.ref = np.asarray(reference, dtype=float)
        # "diff <= a or diff <= b" is "diff <= max(a, b)": one comparison against the loosest
        # bound instead of one per clause. (A NaN bound comes only from a NaN reference, whose
        # diff is NaN and fails either way.)
        bound = None
        if tol.absolute is not None:
            bound = tol.absolute * _SLACK
        if tol.relative is not None:
            relative = tol.relative * np.abs(ref) * _SLACK
            bound = relative if bound is None else np.maximum(bound, relative)
        if tol.decimals is not None:
            decimals = 10.0 ** -tol.decimals * _SLACK
            bound = decimals if bound is None else np.maximum(bound, decimals)
        self.bound = bound
        self.unit = None
        if tol.sigfigs is not None:
            self.unit = _sigfig_unit(tol.sigfigs, ref) * _SLACK
            self.nonzero, self.zero = ref != 0, ref == 0

    def __call__(self, answer) -> np.ndarray:
        diff = np.abs(np.asarray(answer, dtype=float) - self.ref)
        ok = np.zeros(diff.shape, dtype=bool) if self.bound is None else diff <= self.bound
        if self.unit is not None:
            ok = ok | (((diff <= self.unit) & self.nonzero) | (self.zero & (diff == 0)))
        return ok


def allclose(a: np.ndarray, b: np.ndarray) -> bool:
    """`np.allclose(a, b)` (rtol 1e-5, atol 1e-8): its very formula, without the ~30 µs its
    argument handling costs on these few-entry arrays."""
    with np.errstate(invalid="ignore"):
        close = (np.abs(a - b) <= 1e-8 + 1e-5 * np.abs(b)) & np.isfinite(b) | (a == b)
    return bool(close.all())


def _scalar_within(tol: Tolerance, answer: float, reference: float) -> bool:
    """`within` for two numbers, in plain floats: the same IEEE operations as the array code
    (so the same verdict to the last bit), without NumPy's overhead per operation on 0-d
    arrays, which made number parts and set matching spend most of their time here
    (bench/RESULTS-costs.md)."""
    diff = abs(answer - reference)
    return (
        (tol.absolute is not None and diff <= tol.absolute * _SLACK)
        or (tol.relative is not None and diff <= tol.relative * abs(reference) * _SLACK)
        or (tol.decimals is not None and diff <= 10.0 ** -tol.decimals * _SLACK)
        # log10 and the power stay NumPy's, exactly as for arrays.
        or (tol.sigfigs is not None and bool(_sigfigs_within(tol.sigfigs, np.float64(diff), np.float64(reference))))
    )


def _sigfigs_within(sigfigs: int, diff, ref):
    return ((diff <= _sigfig_unit(sigfigs, ref) * _SLACK) & (ref != 0)) | ((ref == 0) & (diff == 0))


def _sigfig_unit(sigfigs: int, ref):
    """One unit of the last significant figure kept, entry by entry (a zero reference has none:
    only an exact 0 matches it)."""
    magnitude = np.floor(np.log10(np.where(ref == 0, 1.0, np.abs(ref))))
    return 10.0 ** (magnitude - sigfigs + 1)


@lru_cache(maxsize=1024)  # a Tolerance is a frozen value; this runs for every wrong answer
def loosened(tol: Tolerance, factor: float) -> Tolerance:
    """The same rule `factor` times looser: used only to tell "close, but too coarse" apart
    from plain wrong in feedback, never to award credit."""
    return Tolerance(
        relative=None if tol.relative is None else tol.relative * factor,
        absolute=None if tol.absolute is None else tol.absolute * factor,
        decimals=None if tol.decimals is None else tol.decimals - 1,
        sigfigs=None if tol.sigfigs is None else max(tol.sigfigs - 1, 1),
        hint=tol.hint,
    )
