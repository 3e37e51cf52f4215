"""The task a `hwcheck worker` runs for each message of the batch queue: grade one chunk of a
queued job and commit its records (once: service/batch/chunks.py)."""

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
    return f"{socket.gethostname()}:{os.getpid()}"


def grade_queued_chunk(job_id: str, number: int) -> None:
    from service.batch.chunks import chunk_rows, commit_chunk
    from service.batch.run import grade_chunk

    with sessions()() as session:
        rows = chunk_rows(session, job_id, number)
    if rows is None:  # done by another worker, or the job was cancelled or finished
        return
    records = grade_chunk(rows)
    with sessions()() as session:
        if not commit_chunk(session, job_id, number, records, worker_name()):
            log.info("chunk %s of job %s was committed by another worker first", number, job_id)
