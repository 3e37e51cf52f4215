"""Instructor batch grading: a class's answers in, per-part rows, totals, gradebooks and
analytics out. The CLI (`hwcheck grade-batch`) and the API jobs (service/api/jobs.py) both
come here, so the two give the same results for the same input.

Memory stays flat in the number of rows: the input is read one row at a time (a generator),
rows go to the worker processes in chunks with at most `workers × 4` chunks in flight, each
chunk comes back as its piece of the outputs (service/batch/pieces.py: rendered and counted by
the worker), and each piece is written out and dropped at once. What must be remembered per row or per
student (best scores, error counts, Canvas ids, wrong answers, sharing candidates) goes to a
scratch SQLite file (service/store/scratch.py) that is deleted at the end; in memory stay only
counters bounded by the catalog (per problem and part).

A bad row (unknown problem or part, bad variant, unreadable JSON) becomes an error row in the
output; it never stops the run."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from problems.core import read_variant
from service.analytics.answers import part_records, reference_keys
from service.batch.pieces import Making, piece_of
from service.courses.variants import variant_rule
from service.ops.background import exit_when_gone
from service.store.scratch import Scratch

CHUNK = 128


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
            return variant_rule(self.randomized, self.course_id, self.course_secret, student_id, problem_id)
        return read_variant(given)


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


def warm_up() -> None:
    """Ready a grading process (a `hwcheck worker`, a batch's pool): the grader imported before
    the first chunk (which paid for it), and what was imported frozen out of the cyclic garbage
    collector's full passes (gc.freeze, as a pre-forking server does): each walked the catalog,
    NumPy and SymPy again, 3 % of a worker's time on numeric rows."""
    import gc

    import graders.grade  # noqa: F401
    import problems.registry  # noqa: F401

    gc.freeze()


def _pool_process(owner: int) -> None:
    exit_when_gone(owner)
    warm_up()


def grade_chunk(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [grade_row(row) for row in rows]


def grade_piece(rows: list[dict[str, Any]], making: Making) -> dict[str, Any]:
    """A chunk of rows -> its piece of the outputs (service/batch/pieces.py)."""
    return piece_of(grade_chunk(rows), making)


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def graded(rows: Iterable[dict[str, Any]], making: Making, workers: int = 1,
           chunk: int = CHUNK) -> Iterator[dict[str, Any]]:
    """The rows' pieces of the outputs, in input order. workers > 1: a process pool with a
    bounded window of chunks in flight (the input is never read ahead further than that)."""
    if workers <= 1:
        for part in _chunks(rows, chunk):
            yield grade_piece(part, making)
        return
    # forkserver: the API runs batches from a thread, and forking a threaded process is unsafe.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_pool_process,
                             initargs=(os.getpid(),)) as pool:
        pending: deque = deque()
        for part in _chunks(rows, chunk):
            pending.append(pool.submit(grade_piece, part, making))
            while len(pending) >= workers * 4:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


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
    """Grade every row of `source` and write the outputs into `out_dir` (service/exports/gradebooks.py)."""
    context = context or Context()
    making = Making(context.points, gradescope, analytics)
    pieces = graded(prepare(source, context), making, workers=workers, chunk=chunk)
    return write_outputs(pieces, out_dir, context, gradescope=gradescope, analytics=analytics, progress=progress)


def write_outputs(
    pieces: Iterable[dict[str, Any]],
    out_dir: Path,
    context: Context,
    *,
    gradescope: bool = False,
    analytics: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """The outputs of graded pieces (service/batch/pieces.py), in their order — a run's as it
    grades, or a queued job's read back chunk by chunk (service/batch/chunks.py): the same files
    for the same rows."""
    from service.analytics.figures import Analytics
    from service.exports.gradebooks import Outputs

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    with Scratch(out_dir) as scratch:
        outputs = Outputs(out_dir, context, scratch, gradescope=gradescope)
        stats = Analytics(scratch) if analytics else None
        try:
            for piece in pieces:
                outputs.add(piece["outputs"])
                if stats is not None:
                    stats.merge(piece["analytics"])
                summary.rows += piece["rows"]
                summary.errors += piece["errors"]
                if progress is not None:
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


def context_as_json(context: Context) -> dict[str, Any]:
    """The context as a job row keeps it, for workers on other machines."""
    return {**{k: v for k, v in vars(context).items() if k != "roster"},
            "roster": {student: vars(entry) for student, entry in context.roster.items()}}


def context_from_json(data: dict[str, Any]) -> Context:
    return Context(**{**data, "roster": {student: Roster(**entry) for student, entry in data["roster"].items()}})


def context_for(session=None, course=None, slug: str | None = None, templates=None,
                roster_file: Path | None = None) -> Context:
    """The context of a batch: the course's roster and secret (if a course), the assignment's
    problems and points (the course's own assignment of that slug, else the assignments file's)."""
    from service.courses.assignments import list_assignments
    from service.courses.roster import list_students

    context = Context(assignment_id=slug)
    if course is not None:
        context.course_id, context.course_secret = course.id, course.secret
        context.roster = {s.student_id: Roster(s.name, s.email, s.section)
                          for s in list_students(session, course)}
        if slug is not None:
            found = next((a for a in list_assignments(session, course) if a.slug == slug), None)
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

    from service.courses.roster import parse_roster_csv

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
