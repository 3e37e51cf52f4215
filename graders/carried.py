"""Error carried forward: a downstream part that is wrong against the reference is graded again
against the value recomputed from the student's own upstream answers.

The solver's steps name their inputs, so "recomputed from the student's answers" is the same
steps run with those answers in place of ours (`run_steps(..., given=...)`); a step table
(`Recurrence`) is graded row by row from the student's previous row. A match earns the
problem's `carried_credit` and says which earlier answer it was judged against — or full credit
when the earlier answers were accepted and only rounded ("Correct for your rounded ŷ"): the
catalog's rule that a worked solution rounding every step passes.

Gaming guard: only a well-formed upstream answer of the right shape is carried, and not one that
is degenerate (all zeros where the reference is not, or a copy of a given param): otherwise a
student could zero an early part and collect every later one. The feedback says when that is
why nothing was carried.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

import numpy as np

from graders import worked_notation
from graders.errors import AnswerError
from graders.kinds.array import ShapeMismatch, fit_shape
from graders.read import is_missing, read_value
from graders.result import Verdict
from graders.tolerance import allclose, within
from problems.core import Part, Problem, Recurrence, Values, recurrence_row, run_steps, step_inputs

CARRIED_KINDS = ("number", "vector", "matrix")

# How every carried verdict's feedback opens (`_carried_verdict` writes each from these): what
# lets a page reading stored results mark carried credit without grading again.
ROUNDED, GIVEN, JUDGED = "Correct for your rounded ", "Correct given ", "Judged against "
CARRIED_OPENINGS = (ROUNDED, GIVEN, JUDGED)


def was_carried(feedback: str) -> bool:
    """The verdict was reached against the student's own earlier answers."""
    return feedback.startswith(CARRIED_OPENINGS)


@lru_cache(maxsize=4096)
def display_name(part: Part) -> str:
    """How the statement writes the quantity: 'ŷ' from 'ŷ = softmax(z) (3 entries)'."""
    head = re.split(r" = | \(|, ", part.prompt, maxsplit=1)[0].strip()
    return head if head and len(head) <= 14 else part.id


@lru_cache(maxsize=1024)
def _upstream_parts(problem: Problem) -> dict[str, frozenset[str]]:
    """For each part, the other parts its step depends on, directly or through other steps: a
    property of the definition alone, so worked out once per problem (hashed by identity)."""
    depends: dict[str, set[str]] = {}
    for name, step in problem.steps.items():
        direct = set(step_inputs(step)) - {name, "t"}
        depends[name] = set().union(direct, *(depends.get(d, set()) for d in direct))
    part_ids = [p.id for p in problem.parts if p.kind in CARRIED_KINDS]
    return {pid: frozenset(depends.get(pid, set()) & set(part_ids)) for pid in part_ids}


@lru_cache(maxsize=4096)
def _steps_for(problem: Problem, part_id: str) -> Mapping[str, Any]:
    """The steps a part's value is computed from (it and its inputs, transitively), in order:
    re-running only those gives the same value for a fraction of the solver. Tables keep every
    step: consecutive recurrences advance together, and dropping a step between two runs of
    them would join the runs."""
    if any(isinstance(step, Recurrence) for step in problem.steps.values()):
        return problem.steps
    needed, pending = set(), [part_id]
    while pending:
        name = pending.pop()
        if name in problem.steps and name not in needed:
            needed.add(name)
            pending.extend(step_inputs(problem.steps[name]))
    return {name: step for name, step in problem.steps.items() if name in needed}


def _read_shaped(part: Part, raw: Any, reference) -> np.ndarray | None:
    """The student's value in the reference's shape, or None."""
    if isinstance(raw, str):  # `L = 2.66`, `$…$`: as the part's grader reads it
        raw = worked_notation.prepare(raw, part.kind).text
    try:
        value = np.asarray(read_value(raw), dtype=float)
        if part.kind == "number":
            return value.reshape(()) if value.size == 1 else None
        return fit_shape(part, value, np.asarray(reference, dtype=float))[0]
    except (AnswerError, ShapeMismatch):
        return None


def _usable(part: Part, raw: Any, reference, params: Mapping[str, Any]) -> tuple[np.ndarray | None, str | None]:
    """The student's value in the reference's shape, or why it cannot be carried forward."""
    name = display_name(part)
    value = _read_shaped(part, raw, reference)
    if value is None:
        return None, f"your answer for {name} could not be read in the expected shape"
    reference = np.asarray(reference, dtype=float)
    if not value.any() and reference.any():
        return None, f"your answer for {name} is all zeros"
    for param_name, param in params.items():
        if isinstance(param, np.ndarray) and param.shape == value.shape and allclose(param, value):
            return None, f"your answer for {name} is a copy of the given {param_name}"
    return value, None


def _expected_table(problem: Problem, part: Part, own: np.ndarray, recomputed: Values) -> np.ndarray:
    """Row t of a step table from the student's row t−1 and the (student's) sibling rows t."""
    step: Recurrence = problem.steps[part.id]
    group = [n for n, s in problem.steps.items() if isinstance(s, Recurrence) and s.rows == step.rows]
    rows = []
    for t in range(1, own.shape[0] + 1):
        previous = own[t - 2] if t > 1 else step.initial(recomputed)
        current = {n: recomputed[n][t - 1] for n in group if n != part.id}
        rows.append(recurrence_row(part.id, step, t, previous, current, recomputed))
    return np.array(rows)


def _rows_accepted(part: Part, own: np.ndarray, reference) -> bool:
    """Is each row the next one was computed from within the part's tolerance of ours? Then the
    table differs from ours only by rounding carried from row to row."""
    reference = np.asarray(reference, dtype=float)
    return reference.shape == own.shape and bool(within(part.tolerance, own[:-1], reference[:-1]).all())


def _basis(rows: str | None, names: list[str]) -> str:
    """'your earlier answers for ŷ and ∂L/∂z', 'your earlier steps and your answer for m_t'."""
    listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)
    answers = f"answer{'s' if len(names) > 1 else ''} for {listed}"
    if rows:
        return f"your earlier {rows}s" + (f" and your {answers}" if names else "")
    return f"your earlier {answers}"


def carry_forward(
    problem: Problem,
    verdicts: dict[str, Verdict],
    answers: Mapping[str, Any],
    values: Values,
    params: Mapping[str, Any],
    grade_against,
) -> dict[str, Verdict]:
    """Re-grade wrong parts against the student's own upstream answers. `grade_against(part,
    raw, reference)` is the part's ordinary grader with another reference."""
    upstream = _upstream_parts(problem)  # read only: no copy needed
    usable: dict[str, np.ndarray] = {}
    rounded: set[str] = set()  # accepted, but not our value: carried at full credit
    refused: dict[str, str] = {}
    for part in problem.parts:
        if part.id not in upstream or is_missing(answers.get(part.id)):
            continue
        if verdicts[part.id].status == "correct":
            value = _read_shaped(part, answers[part.id], values[part.id])
            # Our value to six figures (pasted at full precision, or a fraction like 1234567/89)
            # changes nothing a tolerance can see downstream: only a value rounded as students
            # round (2 decimals, 3 figures) is worth re-running the steps for.
            if value is not None and not np.allclose(value, np.asarray(values[part.id], dtype=float),
                                                     rtol=1e-6, atol=1e-9):
                usable[part.id] = value
                rounded.add(part.id)
            continue
        value, why = _usable(part, answers[part.id], values[part.id], params)
        if value is None:
            refused[part.id] = why
        else:
            usable[part.id] = value

    result = dict(verdicts)
    for part in problem.parts:
        verdict = verdicts[part.id]
        if part.id not in upstream or verdict.status not in ("incorrect", "partial"):
            continue
        # A wrong shape stays wrong whatever it is compared with. (A usable answer was just
        # read in this shape: no need to read it again.)
        if part.id not in usable and _read_shaped(part, answers[part.id], values[part.id]) is None:
            continue
        carried = _carried_verdict(problem, part, upstream[part.id], usable, rounded, answers, values, params, grade_against)
        if carried is not None and carried.credit > verdict.credit:
            result[part.id] = carried
            continue
        reasons = [refused[u] for u in upstream if u in upstream[part.id] and u in refused]
        if reasons:
            result[part.id] = replace(verdict, feedback=f"{verdict.feedback} No credit carried forward: {'; '.join(reasons)}.")
    return result


def _carried_verdict(problem, part, upstream, usable, rounded, answers, values, params, grade_against) -> Verdict | None:
    """The part judged against the student's own upstream answers (None if there are none).
    Upstream answers that were accepted but rounded earn full credit: a worked solution that
    rounds every step must pass (catalog); only a wrong one costs `carried_credit`."""
    own_upstream = [u for u in usable if u in upstream]  # in statement order
    is_table = isinstance(problem.steps.get(part.id), Recurrence) and part.id in usable
    if not own_upstream and not is_table:
        return None
    wrong_upstream = [u for u in own_upstream if u not in rounded]
    # A student's upstream values can send a step out of its domain (log of a negative ŷ, √ of
    # a negative v): the NaN that results matches nothing, which is the right verdict, and
    # NumPy's RuntimeWarning about it is per-submission noise, and costly to raise
    # (bench/RESULTS-costs.md).
    with np.errstate(all="ignore"):
        recomputed = run_steps(_steps_for(problem, part.id), params, given={u: usable[u] for u in own_upstream})
        expected = _expected_table(problem, part, usable[part.id], recomputed) if is_table else recomputed[part.id]
    carried = grade_against(part, answers[part.id], expected)
    if not wrong_upstream and is_table and carried.status == "correct" and _rows_accepted(part, usable[part.id], values[part.id]):
        return Verdict("correct", carried.credit, f"{ROUNDED}earlier steps.")
    if not wrong_upstream and not is_table:
        if carried.status != "correct":
            return None  # wrong for our values and for the student's: the plain verdict says why
        names = [display_name(problem.part(u)) for u in own_upstream]
        listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
        return Verdict("correct", carried.credit, f"{ROUNDED}{listed}.")
    credit = carried.credit * problem.carried_credit
    words = _basis(problem.steps[part.id].each if is_table else None, [display_name(problem.part(u)) for u in wrong_upstream])
    if carried.status == "correct":
        return Verdict("correct" if credit >= 1.0 else "partial", credit, f"{GIVEN}{words}.")
    return Verdict("partial" if credit > 0 else "incorrect", credit, f"{JUDGED}{words}: {carried.feedback}")
