"""Per problem and part: attempts, share correct, the most common wrong answers (normalized,
with counts), a score histogram, and answer-sharing flags — a student whose answer equals the
reference of another student's variant but not their own. Fed one graded record at a time
(service/batch.py); written as JSON, CSV and a hand-written SVG histogram per problem.

What is kept: counters per part and per distinct wrong answer, and for the sharing check the
reference of each variant seen (per part) and each wrong answer that could match one.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

BINS = 10
TOP = 5


def bin_of(share: float) -> int:
    return min(BINS - 1, max(0, int(share * BINS)))


class Analytics:
    def __init__(self) -> None:
        self.attempts: Counter = Counter()  # (problem, part)
        self.statuses: dict[tuple[str, str], Counter] = defaultdict(Counter)
        self.wrong: dict[tuple[str, str], Counter] = defaultdict(Counter)
        self.histogram: dict[str, list[int]] = {}
        self.problem_rows: Counter = Counter()
        self.errors = 0
        # Sharing: reference key -> the variants it belongs to, and wrong answers to look up.
        self.references: dict[tuple[str, str], dict[str, set]] = defaultdict(lambda: defaultdict(set))
        self.suspects: list[tuple[str, str, str, str, str]] = []  # problem, part, student, variant, answer

    def add(self, record: dict[str, Any]) -> None:
        if record["error"]:
            self.errors += 1
            return
        problem, variant = record["problem_id"], str(record["variant"])
        self.problem_rows[problem] += 1
        share = record["score"] / record["max_score"] if record["max_score"] else 0.0
        self.histogram.setdefault(problem, [0] * BINS)[bin_of(share)] += 1
        for part in record["parts"]:
            key = (problem, part["id"])
            self.statuses[key][part["status"]] += 1
            if part["status"] != "missing":
                self.attempts[key] += 1
            if part["reference"] is not None:
                self.references[key][part["reference"]].add(variant)
            if part["normalized"]:
                self.wrong[key][part["normalized"]] += 1
                if part["reference"] is not None:
                    self.suspects.append((problem, part["id"], record["student_id"], variant, part["normalized"]))

    def sharing_flags(self) -> list[dict[str, Any]]:
        flags = []
        for problem, part, student, variant, answer in self.suspects:
            owners = self.references[(problem, part)].get(answer, set()) - {variant}
            if owners:
                flags.append({"student_id": student, "problem_id": problem, "part_id": part, "variant": variant,
                              "answer": answer, "matches_variants": sorted(owners)})
        return flags

    def report(self) -> dict[str, Any]:
        problems: dict[str, Any] = {}
        for (problem, part), statuses in self.statuses.items():
            entry = problems.setdefault(problem, {"rows": self.problem_rows[problem],
                                                  "histogram": {"bins": [i / BINS for i in range(BINS + 1)],
                                                                "counts": self.histogram[problem]},
                                                  "parts": {}})
            attempts = self.attempts[(problem, part)]
            entry["parts"][part] = {
                "attempts": attempts,
                "correct": statuses["correct"],
                "share_correct": round(statuses["correct"] / attempts, 6) if attempts else 0.0,
                "statuses": dict(sorted(statuses.items())),
                "common_wrong_answers": [{"answer": a, "count": c}
                                         for a, c in sorted(self.wrong[(problem, part)].items(),
                                                            key=lambda item: (-item[1], item[0]))[:TOP]],
            }
        return {"problems": problems, "error_rows": self.errors, "sharing_flags": self.sharing_flags()}

    def write(self, out_dir: Path) -> dict[str, str]:
        report = self.report()
        (out_dir / "analytics.json").write_text(json.dumps(report, indent=2))
        with open(out_dir / "analytics.csv", "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["problem_id", "part_id", "attempts", "correct", "share_correct", "common_wrong_answers"])
            for problem, entry in report["problems"].items():
                for part, stats in entry["parts"].items():
                    common = "; ".join(f"{w['answer']} ×{w['count']}" for w in stats["common_wrong_answers"])
                    out.writerow([problem, part, stats["attempts"], stats["correct"], stats["share_correct"], common])
        with open(out_dir / "sharing.csv", "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["student_id", "problem_id", "part_id", "variant", "answer", "matches_variants"])
            for flag in report["sharing_flags"]:
                out.writerow([flag["student_id"], flag["problem_id"], flag["part_id"], flag["variant"],
                              flag["answer"], " ".join(flag["matches_variants"])])
        charts = out_dir / "histograms"
        charts.mkdir(exist_ok=True)
        for problem, entry in report["problems"].items():
            (charts / f"{problem}.svg").write_text(histogram_svg(problem, entry["histogram"]["counts"]))
        return {"analytics": "analytics.json", "analytics_csv": "analytics.csv", "sharing": "sharing.csv",
                "histograms": "histograms/"}


def histogram_svg(title: str, counts: list[int], width: int = 420, height: int = 240) -> str:
    """Bars of how many rows scored in each tenth of the problem's points, as plain SVG."""
    from html import escape

    left, bottom, top = 40, 30, 30
    plot_w, plot_h = width - left - 10, height - bottom - top
    peak = max(counts) or 1
    bar_w = plot_w / len(counts)
    shapes = [f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="13">{escape(title)}: score share</text>',
              f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="black"/>',
              f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="black"/>',
              f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="10">{peak}</text>',
              f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="10">0</text>']
    for i, count in enumerate(counts):
        h = plot_h * count / peak
        x = left + i * bar_w
        shapes.append(f'<rect x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                      f'fill="#4a7ab5"><title>{i * 10}–{(i + 1) * 10}%: {count}</title></rect>')
        shapes.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" '
                      f'font-size="9">{i * 10}</text>')
    body = "\n  ".join(shapes)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">\n  {body}\n</svg>\n')
