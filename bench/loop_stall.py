"""How long one grading can hold the server's event loop: the slowest adversarial submissions
that `service.grading.quick` lets the async grading route grade on the loop itself (a slow one
there delays every other request of that process), and how many it sends to a worker thread.

    python bench/loop_stall.py [--runs 5]

Expressions: for every expression part of every problem, answers built to be slow for their
length — nested and repeated inverses, matrix powers with huge exponents, long products and
sums of the part's symbols, deep brackets and minus chains, elementwise functions — each cut
to 40, 80, 120 and 240 characters (whatever still reads or not: a refusal is timed too), and
the same split over two expression parts where a problem has two. Numbers: the hostile
numeric answers of tests/service/ops/test_hostile.py's kind (power towers, minus chains,
a 2,000-character matrix). Each is one `grade()` of a whole submission, timed in CPU time
of this process; the figure per group is the worst of its submissions, median over `--runs`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

# The repository instead of bench/ itself, whose http.py would shadow the standard library's.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from graders.grade import grade  # noqa: E402
from problems import registry  # noqa: E402
from service.grading import LOOP_EXPRESSION_CHARS, quick  # noqa: E402

LENGTHS = (40, 80, 120, 240)


def slow_expressions(a: str, b: str) -> list[str]:
    """Long-running shapes for symbols a and b, longer than any cut."""
    return [
        "inv(" * 60 + a + ")" * 60,
        "+".join([f"inv({a}) {b}"] * 30),
        "+".join([f"{a}^{{-1}}"] * 40),
        f"{a}^-99999" + f" {b}^99999" * 30,
        "(" * 90 + a + ")" * 90,
        " ".join([f"({a}^{{-1}} {b})"] * 30),
        "+".join([f"{a}^T {b} {a}"] * 30),
        "-" * 200 + a,
        "".join(f"({a}+{b})" for _ in range(40)),
        "+".join([f"tr({a})det({a}) {b}"] * 20),
        "+".join([f"exp({a})ln({b})"] * 20),
        "sqrt(" * 50 + a + ")" * 50,
        f"{a}" + "^2" * 100,
        "+".join([f"{a}⊙{b}"] * 60),
    ]


def expression_submissions():
    for problem in registry.PROBLEMS.values():
        parts = [p for p in problem.parts if p.kind == "expression"]
        for part in parts:
            names = list(part.symbols)
            for a in names:
                for b in names:
                    for text in slow_expressions(a, b):
                        for n in LENGTHS:
                            yield problem, {part.id: text[:n]}
                            if len(parts) > 1:  # the same length split over two parts
                                yield problem, {part.id: text[: n // 2], parts[-1 if part is parts[0] else 0].id: text[: n // 2]}


def numeric_submissions():
    problem = registry.PROBLEMS["lipschitz-linear"]
    for text in ("-" * 1990 + "1", "^".join(["2"] * 900), "9^9^9^9", "10^1000000", "2**99999999999",
                 "(" * 99 + "1" + ")" * 99, "sqrt(" * 99 + "2" + ")" * 99, "[" + "1 " * 900 + "]",
                 "exp(100000)", "1e308*10", "0/0"):
        yield problem, {"L": text}


def worst(submissions) -> dict:
    on_loop, in_thread = [], 0
    for problem, answers in submissions:
        if not quick(problem, answers):
            in_thread += 1
            continue
        started = time.process_time()
        grade(problem, "default", answers)
        on_loop.append((time.process_time() - started, problem.id, answers))
    slowest = max(on_loop, key=lambda x: x[0])
    times = sorted(t for t, *_ in on_loop)
    return {"on_loop": len(on_loop), "in_thread": in_thread, "worst_ms": slowest[0] * 1000,
            "p99_ms": times[int(len(times) * 0.99)] * 1000, "worst": slowest[1:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    groups = {"expressions": lambda: list(expression_submissions()), "numbers": lambda: list(numeric_submissions())}
    for name, make in groups.items():
        submissions = make()
        for problem, answers in submissions[:50]:  # the solver caches and expected values, as a running server has them
            grade(problem, "default", answers)
        runs = [worst(submissions) for _ in range(args.runs)]
        last = runs[-1]
        p99 = f", p99 {statistics.median(r['p99_ms'] for r in runs):.1f} ms" if last["on_loop"] >= 100 else ""
        print(f"{name}: {last['on_loop']} submissions graded on the loop, {last['in_thread']} sent to a thread "
              f"(expressions over {LOOP_EXPRESSION_CHARS} characters in all); on the loop: worst "
              f"{statistics.median(r['worst_ms'] for r in runs):.1f} ms{p99} (median of {args.runs} runs); "
              f"slowest: {last['worst'][0]} {str(last['worst'][1])[:100]}")


if __name__ == "__main__":
    main()
