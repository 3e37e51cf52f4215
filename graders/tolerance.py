"""Applies a problem's `Tolerance` entry by entry: an entry passes when any clause passes."""

from __future__ import annotations

import numpy as np

from problems.precision import Tolerance

# Room for binary floating point: 1.39 - 1.38 is 0.010000000000000009, which is "one unit".
_SLACK = 1 + 1e-9


def within(tol: Tolerance, answer, reference) -> np.ndarray:
    """Boolean mask (same shape as reference) of the entries that are close enough."""
    ans = np.asarray(answer, dtype=float)
    ref = np.asarray(reference, dtype=float)
    diff = np.abs(ans - ref)
    ok = np.zeros(np.broadcast(ans, ref).shape, dtype=bool)
    if tol.absolute is not None:
        ok |= diff <= tol.absolute * _SLACK
    if tol.relative is not None:
        ok |= diff <= tol.relative * np.abs(ref) * _SLACK
    if tol.decimals is not None:
        ok |= diff <= 10.0 ** -tol.decimals * _SLACK
    if tol.sigfigs is not None:
        magnitude = np.floor(np.log10(np.where(ref == 0, 1.0, np.abs(ref))))
        unit = 10.0 ** (magnitude - tol.sigfigs + 1)
        ok |= (diff <= unit * _SLACK) & (ref != 0)
        ok |= (ref == 0) & (diff == 0)
    return ok


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
