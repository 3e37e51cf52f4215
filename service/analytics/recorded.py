"""Analytics of an assignment's recorded submissions: the same figures as a batch's analytics.json
(service/analytics/figures.py, fed the same records), computed from what students submitted.

Which submission: per student and problem, the one that counts for the grade
(`progress.counted`): the best or the last attempt as the assignment says (`counts`), an
instructor's override included in "best"; submissions that used no attempt (every part invalid
or missing) and were not overridden are left out, as they are from the grade. Statuses, wrong
answers and the histogram are those of that submission's grading (before late penalty and
override), so they describe how the question was answered. A stored submission is never graded
again here (that is `regrade`): its stored per-part result is read, and only the normalized
wrong answer and the variant's reference (for the sharing check) are computed.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from problems import registry
from problems.core import stored_variant
from service.analytics.answers import part_records, reference_keys
from service.analytics.figures import Analytics
from service.courses import assignments, progress
from service.store.models import Course, Grading, Student


def _variant(text: str):
    """A stored variant (None for anything else: then no reference)."""
    try:
        return stored_variant(text)
    except ValueError:
        return None


def counted_records(session: Session, course: Course, slug: str,
                    only: str | None = None) -> Iterator[dict[str, Any]]:
    """One analytics record per student and problem of the assignment (its counted submission),
    problem by problem in the assignment's order (or `only` that problem), students in order of
    school id."""
    assignment = assignments.get_assignment(session, course, slug)
    for item in assignment.problems:
        problem = registry.PROBLEMS.get(item.problem_id)
        if problem is None or only not in (None, item.problem_id):
            continue
        rows = session.execute(
            select(Grading, Student.student_id).join(Student, Grading.student_pk == Student.id)
            .where(Grading.assignment_id == assignment.id, Grading.problem_id == item.problem_id)
            .order_by(Student.student_id, Grading.id)
        )
        for student_id, mine in groupby(rows, key=lambda row: row[1]):
            row = progress.counted([grading for grading, _ in mine], assignment.counts)
            if row is None:
                continue
            variant = _variant(row.variant)
            references = {} if variant is None else reference_keys(problem, variant)
            answers = row.answers if isinstance(row.answers, dict) else {}
            parts = [(p["id"], p["status"], p["score"], p["max_score"], p.get("feedback", ""))
                     for p in row.result.get("parts", [])]
            yield {"line": str(row.id), "student_id": student_id, "problem_id": item.problem_id,
                   "variant": row.variant, "score": row.score, "max_score": row.max_score, "error": None,
                   "parts": part_records(problem, references, answers, parts)}


def assignment_analytics(session: Session, course: Course, slug: str, only: str | None = None) -> Analytics:
    """The Analytics of the assignment's counted submissions; the caller closes it."""
    stats = Analytics()
    try:
        for record in counted_records(session, course, slug, only):
            stats.add(record)
    except BaseException:
        stats.close()
        raise
    return stats


def assignment_report(session: Session, course: Course, slug: str) -> dict[str, Any]:
    """{course_id, assignment, counts, submissions, problems, error_rows, sharing_flags}."""
    assignment = assignments.get_assignment(session, course, slug)
    stats = assignment_analytics(session, course, slug)
    try:
        return {"course_id": course.id, "assignment": assignment.slug, "counts": assignment.counts,
                "submissions": stats.records, **stats.report()}
    finally:
        stats.close()
