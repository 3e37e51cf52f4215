"""Batch grading jobs of the API: the upload is streamed to a file, a `batch_jobs` row records
the job, and a background thread runs service/batch/run.py on it (the grading itself in worker
processes) and writes the progress to the row. Outputs are files under
`<data_dir>/jobs/<job id>/out`. A job's record outlives the server. The process running a job
stamps its heartbeat every HEARTBEAT_SECONDS; a job whose heartbeat is older than STALE_SECONDS
(and that no thread of this process runs) lost its process and is reported `interrupted`, and
its partial files are removed — another worker or replica of a live server sees it running."""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.batch.inputs import read_rows
from service.batch.run import Context, run_batch
from service.courses.staff import Need, is_admin, may, role_in
from service.errors import closed, not_found
from service.store.models import BatchJob, Instructor, utc_now

_running: dict[str, threading.Thread] = {}
_lock = threading.Lock()

ACTIVE = ("queued", "running")
HEARTBEAT_SECONDS = 5.0
STALE_SECONDS = 30.0

# How many jobs grade at once in this process; the rest wait `queued` (16 jobs at once reached
# 35 processes and 3.1 GB). HWCHECK_MAX_BATCH_JOBS, set by create_app.
_slots = threading.BoundedSemaphore(2)


def set_max_running(jobs: int) -> None:
    global _slots
    _slots = threading.BoundedSemaphore(max(1, jobs))


def job_dir(data_dir: Path, job_id: str) -> Path:
    return Path(data_dir) / "jobs" / job_id


def new_job_id() -> str:
    return str(uuid.uuid4())


def workers_for(state: Any) -> int:
    """Grading processes for a job: a test's override on the app, else HWCHECK_BATCH_WORKERS,
    else one per core."""
    return getattr(state, "batch_workers", None) or state.settings.batch_workers or os.cpu_count() or 1


def start_job(
    make_session: sessionmaker[Session], data_dir: Path, job_id: str, input_path: Path, context: Context,
    *, workers: int, gradescope: bool = False, rows_total: int | None = None, course_id: int | None = None,
    created_by: int | None = None,
) -> BatchJob:
    with make_session() as session:
        job = BatchJob(id=job_id, status="queued", course_id=course_id, created_by=created_by,
                       assignment=context.assignment_id,
                       input_name=input_path.name, rows_total=rows_total, rows_done=0, errors=0)
        session.add(job)
        session.commit()
    thread = threading.Thread(
        target=_run, name=f"batch-{job_id}", daemon=True,
        args=(make_session, job_id, input_path, job_dir(data_dir, job_id) / "out", context, workers, gradescope),
    )
    with _lock:
        _running[job_id] = thread
    thread.start()
    return job


def update_job(make_session: sessionmaker[Session], job_id: str, **fields: Any) -> None:
    with make_session() as session:
        job = session.get(BatchJob, job_id)
        for name, value in fields.items():
            setattr(job, name, value)
        session.commit()


def _run(make_session, job_id: str, input_path: Path, out_dir: Path, context: Context, workers: int,
         gradescope: bool) -> None:
    slots = _slots
    beating = threading.Event()
    threading.Thread(target=heartbeat, args=(make_session, job_id, beating), daemon=True,
                     name=f"batch-{job_id}-heartbeat").start()
    slots.acquire()  # queued until a slot is free
    try:
        update_job(make_session, job_id, status="running")
        summary = run_batch(read_rows(input_path), out_dir, context, workers=workers, gradescope=gradescope,
                            progress=lambda done: update_job(make_session, job_id, rows_done=done))
        update_job(make_session, job_id, status="done", rows_done=summary.rows, errors=summary.errors,
                summary=summary.to_dict(), finished_at=utc_now())
    except Exception as error:  # the job's record says what went wrong; the server carries on
        update_job(make_session, job_id, status="failed", message=f"{type(error).__name__}: {error}"[:2000],
                finished_at=utc_now())
    finally:
        beating.set()
        slots.release()
        with _lock:
            _running.pop(job_id, None)


def heartbeat(make_session, job_id: str, done: threading.Event) -> None:
    """Stamp the job's heartbeat every HEARTBEAT_SECONDS until `done` (the process working on it lives)."""
    while True:
        try:
            update_job(make_session, job_id, heartbeat_at=utc_now())
        except Exception:  # noqa: BLE001 — a missed beat is retried; STALE_SECONDS allows several
            pass
        if done.wait(HEARTBEAT_SECONDS):
            return


def refreshed(session: Session, job: BatchJob, data_dir: Path) -> BatchJob:
    """The job, marked `interrupted` if it is active, no thread here runs it, and its heartbeat
    has stopped (its process died: a restart, kill -9, a crashed replica)."""
    with _lock:
        alive = job.id in _running
    if job.queued and (job.status != "queued" or job.kind == "regrade"):
        return job  # its work is in the database or on the queue: workers (and assemblers) carry it on
    if job.status in ACTIVE and not alive:
        session.refresh(job)  # it may have finished, or beaten, a moment ago
        beat = job.heartbeat_at or job.created_at
        if job.status in ACTIVE and utc_now() - beat > timedelta(seconds=STALE_SECONDS):
            job.status = "interrupted"
            job.message = "the server stopped while this job ran; its partial files are removed: upload the file again"
            job.finished_at = utc_now()
            session.commit()
            shutil.rmtree(job_dir(data_dir, job.id), ignore_errors=True)
    return job


def may_see(session: Session, instructor: Instructor, job: BatchJob) -> bool:
    """A job is its creator's and, when it names a course, that course's staff's (and a site
    admin's). Jobs older than staff roles have no creator: their course's staff, or admins."""
    if is_admin(instructor) or (job.created_by is not None and job.created_by == instructor.id):
        return True
    return job.course_id is not None and may(role_in(session, instructor, job.course_id), Need.VIEW)


def get_job(session: Session, instructor: Instructor, job_id: str, data_dir: Path) -> BatchJob:
    """The job, if this instructor may see it; to anyone else it does not exist."""
    job = session.get(BatchJob, job_id)
    if job is None or not may_see(session, instructor, job):
        raise not_found(f"there is no batch job {job_id[:40]!r}")
    return refreshed(session, job, data_dir)


def job_to_change(session: Session, instructor: Instructor, job_id: str, data_dir: Path) -> BatchJob:
    """The job, to cancel or retry: its creator's, a site admin's, or a role that grades its course."""
    job = get_job(session, instructor, job_id, data_dir)
    if is_admin(instructor) or (job.created_by is not None and job.created_by == instructor.id):
        return job
    if job.course_id is None or not may(role_in(session, instructor, job.course_id), Need.GRADE):
        raise closed("cancelling or retrying a batch job needs a role that grades its course")
    return job


def list_jobs(session: Session, instructor: Instructor, data_dir: Path) -> list[BatchJob]:
    jobs = session.scalars(select(BatchJob).order_by(BatchJob.created_at))
    return [refreshed(session, j, data_dir) for j in jobs if may_see(session, instructor, j)]


def wait(job_id: str, timeout: float | None = None) -> None:
    """Block until this process's thread for the job is done (tests use it; a job run by
    another worker or replica has no thread here, and this returns at once)."""
    with _lock:
        thread = _running.get(job_id)
    if thread is not None:
        thread.join(timeout)
