"""Regrade an assignment's stored submissions after a tolerance change or a solver fix.

Each submission is graded again on its own stored variant and answers. When the result differs,
the old one is kept as a `GradingRevision` (same run id for the whole regrade) and the row gets
the new result, score and final score (its late penalty applied again; an instructor's override
stays and still counts). The report lists every score that changed, part by part.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from graders.grade import grade
from problems import registry
from problems.core import stored_variant
from service.courses import assignments
from service.store.models import Course, Grading, GradingRevision


def regrade_assignment(session: Session, course: Course, slug: str, *, dry_run: bool = False) -> dict[str, Any]:
    assignment = assignments.get_assignment(session, course, slug)
    rows = session.scalars(
        select(Grading).where(Grading.assignment_id == assignment.id).order_by(Grading.id)
        .options(selectinload(Grading.student))
    )
    run = str(uuid.uuid4())
    changes, regraded, revised = [], 0, 0
    for row in rows:
        problem = registry.PROBLEMS.get(row.problem_id)
        if problem is None:
            continue
        result = grade(problem, stored_variant(row.variant), row.answers)
        regraded += 1
        new = result.to_dict()
        if new == row.result and result.score == row.score:
            continue
        old_parts = {p["id"]: p for p in row.result.get("parts", [])}
        changed_parts = [
            {"id": p.id, "old_status": old_parts.get(p.id, {}).get("status"), "new_status": p.status,
             "old_score": old_parts.get(p.id, {}).get("score"), "new_score": p.score}
            for p in result.parts
            if old_parts.get(p.id, {}).get("status") != p.status or old_parts.get(p.id, {}).get("score") != p.score
        ]
        if result.score != row.score:
            changes.append({
                "submission_id": row.id, "student_id": row.student.student_id if row.student else None,
                "problem_id": row.problem_id, "variant": row.variant, "attempt": row.attempt,
                "old_score": row.score, "new_score": result.score, "max_score": result.max_score,
                "parts": changed_parts,
            })
        if dry_run:
            continue
        revised += 1
        session.add(GradingRevision(grading_id=row.id, run=run, result=row.result, score=row.score,
                                    final_score=row.final_score, new_score=result.score))
        row.result, row.score = new, result.score
        if row.final_score is not None:
            row.final_score = round(result.score * (1.0 - (row.penalty or 0.0)), 6)
    if not dry_run:
        session.commit()
    return {"run": None if dry_run else run, "course_id": course.id, "assignment": slug, "regraded": regraded,
            "revised": revised, "dry_run": dry_run, "changes": changes}
