"""Per problem and part: attempts, share correct, the most common wrong answers (normalized,
with counts), the most common diagnosed mistakes (the feedback a wrong answer got: the sign, the
transpose, a known mistake … — what still means something when variants differ), how many were
credited by error carried forward, a score histogram, and answer-sharing flags — a student whose answer equals the
reference of another student's variant but not their own. Fed one graded record at a time, by a
batch (service/batch/run.py) or from stored submissions (service/analytics/recorded.py); written as
JSON, CSV and a hand-written SVG histogram per problem.

What is kept in memory is bounded by the catalog: counters per part, a histogram per problem,
and the diagnoses (distinct feedback texts, which the graders compose from a fixed set of phrases
and the problem's own parts).
What grows with the class — the count of each distinct wrong answer, the reference of each
variant seen, and each wrong answer that could match one — goes to a scratch SQLite file
(service/store/scratch.py), and the sharing flags are streamed from a join at the end, so neither the
run nor the writing of analytics.json holds them all.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import groupby
from json.encoder import encode_basestring_ascii  # json.dumps's own, in C
from pathlib import Path
from typing import Any

from graders.carried import was_carried
from service.analytics.charts import BINS, bin_of, counted_bins, histogram_svg
from service.exports import cells
from service.store.scratch import FLUSH, Scratch, clean

TOP = 5


class Analytics:
    """Fed one record at a time (`add`), or a chunk's counts made elsewhere (`merge`).
    `Analytics(collecting=True)` keeps everything in memory and has no scratch file: it counts one
    chunk, where the chunk was graded, for `counted()` to send to the one that writes."""

    def __init__(self, scratch: Scratch | None = None, *, collecting: bool = False) -> None:
        self.own_scratch = scratch is None and not collecting
        self.scratch = None if collecting else scratch or Scratch()
        if self.scratch is not None:
            self.scratch.table("wrong", "CREATE TABLE wrong (problem TEXT, part TEXT, answer TEXT, count INTEGER, "
                                        "PRIMARY KEY (problem, part, answer)) WITHOUT ROWID",
                               "INSERT INTO wrong VALUES (?, ?, ?, ?) ON CONFLICT (problem, part, answer) "
                               "DO UPDATE SET count = count + excluded.count")
            self.scratch.table("refs", "CREATE TABLE refs (problem TEXT, part TEXT, answer TEXT, variant TEXT, "
                                       "PRIMARY KEY (problem, part, answer, variant)) WITHOUT ROWID",
                               "INSERT OR IGNORE INTO refs VALUES (?, ?, ?, ?)")
            self.scratch.table("suspects", "CREATE TABLE suspects (problem TEXT, part TEXT, student TEXT, "
                                           "variant TEXT, answer TEXT)", "INSERT INTO suspects VALUES (?, ?, ?, ?, ?)")
        self.attempts: Counter = Counter()  # (problem, part)
        self.statuses: dict[tuple[str, str], Counter] = defaultdict(Counter)
        self.histogram: dict[str, list[int]] = {}
        self.problem_rows: Counter = Counter()
        self.carried: Counter = Counter()  # (problem, part)
        self.diagnoses: dict[tuple[str, str], Counter] = defaultdict(Counter)
        self.first_variant: dict[str, str] = {}
        self.mixed_variants: set[str] = set()  # problems whose records come from several variants
        self.errors = 0
        # Written in batches: counts merge by upsert, references are deduplicated first.
        self._wrong: Counter = Counter()
        self._refs: set[tuple[str, str, str, str]] = set()
        self._suspects: list[tuple[str, str, str, str, str]] = []

    def add(self, record: dict[str, Any]) -> None:
        if record["error"]:
            self.errors += 1
            return
        problem, variant = record["problem_id"], str(record["variant"])
        self.problem_rows[problem] += 1
        self._saw_variant(problem, variant)
        share = record["score"] / record["max_score"] if record["max_score"] else 0.0
        self.histogram.setdefault(problem, [0] * BINS)[bin_of(share)] += 1
        for part in record["parts"]:
            key = (problem, part["id"])
            self.statuses[key][part["status"]] += 1
            if part["status"] != "missing":
                self.attempts[key] += 1
            feedback = part.get("feedback") or ""
            if was_carried(feedback):
                self.carried[key] += 1
            if part["status"] in ("incorrect", "partial"):
                self.diagnoses[key][feedback] += 1
            reference, answer = part["reference"], part["normalized"]
            if reference is not None:
                self._refs.add((problem, part["id"], reference, variant))
            if answer:
                answer = clean(answer)
                self._wrong[(problem, part["id"], answer)] += 1
                if reference is not None:
                    self._suspects.append((problem, part["id"], clean(record["student_id"]), variant, answer))
        self._flush_if_full()

    def _saw_variant(self, problem: str, variant: str) -> None:
        if self.first_variant.setdefault(problem, variant) != variant:
            self.mixed_variants.add(problem)

    def counted(self) -> dict[str, Any]:
        """What this (collecting) Analytics counted, as plain JSON for `merge`; the order of
        first appearance kept, as the report lists problems and parts in it."""
        return {"errors": self.errors, "problem_rows": dict(self.problem_rows), "histogram": self.histogram,
                "first_variant": self.first_variant, "mixed_variants": sorted(self.mixed_variants),
                "statuses": [[*key, dict(counts)] for key, counts in self.statuses.items()],
                "attempts": [[*key, n] for key, n in self.attempts.items()],
                "carried": [[*key, n] for key, n in self.carried.items()],
                "diagnoses": [[*key, dict(counts)] for key, counts in self.diagnoses.items()],
                "wrong": [[*key, n] for key, n in self._wrong.items()], "refs": list(self._refs),
                "suspects": self._suspects}

    def merge(self, counted: dict[str, Any]) -> None:
        """Another Analytics's `counted()`, as if its records had been added here, in order."""
        self.errors += counted["errors"]
        self.problem_rows.update(counted["problem_rows"])
        for problem, bins in counted["histogram"].items():
            mine = self.histogram.setdefault(problem, [0] * BINS)
            for i, n in enumerate(bins):
                mine[i] += n
        for problem, variant in counted["first_variant"].items():
            self._saw_variant(problem, variant)
        self.mixed_variants.update(counted["mixed_variants"])
        for problem, part, counts in counted["statuses"]:
            self.statuses[(problem, part)].update(counts)
        for problem, part, n in counted["attempts"]:
            self.attempts[(problem, part)] += n
        for problem, part, n in counted["carried"]:
            self.carried[(problem, part)] += n
        for problem, part, counts in counted["diagnoses"]:
            self.diagnoses[(problem, part)].update(counts)
        for problem, part, answer, n in counted["wrong"]:
            self._wrong[(problem, part, answer)] += n
        self._refs.update(tuple(ref) for ref in counted["refs"])
        self._suspects.extend(counted["suspects"])
        self._flush_if_full()

    def _flush_if_full(self) -> None:
        if self.scratch is not None and max(len(self._wrong), len(self._refs), len(self._suspects)) >= FLUSH:
            self._flush()

    def _flush(self) -> None:
        self.scratch.write("wrong", [(*key, count) for key, count in self._wrong.items()])
        self.scratch.write("refs", list(self._refs))
        self.scratch.write("suspects", self._suspects)
        self._wrong.clear()
        self._refs.clear()
        self._suspects = []

    def common_wrong_answers(self, problem: str, part: str) -> list[dict[str, Any]]:
        self._flush()
        rows = self.scratch.query("SELECT answer, count FROM wrong WHERE problem = ? AND part = ? "
                                  "ORDER BY count DESC, answer LIMIT ?", (problem, part, TOP))
        return [{"answer": answer, "count": count} for answer, count in rows]

    def sharing_flags(self) -> Iterator[dict[str, Any]]:
        """Each wrong answer equal to the reference of another variant of its part, in the order
        the rows came, streamed from the scratch file."""
        self._flush()
        rows = self.scratch.query(
            "SELECT s.rowid, s.student, s.problem, s.part, s.variant, s.answer, r.variant "
            "FROM suspects AS s JOIN refs AS r ON r.problem = s.problem AND r.part = s.part "
            "AND r.answer = s.answer AND r.variant <> s.variant ORDER BY s.rowid, r.variant")
        for _, matches in groupby(rows, key=lambda row: row[0]):
            first, *rest = matches
            _, student, problem, part, variant, answer, owner = first
            yield {"student_id": student, "problem_id": problem, "part_id": part, "variant": variant,
                   "answer": answer, "matches_variants": [owner, *(row[6] for row in rest)]}

    def problems(self) -> dict[str, Any]:
        problems: dict[str, Any] = {}
        for (problem, part), statuses in self.statuses.items():
            entry = problems.setdefault(problem, {"rows": self.problem_rows[problem],
                                                  "variants": "several" if problem in self.mixed_variants else "one",
                                                  "histogram": {"bins": [i / BINS for i in range(BINS + 1)],
                                                                "counts": self.histogram[problem]},
                                                  "parts": {}})
            attempts = self.attempts[(problem, part)]
            entry["parts"][part] = {
                "attempts": attempts,
                "correct": statuses["correct"],
                "share_correct": round(statuses["correct"] / attempts, 6) if attempts else 0.0,
                "statuses": dict(sorted(statuses.items())),
                "common_wrong_answers": self.common_wrong_answers(problem, part),
                "carried_forward": self.carried[(problem, part)],
                "diagnosed_mistakes": [{"feedback": text, "count": count} for text, count in
                                       sorted(self.diagnoses[(problem, part)].items(),
                                              key=lambda item: (-item[1], item[0]))[:TOP]],
            }
        return problems

    def report(self) -> dict[str, Any]:
        """The whole report in memory (the sharing flags listed): for small sets and the API."""
        return {"problems": self.problems(), "error_rows": self.errors, "sharing_flags": list(self.sharing_flags())}

    def write(self, out_dir: Path) -> dict[str, str]:
        """analytics.json, analytics.csv, sharing.csv and histograms/<problem>.svg; the flags are
        written to analytics.json and sharing.csv as they are read, never all held."""
        problems = self.problems()
        with open(out_dir / "analytics.csv", "w", newline="", encoding="utf-8") as f:
            write_csv(problems, f)
        with open(out_dir / "analytics.json", "w", encoding="utf-8") as report, \
                open(out_dir / "sharing.csv", "w", newline="", encoding="utf-8") as f:
            head = json.dumps({"problems": problems, "error_rows": self.errors, "sharing_flags": []}, indent=2)
            report.write(head[:head.rindex("[]")] + "[")  # the same layout as json.dumps(indent=2)
            out = cells.writer(f)
            out.writerow(["student_id", "problem_id", "part_id", "variant", "answer", "matches_variants"])
            separator = "\n"
            for flag in self.sharing_flags():
                report.write(separator + flag_json(flag))
                separator = ",\n"
                out.writerow([flag["student_id"], flag["problem_id"], flag["part_id"], flag["variant"],
                              flag["answer"], " ".join(flag["matches_variants"])])
            report.write("]\n}" if separator == "\n" else "\n  ]\n}")
        charts = out_dir / "histograms"
        charts.mkdir(exist_ok=True)
        for problem, entry in problems.items():
            svg = histogram_svg(counted_bins(entry["histogram"]["counts"]), f"{problem}: score share", standalone=True)
            (charts / f"{problem}.svg").write_text(str(svg) + "\n")
        return {"analytics": "analytics.json", "analytics_csv": "analytics.csv", "sharing": "sharing.csv",
                "histograms": "histograms/"}

    @property
    def records(self) -> int:
        """Graded records counted (error rows aside)."""
        return sum(self.problem_rows.values())

    def close(self) -> None:
        if self.own_scratch:
            self.scratch.close()


def flag_json(flag: dict[str, Any], indent: str = "    ") -> str:
    """A sharing flag as `json.dumps(flag, indent=2)` lays it out inside the report (at `indent`),
    written here from C-encoded strings: `indent=2` takes json's pure-Python encoder, and a
    class's tens of thousands of flags took most of the time analytics.json took to write."""
    def dumps(value: Any) -> str:
        return encode_basestring_ascii(value) if isinstance(value, str) else json.dumps(value)

    inner = indent + "  "
    lines = []
    for key, value in flag.items():
        if isinstance(value, list):
            items = ",\n".join(inner + "  " + dumps(v) for v in value)
            text = f"[\n{items}\n{inner}]" if value else "[]"
        else:
            text = dumps(value)
        lines.append(f"{inner}{dumps(key)}: {text}")
    return indent + "{\n" + ",\n".join(lines) + "\n" + indent + "}"


def write_csv(problems: dict[str, Any], handle) -> None:
    """analytics.csv: one line per problem and part, the common wrong answers as `answer ×count; …`."""
    out = cells.writer(handle)
    out.writerow(["problem_id", "part_id", "attempts", "correct", "share_correct", "common_wrong_answers"])
    for problem, entry in problems.items():
        for part, stats in entry["parts"].items():
            common = "; ".join(f"{w['answer']} ×{w['count']}" for w in stats["common_wrong_answers"])
            out.writerow([problem, part, stats["attempts"], stats["correct"], stats["share_correct"], common])
