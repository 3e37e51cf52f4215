"""The API server's side of queued batch jobs (service/batch/queue.py): start one — split the
upload into chunks, send them — and, in a background thread, finish those whose chunks are all
graded: read the records back in order and write the same outputs an embedded job writes.

Every server process runs an assembler; a job is claimed before it is assembled, and a claim
whose heartbeat stopped (its server died mid-assembly) is taken over. A chunk not graded long
after it was sent (its message lost: Redis restarted without its data) is sent again."""

from __future__ import annotations

import logging
import shutil
import threading
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from service.batch import chunks
from service.batch.jobs import HEARTBEAT_SECONDS, STALE_SECONDS, job_dir
from service.batch.run import Context, context_as_json, context_from_json, write_outputs
from service.store.models import BatchChunk, BatchJob, utc_now

if TYPE_CHECKING:  # the queue itself (Dramatiq, redis) is imported only where batches are queued
    from service.batch.queue import Queue

log = logging.getLogger("hwcheck.batch")

POLL_SECONDS = 0.5
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


def _beat(make_session, job_id: str) -> None:
    with make_session() as session:
        session.execute(update(BatchJob).where(BatchJob.id == job_id).values(heartbeat_at=utc_now()))
        session.commit()


def _split_and_send(make_session, queue: Queue, job_id: str, input_path: Path, context: Context,
                    chunk_rows: int) -> None:
    try:
        total = chunks.split_job(make_session, job_id, input_path, context, chunk_rows,
                                 beat=lambda: _beat(make_session, job_id))
        with make_session() as session:
            job = session.get(BatchJob, job_id)
            job.chunks_total, job.status, job.heartbeat_at = total, "running", utc_now()
            session.commit()
        queue.send(job_id, list(range(total)))
    except Exception as error:  # the job says what went wrong; the server carries on
        log.exception("batch job %s could not be queued", job_id)
        with make_session() as session:
            job = session.get(BatchJob, job_id)
            job.status, job.message, job.finished_at = "failed", f"{type(error).__name__}: {error}"[:2000], utc_now()
            session.commit()


class Assembler:
    """app.state.assembler, when batches are queued."""

    def __init__(self, make_session: sessionmaker[Session], data_dir: Path, queue: Queue):
        self._make_session, self._data_dir, self.queue = make_session, Path(data_dir), queue
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="hwcheck-batch-assembler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            try:
                self.round()
            except Exception:  # a database hiccup: the next round tries again
                log.exception("the batch assembler failed a round")

    def round(self) -> None:
        """Finish what is complete; send again what seems lost."""
        now = utc_now()
        stale = now - timedelta(seconds=STALE_SECONDS)
        with self._make_session() as session:
            candidates = session.scalars(select(BatchJob).where(
                BatchJob.queued.is_(True),
                or_(BatchJob.status == "running",
                    (BatchJob.status == "assembling") & (BatchJob.heartbeat_at < stale)))).all()
            ready = [job.id for job in candidates if job.chunks_total is not None
                     and chunks.chunks_done(session, job.id) == job.chunks_total]
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
        for job_id in ready:
            if self._claim(job_id, stale):
                self.assemble(job_id)

    def _claim(self, job_id: str, stale) -> bool:
        with self._make_session() as session:
            claimed = session.execute(update(BatchJob).where(
                BatchJob.id == job_id,
                or_(BatchJob.status == "running",
                    (BatchJob.status == "assembling") & (BatchJob.heartbeat_at < stale)))
                .values(status="assembling", heartbeat_at=utc_now()))
            session.commit()
            return claimed.rowcount == 1

    def assemble(self, job_id: str) -> None:
        """Write the job's outputs from its chunks' records (from scratch: a taken-over claim too)."""
        with self._make_session() as session:
            job = session.get(BatchJob, job_id)
            context, total, gradescope = context_from_json(job.context), job.chunks_total, job.gradescope
        out = job_dir(self._data_dir, job_id) / "out"
        shutil.rmtree(out, ignore_errors=True)
        beating = threading.Event()
        threading.Thread(target=self._heartbeat, args=(job_id, beating), daemon=True).start()
        try:
            summary = write_outputs(chunks.job_records(self._make_session, job_id, total), out, context,
                                    gradescope=gradescope)
            fields = dict(status="done", rows_done=summary.rows, errors=summary.errors, summary=summary.to_dict(),
                          finished_at=utc_now())
        except Exception as error:
            log.exception("batch job %s could not be assembled", job_id)
            fields = dict(status="failed", message=f"{type(error).__name__}: {error}"[:2000], finished_at=utc_now())
        finally:
            beating.set()
        with self._make_session() as session:
            session.execute(update(BatchJob).where(BatchJob.id == job_id, BatchJob.status == "assembling")
                            .values(**fields))
            session.commit()

    def _heartbeat(self, job_id: str, done: threading.Event) -> None:
        while not done.wait(HEARTBEAT_SECONDS):
            try:
                _beat(self._make_session, job_id)
            except Exception:  # noqa: BLE001 — a missed beat is retried; STALE_SECONDS allows several
                pass


def cancel(session: Session, job: BatchJob) -> None:
    job.status, job.message, job.finished_at = "cancelled", "cancelled by an instructor", utc_now()
    session.commit()


def retry(session: Session, queue: Queue, job: BatchJob) -> None:
    """Take a cancelled or failed queued job up where it stood: its chunks not yet graded are sent."""
    job.status, job.message, job.finished_at, job.heartbeat_at = "running", None, None, utc_now()
    session.commit()
    queue.send(job.id, chunks.undone_chunks(session, job.id))
