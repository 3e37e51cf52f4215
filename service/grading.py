"""Grade a submission and keep its `gradings` row: practice grading (POST /api/grade, the web
form) and the pieces course submissions share (service/courses/submissions.py: the quick-or-
threaded grading, the row insert, the stored answers). Batches (service/batch/), regrades and the
CLI's offline `grade` call the grader themselves: they keep their own records, or none."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import insert
from sqlalchemy.orm import Session

from graders.grade import grade
from graders.result import GradeResult
from graders.text_checks import MAX_LENGTH
from problems.core import Problem, Variant
from service.ops.observability import record_grading
from service.store.db import JSONText, writing
from service.store.models import Grading
from service.store.writer import Writer

# Ids in the order of the rows when the writer sends several in one statement.
INSERT_GRADING = insert(Grading.__table__).returning(Grading.__table__.c.id, sort_by_parameter_order=True)


def insert_grading(session: Session, values: dict[str, Any]) -> int:
    """One row of `gradings` by a plain INSERT … RETURNING id. Not `session.add`: the ORM's
    unit of work (flush, its bookkeeping) cost a fifth of a practice grading's CPU under load
    (py-spy, bench/RESULTS-http.md), for a row this request never reads back as an object."""
    # Values as parameters of one statement made once: `.values(...)` built a new statement
    # (its bind parameters, its cache key) on every call, most of what the INSERT cost.
    return session.execute(INSERT_GRADING, values).scalar_one()


# What is kept of an answer too long to be one (the language refuses text over MAX_LENGTH; a JSON
# value this long is no catalog answer either): its first characters, its length and its hash,
# never the megabyte itself — a practice POST of a 990,000-character answer kept all of it.
STORED_JSON_CHARS = 10_000
_practice_store = "summary"


def set_practice_store(mode: str) -> None:
    """HWCHECK_PRACTICE_STORE for this process: summary, full or none (service/settings.py)."""
    global _practice_store
    _practice_store = mode


def _summary(text: str, start: int) -> dict[str, Any]:
    digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
    return {"stored": "summary", "length": len(text),
            "sha256": digest, **({"start": text[:start]} if start else {})}


def stored_answers(answers: dict[str, Any], *, full: bool = True) -> dict[str, Any]:
    """Answers as they are stored: as sent, but an over-long one as its summary (`full`), or
    every one as its length and hash only (practice by default)."""
    kept = {}
    for part, raw in answers.items():
        text = raw if isinstance(raw, str) else json.dumps(raw)
        limit = MAX_LENGTH if isinstance(raw, str) else STORED_JSON_CHARS
        kept[part] = raw if full and len(text) <= limit else _summary(text, start=100 if full else 0)
    return kept


def practice_row(problem: Problem, variant: Variant, answers: dict[str, Any], result: GradeResult) -> dict[str, Any]:
    # The result as the text the student is sent, made once for both (GradeResult.as_json).
    return dict(problem_id=problem.id, variant=str(variant),
                answers=stored_answers(answers, full=_practice_store == "full"), result=JSONText(result.as_json),
                score=result.score, max_score=result.max_score)


def grade_and_store(session: Session, problem: Problem, variant: Variant, answers: dict[str, Any]) -> GradeResult:
    result = grade(problem, variant, answers)
    if _practice_store == "none":
        record_grading(problem.id, result)
        return result
    # The student sees a result only once it is committed: an acknowledged grading is never lost.
    with writing(session):
        insert_grading(session, practice_row(problem, variant, answers, result))
        session.commit()
    record_grading(problem.id, result)  # /metrics: hwcheck_gradings_total{problem,status}
    return result


# Expression answers of at most this many characters in all are graded on the event loop. The
# work of checking an expression grows with its length (every symbol is a small matrix, every
# operation bounded): the slowest adversarial answers of this length hold the loop no longer
# than the hostile numbers do (bench/loop_stall.py times both). Longer ones may take up to the
# part budget, so they go to a worker thread.
LOOP_EXPRESSION_CHARS = 120


def quick(problem: Problem, answers: Mapping[str, Any]) -> bool:
    """Whether grading these answers is sure to be short: numbers, vectors, matrices, sets and
    booleans grade in a fraction of a millisecond (bench/RESULTS-grading.md), hostile ones
    (power towers, minus chains, 2,000-character matrices, 200,000-entry JSON) in milliseconds,
    since their size is capped before they are read; expressions when they are short
    (LOOP_EXPRESSION_CHARS)."""
    typed = sum(len(raw) for part in problem.parts if part.kind == "expression"
                and isinstance(raw := answers.get(part.id), str))
    return typed <= LOOP_EXPRESSION_CHARS


async def grade_soon(problem: Problem, variant: Variant, answers: dict[str, Any]) -> GradeResult:
    """Grade from an async route: quick gradings on the event loop itself — handing them to a
    worker thread cost more than grading them (a tenth of a practice request's CPU, measured
    side by side) —, the rest in a worker thread (anyio's: see service/store/offload.py), so one long
    expression never stalls the other requests."""
    if quick(problem, answers):
        return grade(problem, variant, answers)
    return await run_in_threadpool(grade, problem, variant, answers)


async def grade_and_keep(writer: Writer, problem: Problem, variant: Variant, answers: dict[str, Any]) -> GradeResult:
    """`grade_and_store` for async routes: the row goes in by the group-committing writer
    (service/store/writer.py), and the result is returned once it is committed."""
    result = await grade_soon(problem, variant, answers)
    if _practice_store != "none":
        await writer.write(INSERT_GRADING, practice_row(problem, variant, answers, result))
    record_grading(problem.id, result)
    return result
