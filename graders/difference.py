"""How a wrong expression differs from the expected one, when no known mistake, sign, factor or
transpose explains it: the answer plus a constant, the expected one with a symbol off by one
(β2^(t−1) for β2^t), times a factor in one symbol, equal only when a symbol is 0 or 1, or off by
a term in some of the symbols only.

Decided as everything else is, by evaluation: both sides on the part's draws, then on the same
draws with one symbol changed (its draws rotated among themselves, or set to 0 or 1). What does
not change when a symbol does, does not depend on it. Nothing typed is run here — only the
compiled answer, as for the verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields, is_dataclass, replace
from fractions import Fraction

import numpy as np

from graders.symbols import Symbol
from graders.tree import Call, Num, Pow

Values = Callable[[object], np.ndarray]  # a batch -> (count, rows, cols)
# The expected values on a changed batch, by what was changed (("roll", "t"), ("at", "t", 1.0)):
# they do not depend on the answer, so the part keeps them for every wrong answer after.
ExpectedAt = Callable[[tuple, object], np.ndarray]


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-7, atol=1e-9))


def _number(c: float) -> str:
    fraction = Fraction(c).limit_denominator(12)
    return str(fraction) if abs(float(fraction) - c) < 1e-9 else f"{c:.3g}"


def _names(names: Sequence[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


class Difference:
    """One wrong answer against the expected values on one batch of draws."""

    def __init__(self, answer: Values, expected_at: ExpectedAt, batch, symbols: tuple[Symbol, ...],
                 used: Sequence[str]):
        self.answer, self.expected_at, self.batch = answer, expected_at, batch
        self.symbols = [s for s in symbols if s.name in used]
        self.a, self.r = answer(batch), expected_at((), batch)

    def _with(self, name: str, values: np.ndarray):
        return replace(self.batch, env={**self.batch.env, name: values})

    def _both(self, key: tuple, batch) -> tuple[np.ndarray, np.ndarray]:
        return self.answer(batch), self.expected_at(key, batch)

    def explain(self) -> str:
        a, r = self.a, self.r
        if a.shape != r.shape or not (np.isfinite(a).all() and np.isfinite(r).all()):
            return ""
        with np.errstate(all="ignore"):  # huge or tiny draws of a wild answer: no hint, no noise
            for hint in (self._plus_constant, self._shifted, self._factor_in_one_symbol,
                         self._equal_only_at, self._difference_in_some):
                said = hint()
                if said:
                    return " " + said
        return ""

    def _plus_constant(self) -> str:
        d = self.a - self.r
        if d.shape[-2:] != (1, 1) or not _close(d, np.full_like(d, d.flat[0])) or abs(d.flat[0]) < 1e-9:
            return ""
        c = float(d.flat[0])
        words = f"plus {_number(c)}" if c > 0 else f"minus {_number(-c)}"
        return f"It is the expected expression {words}: check the terms without a symbol."

    def _shifted(self) -> str:
        """β2^(t−1) for β2^t: the expected expression with a scalar symbol off by one."""
        for symbol in self.symbols:
            if not symbol.scalar:
                continue
            for delta, words in ((-1.0, "− 1"), (1.0, "+ 1")):
                values = self.batch.env[symbol.name] + delta
                with np.errstate(all="ignore"):
                    r = self.expected_at(("shift", symbol.name, delta), self._with(symbol.name, values))
                if np.isfinite(r).all() and _close(self.a, r):
                    return (f"It is the expected expression with {symbol.name} {words} in place of "
                            f"{symbol.name}: check where {symbol.name} appears (an exponent or index off by one?).")
        return ""

    def _depends_on(self, name: str, of: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> bool:
        """Does `of(answer, expected)` change when only `name`'s draws change?"""
        values = self.batch.env[name]
        rolled = np.roll(values, 1, axis=0)
        if np.array_equal(rolled, values):
            return True  # cannot tell: say nothing about it
        with np.errstate(all="ignore"):
            before = of(self.a, self.r)
            after = of(*self._both(("roll", name), self._with(name, rolled)))
        return not (np.isfinite(after).all() and _close(before, after))

    def _factor_in_one_symbol(self) -> str:
        if (np.abs(self.r) < 1e-9).any():
            return ""
        ratio = lambda a, r: a / r  # noqa: E731
        depends = [s.name for s in self.symbols if self._depends_on(s.name, ratio)]
        if len(depends) != 1 or len(self.symbols) < 2:
            return ""
        name = depends[0]
        return (f"It is the expected expression times a factor that depends only on {name}: "
                f"check the factors in {name} (one may be missing, extra or changed).")

    def _equal_only_at(self) -> str:
        found = []
        for symbol in self.symbols:
            if not symbol.scalar:
                continue
            for value in (0.0, 1.0):
                with np.errstate(all="ignore"):
                    a, r = self._both(("at", symbol.name, value),
                                      self._with(symbol.name, np.full_like(self.batch.env[symbol.name], value)))
                # Equal where both vanish (a common factor Eg2 = 0) says nothing.
                if np.isfinite(a).all() and np.isfinite(r).all() and _close(a, r) and np.abs(r).max() > 1e-9:
                    found.append((symbol.name, _number(value)))
                    break
        if not found:
            return ""
        where = " and when ".join(f"{name} = {value}" for name, value in found)
        return (f"It agrees with the expected expression when {where}, but not in general: check "
                f"how your answer depends on {_names([name for name, _ in found])}.")

    def _difference_in_some(self) -> str:
        difference = lambda a, r: a - r  # noqa: E731
        depends = [s.name for s in self.symbols if self._depends_on(s.name, difference)]
        if not depends or len(depends) == len(self.symbols):
            return ""
        others = [s.name for s in self.symbols if s.name not in depends]
        return (f"Your answer minus the expected one involves only {_names(depends)} (not "
                f"{_names(others)}): check the terms in {_names(depends)}.")


def _replaced(node, target, new):
    """`node` with the subtree `target` (by identity) replaced by `new`."""
    if node is target:
        return new
    if isinstance(node, tuple):
        return tuple(_replaced(n, target, new) for n in node)
    if is_dataclass(node):
        return replace(node, **{f.name: _replaced(getattr(node, f.name), target, new) for f in fields(node)})
    return node


def _unsquared_norms(node, parent=None) -> Iterator[Call]:
    if isinstance(node, Call) and node.func in ("norm", "norm_F") and not (
            isinstance(parent, Pow) and parent.base is node and isinstance(parent.exponent, Num)
            and parent.exponent.value == 2):
        yield node
    children = node if isinstance(node, tuple) else (
        [getattr(node, f.name) for f in fields(node)] if is_dataclass(node) else [])
    for child in children:
        yield from _unsquared_norms(child, node)


def with_norms_squared(tree) -> Iterator[tuple[Call, object]]:
    """Each norm of `tree` that is not squared, and the tree with it squared: a student who
    writes ‖g‖ for ‖g‖² = gᵀg is told which norm lacks its square."""
    for norm in _unsquared_norms(tree):
        yield norm, _replaced(tree, norm, Pow(norm, Num(2.0, "2")))
