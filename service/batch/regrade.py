"""Regrade an assignment's stored submissions after a tolerance change or a solver fix.

Each submission is graded again on its own stored variant and answers. When the result differs,
the old one is kept as a `GradingRevision` (same run id for the whole regrade) and the row gets
the new result, score and final score (its late penalty applied again; an instructor's override
stays and still counts). The report lists every score that changed, part by part.

With the job queue (HWCHECK_REDIS_URL), an API regrade is a job a worker runs: the server records
it (`batch_jobs`, kind `regrade`) and enqueues it; the worker commits the new results and the
job's report in one transaction, so a worker killed midway leaves nothing, and the job runs again
on another worker — once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from graders.grade import grade
from problems import registry
from problems.core import stored_variant
from service.courses import assignments
from service.store.models import BatchJob, Course, Grading, GradingRevision, utc_now


def regrade_assignment(session: Session, course: Course, slug: str, *, dry_run: bool = False,
                       commit: bool = True) -> dict[str, Any]:
    """The report; the new results committed unless `dry_run` (or `commit` is False: the caller
    commits them with what else must go in the same transaction)."""
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
    if commit and not dry_run:
        session.commit()
    return {"run": None if dry_run else run, "course_id": course.id, "assignment": slug, "regraded": regraded,
            "revised": revised, "dry_run": dry_run, "changes": changes}


def queue_regrade(session: Session, send: Callable[[str], None], course: Course, slug: str, *, dry_run: bool,
                  created_by: int | None) -> BatchJob:
    """Record a regrade job and `send` its id to the queue (its report, when done, is the job's summary)."""
    assignment = assignments.get_assignment(session, course, slug)  # a 404 now, not a failed job later
    submissions = session.scalar(select(func.count()).select_from(Grading)
                                 .where(Grading.assignment_id == assignment.id))
    job = BatchJob(id=str(uuid.uuid4()), kind="regrade", status="queued", queued=True, course_id=course.id,
                   created_by=created_by, assignment=slug, input_name=f"regrade of {slug}"[:200],
                   rows_total=submissions, rows_done=0, errors=0, context={"dry_run": dry_run})
    session.add(job)
    session.commit()
    send(job.id)
    return job


def run_queued_regrade(make_session: sessionmaker[Session], job_id: str) -> None:
    """A worker's side: regrade and mark the job done in one transaction — unless it is no longer
    wanted (cancelled, or done by a worker before this one: a redelivered message)."""
    with make_session() as session:
        started = session.execute(update(BatchJob).where(BatchJob.id == job_id, BatchJob.status.in_(("queued", "running")))
                                  .values(status="running"))
        session.commit()
        if started.rowcount != 1:
            return
        job = session.get(BatchJob, job_id)
        try:
            course = session.get(Course, job.course_id)
            if course is None:
                raise LookupError("the course no longer exists")
            report = regrade_assignment(session, course, job.assignment,
                                        dry_run=bool((job.context or {}).get("dry_run")), commit=False)
        except Exception as error:  # the job says what went wrong; nothing of the regrade is stored
            session.rollback()
            refusal = getattr(error, "detail", None) or (str(error) if isinstance(error, LookupError) else None)
            failed = dict(status="failed", message=(refusal or f"{type(error).__name__}: {error}")[:2000],
                          finished_at=utc_now())
            session.execute(update(BatchJob).where(BatchJob.id == job_id, BatchJob.status == "running").values(**failed))
            session.commit()
            return
        finished = session.execute(update(BatchJob).where(BatchJob.id == job_id, BatchJob.status == "running").values(
            status="done", summary=report, rows_done=report["regraded"], finished_at=utc_now()))
        if finished.rowcount == 1:
            session.commit()
        else:  # cancelled meanwhile, or another worker finished first: this one's work is not kept
            session.rollback()


def retry_regrade(session: Session, send: Callable[[str], None], job: BatchJob) -> None:
    """A cancelled or failed regrade job, run again (nothing of it was stored)."""
    job.status, job.message, job.finished_at = "queued", None, None
    session.commit()
    send(job.id)
