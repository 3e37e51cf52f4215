"""Instructor batch grading: a class's answers in, per-part rows, totals, gradebooks and
analytics out. The CLI (`hwcheck grade-batch`) and the API jobs (service/routes/batch.py) both
come here, so the two give the same results for the same input.

Memory stays flat in the number of rows: the input is read one row at a time (a generator),
rows go to the worker processes in chunks with at most `workers × 4` chunks in flight, and
each graded row is written out and dropped at once. What must be remembered per row or per
student (best scores, error counts, Canvas ids, wrong answers, sharing candidates) goes to a
scratch SQLite file (service/spill.py) that is deleted at the end; in memory stay only
counters bounded by the catalog (per problem and part).

A bad row (unknown problem or part, bad variant, unreadable JSON) becomes an error row in the
output; it never stops the run.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from problems.core import MAX_SEED
from service.spill import Scratch, clean

RESERVED = ("student_id", "problem_id", "variant", "canvas_id")
CHUNK = 128


# --- reading the input, one row at a time -------------------------------------------------------


def _cell(text: str) -> Any:
    """A CSV cell: empty is missing; a JSON object or list is taken as JSON, anything else as
    the text a student typed (the grader reads `[1 2; 3 4]`, `1/4`, `true`…)."""
    text = text.strip()
    if not text:
        return None
    if text[0] in "{[":
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            pass
    return text


def read_csv(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a CSV; a row's `line` is its line number (the header is line 1). A line the csv
    module cannot read (a NUL byte, an over-long field) is an error row; bytes that are not
    UTF-8 become U+FFFD, which the grader then calls unreadable."""
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader, [])]
        except csv.Error as error:
            header = []
            yield {"line": "1", "error": f"the header row cannot be read: {error}"}
            return
        if "student_id" not in header or "problem_id" not in header:
            yield {"line": "1", "error": "the CSV needs a header row with student_id, problem_id "
                   "[, variant] and then one column per part"}
            return
        # A class's CSV has a column for every part of every problem, mostly empty on a row:
        # only the non-empty cells are looked at.
        parts = [(i, name) for i, name in enumerate(header) if name not in RESERVED]
        student, problem = header.index("student_id"), header.index("problem_id")
        variant = header.index("variant") if "variant" in header else None
        canvas = header.index("canvas_id") if "canvas_id" in header else None
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield {"line": str(reader.line_num), "error": f"this line cannot be read as CSV: {error}"}
                continue
            number = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                yield {"line": str(number), "student_id": cells[0] if cells else "",
                       "error": f"row has {len(cells)} cells, the header has {len(header)}"}
                continue
            answers = {}
            for i, name in parts:
                if cells[i] and (value := _cell(cells[i])) is not None:
                    answers[name] = value
            yield {"line": str(number), "student_id": cells[student].strip(), "problem_id": cells[problem].strip(),
                   "variant": (cells[variant].strip() or None) if variant is not None else None,
                   "canvas_id": (cells[canvas].strip() or None) if canvas is not None else None, "answers": answers}


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    if isinstance(value, dict):
        return {clean(k): _cleaned(v) for k, v in value.items()}
    return value


def _loads(text: str) -> Any:
    """JSON, with lone surrogates (`"\\ud800"`, which no UTF-8 file or SQLite text can hold) made
    U+FFFD; the deep walk runs only when the text has such an escape."""
    value = json.loads(text)
    return _cleaned(value) if "\\ud" in text.lower() else value


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            where = str(number)
            try:
                item = _loads(text)
            except json.JSONDecodeError as error:
                yield {"line": where, "error": f"not JSON: {error}"}
                continue
            if not isinstance(item, dict):
                yield {"line": where, "error": "each line must be a JSON object"}
                continue
            yield {"line": where, "student_id": str(item.get("student_id") or ""),
                   "problem_id": str(item.get("problem_id") or ""), "variant": item.get("variant"),
                   "canvas_id": item.get("canvas_id"), "answers": item.get("answers")}


def submission_rows(payload: Any, student_id: str, where: str) -> Iterator[dict[str, Any]]:
    """One student's answers to several problems -> one row per problem. The layout is
    `{"problem-id": {"part": value}}`, optionally inside `{"student_id", "variant", "answers"}`
    (a problem's entry may also be `{"variant": …, "answers": {…}}`)."""
    if not isinstance(payload, dict):
        yield {"line": where, "student_id": student_id, "error": "the file must hold a JSON object"}
        return
    if isinstance(payload.get("answers"), dict):
        student_id = str(payload.get("student_id") or student_id)
        variant, problems = payload.get("variant"), payload["answers"]
    else:
        variant, problems = None, payload
    for problem_id, entry in problems.items():
        row_variant = variant
        if isinstance(entry, dict) and isinstance(entry.get("answers"), dict):
            row_variant, entry = entry.get("variant", variant), entry["answers"]
        yield {"line": f"{where}#{problem_id}", "student_id": student_id, "problem_id": problem_id,
               "variant": row_variant, "answers": entry}


def read_folder(path: Path) -> Iterator[dict[str, Any]]:
    for file in sorted(path.glob("*.json")):
        try:
            payload = _loads(file.read_text(encoding="utf-8-sig"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            yield {"line": file.name, "student_id": file.stem, "error": f"not JSON: {error}"}
            continue
        yield from submission_rows(payload, file.stem, file.name)


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    """CSV, JSON Lines (.jsonl/.ndjson) or a folder of per-student JSON files."""
    path = Path(path)
    if path.is_dir():
        return read_folder(path)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return read_jsonl(path)
    return read_csv(path)


# --- which variant a row is graded on -----------------------------------------------------------


@dataclass(frozen=True)
class Roster:
    name: str | None = None
    email: str | None = None
    section: str | None = None


@dataclass
class Context:
    """What a batch is graded against. With a course: each student on its roster gets the
    course's own (HMAC) variant when the assignment is randomized, `default` when it is not,
    whatever the row says; a student not on the roster, or no course, takes the row's variant
    (or `default`)."""

    course_id: int | None = None
    course_secret: str | None = None
    randomized: bool = True
    roster: dict[str, Roster] = field(default_factory=dict)
    assignment_id: str | None = None  # the slug
    assignment_title: str | None = None
    points: dict[str, float] = field(default_factory=dict)  # problem -> points in the assignment
    canvas_ids: dict[str, str] = field(default_factory=dict)  # student -> Canvas user id (--roster file)

    def variant_for(self, student_id: str, problem_id: str, given: Any) -> Any:
        if self.course_secret is not None and student_id in self.roster:
            if not self.randomized:
                return "default"
            from types import SimpleNamespace

            from service.coursework import course_variant

            # course_variant reads only the course's id and secret and the student's school id.
            course = SimpleNamespace(id=self.course_id, secret=self.course_secret)
            return course_variant(course, SimpleNamespace(student_id=student_id), problem_id)
        if given is None or given == "" or given == "default":
            return "default"
        if isinstance(given, bool):
            raise ValueError(f"variant must be 'default' or a seed from 0 to {MAX_SEED}")
        if isinstance(given, int) or (isinstance(given, str) and given.isdigit()):
            seed = int(given)
            if 0 <= seed <= MAX_SEED:
                return seed
        raise ValueError(f"variant must be 'default' or a seed from 0 to {MAX_SEED}, got {str(given)[:40]!r}")


def canvas_user_id(value: Any) -> str | None:
    """Canvas's numeric user id as text ('' and None: not given), or None if it is not one."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**15:
        return str(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) <= 15:
        return value.strip()
    return None


def prepare(rows: Iterable[dict[str, Any]], context: Context) -> Iterator[dict[str, Any]]:
    """Rows -> rows with their variant chosen, or with the error that makes them an error row."""
    for row in rows:
        if row.get("error"):
            yield row
            continue
        if not row.get("student_id"):
            yield {**row, "error": "no student_id"}
            continue
        if not row.get("problem_id"):
            yield {**row, "error": "no problem_id"}
            continue
        if row.get("canvas_id") is not None:
            canvas_id = canvas_user_id(row["canvas_id"])
            if canvas_id is None:
                yield {**row, "canvas_id": None,
                       "error": f"canvas_id must be Canvas's numeric user id, got {str(row['canvas_id'])[:40]!r}"}
                continue
            row["canvas_id"] = canvas_id
        try:
            row["variant"] = context.variant_for(row["student_id"], row["problem_id"], row.get("variant"))
        except ValueError as error:
            yield {**row, "error": str(error)}
            continue
        yield row


# --- grading: in a worker process --------------------------------------------------------------


def _key(value: Any) -> str:
    """A number or array to 3 significant figures: equal keys are the 'same answer'."""
    import numpy as np

    array = np.atleast_1d(np.asarray(value, dtype=float))
    text = ", ".join(f"{x:.3g}" for x in array.ravel())
    if array.ndim == 2:
        return f"{array.shape[0]}x{array.shape[1]}[{text}]"
    return f"[{text}]" if np.ndim(value) else text


def normalized(raw: Any, kind: str = "number") -> str:
    """A submitted answer as analytics counts it: numbers and arrays read and rounded to 3
    significant figures (so `1/4`, `0.25` and `0.250` are one answer), other text — and every
    answer to an expression part — collapsed. Typed text is cached: a class repeats its wrong
    answers, and reading one again costs a parse."""
    if kind == "expression":
        return _collapsed(raw)
    if isinstance(raw, str) and len(raw) <= 200:  # a bounded cache: 8192 short texts at most
        return _normalized_text(raw)
    return _normalized(raw)


def _collapsed(raw: Any) -> str:
    text = raw if isinstance(raw, str) else json.dumps(raw, sort_keys=True)
    return " ".join(text.split())[:200]


def _normalized(raw: Any) -> str:
    from graders.errors import AnswerError
    from graders.read import read_value

    try:
        return _key(read_value(raw))
    except (AnswerError, ValueError, TypeError, RecursionError):
        return _collapsed(raw)


_normalized_text = lru_cache(maxsize=8192)(_normalized)


@lru_cache(maxsize=4096)
def reference_keys(problem, variant: Any) -> dict[str, str]:
    """The reference of each number, vector and matrix part of a variant as a `_key` (what
    the sharing check compares wrong answers with); cached like the solution itself."""
    from problems.core import reference

    references = reference(problem, variant)
    return {p.id: _key(references[p.id]) for p in problem.parts
            if p.kind in ("number", "vector", "matrix") and p.id in references}


def as_given(raw: Any) -> str:
    """An answer as it came, on one line: text as typed, anything else as compact JSON."""
    if raw is None:
        return ""
    return raw if isinstance(raw, str) else json.dumps(raw, separators=(",", ":"))


def grade_row(row: dict[str, Any]) -> dict[str, Any]:
    """One row -> its graded record (never raises: a failure is an error record)."""
    import numpy as np

    from graders.grade import UnknownParts, grade
    from problems.registry import PROBLEMS

    out = {"line": row.get("line", ""), "student_id": row.get("student_id", ""),
           "problem_id": row.get("problem_id", ""), "variant": row.get("variant"),
           "score": 0.0, "max_score": 0.0, "parts": [], "error": row.get("error"), "canvas_id": row.get("canvas_id")}
    if out["error"]:
        return out
    problem = PROBLEMS.get(out["problem_id"])
    if problem is None:
        out["error"] = f"no problem {out['problem_id'][:100]!r}"
        return out
    answers = row.get("answers")
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        out["error"] = "answers must be an object of part -> value"
        return out
    try:
        # A wrong upstream answer carried forward may take a log of a negative: that is the
        # student's number, judged as such, not a warning for the instructor's terminal.
        with np.errstate(all="ignore"):
            result = grade(problem, row["variant"], answers)
        references = reference_keys(problem, row["variant"])
    except UnknownParts as error:
        out["error"] = str(error)
        return out
    except Exception as error:  # a solver or grader bug must not stop a class's batch
        out["error"] = f"could not grade: {type(error).__name__}: {error}"[:500]
        return out
    out["score"], out["max_score"] = result.score, result.max_score
    out["parts"] = part_records(problem, references, answers, [
        (part.id, part.status, part.score, part.max_score, part.feedback) for part in result.parts])
    return out


def part_records(problem, references: dict[str, str], answers: dict[str, Any],
                 parts: Iterable[tuple[str, str, float, float, str]]) -> list[dict[str, Any]]:
    """Graded parts (id, status, score, max_score, feedback) -> the records outputs and analytics
    read: with the answer as given, and for analytics the wrong answer normalized and the
    reference's key (`reference_keys`). Stored submissions come here too."""
    records = []
    for part_id, status, score, max_score, feedback in parts:
        raw = answers.get(part_id)
        record = {"id": part_id, "status": status, "score": score, "max_score": max_score,
                  "feedback": feedback, "answer": as_given(raw), "normalized": None,
                  "reference": references.get(part_id)}
        if status in ("incorrect", "partial"):  # what analytics counts and compares
            kind = next((p.kind for p in problem.parts if p.id == part_id), "number")  # a stored part may be gone
            record["normalized"] = normalized(raw, kind)
        records.append(record)
    return records


def grade_chunk(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [grade_row(row) for row in rows]


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def graded(rows: Iterable[dict[str, Any]], workers: int = 1, chunk: int = CHUNK) -> Iterator[dict[str, Any]]:
    """Graded records in input order. workers > 1: a process pool with a bounded window of
    chunks in flight (the input is never read ahead further than that)."""
    if workers <= 1:
        for row in rows:
            yield grade_row(row)
        return
    # forkserver: the API runs batches from a thread, and forking a threaded process is unsafe.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending: deque = deque()
        for part in _chunks(rows, chunk):
            pending.append(pool.submit(grade_chunk, part))
            while len(pending) >= workers * 4:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


# --- the whole run -------------------------------------------------------------------------------


@dataclass
class Summary:
    rows: int = 0
    errors: int = 0
    students: int = 0
    files: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "errors": self.errors, "students": self.students, "files": self.files}


def run_batch(
    source: Iterable[dict[str, Any]],
    out_dir: Path,
    context: Context | None = None,
    *,
    workers: int = 1,
    chunk: int = CHUNK,
    gradescope: bool = False,
    analytics: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Grade every row of `source` and write the outputs into `out_dir` (service/exports.py)."""
    from service.analytics import Analytics
    from service.exports import Outputs

    context = context or Context()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    with Scratch(out_dir) as scratch:
        outputs = Outputs(out_dir, context, scratch, gradescope=gradescope)
        stats = Analytics(scratch) if analytics else None
        try:
            for record in graded(prepare(source, context), workers=workers, chunk=chunk):
                outputs.add(record)
                if stats is not None:
                    stats.add(record)
                summary.rows += 1
                summary.errors += bool(record["error"])
                if progress is not None and summary.rows % chunk == 0:
                    progress(summary.rows)
        finally:
            outputs.close()
        summary.files.update(outputs.finish())
        if stats is not None:
            summary.files.update(stats.write(out_dir))
    summary.students = outputs.student_count
    if progress is not None:
        progress(summary.rows)
    (out_dir / "summary.json").write_text(json.dumps(summary.to_dict(), indent=2))
    return summary


# --- contexts: a course, an assignment -------------------------------------------------------------


def context_for(session=None, course=None, slug: str | None = None, templates=None,
                roster_file: Path | None = None) -> Context:
    """The context of a batch: the course's roster and secret (if a course), the assignment's
    problems and points (the course's own assignment of that slug, else the assignments file's)."""
    from service import coursework

    context = Context(assignment_id=slug)
    if course is not None:
        context.course_id, context.course_secret = course.id, course.secret
        context.roster = {s.student_id: Roster(s.name, s.email, s.section)
                          for s in coursework.list_students(session, course)}
        if slug is not None:
            found = next((a for a in coursework.list_assignments(session, course) if a.slug == slug), None)
            if found is not None:
                context.randomized = found.randomized
                context.assignment_title = found.title
                context.points = {p.problem_id: p.points for p in found.problems}
                if roster_file is not None:  # the course roster has no Canvas ids; a file may
                    context.canvas_ids = read_roster(roster_file)[1]
                return context
    if roster_file is not None:
        roster, context.canvas_ids = read_roster(roster_file)
        context.roster.update(roster)
    if slug is not None:
        template = (templates or {}).get(slug)
        if template is None:
            raise ValueError(f"there is no assignment {slug!r} (in the course or the assignments file)")
        context.assignment_title = template.title
        context.points = {p.problem_id: p.points for p in template.problems}
    return context


def read_roster(path: Path) -> tuple[dict[str, Roster], dict[str, str]]:
    """A roster CSV (student_id, name[, email][, section][, canvas_id]) for names, emails and
    Canvas user ids in gradebooks: (student -> Roster, student -> Canvas id)."""
    from fastapi import HTTPException

    from service.coursework import parse_roster_csv

    text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    try:
        entries = parse_roster_csv(text)
    except HTTPException as error:
        raise ValueError(str(error.detail)) from None
    canvas_ids = {}
    reader = csv.DictReader(io.StringIO(text))
    reader.fieldnames = [(h or "").strip().lower() for h in reader.fieldnames or []]
    if "canvas_id" in reader.fieldnames:
        for line, row in enumerate(reader, start=2):
            given, student = (row.get("canvas_id") or "").strip(), (row.get("student_id") or "").strip()
            if not given or not student:
                continue
            if canvas_user_id(given) is None:
                raise ValueError(f"roster line {line}: canvas_id must be Canvas's numeric user id, got {given[:40]!r}")
            canvas_ids[student] = given
    return {e.student_id: Roster(e.name, e.email, e.section) for e in entries}, canvas_ids
