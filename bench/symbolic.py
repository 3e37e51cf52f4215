"""Expression checking over the labeled corpus: our random-evaluation check against a SymPy
baseline, side by side — median and p99 time per check, and agreement with the labels.

    python bench/symbolic.py [--repeat 5] [--markdown]

Ours: `graders.kinds.expression.check` (parse, names, shapes, evaluation on the cached draws,
feedback). Baseline: the same parse and shape inference, then SymPy on MatrixSymbol / Symbol
expressions built from our tree (graders/sympy_bridge.py): `simplify(ref - ans) == 0`.
Both are timed warm (each part's reference prepared once, as a server would).

Agreement: ours is judged on the full label (status and kind of feedback); both are judged on
the equivalence verdict (is the answer the expected expression: label status `correct`).
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graders.errors import AnswerError  # noqa: E402
from graders.kinds.expression import check, expected_for  # noqa: E402
from graders.expression_values import read_expression  # noqa: E402
from graders.symbols import parse_symbols  # noqa: E402
from graders.sympy_bridge import sympy_equal, to_sympy  # noqa: E402
from problems import registry  # noqa: E402
from tests.graders.expression_corpus import CORPUS  # noqa: E402

BASELINE_TIMEOUT = 10  # seconds; a SymPy call past it counts as "not shown equal"


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


def ours(part, text):
    return check(part, text)


_SYMPY_REFERENCE = {}


def baseline(part, text) -> bool:
    symbols = parse_symbols(part.symbols)
    key = id(part)
    if key not in _SYMPY_REFERENCE:
        try:
            _SYMPY_REFERENCE[key] = to_sympy(read_expression(part.answer, symbols).tree, symbols)
        except Exception:  # noqa: BLE001 — softmax, norm, σ of a vector: SymPy has no form for them
            _SYMPY_REFERENCE[key] = None
    if _SYMPY_REFERENCE[key] is None:
        return False
    try:
        tree = read_expression(text, symbols).tree
    except AnswerError:
        return False
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(BASELINE_TIMEOUT)
    try:
        return bool(sympy_equal(to_sympy(tree, symbols), _SYMPY_REFERENCE[key]))
    except _Timeout:
        return False
    except Exception:          # SymPy gives up on some matrix expressions: not shown equal
        return False
    finally:
        signal.alarm(0)


def _read_time(part, text, repeat) -> float:
    """Median time of the parse, name splitting and shape inference alone: the step the
    baseline shares with ours, so the floor under both."""
    symbols = parse_symbols(part.symbols)
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            read_expression(text, symbols)
        except AnswerError:
            pass
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of our check")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    items = [(registry.get(i["problem"]).part(i["part"]), i) for i in CORPUS]
    for part, _ in items:            # warm: draws and reference values, once per part
        expected_for(part)

    our_times, base_times, read_times = [], [], []
    our_full = our_equivalence = base_equivalence = 0
    disagreements = []
    for part, item in items:
        runs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = ours(part, item["answer"])
            runs.append(time.perf_counter() - started)
        our_times.append(statistics.median(runs))
        read_times.append(_read_time(part, item["answer"], args.repeat))
        started = time.perf_counter()
        equal = baseline(part, item["answer"])
        base_times.append(time.perf_counter() - started)

        label_equal = item["status"] == "correct"
        our_full += (result.status, result.kind) == (item["status"], item["kind"])
        our_equivalence += (result.status == "correct") == label_equal
        base_equivalence += equal == label_equal
        if equal != label_equal:
            disagreements.append((item["part"], item["answer"], item["status"]))

    n = len(items)
    ours_median, ours_p99 = statistics.median(our_times) * 1e3, percentile(our_times, 0.99) * 1e3
    base_median, base_p99 = statistics.median(base_times) * 1e3, percentile(base_times, 0.99) * 1e3
    rows = [
        ("random evaluation (ours)", ours_median, ours_p99, f"{our_full}/{n} ({our_full / n:.0%})",
         f"{our_equivalence}/{n} ({our_equivalence / n:.0%})"),
        ("SymPy simplify(ref − ans) == 0", base_median, base_p99, "—",
         f"{base_equivalence}/{n} ({base_equivalence / n:.0%})"),
    ]
    header = ("checker", "median ms", "p99 ms", "agrees: status + feedback", "agrees: equivalent?")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, median, p99, full, equivalence in rows:
        lines.append(f"| {name} | {median:.3f} | {p99:.3f} | {full} | {equivalence} |")
    print("\n".join(lines))
    print(f"\n{n} corpus items; median speed-up {base_median / ours_median:.0f}×, "
          f"total {sum(base_times) / sum(our_times):.0f}×.")
    read_median = statistics.median(read_times) * 1e3
    print(f"Reading alone (parse, names, shapes; shared by both): median {read_median:.3f} ms, "
          f"{read_median / ours_median:.0%} of ours; the baseline beyond it: median "
          f"{statistics.median(b - r for b, r in zip(base_times, read_times)) * 1e3:.3f} ms.")
    if disagreements:
        print(f"\nSymPy disagrees with the labels on {len(disagreements)} items, e.g.:")
        for part_id, answer, status in disagreements[:12]:
            print(f"- `{part_id}` `{answer}` (labelled {status})")


if __name__ == "__main__":
    main()
