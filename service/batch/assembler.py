"""The API server's side of queued batch jobs (service/batch/queue.py): start one — split the
upload into chunks, send them — and, in a background thread, finish those whose chunks are all
graded: read their pieces back in order and write the same outputs an embedded job writes.

Every server process runs an assembler; a job is claimed by one as soon as its chunks are sent,
and written chunk by chunk in input order while the workers grade the rest — by a process of its
own, started for the job (forkserver), so the writing neither holds the server's GIL while it
answers requests nor adds to its memory; it ends with the server. A claim whose heartbeat
stopped (its server died) is taken over and the outputs written again from the start. A chunk
not graded long after it was sent (its message lost: Redis restarted without its data) is sent
again."""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import threading
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from service.batch import chunks
from service.batch.jobs import STALE_SECONDS, heartbeat, job_dir, update_job
from service.batch.regrade import retry_regrade
from service.batch.run import Context, context_as_json, context_from_json, write_outputs
from service.batch.tasks import worker_name
from service.ops.background import Poller
from service.store.models import BatchChunk, BatchJob, utc_now

if TYPE_CHECKING:  # the queue itself (Dramatiq, redis) is imported only where batches are queued
    from service.batch.queue import Queue

log = logging.getLogger("hwcheck.batch")

POLL_SECONDS = 0.5
WRITERS = multiprocessing.get_context("forkserver")  # safe from a threaded server, unlike fork
RESEND_SECONDS = 600  # a chunk sent this long ago and not graded is sent again


def start_queued_job(make_session: sessionmaker[Session], queue: Queue, job_id: str, input_path: Path,
                     context: Context, *, chunk_rows: int, gradescope: bool, rows_total: int | None,
                     course_id: int | None, created_by: int | None) -> BatchJob:
    with make_session() as session:
        job = BatchJob(id=job_id, status="queued", queued=True, course_id=course_id, created_by=created_by,
                       assignment=context.assignment_id, input_name=input_path.name, rows_total=rows_total,
                       rows_done=0, errors=0, context=context_as_json(context), gradescope=gradescope,
                       heartbeat_at=utc_now())
        session.add(job)
        session.commit()
    threading.Thread(target=_split_and_send, name=f"batch-{job_id}-split", daemon=True,
                     args=(make_session, queue, job_id, input_path, context, chunk_rows)).start()
    return job


def _split_and_send(make_session, queue: Queue, job_id: str, input_path: Path, context: Context,
                    chunk_rows: int) -> None:
    try:
        def sent(numbers: list[int]) -> None:
            queue.send(job_id, numbers)
            update_job(make_session, job_id, heartbeat_at=utc_now())  # the reading lives (a dead one: `interrupted`, jobs.refreshed)

        total = chunks.split_job(make_session, job_id, input_path, context, chunk_rows, committed=sent)
        with make_session() as session:
            session.execute(update(BatchJob).where(BatchJob.id == job_id, BatchJob.status == "queued")
                            .values(chunks_total=total, status="running", heartbeat_at=utc_now()))
            session.commit()
    except Exception as error:  # the job says what went wrong; the server carries on
        log.exception("batch job %s could not be queued", job_id)
        with make_session() as session:
            job = session.get(BatchJob, job_id)
            job.status, job.message, job.finished_at = "failed", f"{type(error).__name__}: {error}"[:2000], utc_now()
            session.commit()


class Assembler(Poller):
    """app.state.assembler, when batches are queued: claims running jobs and writes each one's
    outputs (a thread per job, at most `max_jobs` at once) while their chunks are graded."""

    name = "hwcheck-batch-assembler"

    def __init__(self, make_session: sessionmaker[Session], data_dir: Path, queue: Queue, database_url: str,
                 max_jobs: int = 2):
        super().__init__()
        self._make_session, self._data_dir, self.queue = make_session, Path(data_dir), queue
        self._database_url = database_url
        self._slots = threading.BoundedSemaphore(max(1, max_jobs))
        self._name = worker_name()

    def start(self) -> None:
        """Start the forkserver the output writers fork from, the writing code imported in it: at
        boot, once — a job's writer then starts at once instead of importing for a second."""
        from multiprocessing import forkserver

        # service.store.db too: the writer opens its own engine, and db's import (alembic's with
        # it) was a third of a second of each job's writer.
        WRITERS.set_forkserver_preload(["service.batch.assembler", "service.store.db"])
        forkserver.ensure_running()
        super().start()

    def interval(self) -> float:
        return POLL_SECONDS

    def round(self) -> None:
        """Claim what nobody is writing (or whose writer stopped beating); send again what seems lost."""
        now = utc_now()
        with self._make_session() as session:
            unclaimed = list(session.scalars(select(BatchJob.id).where(self._claimable(now))))
            lost = session.execute(select(BatchChunk.job_id, BatchChunk.number).join(
                BatchJob, BatchJob.id == BatchChunk.job_id).where(
                BatchJob.status == "running", BatchChunk.done_at.is_(None),
                BatchChunk.enqueued_at < now - timedelta(seconds=RESEND_SECONDS))).all()
            for job_id, number in lost:
                session.execute(update(BatchChunk).where(BatchChunk.job_id == job_id, BatchChunk.number == number)
                                .values(enqueued_at=now))
            session.commit()
        for job_id, number in lost:
            self.queue.send(job_id, [number])
        for job_id in unclaimed:
            if not self._slots.acquire(blocking=False):
                break
            if self._claim(job_id):
                threading.Thread(target=self._assemble_in_slot, args=(job_id,), daemon=True,
                                 name=f"batch-{job_id}-assemble").start()
            else:
                self._slots.release()

    @staticmethod
    def _claimable(now):
        stale = now - timedelta(seconds=STALE_SECONDS)
        return ((BatchJob.queued.is_(True)) & (BatchJob.status == "running") & BatchJob.chunks_total.is_not(None)
                & (BatchJob.assembler.is_(None) | (BatchJob.heartbeat_at < stale)))

    def _claim(self, job_id: str) -> bool:
        now = utc_now()
        with self._make_session() as session:
            claimed = session.execute(update(BatchJob).where(BatchJob.id == job_id, self._claimable(now))
                                      .values(assembler=self._name, heartbeat_at=now))
            session.commit()
            return claimed.rowcount == 1

    def _assemble_in_slot(self, job_id: str) -> None:
        try:
            writer = WRITERS.Process(
                target=assemble_apart, name=f"hwcheck-batch-{job_id}",
                args=(self._database_url, str(self._data_dir), job_id, self._name, os.getpid()))
            writer.start()
            writer.join()
            if writer.exitcode:  # killed (out of memory?): the claim goes stale and is taken over
                log.error("the output writer of batch job %s ended with %s", job_id, writer.exitcode)
        finally:
            self._slots.release()


def assemble_apart(database_url: str, data_dir: str, job_id: str, name: str, owner: int) -> None:
    """The job's output writer, in a process of its own (it ends if the server `owner` does)."""
    import gc

    from service.ops.background import exit_when_gone
    from service.store.db import make_engine, make_sessionmaker

    gc.freeze()  # the imports, out of the full collections the pieces' many small objects set off
    exit_when_gone(owner)
    engine = make_engine(database_url)
    try:
        assemble(make_sessionmaker(engine), Path(data_dir), job_id, name)
    finally:
        engine.dispose()


def assemble(make_session: sessionmaker[Session], data_dir: Path, job_id: str, name: str) -> None:
    """Write the job's outputs from its chunks' pieces as they come (from scratch: a claim taken
    over from a server that died writes everything again)."""
    with make_session() as session:
        job = session.get(BatchJob, job_id)
        context, total, gradescope = context_from_json(job.context), job.chunks_total, job.gradescope
        making = chunks.making_of(job)
    out = job_dir(data_dir, job_id) / "out"
    shutil.rmtree(out, ignore_errors=True)
    beating = threading.Event()
    threading.Thread(target=heartbeat, args=(make_session, job_id, beating), daemon=True).start()
    mine = (BatchJob.id == job_id) & (BatchJob.assembler == name) & (BatchJob.status == "running")
    try:
        summary = write_outputs(chunks.job_pieces(make_session, job_id, total, making), out, context,
                                gradescope=gradescope)
        fields = dict(status="done", rows_done=summary.rows, errors=summary.errors, summary=summary.to_dict(),
                      finished_at=utc_now())
    except chunks.Stopped:  # cancelled: nothing half-written stays; a retry claims it afresh
        shutil.rmtree(out, ignore_errors=True)
        fields = dict(assembler=None)
        mine = (BatchJob.id == job_id) & (BatchJob.assembler == name)
    except Exception as error:
        log.exception("batch job %s could not be assembled", job_id)
        fields = dict(status="failed", message=f"{type(error).__name__}: {error}"[:2000], finished_at=utc_now(),
                      assembler=None)
    finally:
        beating.set()
    with make_session() as session:
        session.execute(update(BatchJob).where(mine).values(**fields))
        session.commit()


def cancel(session: Session, job: BatchJob) -> None:
    job.status, job.message, job.finished_at = "cancelled", "cancelled by an instructor", utc_now()
    session.commit()


def retryable(job: BatchJob) -> bool:
    """A cancelled or failed queued job whose work is all in the database (a regrade's always; an
    upload's once it was read into chunks)."""
    return (job.queued and job.status in ("cancelled", "failed")
            and (job.kind == "regrade" or job.chunks_total is not None))


def retry(session: Session, queue: Queue, job: BatchJob) -> None:
    """Take a cancelled or failed queued job up where it stood: its chunks not yet graded are sent
    (and an assembler writes its outputs afresh); a regrade runs again."""
    if job.kind == "regrade":
        retry_regrade(session, queue.send_regrade, job)
        return
    job.status, job.message, job.finished_at, job.assembler = "running", None, None, None
    session.commit()
    queue.send(job.id, chunks.undone_chunks(session, job.id))
