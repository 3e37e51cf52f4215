"""`hwcheck check-problem`: prove a problem definition right, variant by variant, before a student
ever sees it — PrairieLearn's "test question", taken further because every answer key here is
computed by a solver that can be checked independently.

For the default variant and N seeded ones, part by part:

- every step is finite, and every part's reference is of its kind (a number, a vector, …);
- a part that declares `derivative_of=(f, x)` equals central finite differences of the solver's
  own step `f` with respect to `x` (a param, or a step given in place of the solver's, as error
  carried forward does) — a Hessian is the derivative of a gradient step;
- the reference, typed in each syntax a student may use for its kind, is graded correct; the
  reference moved beyond its tolerance, sign-flipped, doubled and transposed is not;
- every known mistake is graded not correct (told apart from the reference at the part's own
  tolerance), and an expression part's `answer` is graded correct against its `formula`;
- the statement renders: every {{param}} filled, every LaTeX span turned into MathML;

and once per problem, how often `random` draws are rejected by `valid` (a warning above half,
a failure when no draw of 200 passes). A failure names the check, the part, the variant and
the numbers."""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from graders.equivalence import close, formula_values, make_batches
from graders.grade import judge
from graders.kinds import KINDS
from graders.symbols import parse_symbols
from problems.core import (
    Problem,
    Values,
    as_arrays,
    mistake_value,
    params_for,
    reference,
    resolved,
    run_steps,
    solution,
    to_json,
)
from problems.loading import NUMERIC
from problems.statement import render
from service.web.mathtext import render_statement

FD_RTOL, FD_ATOL = 1e-4, 1e-6
REJECTION_WARNING = 0.5
DRAWS = 200


@dataclass
class Finding:
    check: str
    variant: str
    message: str
    part: str | None = None


@dataclass
class Report:
    problem: str
    variants: int
    failures: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    checks: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    def as_json(self) -> dict[str, Any]:
        return {"problem": self.problem, "ok": self.ok, "variants": self.variants, "checks": self.checks,
                "failures": [asdict(f) for f in self.failures], "warnings": [asdict(w) for w in self.warnings]}


def _numbers(value: Any) -> np.ndarray | None:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return array


def _fmt(value: Any) -> str:
    return np.array2string(np.asarray(value, dtype=float), precision=6, suppress_small=True, max_line_width=200) \
        if _numbers(value) is not None else repr(value)


class Checker:
    def __init__(self, problem: Problem, report: Report):
        self.problem, self.report = problem, report

    def fail(self, check: str, variant: Any, message: str, part: str | None = None) -> None:
        self.report.failures.append(Finding(check, str(variant), message, part))

    def passed(self) -> None:
        self.report.checks += 1

    # --- one variant ---------------------------------------------------------------------------

    def variant(self, variant: Any) -> None:
        try:
            params = params_for(self.problem, variant)
            values = solution(self.problem, variant)
        except Exception as error:  # noqa: BLE001 — the author's code: report what it raised
            self.fail("variant", variant, f"cannot make this variant: {type(error).__name__}: {error}")
            return
        self.steps_finite(variant, values)
        self.statement(variant, params)
        for part in self.problem.parts:
            if part.kind in NUMERIC and part.id in values:
                self.numeric_part(variant, part, values)
            elif part.kind == "property" and part.id in values:
                self.property_part(variant, part, values)

    def property_part(self, variant: Any, part, values: Values) -> None:
        """A property part's step gives one right answer (the answer key's): it must pass."""
        verdict = judge(part, to_json(values[part.id]), None, values)
        if verdict.status != "correct":
            self.fail("property", variant, f"the answer key's {_fmt(values[part.id])} is graded "
                      f"{verdict.status}: {verdict.feedback[:160]}", part.id)
        else:
            self.passed()

    def steps_finite(self, variant: Any, values: Values) -> None:
        for name, value in values.items():
            array = _numbers(value)
            if array is not None and array.dtype.kind == "f" and not np.all(np.isfinite(array)):
                self.fail("finite", variant, f"step {name!r} is not finite: {_fmt(array)}")
                return
        self.passed()

    def statement(self, variant: Any, params: dict[str, Any]) -> None:
        try:
            html = render_statement(render(self.problem.statement, params))
        except Exception as error:  # noqa: BLE001
            self.fail("statement", variant, f"the statement does not render: {error}")
            return
        if 'class="latex"' in html:
            start = html.index('class="latex"')
            self.fail("statement", variant, "LaTeX that does not become MathML: "
                      + html[start + 14:start + 120].split("</code>")[0])
            return
        self.passed()

    def numeric_part(self, variant: Any, part, values: Values) -> None:
        part = resolved(part, values)
        ref = values[part.id]
        if not self.kind_matches(variant, part, ref):
            return
        if part.derivative_of is not None:
            self.derivative(variant, part, values)
        grade = lambda raw: judge(part, raw, ref, values)  # noqa: E731
        for label, typed in typed_forms(part.kind, ref, part.layout):
            verdict = grade(typed)
            if verdict.status != "correct":
                self.fail("syntax", variant, f"the reference typed as {label} ({str(typed)[:80]!r}) is graded "
                          f"{verdict.status}: {verdict.feedback[:160]}", part.id)
            else:
                self.passed()
        for label, wrong in wrong_forms(part, ref):
            verdict = grade(to_json(wrong))
            if verdict.status == "correct":
                self.fail("wrong answer", variant, f"the reference {label} ({_fmt(wrong)}) is graded correct "
                          f"(reference {_fmt(ref)}, tolerance {part.tolerance})", part.id)
            else:
                self.passed()
        for mistake in part.mistakes:
            wrong = mistake_value(mistake, values)
            if grade(to_json(wrong)).status == "correct":
                self.fail("mistake", variant, f"a known mistake ({mistake.feedback[:60]!r}…) gives {_fmt(wrong)}, "
                          f"graded correct at the part's tolerance: it cannot be told apart; reject such "
                          "variants with `valid`", part.id)
            else:
                self.passed()

    def kind_matches(self, variant: Any, part, ref: Any) -> bool:
        array = _numbers(ref)
        fits = KINDS[part.kind].fits
        if array is None or fits is None or not fits(array):
            self.fail("kind", variant, f"the reference {_fmt(ref)} is no {part.kind}", part.id)
            return False
        self.passed()
        return True

    def derivative(self, variant: Any, part, values: Values) -> None:
        of, by = part.derivative_of
        params = as_arrays(params_for(self.problem, variant))
        x0 = np.array(values[by], dtype=float)

        def f(x: np.ndarray) -> np.ndarray:
            if by in params:
                return np.asarray(run_steps(self.problem.steps, {**params, by: x})[of], dtype=float)
            return np.asarray(run_steps(self.problem.steps, params, given={by: x})[of], dtype=float)

        out = f(x0)
        numeric = np.zeros(out.shape + x0.shape)
        for index in np.ndindex(x0.shape or (1,)):
            index = index if x0.shape else ()
            h = 1e-6 * max(1.0, abs(float(x0[index])))
            up, down = x0.copy(), x0.copy()
            up[index] += h
            down[index] -= h
            numeric[(Ellipsis, *index)] = (f(up) - f(down)) / (2 * h)
        ref = np.asarray(values[part.id], dtype=float)
        if ref.size != numeric.size:
            self.fail("derivative", variant, f"∂{of}/∂{by} has {numeric.size} entries ({of} {out.shape} by {by} "
                      f"{x0.shape}); the reference has {ref.size}", part.id)
            return
        scale = max(1.0, float(np.max(np.abs(numeric))))
        if not np.allclose(ref.ravel(), numeric.ravel(), rtol=FD_RTOL, atol=FD_ATOL * scale):
            worst = int(np.argmax(np.abs(ref.ravel() - numeric.ravel())))
            self.fail("derivative", variant, f"the reference is not ∂{of}/∂{by}: finite differences give "
                      f"{_fmt(numeric.reshape(ref.shape))}, the reference {_fmt(ref)} (entry {worst} differs "
                      "most)", part.id)
            return
        self.passed()

    # --- once per problem ------------------------------------------------------------------------

    def expressions(self) -> None:
        values = solution(self.problem, "default")
        for part in self.problem.parts:
            if part.kind != "expression":
                continue
            verdict = judge(part, part.answer, reference(self.problem, "default")[part.id], values)
            if verdict.status != "correct":
                self.fail("expression", "default", f"the answer {part.answer!r} is graded {verdict.status} "
                          f"against its formula: {verdict.feedback[:200]}", part.id)
            else:
                self.passed()
            for mistake in part.mistakes:
                self.expression_mistake(part, mistake)

    def expression_mistake(self, part, mistake) -> None:
        """An expression part's mistake is a function of its symbols: it must differ from the
        formula on some draw, or its feedback would be said to every correct answer."""
        symbols = parse_symbols(part.symbols)
        batches = make_batches(symbols, seed=20261206)
        for batch in batches:
            right = formula_values(part.formula, symbols, batch)
            wrong = formula_values(mistake.value, symbols, batch)
            if right.shape != wrong.shape or not close(right, wrong, 1.0 + float(np.nanmax(np.abs(right)))).all():
                self.passed()
                return
        self.fail("mistake", "all draws", f"a known mistake ({mistake.feedback[:60]!r}…) equals the formula on "
                  "every draw of the symbols: it cannot be told apart", part.id)

    def rejection_rate(self) -> None:
        if self.problem.random is None:
            return
        rng = np.random.default_rng(20261206)
        accepted = 0
        for _ in range(DRAWS):
            try:
                values = run_steps(self.problem.steps, as_arrays(to_json(dict(self.problem.random(rng)))))
                accepted += bool(self.problem.valid(values))
            except Exception as error:  # noqa: BLE001
                self.fail("random", "draws", f"a draw of `random` fails in the steps or `valid`: "
                          f"{type(error).__name__}: {error}")
                return
        rate = 1 - accepted / DRAWS
        if accepted == 0:
            self.fail("random", "draws", f"none of {DRAWS} draws of `random` passes `valid`")
        elif rate > REJECTION_WARNING:
            self.report.warnings.append(Finding("random", "draws", f"`valid` rejects {rate:.0%} of the draws of "
                                                                   "`random`; draw closer to what is valid"))
        else:
            self.passed()


def typed_forms(kind: str, ref: Any, layout: str | None = None) -> list[tuple[str, Any]]:
    """The reference as a student may type it, one entry per accepted syntax of its kind (the
    kind's own `typed_forms`, graders/kinds/)."""
    return KINDS[kind].typed_forms(np.asarray(ref, dtype=float), layout)


def wrong_forms(part, ref: Any) -> list[tuple[str, np.ndarray]]:
    """The reference changed in ways a grader must catch (each only where it changes the value)."""
    array = np.asarray(ref, dtype=float)
    if part.kind == "boolean":
        return [("negated", np.asarray(1.0 - array))]
    tolerance = part.tolerance
    step = np.maximum.reduce([
        np.full(array.shape, tolerance.absolute or 0.0),
        np.abs(array) * (tolerance.relative or 0.0),
        np.full(array.shape, 10.0 ** -(tolerance.decimals or 12)),
        np.abs(array) * 10.0 ** (1 - (tolerance.sigfigs or 12)),
    ])
    forms = [("moved by 3× its tolerance", array + 3 * step + 1e-9)]
    if np.any(np.abs(array) > 3 * step):
        forms += [("sign-flipped", -array), ("doubled", 2 * array)]
    if array.ndim == 2 and array.shape[0] == array.shape[1] and not np.allclose(array, array.T):
        forms.append(("transposed", array.T))
    if part.kind == "set":  # a set is its members in any order: {−a, a} sign-flipped is itself
        forms = [(label, wrong) for label, wrong in forms
                 if not np.allclose(np.sort(wrong.ravel()), np.sort(array.ravel()))]
    return forms


def check_problem(problem: Problem, variants: int = 50) -> Report:
    report = Report(problem.id, variants=1 + (variants if problem.random is not None else 0))
    checker = Checker(problem, report)
    # Draws that `valid` rejects may divide by zero on the way; a finite reference is checked.
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        checker.variant("default")
        if problem.random is not None:
            for seed in range(1, variants + 1):
                checker.variant(seed)
        checker.expressions()
        checker.rejection_rate()
    return report


def problems_at(target: str) -> list[Problem]:
    """The problems a check-problem TARGET names: a file or folder of definitions (loaded as
    HWCHECK_PROBLEM_PATHS would load it), `all` registered problems, or one problem id."""
    from problems import registry
    from problems.loading import load

    if target == "all":
        return list(registry.PROBLEMS.values())
    if target in registry.PROBLEMS:
        return [registry.PROBLEMS[target]]
    if Path(target).exists():
        problems, _ = load((), paths=target)
        return list(problems.values())
    raise LookupError(f"{target!r} is no file, no folder and no problem id (see `hwcheck problems`)")


def check_path(target: str | Path, variants: int = 50) -> list[Report]:
    return [check_problem(problem, variants) for problem in problems_at(str(target))]
