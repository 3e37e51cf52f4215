"""A queued batch job's chunks in the database — the one place its work lives, so any worker on
any machine can take a chunk and any server can finish the job.

- `split_job` (the API server): the upload read once, its rows prepared (variants chosen) and
  stored `batch_chunk_rows` at a time, numbered.
- `commit_chunk` (a worker): a chunk's graded records, committed with its number once: the first
  worker to commit wins; one that graded it again (a message redelivered after a worker was
  thought dead) changes nothing. So every row is in the outputs exactly once.
- `job_records` (the assembler): the records back, chunk by chunk in order — memory holds one
  chunk at a time.
Rows and records are zlib-compressed JSON Lines (NaN kept: a student may type it), written and
read one item at a time: the API server never holds a whole chunk (it did, 2,000 records decoded
at once, and its peak memory followed the chunk size)."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from service.batch.inputs import read_rows
from service.batch.run import Context, prepare
from service.store.models import BatchChunk, BatchJob, utc_now

READ_BYTES = 1 << 16  # compressed bytes decompressed at a time


def encode(items: Iterable[Any]) -> tuple[bytes, int]:
    """The items as compressed JSON Lines, and how many there were."""
    packer = zlib.compressobj(1)
    pieces, count = [], 0
    for item in items:
        pieces.append(packer.compress(json.dumps(item, separators=(",", ":")).encode() + b"\n"))
        count += 1
    pieces.append(packer.flush())
    return b"".join(pieces), count


def decode(blob: bytes) -> Iterator[Any]:
    """The items back, one at a time."""
    unpacker, rest = zlib.decompressobj(), b""
    for start in range(0, len(blob), READ_BYTES):
        rest += unpacker.decompress(blob[start:start + READ_BYTES])
        if rest.startswith(b"["):  # a chunk stored before JSON Lines: one JSON array
            yield from json.loads(rest + unpacker.decompress(blob[start + READ_BYTES:]) + unpacker.flush())
            return
        *lines, rest = rest.split(b"\n")
        for line in lines:
            yield json.loads(line)
    rest += unpacker.flush()
    if rest.strip():
        yield json.loads(rest)


def split_job(make_session: sessionmaker[Session], job_id: str, input_path: Path, context: Context, size: int,
              committed: Callable[[list[int]], None] = lambda numbers: None) -> int:
    """Store the job's prepared rows as numbered chunks, handing each to `committed` once it is
    committed (the workers start on the first while the rest is read); how many chunks there are."""
    rows = prepare(read_rows(input_path), context)
    number = 0
    with make_session() as session:
        while True:
            blob, count = encode(islice(rows, size))
            if not count:
                return number
            session.add(BatchChunk(job_id=job_id, number=number, rows=blob, row_count=count, errors=0,
                                   enqueued_at=utc_now()))
            session.commit()
            session.expunge_all()  # the chunk's blob goes with it
            committed([number])
            number += 1


def chunk_rows(session: Session, job_id: str, number: int) -> list[dict[str, Any]] | None:
    """A chunk's rows, if its job still wants it graded (being read or running, the chunk not yet done)."""
    job = session.get(BatchJob, job_id)
    chunk = session.get(BatchChunk, (job_id, number))
    if job is None or chunk is None or job.status not in ("queued", "running") or chunk.done_at is not None:
        return None
    return list(decode(chunk.rows))


def commit_chunk(session: Session, job_id: str, number: int, records: list[dict[str, Any]], worker: str) -> bool:
    """Store a chunk's records unless another worker did first; whether these were stored."""
    errors = sum(bool(r["error"]) for r in records)
    now = utc_now()
    stored = session.execute(
        update(BatchChunk).where(BatchChunk.job_id == job_id, BatchChunk.number == number,
                                 BatchChunk.done_at.is_(None))
        .values(records=encode(records)[0], errors=errors, worker=worker[:200], done_at=now))
    if stored.rowcount == 1:
        session.execute(update(BatchJob).where(BatchJob.id == job_id).values(
            rows_done=BatchJob.rows_done + len(records), errors=BatchJob.errors + errors))
    session.commit()
    return stored.rowcount == 1


def chunks_done(session: Session, job_id: str) -> int:
    return session.scalar(select(func.count()).select_from(BatchChunk)
                          .where(BatchChunk.job_id == job_id, BatchChunk.done_at.is_not(None)))


def undone_chunks(session: Session, job_id: str) -> list[int]:
    return list(session.scalars(select(BatchChunk.number).where(BatchChunk.job_id == job_id,
                                                                BatchChunk.done_at.is_(None))
                                .order_by(BatchChunk.number)))


class Stopped(Exception):
    """The job was cancelled (or failed) while its outputs were being written."""


def job_records(make_session: sessionmaker[Session], job_id: str, total: int, *,
                poll: float = 0.1) -> Iterator[dict[str, Any]]:
    """Every graded record of the job, in input order, each chunk as soon as it is graded: the
    outputs are written while the workers grade the chunks after it."""
    import time

    for number in range(total):
        while True:
            with make_session() as session:
                blob = session.scalar(select(BatchChunk.records).where(BatchChunk.job_id == job_id,
                                                                       BatchChunk.number == number))
                status = session.scalar(select(BatchJob.status).where(BatchJob.id == job_id))
            if blob is not None:
                break
            if status != "running":
                raise Stopped(f"the job is {status}")
            time.sleep(poll)
        yield from decode(blob)
