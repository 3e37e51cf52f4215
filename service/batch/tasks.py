"""The tasks a `hwcheck worker` runs, one per kind of message on the queue (service/batch/queue.py):
grade one chunk of a queued batch job and commit its records (once: service/batch/chunks.py);
regrade an assignment's stored submissions (service/batch/regrade.py); send the LTI scores
that are due (service/lti/scores.py). Each is safe to run twice — a message is redelivered when
the worker that took it stopped beating."""

from __future__ import annotations

import logging
import os
import socket
from functools import lru_cache

from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("hwcheck.queue")


@lru_cache
def sessions() -> sessionmaker[Session]:
    """This worker process's database sessions, opened once."""
    from service.settings import get_settings
    from service.store.db import make_engine, make_sessionmaker

    return make_sessionmaker(make_engine(get_settings().effective_database_url))


def worker_name() -> str:
    """host:pid — how the job tables name the process that did a piece of work (a chunk's
    worker, a job's assembler)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def grade_queued_chunk(job_id: str, number: int) -> None:
    from service.batch.chunks import chunk_rows, commit_chunk
    from service.batch.run import grade_piece

    with sessions()() as session:
        taken = chunk_rows(session, job_id, number)
    if taken is None:  # done by another worker, or the job was cancelled or finished
        return
    piece = grade_piece(*taken)
    with sessions()() as session:
        if not commit_chunk(session, job_id, number, piece, worker_name()):
            log.info("chunk %s of job %s was committed by another worker first", number, job_id)


def regrade_queued(job_id: str) -> None:
    from service.batch.regrade import run_queued_regrade

    run_queued_regrade(sessions(), job_id)


def send_lti_scores(flag: str) -> None:
    """Send every LTI score that is due; `flag` is the Redis key that kept the server from
    sending this message twice — cleared first, so a score that changes meanwhile sends another."""
    import dramatiq

    from service.lti.scores import send_pending

    dramatiq.get_broker().client.delete(flag)
    with sessions()() as session:
        while send_pending(session):
            pass
