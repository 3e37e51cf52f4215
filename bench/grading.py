"""In-process grading throughput: submissions per second on one core, per problem family,
through `graders.grade.grade` exactly as the service calls it (no HTTP, no database).

    python bench/grading.py [--runs 5] [--seconds 2] [--variants 8] [--markdown]
                            [--groups 'all numeric,backprop'] [--no-cold]

The mix, per problem and per variant (`default` and seeds 1..variants-1), is deterministic:
  - all parts right, as JSON numbers / lists / booleans;
  - all parts right, typed as text in the answer syntax, rotating through the spellings
    (`0.25`, `1/4`, `[1 2; 3 4]`, `np.array([...])`, LaTeX `bmatrix`, `{a, b}`, `yes`);
  - wrong answers: the first entry perturbed, every entry sign-flipped, the matrix transposed,
    twice the value — these go through feedback diagnosis and error carried forward;
  - one part malformed (`[1 2; 3`, `1/`) with the others right;
  - every other part missing.
A submission is one `grade()` call with all its parts. The "numeric" figure leaves expression
(symbolic) parts out of every answer (they are then `missing`, which costs nothing); the
"expression" line grades only the expression parts (the key's text, and its negation).

Reference answers are computed once per variant (the solver cache): the bench warms that cache
before timing, as a running service has. "cold" is the first grading of a variant nobody has
asked for yet: params drawn, solver run, then graded (median over fresh seeds).

Timing is CPU time of this process (`time.process_time`): the machine is shared, and CPU time
is what one core spends, whatever else is scheduled. BLAS is pinned to one thread. Each run
grades each family's mix round and round for `--seconds`; the figure is the median of `--runs`.
"""

from __future__ import annotations

import os

# One core: NumPy's BLAS must not spread a matrix product over threads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from fractions import Fraction  # noqa: E402

import numpy as np  # noqa: E402

import graders  # noqa: E402
from graders.grade import grade  # noqa: E402
from problems import core, registry  # noqa: E402

FAMILIES = ("gradients", "backprop", "optimizers", "receptive_fields", "lipschitz")
NUMERIC_KINDS = ("number", "vector", "matrix", "set", "boolean", "property")


# ---- The reference as a student would type it (as tests/problems/spellings.py) -------------


def text(x) -> str:
    return f"{float(x):.12g}"


def fraction(x) -> str:
    f = Fraction(float(x)).limit_denominator(10**7)
    return f"{f.numerator}/{f.denominator}"


def typed(part: core.Part, ref, which: int):
    """The reference in one of several syntaxes (`which` picks, round the list)."""
    if part.kind == "property":
        return core.to_json(ref)
    ref = np.asarray(ref, dtype=float)
    if part.kind == "number":
        spellings = [text(ref), fraction(ref), f"{float(ref):.6e}"]
    elif part.kind == "boolean":
        spellings = ["yes" if ref else "no", "TRUE" if ref else "False"]
    elif part.kind == "set":
        spellings = ["{" + ", ".join(map(text, ref)) + "}", [fraction(u) for u in ref[::-1]]]
    elif part.kind == "vector":
        sep = "; " if part.layout == "column" else " "
        spellings = ["[" + sep.join(map(text, ref)) + "]", [fraction(u) for u in ref],
                     "np.array([" + ", ".join(map(text, ref)) + "])"]
    else:
        rows = [" & ".join(map(text, row)) for row in ref]
        spellings = ["[" + "; ".join(" ".join(map(text, row)) for row in ref) + "]",
                     [[fraction(u) for u in row] for row in ref],
                     r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"]
    return spellings[which % len(spellings)]


def wrong(part: core.Part, ref, how: str):
    """A wrong answer of the kind students give; None where `how` does not apply."""
    if part.kind == "boolean":
        return not bool(ref)
    if part.kind == "property":
        return None
    ref = np.array(ref, dtype=float)
    if how == "perturbed":
        flat = ref.reshape(-1)
        flat[0] += max(0.5, 0.1 * abs(flat[0]))
    elif how == "sign":
        ref = -ref
    elif how == "transposed":
        if ref.ndim != 2:
            return None
        ref = ref.T
    elif how == "twice":
        ref = 2 * ref
    return ref.tolist()


MALFORMED = {"number": "1/", "vector": "[1 2; 3", "matrix": "[[1, 2], [3 4", "set": "{1, ",
             "boolean": "maybe", "property": "[1 2", "expression": "x^T (A + A^T"}


# ---- The mix --------------------------------------------------------------------------------


def references(problem: core.Problem, variant) -> dict:
    """Every part's right answer as JSON; property parts take the step named like them."""
    values = core.solution(problem, variant)
    found = {}
    for part in problem.parts:
        if part.kind == "expression":
            found[part.id] = part.answer
        elif part.id in values:
            found[part.id] = core.to_json(values[part.id])
    return found


def numeric_submissions(problem: core.Problem, variant, index: int) -> list[dict]:
    refs = {pid: r for pid, r in references(problem, variant).items()
            if problem.part(pid).kind in NUMERIC_KINDS}
    parts = [problem.part(pid) for pid in refs]
    if not parts:
        return []
    subs = [dict(refs),
            {p.id: typed(p, refs[p.id], index + k) for k, p in enumerate(parts)}]
    for how in ("perturbed", "sign", "transposed", "twice"):
        answers = dict(refs)
        changed = False
        # Every other part wrong: the rest stay right, so carried-forward has work to do.
        for k, p in enumerate(parts):
            if (k + index) % 2 == 0:
                value = wrong(p, refs[p.id], how)
                if value is not None:
                    answers[p.id], changed = value, True
        if changed:
            subs.append(answers)
    bad = parts[index % len(parts)]
    subs.append(dict(refs) | {bad.id: MALFORMED[bad.kind]})
    subs.append({p.id: refs[p.id] for k, p in enumerate(parts) if k % 2 == index % 2})
    return subs


def expression_submissions(problem: core.Problem) -> list[dict]:
    parts = [p for p in problem.parts if p.kind == "expression"]
    if not parts:
        return []
    return [{p.id: p.answer for p in parts}, {p.id: f"-({p.answer})" for p in parts}]


def build(variants: int) -> dict[str, list[tuple]]:
    seeds = ["default", *range(1, variants)]
    mix: dict[str, list[tuple]] = {family: [] for family in FAMILIES}
    mix["expression"] = []
    for problem in registry.PROBLEMS.values():
        for index, variant in enumerate(seeds):
            for answers in numeric_submissions(problem, variant, index):
                mix[problem.family].append((problem, variant, answers))
        for answers in expression_submissions(problem):
            mix["expression"].append((problem, "default", answers))
    return mix


# ---- Timing ---------------------------------------------------------------------------------


def rate(submissions: list[tuple], seconds: float) -> float:
    """Submissions graded per CPU-second, round and round the list for at least `seconds`."""
    count = 0
    start = time.process_time()
    while True:
        for problem, variant, answers in submissions:
            grade(problem, variant, answers)
        count += len(submissions)
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            return count / elapsed


def forget_variants() -> None:
    """Empty the per-variant caches of problems/core.py (params and solutions)."""
    core._params_json.cache_clear()
    core._solution.cache_clear()


def cold_ms(count: int) -> dict[str, float]:
    """Median ms of the first grading of a never-seen variant (params drawn, solver run, then
    an all-right JSON submission graded), per family."""
    by_family: dict[str, list[float]] = {family: [] for family in FAMILIES}
    for problem in registry.PROBLEMS.values():
        for seed in range(100_000, 100_000 + count):
            answers = (numeric_submissions(problem, seed, 0) or [{}])[0]
            forget_variants()
            start = time.process_time()
            grade(problem, seed, answers)
            by_family[problem.family].append((time.process_time() - start) * 1000)
    return {family: statistics.median(times) for family, times in by_family.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=2.0, help="CPU seconds per family per run")
    ap.add_argument("--variants", type=int, default=8)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--groups", default="", help="comma-separated subset of the lines, e.g. 'all numeric'")
    ap.add_argument("--no-cold", action="store_true", help="skip the cold first-grading figure")
    args = ap.parse_args()
    # Wrong answers carried forward (a negative ŷ) make the solver's log warn; the grade is
    # still right, and the warning is noise here.
    warnings.simplefilter("ignore", RuntimeWarning)

    mix = build(args.variants)
    # Warm the solver cache, lark and the lru caches; the digest of every result (status,
    # score, feedback of each part) shows two versions of the grader agree on the whole mix.
    digest = hashlib.sha256()
    for submissions in mix.values():
        for problem, variant, answers in submissions:
            digest.update(json.dumps(grade(problem, variant, answers).to_dict(), sort_keys=True).encode())
    numeric = [s for family in FAMILIES for s in mix[family]]
    groups = {**{family: mix[family] for family in FAMILIES}, "all numeric": numeric,
              "expression parts": mix["expression"]}

    if args.groups:
        groups = {name: groups[name] for name in args.groups.split(",")}
    results: dict[str, list[float]] = {name: [] for name in groups}
    for _ in range(args.runs):
        for name, submissions in groups.items():
            results[name].append(rate(submissions, args.seconds))
    cold = {} if args.no_cold else cold_ms(3)

    print(f"graders: {os.path.dirname(graders.__file__)}; {args.runs} runs of {args.seconds:g} "
          f"CPU-s per group; {args.variants} variants per problem; results digest "
          f"{digest.hexdigest()[:16]}")
    if args.markdown:
        print("| family | submissions in mix | submissions/s/core (median) | min – max | cold first grading, ms |")
        print("| --- | ---: | ---: | ---: | ---: |")
    for name, rates in results.items():
        median = statistics.median(rates)
        cold_text = f"{cold[name]:.1f}" if name in cold else ""
        if args.markdown:
            print(f"| {name} | {len(groups[name])} | {median:,.0f} | {min(rates):,.0f} – {max(rates):,.0f} | {cold_text} |")
        else:
            print(f"{name:18} n={len(groups[name]):4}  {median:9,.0f}/s  "
                  f"(min {min(rates):,.0f}, max {max(rates):,.0f})  cold {cold_text} ms")


if __name__ == "__main__":
    main()
