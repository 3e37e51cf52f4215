"""Is a typed expression the expected one? Decided by evaluating both on random values of the
declared symbols — the WeBWorK idea, extended to matrices — and, when it is not, why not, from
the same values.

The draws. For each of several dimension assignments (m, n, l get distinct sizes within one, and
each letter's size changes between them, so an m/n mix-up shows) a batch of DRAWS random values
of every symbol: Gaussian matrices (square ones well-conditioned, so inverses are accurate),
scalars from their declared domains. The generator is seeded from the part, so a verdict is
reproducible, and the expected values are computed once per part (cached).

Equal means: the same symbolic shape, and on every draw where the expected value is defined,
‖answer − expected‖ ≤ RTOL·max(‖answer‖, ‖expected‖) + ATOL·scale (Frobenius norms).

The feedback, from the same machinery, most specific first:
  undefined   the answer is NaN/∞ where the expected value is finite
  mistake     a known wrong answer of the part (`Part.mistakes`, a NumPy function of symbols)
  transpose   equals the expected transposed: the layout convention (partial, layout_credit)
  sign        its negative;  multiple   c times it (2×, ½×, ...), possibly also transposed
  symmetric   equal only when a square symbol is symmetric (re-drawn symmetric to test)
  shape       the shapes differ (and are not each other's transpose)
  wrong       none of these; says which symbols one side uses and the other does not
"""

from __future__ import annotations

import inspect
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import numpy as np

from graders.difference import Difference, with_norms_squared
from graders.errors import AnswerError, ParseError
from graders.expression_values import (
    UNIFORM,
    LimitError,
    Reading,
    ShapeError,
    UnknownSymbol,
    is_square,
    read_expression,
    read_tree,
    shape_text,
    transposed,
)
from graders.parse import parse
from graders.render import to_text
from graders.stands_for import substitute
from graders.symbols import Symbol, assignments, draw, parse_symbols, size

DRAWS = 3                  # per dimension assignment
SCALAR_DRAWS = 10          # when there are no dimension letters (one batch)
RTOL = 1e-7
ATOL = 1e-10
TIME_LIMIT = 1.0           # seconds for one check; far more than any real answer needs

LAYOUT_NOTE = ("in this course's layout convention the derivative of a scalar by a column "
               "vector is a row vector, ∂y/∂x of y ∈ Rᵐ by x ∈ Rⁿ is m×n, and the derivative of "
               "a scalar by a matrix has the matrix's shape")
UNDEFINED = ("Your expression cannot be evaluated at some points where the expected one can (a "
             "singular matrix inverted, a logarithm or root of a negative number, or a division "
             "by zero?).")


@dataclass(frozen=True)
class Check:
    """One judgement: `status` as in graders.result, `kind` names the feedback for tests and
    analytics, `credit` is the fraction of the part earned."""

    status: str
    kind: str
    feedback: str
    credit: float = 0.0


@dataclass(frozen=True)
class Batch:
    sizes: dict
    env: dict
    count: int


def _seed(*parts: str) -> int:
    return zlib.crc32("\x1f".join(parts).encode())


def make_batches(symbols: tuple[Symbol, ...], seed: int,
                 symmetric: frozenset[str] = frozenset()) -> list[Batch]:
    rng = np.random.default_rng([seed, len(symmetric), _seed(*sorted(symmetric))])
    batches = []
    for sizes in assignments(symbols):
        count = DRAWS if sizes else SCALAR_DRAWS
        batches.append(Batch(sizes, draw(symbols, sizes, count, rng, symmetric), count))
    return batches


def formula_values(formula: Callable, symbols: tuple[Symbol, ...], batch: Batch) -> np.ndarray:
    """A NumPy reference function of the symbols (`lambda x, A: x.T @ (A + A.T)`) on every draw
    of a batch: called once per draw with 2-D arrays (a column vector is n×1) and floats."""
    by_name = {s.name: s for s in symbols}
    names = list(inspect.signature(formula).parameters)
    values = []
    with np.errstate(all="ignore"):
        for d in range(batch.count):
            args = [float(batch.env[n][d, 0, 0]) if by_name[n].scalar else batch.env[n][d]
                    for n in names]
            value = np.asarray(formula(*args), dtype=float)
            if value.ndim == 0:
                value = value.reshape(1, 1)
            if value.ndim != 2:
                raise ValueError(f"a formula must return a scalar or a 2-D array, not shape "
                                 f"{value.shape}; write vectors as columns (n×1)")
            values.append(value)
    return np.stack(values)


def materialise(reading: Reading, value, batch: Batch, shape) -> np.ndarray:
    """The value as a (count, rows, cols) array; the bare identity takes `shape`'s size."""
    if reading.shape != UNIFORM:
        return value
    n = size(shape[0], batch.sizes)
    return np.asarray(value, dtype=float).reshape(-1, 1, 1) * np.eye(n) * np.ones((batch.count, 1, 1))


def close(a: np.ndarray, b: np.ndarray, scale: float) -> np.ndarray:
    """Per draw: are a and b equal within the tolerance? (symmetric in a and b)"""
    # The arrays' own .sum: np.sum's argument handling cost more than the sums on these few
    # small matrices.
    diff = np.sqrt(((a - b) ** 2).sum(axis=(-2, -1)))
    size_ = np.maximum(np.sqrt((a**2).sum(axis=(-2, -1))), np.sqrt((b**2).sum(axis=(-2, -1))))
    return diff <= RTOL * size_ + ATOL * scale


def _scale(values: Sequence[np.ndarray]) -> float:
    finite = [np.abs(v[np.isfinite(v)]) for v in values]
    return 1.0 + max((float(f.max()) for f in finite if f.size), default=0.0)


class Expected:
    """What a part expects, with its draws and values computed once."""

    def __init__(self, symbols: tuple[Symbol, ...], answer: str,
                 formula: Callable | None = None, mistakes: Sequence = (),
                 layout_credit: float = 0.5, key: str = ""):
        self.symbols = symbols
        self.answer = answer
        self.reading = read_expression(answer, symbols)
        self.formula = formula
        self.mistakes = tuple(mistakes)
        self.layout_credit = layout_credit
        self.seed = _seed(key, answer, *(f"{s.name}:{s.spec}" for s in symbols))
        self.shape = self.reading.shape
        self.batches = make_batches(symbols, self.seed)
        self.values = [self._values(b) for b in self.batches]
        self.scale = _scale(self.values)
        if not any(np.isfinite(v).all(axis=(-2, -1)).any() for v in self.values):
            raise ValueError(f"the expected expression {answer!r} is undefined on every draw")
        self._symmetric: dict[frozenset, tuple[list[Batch], list[np.ndarray]]] = {}
        self._changed: dict[tuple, np.ndarray] = {}

    def _values(self, batch: Batch) -> np.ndarray:
        if self.formula is not None:
            return formula_values(self.formula, self.symbols, batch)
        return materialise(self.reading, self.reading.evaluate(batch.env, batch.count), batch,
                           self.shape)

    @cached_property
    def mistake_values(self) -> list[list[np.ndarray]]:
        return [[formula_values(m.value, self.symbols, b) for b in self.batches]
                for m in self.mistakes]

    def expected_at(self, change: tuple, batch: Batch) -> np.ndarray:
        """The expected values on a batch changed as `change` says (() for the first batch as
        drawn), kept: the same for every wrong answer. The answer key's reading evaluates all
        draws at once, where the part's formula (checked equal to it) goes draw by draw."""
        if change not in self._changed:
            self._changed[change] = materialise(self.reading, self.reading.evaluate(batch.env, batch.count),
                                                batch, self.shape)
        return self._changed[change]

    def symmetric(self, names: frozenset[str]) -> tuple[list[Batch], list[np.ndarray]]:
        if names not in self._symmetric:
            batches = make_batches(self.symbols, self.seed, names)
            self._symmetric[names] = (batches, [self._values(b) for b in batches])
        return self._symmetric[names]

    # ---- judging ---------------------------------------------------------------------------

    def check(self, text) -> Check:
        started = time.perf_counter()
        try:
            reading = read_expression(text, self.symbols)
        except ParseError as error:
            return Check("invalid", "syntax", error.message)
        except UnknownSymbol as error:
            return Check("invalid", "unknown-symbol", error.message)
        except LimitError as error:
            return Check("invalid", "limit", error.message)
        except ShapeError as error:
            return Check("incorrect", "shape", error.message)
        except AnswerError as error:
            return Check("invalid", "invalid", error.message)
        try:
            return _Judge(self, reading, started).verdict()
        except LimitError as error:
            return Check("invalid", "limit", error.message)


class _Judge:
    def __init__(self, expected: Expected, reading: Reading, started: float):
        self.expected = expected
        self.reading = reading
        self.started = started
        self.shape = reading.shape
        if self.shape == UNIFORM and is_square(expected.shape):
            self.shape = expected.shape
        self.values = self.evaluate(expected.batches)

    def evaluate(self, batches: list[Batch]) -> list[np.ndarray]:
        values = []
        for batch in batches:
            value = self.reading.evaluate(batch.env, batch.count)
            values.append(materialise(self.reading, value, batch, self.expected.shape))
            if time.perf_counter() - self.started > TIME_LIMIT:
                raise LimitError("the expression takes too long to check; simplify it")
        return values

    # `values` and `reference` are per batch; True when equal on every defined draw.
    def equal(self, values, reference) -> bool:
        for a, r in zip(values, reference):
            if a.shape != r.shape:
                return False
            defined = np.isfinite(r).all(axis=(-2, -1))
            ok = close(a, r, self.expected.scale) & np.isfinite(a).all(axis=(-2, -1))
            if not ok[defined].all():
                return False
        return True

    def verdict(self) -> Check:
        e = self.expected
        same = self.shape == e.shape
        flipped = not same and self.shape == transposed(e.shape)
        if same and self.equal(self.values, e.values):
            return Check("correct", "correct", "Correct.", 1.0)
        if same and self.undefined(self.values, e.values):
            return Check("incorrect", "undefined", UNDEFINED)
        mistake = self.known_mistake()
        if mistake:
            return Check("incorrect", "mistake", mistake)
        if (same and is_square(e.shape)) or flipped:
            as_transpose = [np.swapaxes(v, -1, -2) for v in self.values]
            if not self.equal(e.values, [np.swapaxes(v, -1, -2) for v in e.values]) \
                    and self.equal(as_transpose, e.values):
                return Check("partial", "transpose",
                             f"This is the transpose of the expected expression: {LAYOUT_NOTE}.",
                             e.layout_credit)
        candidates = [(self.values, "")] if same else []
        if (same and is_square(e.shape)) or flipped:
            candidates.append(([np.swapaxes(v, -1, -2) for v in self.values],
                               ", and transposed"))
        for values, note in candidates:
            multiple = self.multiple(values)
            if multiple:
                return multiple if not note else Check(
                    "incorrect", multiple.kind,
                    multiple.feedback.rstrip(".") + f" — and transposed ({LAYOUT_NOTE}).")
        symmetric = self.only_if_symmetric(same, flipped)
        if symmetric:
            return symmetric
        if not same:
            return Check("incorrect", "shape",
                         f"Your answer {self.reading.display} is {shape_text(self.reading.shape)}"
                         f", but the expected expression is {shape_text(e.shape)}."
                         + (f" Its transpose has the right shape: {LAYOUT_NOTE}."
                            if flipped else ""))
        return Check("incorrect", "wrong", "Incorrect: your expression differs from the expected "
                     "one." + (self.missing_square() or self.difference_hint()) + self.symbol_hint())

    def undefined(self, values, reference) -> bool:
        for a, r in zip(values, reference):
            if (np.isfinite(r).all(axis=(-2, -1)) & ~np.isfinite(a).all(axis=(-2, -1))).any():
                return True
        return False

    def known_mistake(self) -> str | None:
        for mistake, values in zip(self.expected.mistakes, self.expected.mistake_values):
            if self.equal(self.values, values):
                return mistake.feedback
        return None

    def multiple(self, values) -> Check | None:
        reference = self.expected.values
        if any(a.shape != r.shape for a, r in zip(values, reference)):
            return None
        a, r = values[0], reference[0]
        ok = np.isfinite(a).all() and np.isfinite(r).all()
        denominator = float(np.sum(r * r))
        if not ok or denominator <= 1e-12:
            return None
        c = float(np.sum(a * r)) / denominator
        if abs(c - 1) < 1e-6 or abs(c) < 1e-6:
            return None
        if not self.equal(values, [c * v for v in reference]):
            return None
        if abs(c + 1) < 1e-6:
            return Check("incorrect", "sign", "This is the negative of the expected expression: "
                         "check the sign.")
        fraction = Fraction(c).limit_denominator(12)
        if abs(float(fraction) - c) < 1e-6:
            words = {2: "twice", Fraction(1, 2): "half"}.get(fraction, f"{fraction} times")
            factor = f"a factor of {fraction}" if fraction.denominator == 1 else \
                f"a factor of {fraction.denominator}" if fraction.numerator == 1 else "a factor"
            return Check("incorrect", "multiple",
                         f"This is {words} the expected expression: check for {factor}.")
        return Check("incorrect", "multiple",
                     f"This is a constant multiple (about {c:.3g}×) of the expected expression.")

    def only_if_symmetric(self, same: bool, flipped: bool) -> Check | None:
        e = self.expected
        used = set(self.reading.symbols) | set(e.reading.symbols)
        square = [s.name for s in e.symbols
                  if s.name in used and s.square and not s.symmetric]
        groups = [frozenset([name]) for name in square]
        if len(square) > 1:
            groups.append(frozenset(square))
        tried = []
        for group in groups:
            batches, reference = e.symmetric(group)
            tried.append((group, self.evaluate(batches), reference))
        # Equal as it stands on symmetric draws first, then equal once transposed.
        found = [(group, "") for group, values, reference in tried
                 if same and self.equal(values, reference)]
        if not found and (flipped or (same and is_square(e.shape))):
            found = [(group, f" It is also transposed: {LAYOUT_NOTE}.")
                     for group, values, reference in tried
                     if self.equal([np.swapaxes(v, -1, -2) for v in values], reference)]
        for group, note in found[:1]:
            names = sorted(group)
            which = " and ".join(names)
            condition = ", ".join(f"{n} = {n}ᵀ" for n in names)
            verb = "is" if len(names) == 1 else "are"
            return Check("incorrect", "symmetric",
                         f"This equals the expected expression only when {which} {verb} "
                         f"symmetric ({condition}); here {which} {verb} not symmetric, so keep "
                         f"{' and '.join(f'{n} and {n}ᵀ' for n in names)} apart.{note}")
        return None

    def missing_square(self) -> str:
        """‖g‖ where ‖g‖² = gᵀg was meant: the answer with one norm squared is the expected one."""
        e = self.expected
        if not isinstance(self.reading.text, str) or "norm" not in to_text(self.reading.tree):
            return ""
        for norm, squared in with_norms_squared(parse(substitute(self.reading.text, e.symbols))):
            try:
                reading = read_tree(squared, e.symbols, self.reading.text)
                values = [materialise(reading, reading.evaluate(b.env, b.count), b, e.shape) for b in e.batches]
            except AnswerError:
                continue
            if reading.shape == e.shape and self.equal(values, e.values):
                shown = to_text(norm.args[0])
                bars = f"‖{shown}‖" + ("_F" if norm.func == "norm_F" else "")
                return f" Square the norm: {bars}² rather than {bars} (‖x‖² = xᵀx)."
        return ""

    def difference_hint(self) -> str:
        """Plus a constant, a factor in one symbol, equal only when t = 1, ... (graders/difference.py)."""
        e = self.expected
        used = set(self.reading.symbols) | set(e.reading.symbols)

        def answer(batch: Batch) -> np.ndarray:
            return materialise(self.reading, self.reading.evaluate(batch.env, batch.count), batch, e.shape)

        return Difference(answer, e.expected_at, e.batches[0], e.symbols,
                          [s.name for s in e.symbols if s.name in used]).explain()

    def symbol_hint(self) -> str:
        expected, given = set(self.expected.reading.symbols), set(self.reading.symbols)
        order = [s.name for s in self.expected.symbols]
        missing = [n for n in order if n in expected - given]
        extra = [n for n in order if n in given - expected]
        hints = []
        if missing:
            hints.append(f" The expected expression involves {', '.join(missing)}; yours does "
                         "not.")
        if extra:
            hints.append(f" Yours involves {', '.join(extra)}, which the expected expression "
                         "does not.")
        return "".join(hints)


def equivalent(a: str, b: str, symbols) -> bool:
    """Do two typed expressions agree on every draw? Symmetric in a and b (used by the
    property tests and the answer-key self-check)."""
    declared = parse_symbols(symbols) if isinstance(symbols, dict) else tuple(symbols)
    first, second = read_expression(a, declared), read_expression(b, declared)
    shape_a = first.shape if first.shape != UNIFORM else second.shape
    shape_b = second.shape if second.shape != UNIFORM else first.shape
    if shape_a != shape_b or shape_a == UNIFORM:
        return False
    for batch in make_batches(declared, _seed(a, b) ^ _seed(b, a)):
        x = materialise(first, first.evaluate(batch.env, batch.count), batch, shape_a)
        y = materialise(second, second.evaluate(batch.env, batch.count), batch, shape_b)
        finite_x, finite_y = np.isfinite(x).all(axis=(-2, -1)), np.isfinite(y).all(axis=(-2, -1))
        if (finite_x != finite_y).any():
            return False
        if not close(x[finite_x], y[finite_x], _scale([x, y])).all():
            return False
    return True
