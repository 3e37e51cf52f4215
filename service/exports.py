"""What a batch writes: per-part rows, per-student totals, gradebooks (Canvas, Moodle, plain CSV)
and Gradescope `results.json` files.

Rows are written as they come (parts.csv) and dropped; what is kept is a score per student and
problem. A student's problem counts once: the best of their rows for it.

Formats:
- Canvas: `Student, ID, SIS User ID, SIS Login ID, Section`, then `Title (id)` per assignment;
  the second row is `Points Possible`. We fill SIS User ID with the school's id and SIS Login ID
  with the email (Canvas matches on them; its own numeric ID is left blank).
- Moodle ("Import grades from CSV"): one identifying column (`Email address` or `ID number`,
  the field mapped on import) and one grade column named after the assignment.
- Gradescope: per submission `{score, max_score, tests: [{name, score, max_score, status,
  output, visibility}]}`, status "passed" or "failed".
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

PART_COLUMNS = ["line", "student_id", "problem_id", "variant", "part_id", "status", "score", "max_score",
                "feedback", "answer"]


def points(value: float) -> str:
    return f"{round(value, 4):g}"


def safe_name(student_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", student_id)[:100] or "_"


def gradescope_test(problem_id: str, part: dict[str, Any], scale: float) -> dict[str, Any]:
    return {
        "name": f"{problem_id}: {part['id']}",
        "score": round(part["score"] * scale, 6),
        "max_score": round(part["max_score"] * scale, 6),
        "status": "passed" if part["status"] == "correct" else "failed",
        "output": f"{part['status']}: {part['feedback']}",
        "visibility": "visible",
    }


def gradescope_error_test(record: dict[str, Any]) -> dict[str, Any]:
    return {"name": f"{record['problem_id'] or record['line']}: not graded", "score": 0.0, "max_score": 0.0,
            "status": "failed", "output": record["error"], "visibility": "visible"}


def gradescope_results(tests: list[dict[str, Any]], max_score: float) -> dict[str, Any]:
    return {"score": round(sum(t["score"] for t in tests), 6), "max_score": round(max_score, 6),
            "output": "Graded by hwcheck.", "visibility": "visible", "tests": tests}


class Outputs:
    def __init__(self, out_dir: Path, context, gradescope: bool = False):
        self.dir = out_dir
        self.context = context
        self.gradescope = gradescope
        self.parts_file = open(out_dir / "parts.csv", "w", newline="", encoding="utf-8")
        self.parts = csv.writer(self.parts_file)
        self.parts.writerow(PART_COLUMNS)
        self.best: dict[str, dict[str, tuple[float, float]]] = {}  # student -> problem -> (score, max)
        self.errors: dict[str, int] = {}
        self.problems: dict[str, float] = {}  # problems seen, in order, with their max score
        if gradescope:
            (out_dir / "gradescope" / ".tests").mkdir(parents=True, exist_ok=True)

    @property
    def student_count(self) -> int:
        return len(self.best.keys() | self.errors.keys())

    def scale(self, problem_id: str, max_score: float) -> float:
        assigned = self.context.points.get(problem_id)
        return assigned / max_score if assigned is not None and max_score else 1.0

    def add(self, record: dict[str, Any]) -> None:
        student, problem = record["student_id"], record["problem_id"]
        variant = "" if record["variant"] is None else str(record["variant"])
        if record["error"]:
            self.parts.writerow([record["line"], student, problem, variant, "", "error", 0, 0, record["error"], ""])
            if student:
                self.errors[student] = self.errors.get(student, 0) + 1
            self._gradescope(student, [gradescope_error_test(record)])
            return
        for part in record["parts"]:
            self.parts.writerow([record["line"], student, problem, variant, part["id"], part["status"],
                                 points(part["score"]), points(part["max_score"]), part["feedback"],
                                 part["answer"] or ""])
        self.problems.setdefault(problem, record["max_score"])
        mine = self.best.setdefault(student, {})
        if problem not in mine or record["score"] > mine[problem][0]:
            mine[problem] = (record["score"], record["max_score"])
        if self.gradescope:
            scale = self.scale(problem, record["max_score"])
            self._gradescope(student, [gradescope_test(problem, p, scale) for p in record["parts"]])

    def _gradescope(self, student: str, tests: list[dict[str, Any]]) -> None:
        if not self.gradescope or not student:
            return
        with open(self.dir / "gradescope" / ".tests" / f"{safe_name(student)}.jsonl", "a", encoding="utf-8") as f:
            for test in tests:
                f.write(json.dumps(test) + "\n")

    def close(self) -> None:
        if not self.parts_file.closed:
            self.parts_file.close()

    # --- at the end: totals and gradebooks ---

    def assignment_problems(self) -> list[tuple[str, float]]:
        """(problem, points) the totals are out of: the assignment's problems, else those seen."""
        if self.context.points:
            return list(self.context.points.items())
        return list(self.problems.items())

    def total(self, student: str) -> float:
        mine = self.best.get(student, {})
        return round(sum(score * self.scale(p, mx) for p, (score, mx) in mine.items()
                         if not self.context.points or p in self.context.points), 6)

    def students(self) -> list[str]:
        seen = self.best.keys() | self.errors.keys()
        # Everyone on the roster appears in a gradebook, with 0 if nothing of theirs came.
        return sorted(seen | self.context.roster.keys())

    def finish(self) -> dict[str, str]:
        problems = self.assignment_problems()
        possible = round(sum(p for _, p in problems), 6)
        students = self.students()
        title = self.context.assignment_title or self.context.assignment_id or "Batch"
        slug = self.context.assignment_id or "batch"
        files = {"parts": "parts.csv"}

        with open(self.dir / "totals.csv", "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["student_id", *[p for p, _ in problems], "total", "max_total", "errors"])
            for s in students:
                mine = self.best.get(s, {})
                cells = [points(mine[p][0] * self.scale(p, mine[p][1])) if p in mine else "" for p, _ in problems]
                out.writerow([s, *cells, points(self.total(s)), points(possible), self.errors.get(s, 0)])
        files["totals"] = "totals.csv"

        def who(s: str):
            return self.context.roster.get(s)

        with open(self.dir / "gradebook.csv", "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["student_id", "name", "email", "section", slug, "max_points"])
            for s in students:
                r = who(s)
                out.writerow([s, r.name if r else "", (r.email or "") if r else "", (r.section or "") if r else "",
                              points(self.total(s)), points(possible)])
        files["gradebook"] = "gradebook.csv"

        with open(self.dir / "canvas.csv", "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            column = f"{title} ({slug})"
            out.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column])
            out.writerow(["Points Possible", "", "", "", "", points(possible)])
            for s in students:
                r = who(s)
                out.writerow([r.name if r and r.name else s, "", s, (r.email or "") if r else "",
                              (r.section or "") if r else "", points(self.total(s))])
        files["canvas"] = "canvas.csv"

        with open(self.dir / "moodle.csv", "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["ID number", "Email address", "Full name", title])
            for s in students:
                r = who(s)
                out.writerow([s, (r.email or "") if r else "", (r.name or "") if r else "", points(self.total(s))])
        files["moodle"] = "moodle.csv"

        if self.gradescope:
            files["gradescope"] = "gradescope/"
            base = self.dir / "gradescope"
            for tests_file in sorted((base / ".tests").glob("*.jsonl")):
                tests = [json.loads(line) for line in tests_file.read_text(encoding="utf-8").splitlines()]
                target = base / tests_file.stem
                target.mkdir(exist_ok=True)
                (target / "results.json").write_text(json.dumps(gradescope_results(tests, possible), indent=2))
                tests_file.unlink()
            (base / ".tests").rmdir()
        return files
