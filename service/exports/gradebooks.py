"""What a batch writes: per-part rows, per-student totals, gradebooks (Canvas, Moodle, plain CSV)
and Gradescope `results.json` files.

Rows are written as they come (parts.csv, each chunk's lines made by `chunk_outputs` where the
chunk was graded) and dropped; what must be remembered — each row's
score, for the best per student and problem, error counts, Canvas ids — goes to the scratch
SQLite file (service/store/scratch.py), and the gradebooks are written in one pass over the students,
read back in order. A student's problem counts once: the best of their rows for it (the first
of equal bests).

Formats:
- Canvas: `Student, ID, SIS User ID, SIS Login ID, Section`, then `Title (id)` per assignment;
  the second row is `Points Possible`. We fill SIS User ID with the school's id and SIS Login ID
  with the email (Canvas matches on either), and ID — Canvas's own numeric user id — when we know
  it: a `canvas_id` column of the `--roster` file, else of the batch input (the first given for
  the student); else it is left blank.
- Moodle ("Import grades from CSV"): one identifying column (`Email address` or `ID number`,
  the field mapped on import) and one grade column named after the assignment.
- Gradescope: per submission `{score, max_score, tests: [{name, score, max_score, status,
  output, visibility}]}`, status "passed" or "failed".
"""

from __future__ import annotations

import hashlib
import heapq
import io
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from service.exports import cells
from service.store.scratch import Scratch, clean

PART_COLUMNS = ["line", "student_id", "problem_id", "variant", "part_id", "status", "score", "max_score",
                "feedback", "answer"]


@lru_cache(maxsize=4096)  # a class's scores take few distinct values: 0, 1, halves…
def points(value: float) -> str:
    return f"{round(value, 4):g}"


_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def safe_name(student_id: str) -> str:
    """A folder name for a student's Gradescope results, distinct for distinct ids: a plain id
    (letters, digits, `.`, `_`, `-`, not starting with `.`, at most 100) is its own name; any
    other — `a/b`, `a b`, `..`, `.tests`, a long one — is its readable part, `~`, and the first
    12 hex digits of its SHA-256 (`a_b~5f1e…`), which no plain id can be."""
    if _PLAIN_ID.fullmatch(student_id):
        return student_id
    readable = re.sub(r"[^A-Za-z0-9._-]", "_", student_id).lstrip(".")[:60] or "_"
    return f"{readable}~{hashlib.sha256(student_id.encode('utf-8', 'replace')).hexdigest()[:12]}"


def gradescope_test(problem_id: str, part: dict[str, Any], factor: float) -> dict[str, Any]:
    return {
        "name": f"{problem_id}: {part['id']}",
        "score": round(part["score"] * factor, 6),
        "max_score": round(part["max_score"] * factor, 6),
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


def scale(assigned_points: dict[str, float], problem_id: str, max_score: float) -> float:
    """The factor from a problem's own points to the assignment's."""
    assigned = assigned_points.get(problem_id)
    return assigned / max_score if assigned is not None and max_score else 1.0


def chunk_outputs(records: Iterable[dict[str, Any]], assigned_points: dict[str, float],
                  gradescope: bool = False) -> dict[str, Any]:
    """A chunk of graded records as `Outputs.add` takes them: its parts.csv lines written, what the
    scratch file keeps of each row, its Gradescope tests. Made where the chunk was graded (a
    worker process, or a queue worker on another machine: plain JSON but for parts.csv's lines,
    UTF-8 bytes as the file takes them), so the one process
    that writes a batch's files only appends them in input order."""
    text = io.StringIO()
    safe = cells.neutral
    lines: list[list[Any]] = []  # parts.csv's, written at once
    scores, errors, canvas, tests = [], [], [], []
    problems: dict[str, float] = {}
    for record in records:
        student, problem = clean(record["student_id"]), record["problem_id"]
        variant = "" if record["variant"] is None else str(record["variant"])
        if record.get("canvas_id") and student:
            canvas.append((student, record["canvas_id"]))
        if record["error"]:
            lines.append([safe(c) for c in (record["line"], student, clean(problem), variant, "", "error", 0, 0,
                                            clean(record["error"]), "")])
            if student:
                errors.append(student)
                if gradescope:
                    tests.append((student, [gradescope_error_test(record)]))
            continue
        # A graded record's problem, part ids, statuses and variant are the catalog's and the
        # grader's own: only the line, the student, feedback and the answer can hold outside text.
        line, who = safe(record["line"]), safe(student)
        lines += [[line, who, problem, variant, part["id"], part["status"], points(part["score"]),
                   points(part["max_score"]), safe(part["feedback"]), safe(clean(part["answer"] or ""))]
                  for part in record["parts"]]
        problems.setdefault(problem, record["max_score"])
        scores.append((student, problem, record["score"], record["max_score"]))
        if gradescope and student:
            factor = scale(assigned_points, problem, record["max_score"])
            tests.append((student, [gradescope_test(problem, p, factor) for p in record["parts"]]))
    cells.writer(text).writerows_neutral(lines)
    return {"parts_csv": text.getvalue().encode(), "scores": scores, "errors": errors, "canvas": canvas,
            "problems": list(problems.items()), "gradescope": tests}


class Outputs:
    def __init__(self, out_dir: Path, context, scratch: Scratch, gradescope: bool = False):
        self.dir = out_dir
        self.context = context
        self.gradescope = gradescope
        self.scratch = scratch
        scratch.table("scores", "CREATE TABLE scores (student TEXT, problem TEXT, score REAL, max_score REAL)",
                      "INSERT INTO scores VALUES (?, ?, ?, ?)")
        scratch.table("errors", "CREATE TABLE errors (student TEXT)", "INSERT INTO errors VALUES (?)")
        scratch.table("canvas", "CREATE TABLE canvas (student TEXT, canvas_id TEXT)", "INSERT INTO canvas VALUES (?, ?)")
        # Bytes: the rows come written, as UTF-8 (`add`), and are appended as they are.
        self.parts_file = open(out_dir / "parts.csv", "wb")
        header = io.StringIO()
        cells.writer(header).writerow(PART_COLUMNS)
        self.parts_file.write(header.getvalue().encode())
        self.problems: dict[str, float] = {}  # problems seen, in order, with their max score
        self.student_count = 0  # known after finish()
        self.folders: dict[str, str] = {}  # Gradescope folder -> student id (gradescope/index.csv)
        if gradescope:
            (out_dir / "gradescope" / ".tests").mkdir(parents=True, exist_ok=True)

    def scale(self, problem_id: str, max_score: float) -> float:
        return scale(self.context.points, problem_id, max_score)

    def add(self, chunk: dict[str, Any]) -> None:
        """A chunk's part of the outputs (`chunk_outputs`), in input order."""
        self.parts_file.write(chunk["parts_csv"])
        self.scratch.extend("canvas", chunk["canvas"])
        self.scratch.extend("errors", [(student,) for student in chunk["errors"]])
        self.scratch.extend("scores", chunk["scores"])
        for problem, max_score in chunk["problems"]:
            self.problems.setdefault(problem, max_score)
        for student, tests in chunk["gradescope"]:
            self._gradescope(student, tests)

    def _gradescope(self, student: str, tests: list[dict[str, Any]]) -> None:
        if not self.gradescope or not student:
            return
        folder = safe_name(student)
        self.folders[folder] = student
        with open(self.dir / "gradescope" / ".tests" / f"{folder}.jsonl", "a", encoding="utf-8") as f:
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

    def total(self, best: dict[str, tuple[float, float]]) -> float:
        return round(sum(score * self.scale(p, mx) for p, (score, mx) in best.items()
                         if not self.context.points or p in self.context.points), 6)

    def by_student(self):
        """(student, best {problem: (score, max)}, errors, canvas id) for everyone — seen in the
        batch or on the roster (0 if nothing of theirs came) — in order of student id, merged
        from the scratch file's sorted reads (UTF-8 byte order is code point order)."""
        scores = ((s, 0, (p, score, mx)) for s, p, score, mx in self.scratch.query(
            "SELECT student, problem, score, max_score FROM scores ORDER BY student, problem, score DESC, rowid"))
        errors = ((s, 1, n) for s, n in self.scratch.query(
            "SELECT student, COUNT(*) FROM errors GROUP BY student ORDER BY student"))
        canvas = ((s, 2, c) for s, c in self.scratch.query("SELECT student, canvas_id FROM canvas ORDER BY student, rowid"))
        roster = ((s, 3, None) for s in sorted(self.context.roster))
        for student, items in groupby(heapq.merge(scores, errors, canvas, roster, key=itemgetter(0)),
                                      key=itemgetter(0)):
            best: dict[str, tuple[float, float]] = {}
            errors_count, canvas_id = 0, self.context.canvas_ids.get(student)
            for _, kind, value in items:
                if kind == 0:
                    best.setdefault(value[0], (value[1], value[2]))
                elif kind == 1:
                    errors_count = value
                elif kind == 2 and canvas_id is None:
                    canvas_id = value
            yield student, best, errors_count, canvas_id

    def finish(self) -> dict[str, str]:
        problems = self.assignment_problems()
        possible = round(sum(p for _, p in problems), 6)
        title = self.context.assignment_title or self.context.assignment_id or "Batch"
        slug = self.context.assignment_id or "batch"
        names = {"totals": "totals.csv", "gradebook": "gradebook.csv", "canvas": "canvas.csv", "moodle": "moodle.csv"}
        handles = {key: open(self.dir / name, "w", newline="", encoding="utf-8") for key, name in names.items()}
        try:
            totals, plain, canvas, moodle = (cells.writer(handles[k]) for k in ("totals", "gradebook", "canvas", "moodle"))
            totals.writerow(["student_id", *[p for p, _ in problems], "total", "max_total", "errors"])
            plain.writerow(["student_id", "name", "email", "section", slug, "max_points"])
            canvas.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{title} ({slug})"])
            canvas.writerow(["Points Possible", "", "", "", "", points(possible)])
            moodle.writerow(["ID number", "Email address", "Full name", title])
            seen = 0
            for s, best, errors, canvas_id in self.by_student():
                seen += bool(best or errors)
                total = points(self.total(best))
                r = self.context.roster.get(s)
                name, email, section = (r.name or "", r.email or "", r.section or "") if r else ("", "", "")
                scores = [points(best[p][0] * self.scale(p, best[p][1])) if p in best else "" for p, _ in problems]
                totals.writerow([s, *scores, total, points(possible), errors])
                plain.writerow([s, name, email, section, total, points(possible)])
                canvas.writerow([name or s, canvas_id or "", s, email, section, total])
                moodle.writerow([s, email, name, total])
        finally:
            for handle in handles.values():
                handle.close()
        self.student_count = seen
        files = {"parts": "parts.csv", **names}

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
            with open(base / "index.csv", "w", newline="", encoding="utf-8") as handle:
                index = cells.writer(handle)
                index.writerow(["student_id", "folder"])
                index.writerows(sorted((student, folder) for folder, student in self.folders.items()))
        return files
