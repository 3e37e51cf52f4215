"""What a problem is: public params, a variant generator, parts, and a solver of named steps.

A solver is an ordered mapping `name -> function`; each function's argument names say which
params or earlier steps it needs (`h=lambda W1, x: relu(W1 @ x)`). Reading the steps reads the
worked solution, and error carried forward is the same steps re-run with a student's own
upstream values put in place of ours.
"""

from __future__ import annotations

import inspect
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from problems.precision import EXACT, TWO_DECIMALS, Tolerance

Kind = Literal["number", "vector", "matrix", "set", "boolean", "expression", "property"]
Variant = Literal["default"] | int

MAX_SEED = 2**31 - 1
VARIANT_RULE = f"'default' or a whole number from 0 to {MAX_SEED}"


def read_variant(value: Any) -> Variant:
    """A variant as it is written anywhere — a query, a form, a CSV cell, JSON, a stored row:
    `default` (or nothing) or a seed in range; a ValueError saying the rule otherwise."""
    if value is None or value == "" or value == "default":
        return "default"
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_SEED:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and int(value) <= MAX_SEED:
        return int(value)
    raise ValueError(f"variant must be {VARIANT_RULE}, got {str(value)[:40]!r}")


def stored_variant(text: str) -> Variant:
    """A variant as the database keeps it (text): `default`, or a seed — a course's own seeds
    (service/courses/variants.py) run past MAX_SEED, which bounds only what people type."""
    if text == "default":
        return "default"
    if text.isascii() and text.isdigit():
        return int(text)
    raise ValueError(f"a stored variant is 'default' or digits, not {text[:40]!r}")


class Values(dict):
    """Params and step values by name, readable as attributes (`v.h_pre`) in `valid=` checks."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class Recurrence:
    """A step table computed row by row: row t (t = 1..T, T = len(param `rows`)) is `fn` of

    - the table's own name: its row t−1 (row 0 is `start`, a value or a function of params),
    - another recurrence of the same run of consecutive recurrences: that table's row t
      (so it must come earlier in the steps),
    - `t`: the step number, from 1,
    - any other name: the param or earlier step as a whole.

    `m=Recurrence(lambda m, grads, t, beta1: beta1 * m + (1 - beta1) * grads[t - 1], rows="grads")`
    reads like m_t = β1 m_{t−1} + (1 − β1) g_t, and grading row t from a student's row t−1 is
    the same `fn` called with their row.
    """

    fn: Callable[..., Any]
    rows: str
    start: Any = 0.0
    each: str = "row"  # what a row is, in feedback: "your earlier layers", "your earlier steps"

    def initial(self, values: Mapping[str, Any]) -> Any:
        if callable(self.start):
            return self.start(*(values[arg] for arg in step_inputs(self.start)))
        return self.start


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: if the student's value equals `value` (a step-like function of
    params and steps), the grader says `feedback` instead of a bare "incorrect"."""

    value: Callable[..., Any]
    feedback: str


@dataclass(frozen=True, eq=False)
class Part:
    id: str
    kind: Kind
    prompt: str
    # A Tolerance, or a function of params giving one, for a precision that scales with the
    # variant (an optimizer's θ is judged relative to its step size η).
    tolerance: Tolerance | Callable[..., Tolerance] = TWO_DECIMALS
    weight: float = 1.0
    # Vectors: the orientation the course's layout convention asks for. A flat list is always
    # read as either; an explicit n×1 given for a row (or 1×n for a column) earns layout feedback.
    layout: Literal["row", "column"] | None = None
    layout_credit: float = 0.5
    mistakes: tuple[Mistake, ...] = ()
    # Expressions: symbol -> declaration ("n×1", "m×n", "n×n spd", "scalar", "scalar in (0, 1)",
    # "positive integer"; graders/symbols.py), the expected value as a NumPy function of the
    # symbols by name (vectors are n×1 columns), and the expected expression as typed, which the
    # answer key shows. An expression part's `mistakes` are functions of its symbols.
    symbols: Mapping[str, str] | None = None
    formula: Callable[..., Any] | None = None
    answer: str | None = None
    # Property parts: `check(answer, <params/steps by name>)` returns the conditions that fail;
    # `shape` is what the answer must be before it is checked: a shape tuple ((2, 2), (2,), ())
    # or, for an object answer, field -> shape tuple. A step named like the part gives one right
    # answer, for the answer key.
    check: Callable[..., list[str]] | None = None
    shape: tuple[int, ...] | Mapping[str, tuple[int, ...]] | None = None
    # What this part is the derivative of, as (a scalar or vector step, a param or step): the
    # reference must equal central finite differences of the solver's own steps, which
    # `hwcheck check-problem` verifies on every variant it draws. A gradient of a gradient step
    # is a Hessian. Layout: the shape of the input for a scalar, outputs × inputs for a vector.
    derivative_of: tuple[str, str] | None = None


def resolved(part: Part, values: Mapping[str, Any]) -> Part:
    """The part with its tolerance for this variant's values."""
    if isinstance(part.tolerance, Tolerance):
        return part
    args = tuple(values[arg] for arg in step_inputs(part.tolerance))
    try:
        return _with_tolerance_of(part, args)
    except TypeError:  # an unhashable argument (an array): work it out each time
        return replace(part, tolerance=part.tolerance(*args))


@lru_cache(maxsize=4096)
def _with_tolerance_of(part: Part, args: tuple) -> Part:
    # A part's tolerance is a pure function of a few params (θ's is of η): the same variant
    # gives the same resolved part, and `replace` on a Part of 17 fields is not free.
    return replace(part, tolerance=part.tolerance(*args))


# eq=False: a problem is itself (hashed by identity), which is what the per-variant caches need.
@dataclass(frozen=True, eq=False)
class Problem:
    id: str
    title: str
    statement: str  # Markdown + LaTeX; {{name}} is replaced by the LaTeX of param `name`
    parts: tuple[Part, ...]
    default: Mapping[str, Any]
    steps: Mapping[str, Callable[..., Any] | Recurrence]
    # Draws params for a seeded variant; `valid` rejects draws with kinks, ties or degeneracy.
    random: Callable[[np.random.Generator], Mapping[str, Any]] | None = None
    valid: Callable[[Values], bool] = field(default=lambda v: True)
    # Error carried forward: the share of a part's credit earned by an answer that is right
    # given the student's own (wrong) upstream answers.
    carried_credit: float = 1.0
    # A variant where a known mistake lands within this margin (relative and absolute) of the
    # right answer is never drawn: the mistake's feedback would reach a correct student, or the
    # mistake be graded right. 2 % for answers graded to two decimals.
    mistake_margin: float = 1e-9
    # How listings group it; by default its module's FAMILY, else the module's name (filled in
    # by problems/loading.py when it is registered).
    family: str = ""

    def part(self, part_id: str) -> Part:
        for p in self.parts:
            if p.id == part_id:
                return p
        raise KeyError(part_id)


def step_inputs(fn: Callable[..., Any] | Recurrence) -> list[str]:
    return list(_argument_names(fn.fn if isinstance(fn, Recurrence) else fn))


@lru_cache(maxsize=8192)
def _argument_names(fn: Callable[..., Any]) -> tuple[str, ...]:
    # inspect.signature is slow (bench/RESULTS-costs.md) and grading asks for the same few
    # hundred step, mistake and tolerance functions over and over (every carried-forward re-run
    # walks every step); a function's argument names never change. The catalog has far fewer
    # than 8,192.
    return tuple(inspect.signature(fn).parameters)


def recurrence_row(
    name: str, step: Recurrence, t: int, previous: Any, current: Mapping[str, Any], values: Mapping[str, Any]
) -> np.ndarray:
    """Row t of table `name` from its row t−1 (`previous`) and row t of its sibling tables."""

    def argument(arg: str) -> Any:
        if arg == name:
            return previous
        if arg == "t":
            return t
        if arg in current:
            return current[arg]
        return values[arg]

    return np.asarray(step.fn(*(argument(arg) for arg in step_inputs(step))), dtype=float)


def _run_recurrences(group: list[tuple[str, Recurrence]], values: Values, given: Mapping[str, Any]) -> None:
    rows = len(values[group[0][1].rows])
    tables: dict[str, list[np.ndarray]] = {name: [] for name, _ in group}
    previous = {name: step.initial(values) for name, step in group}
    for t in range(1, rows + 1):
        current: dict[str, Any] = {}
        for name, step in group:
            if name in given:
                row = np.asarray(given[name])[t - 1]
            else:
                row = recurrence_row(name, step, t, previous[name], current, values)
            current[name] = previous[name] = row
            tables[name].append(row)
    for name, _ in group:
        values[name] = np.array(tables[name])


def run_steps(
    steps: Mapping[str, Callable[..., Any] | Recurrence],
    params: Mapping[str, Any],
    given: Mapping[str, Any] | None = None,
) -> Values:
    """Every step in order. A name in `given` is taken as is instead of computed — that is how a
    student's upstream answer flows into the downstream steps."""
    given = given or {}
    values = Values(params)
    items = list(steps.items())
    i = 0
    while i < len(items):
        name, fn = items[i]
        if isinstance(fn, Recurrence):
            # Consecutive recurrences advance together, one t at a time.
            j = i
            while j < len(items) and isinstance(items[j][1], Recurrence):
                j += 1
            _run_recurrences(items[i:j], values, given)
            i = j
            continue
        if name in given:
            values[name] = given[name]
        else:
            values[name] = fn(*(values[arg] for arg in step_inputs(fn)))
        i += 1
    return values


def as_arrays(params: Mapping[str, Any]) -> dict[str, Any]:
    """JSON params -> what solvers compute with: numeric lists become float arrays."""

    def convert(value):
        if isinstance(value, list) and value and all(isinstance(v, (int, float, list)) for v in value):
            try:
                return np.asarray(value, dtype=float)
            except ValueError:  # matrices of different shapes (a network's layers): one array each
                return [convert(v) for v in value]
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        return value

    return {name: convert(value) for name, value in params.items()}


def to_json(value: Any) -> Any:
    """Arrays and NumPy scalars -> plain JSON; integral floats stay floats (2.0 is fine)."""
    if isinstance(value, np.ndarray):
        return to_json(value.tolist())
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _seed_rng(problem_id: str, seed: int) -> np.random.Generator:
    # The problem id is mixed in so seed 7 of one problem says nothing about seed 7 of another.
    return np.random.default_rng([seed, zlib.crc32(problem_id.encode())])


@lru_cache(maxsize=4096)
def _params_json(problem: Problem, variant: Variant) -> str:
    import json

    if variant == "default":
        return json.dumps(to_json(dict(problem.default)))
    if problem.random is None:
        # A problem without random variants (pure theory) has one variant for everyone.
        return json.dumps(to_json(dict(problem.default)))
    rng = _seed_rng(problem.id, int(variant))
    for _ in range(10_000):
        params = to_json(dict(problem.random(rng)))
        values = run_steps(problem.steps, as_arrays(params))
        if problem.valid(values) and not mistakes_coincide(problem, values):
            return json.dumps(params)
    raise RuntimeError(f"{problem.id}: no valid variant for seed {variant}")


def mistake_value(mistake: Mistake, values: Mapping[str, Any]) -> np.ndarray:
    return np.asarray(mistake.value(*(values[arg] for arg in step_inputs(mistake.value))), dtype=float)


def mistakes_coincide(problem: Problem, values: Mapping[str, Any]) -> bool:
    """True when a known mistake gives the right number in this variant (within the problem's
    `mistake_margin`): its feedback would then be said to a correct student, so such a variant
    is never drawn."""
    for part in problem.parts:
        if part.kind == "expression":
            continue  # its mistakes are functions of symbols, the same in every variant
        right = np.asarray(values.get(part.id), dtype=float) if part.mistakes else None
        for mistake in part.mistakes:
            wrong = mistake_value(mistake, values)
            margin = problem.mistake_margin
            if wrong.size == right.size and np.allclose(wrong.reshape(right.shape), right, rtol=margin, atol=margin):
                return True
    return False


def params_for(problem: Problem, variant: Variant) -> dict[str, Any]:
    """The public numbers of a variant, as JSON (a fresh copy each call)."""
    import json

    return json.loads(_params_json(problem, variant))


@lru_cache(maxsize=4096)
def _solution(problem: Problem, variant: Variant) -> Values:
    values = run_steps(problem.steps, as_arrays(params_for(problem, variant)))
    for v in values.values():
        if isinstance(v, np.ndarray):
            v.flags.writeable = False
    return values


def solution(problem: Problem, variant: Variant) -> Values:
    """Every step's value for a variant. Pure, so cached; a fresh mapping each call and frozen
    arrays, so nobody can change the reference for everyone else."""
    return Values(_solution(problem, variant))


def reference(problem: Problem, variant: Variant) -> dict[str, Any]:
    """The reference value of every part that has one (property parts have none); for an
    expression part, the expected expression as text."""
    values = solution(problem, variant)
    return {p.id: p.answer if p.kind == "expression" else values[p.id]
            for p in problem.parts if p.kind == "expression" or p.id in values}


__all__ = [
    "EXACT",
    "TWO_DECIMALS",
    "Kind",
    "Mistake",
    "Part",
    "Problem",
    "Recurrence",
    "Tolerance",
    "Values",
    "Variant",
    "as_arrays",
    "params_for",
    "reference",
    "run_steps",
    "solution",
    "step_inputs",
    "to_json",
]
