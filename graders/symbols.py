"""The symbols an expression part declares, and the random values they are checked on.

A part declares `symbols={"A": "n×n", "x": "n×1"}`: each symbol's shape, with dimensions as
letters (m, n, l, ...) or whole numbers, and for a scalar an optional domain. The declaration
language (one string per symbol):

    "n×1", "1×n", "m×n", "n x n"     a matrix (a column vector is n×1); `×`, `x` or `*`
    "n×n symmetric"                  drawn symmetric (then A and Aᵀ are the same symbol)
    "n×n spd"                        symmetric positive definite (a Hessian, a covariance)
    "n×n invertible"                 documents it; every square draw is well-conditioned anyway
    "scalar"                         a real number, drawn from ±[0.5, 2]
    "scalar in (0, 1)"               an interval, open ( ) or closed [ ]; draws stay inside
    "scalar > 0", "positive"         drawn from [0.25, 3]
    "integer in [1, 20]"             whole numbers in the interval
    "positive integer"               whole numbers 1..12
    "n×l; ∂x/∂z", "scalar > 0; E[g^2]"   after a semicolon, what the symbol stands for: answers
                                     may write it so (graders/stands_for.py)

Dimension letters say which sizes must agree; distinct letters are assumed to be different
sizes, so every dimension assignment drawn gives distinct letters distinct sizes (m ≠ n), and
there are several assignments in which each letter's size changes — an m/n mix-up shows.
Square matrices are drawn well-conditioned (condition number ≤ MAX_CONDITION), so an inverse
anywhere in an answer is computed accurately.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

Dim = int | str

# Sizes per assignment, letter by letter (letters sorted): within one assignment all differ,
# and across assignments each letter's size changes.
SIZES = ((3, 2, 4, 5, 6, 7), (2, 4, 3, 6, 7, 5), (4, 3, 5, 2, 5, 6))
MAX_CONDITION = 30.0

_DIM = r"([A-Za-z]|[1-9][0-9]?)"
_MATRIX = re.compile(rf"^{_DIM}\s*[×x*]\s*{_DIM}(?:\s+(symmetric|spd|invertible))?$")
_INTERVAL = re.compile(
    r"^(scalar|integer)\s+in\s+([(\[])\s*(-?[0-9.]+)\s*,\s*(-?[0-9.]+)\s*([)\]])$")


@dataclass(frozen=True)
class Symbol:
    """One declared symbol. `key` is the name without underscores, which typed names are
    matched against (`J_x` and `Jx` are the same symbol; `beta_2` and `beta2` too)."""

    name: str
    rows: Dim
    cols: Dim
    scalar: bool = False
    low: float | None = None
    high: float | None = None
    open_low: bool = False
    open_high: bool = False
    integer: bool = False
    structure: str | None = None       # "symmetric", "spd", "invertible" or None
    spec: str = ""
    meaning: str = ""                  # what it stands for, as the statement writes it: "∂x/∂z"

    @property
    def key(self) -> str:
        return normalise(self.name)

    @property
    def square(self) -> bool:
        return not self.scalar and self.rows == self.cols

    @property
    def symmetric(self) -> bool:
        return self.structure in ("symmetric", "spd")


def normalise(name: str) -> str:
    return name.replace("_", "")


def _dim(text: str) -> Dim:
    return int(text) if text.isdigit() else text


def parse_symbol(name: str, spec: str) -> Symbol:
    """One declaration; a ValueError for a malformed one (that is a bug in a problem). After a
    semicolon, what the symbol stands for (`"n×l; ∂x/∂z"`): graders/stands_for.py reads it."""
    declared, _, meaning = spec.partition(";")
    symbol = _parse_shape(name, declared)
    return replace(symbol, meaning=meaning.strip()) if meaning.strip() else symbol


def _parse_shape(name: str, spec: str) -> Symbol:
    text = " ".join(spec.strip().split())
    if text == "scalar":
        return Symbol(name, 1, 1, scalar=True, spec=spec)
    if text in ("positive", "scalar > 0"):
        return Symbol(name, 1, 1, scalar=True, low=0.0, open_low=True, spec=spec)
    if text == "positive integer":
        return Symbol(name, 1, 1, scalar=True, low=1, high=12, integer=True, spec=spec)
    interval = _INTERVAL.match(text)
    if interval:
        kind, left, low, high, right = interval.groups()
        low_value, high_value = float(low), float(high)
        if not low_value < high_value:
            raise ValueError(f"symbol {name}: empty interval in {spec!r}")
        return Symbol(name, 1, 1, scalar=True, low=low_value, high=high_value,
                      open_low=left == "(", open_high=right == ")", integer=kind == "integer",
                      spec=spec)
    matrix = _MATRIX.match(text)
    if matrix:
        rows, cols, structure = _dim(matrix.group(1)), _dim(matrix.group(2)), matrix.group(3)
        if structure and rows != cols:
            raise ValueError(f"symbol {name}: only a square matrix is {structure}")
        if rows == cols == 1:
            return Symbol(name, 1, 1, scalar=True, spec=spec)
        return Symbol(name, rows, cols, structure=structure, spec=spec)
    raise ValueError(f"symbol {name}: cannot read the declaration {spec!r}; write e.g. "
                     "'n×1', 'm×n', 'n×n spd', 'scalar', 'scalar in (0, 1)', 'positive integer'")


def listing(symbols: tuple[Symbol, ...]) -> str:
    """'the symbols are A, x, J (∂x/∂z is `J`)', for messages about a name that is none."""
    if not symbols:
        return "there are no symbols in this part"
    names = ("the symbol is " if len(symbols) == 1 else "the symbols are ") + ", ".join(s.name for s in symbols)
    meanings = "; ".join(f"{s.meaning} is `{s.name}`" for s in symbols if s.meaning)
    return f"{names} ({meanings})" if meanings else names


def parse_symbols(symbols: Mapping[str, str]) -> tuple[Symbol, ...]:
    parsed = tuple(parse_symbol(name, spec) for name, spec in symbols.items())
    keys = [s.key for s in parsed]
    if len(set(keys)) != len(keys):
        raise ValueError(f"two symbols differ only by underscores: {', '.join(symbols)}")
    return parsed


def letters(symbols: tuple[Symbol, ...]) -> list[str]:
    found = {d for s in symbols for d in (s.rows, s.cols) if isinstance(d, str)}
    return sorted(found)


def assignments(symbols: tuple[Symbol, ...]) -> list[dict[str, int]]:
    names = letters(symbols)
    if len(names) > len(SIZES[0]):
        raise ValueError("at most six dimension letters")
    if not names:
        return [{}]
    return [dict(zip(names, sizes)) for sizes in SIZES]


def size(dim: Dim, sizes: Mapping[str, int]) -> int:
    if isinstance(dim, int):
        return dim
    if PRODUCT in dim:  # `m·p`, the rows of A ⊗ B
        return int(np.prod([size(_dim(factor), sizes) for factor in dim.split(PRODUCT)]))
    return sizes[dim]


# A dimension that is a product of others (vec(X) of an m×n X is m·n × 1; A ⊗ B is m·p × n·q),
# spelled with its factors in order so that `n·p` and `p·n` are one size.
PRODUCT = "·"


def dim_product(*dims: Dim) -> Dim:
    number, letters = 1, []
    for dim in dims:
        for factor in (str(dim).split(PRODUCT) if isinstance(dim, str) else [dim]):
            factor = _dim(factor) if isinstance(factor, str) else factor
            if isinstance(factor, int):
                number *= factor
            else:
                letters.append(factor)
    if not letters:
        return number
    return PRODUCT.join(([str(number)] if number != 1 else []) + sorted(letters))


# ---- Random values ------------------------------------------------------------------------


def draw_scalar(symbol: Symbol, count: int, rng: np.random.Generator) -> np.ndarray:
    if symbol.integer:
        low = int(np.ceil(symbol.low + (1e-9 if symbol.open_low else 0)))
        high = int(np.floor(symbol.high - (1e-9 if symbol.open_high else 0)))
        values = rng.integers(low, high + 1, size=count).astype(float)
    elif symbol.low is None and symbol.high is None:
        values = rng.choice([-1.0, 1.0], size=count) * rng.uniform(0.5, 2.0, size=count)
    else:
        low = symbol.low if symbol.low is not None else symbol.high - 3.0
        high = symbol.high if symbol.high is not None else max(low, 0.0) + 3.0
        if symbol.high is None and low == 0.0:
            low = 0.25
        margin = 0.05 * (high - low)
        values = rng.uniform(low + (margin if symbol.open_low else 0.0),
                             high - (margin if symbol.open_high else 0.0), size=count)
    return values.reshape(count, 1, 1)


def _well_conditioned(make, count: int, rng: np.random.Generator) -> np.ndarray:
    matrices = make(count)
    for _ in range(100):
        bad = np.linalg.cond(matrices) > MAX_CONDITION
        if not bad.any():
            return matrices
        matrices[bad] = make(int(bad.sum()))
    raise RuntimeError("could not draw well-conditioned matrices")   # never, in practice


def draw_matrix(symbol: Symbol, rows: int, cols: int, count: int, rng: np.random.Generator,
                symmetric: bool = False) -> np.ndarray:
    if rows != cols:
        return rng.standard_normal((count, rows, cols))
    if symbol.structure == "spd":
        def make(k):
            g = rng.standard_normal((k, rows, rows))
            return g @ np.swapaxes(g, 1, 2) / rows + 0.5 * np.eye(rows)
    elif symmetric or symbol.symmetric:
        def make(k):
            g = rng.standard_normal((k, rows, rows))
            return (g + np.swapaxes(g, 1, 2)) / 2
    else:
        def make(k):
            return rng.standard_normal((k, rows, rows))
    return _well_conditioned(make, count, rng)


def draw(symbols: tuple[Symbol, ...], sizes: Mapping[str, int], count: int,
         rng: np.random.Generator, symmetric: frozenset[str] = frozenset()) -> dict[str, np.ndarray]:
    """`count` values of every symbol, each as a (count, rows, cols) array; the symbols named
    in `symmetric` are drawn symmetric."""
    env = {}
    for symbol in symbols:
        if symbol.scalar:
            env[symbol.name] = draw_scalar(symbol, count, rng)
        else:
            env[symbol.name] = draw_matrix(symbol, size(symbol.rows, sizes),
                                           size(symbol.cols, sizes), count, rng,
                                           symbol.name in symmetric)
    return env
