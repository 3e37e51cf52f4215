"""A queued batch job's chunks in the database — the one place its work lives, so any worker on
any machine can take a chunk and any server can finish the job.

- `split_job` (the API server): the upload cut once into numbered chunks of `batch_chunk_rows`,
  as text (service/batch/raw.py: the worker reads the rows and chooses their variants) or, for
  what cannot be cut so, as rows read and prepared.
- `commit_chunk` (a worker): a chunk's piece of the outputs (service/batch/pieces.py), committed
  with its number once: the first worker to commit wins; one that graded it again (a message
  redelivered after a worker was thought dead) changes nothing. So every row is in the outputs
  exactly once.
- `job_pieces` (the assembler's writer process): the pieces back, chunk by chunk in order —
  memory holds one chunk's piece at a time.
Rows are zlib-compressed JSON Lines (NaN kept: a student may type it), written and read one
item at a time: the API server, which splits the upload, never holds a whole chunk of rows (it
held 2,000 at once, and its peak memory followed the chunk size). Pieces are packed as
service/batch/pieces.py says (their parts.csv lines kept as bytes, not a JSON string)."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from service.batch import raw
from service.batch.inputs import read_rows
from service.batch.pieces import Making, is_piece, pack, piece_of, unpack
from service.batch.run import Context, context_from_json, prepare
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
    unpacker, pending, first = zlib.decompressobj(), [], True
    for start in range(0, len(blob), READ_BYTES):
        data = unpacker.decompress(blob[start:start + READ_BYTES])
        if first and data:
            first = False
            if data.startswith(b"["):  # a chunk stored before JSON Lines: one JSON array
                yield from json.loads(data + unpacker.decompress(blob[start + READ_BYTES:]) + unpacker.flush())
                return
        if b"\n" not in data:  # a long item (a piece is one line of a megabyte or more): joined once
            pending.append(data)
            continue
        *lines, rest = data.split(b"\n")
        lines[0] = b"".join(pending) + lines[0]
        pending = [rest]
        for line in lines:
            yield json.loads(line)
    rest = b"".join(pending) + unpacker.flush()
    if rest.strip():
        yield json.loads(rest)


def split_job(make_session: sessionmaker[Session], job_id: str, input_path: Path, context: Context, size: int,
              committed: Callable[[list[int]], None] = lambda numbers: None) -> int:
    """Store the job's upload as numbered chunks — cut as text where it can be (service/batch/raw.py),
    else its rows read and prepared here — handing each to `committed` once it is committed (the
    workers start on the first while the rest is read); how many chunks there are."""
    if raw.cuttable(input_path):
        blobs = ((encode([{"raw": chunk}])[0], chunk["records"]) for chunk in raw.cut(input_path, size))
    else:
        blobs = _prepared(prepare(read_rows(input_path), context), size)
    number = 0
    with make_session() as session:
        for blob, count in blobs:
            session.add(BatchChunk(job_id=job_id, number=number, rows=blob, row_count=count, errors=0,
                                   enqueued_at=utc_now()))
            session.commit()
            session.expunge_all()  # the chunk's blob goes with it
            committed([number])
            number += 1
    return number


def _prepared(rows: Iterator[dict[str, Any]], size: int) -> Iterator[tuple[bytes, int]]:
    while True:
        blob, count = encode(islice(rows, size))
        if not count:
            return
        yield blob, count


def chunk_rows(session: Session, job_id: str, number: int) -> tuple[list[dict[str, Any]], Making] | None:
    """A chunk's rows and how its piece is made, if its job still wants it graded (being read or
    running, the chunk not yet done)."""
    job = session.get(BatchJob, job_id)
    chunk = session.get(BatchChunk, (job_id, number))
    if job is None or chunk is None or job.status not in ("queued", "running") or chunk.done_at is not None:
        return None
    items = decode(chunk.rows)
    first = next(items, None)
    if first is not None and "raw" in first:  # the upload's text: read and prepared here
        return list(prepare(raw.rows(first["raw"]), context_of(job))), making_of(job)
    return ([] if first is None else [first, *items]), making_of(job)


_CONTEXTS: dict[str, Context] = {}  # a worker's few latest jobs: a course's roster is read once per job


def context_of(job: BatchJob) -> Context:
    if job.id not in _CONTEXTS:
        while len(_CONTEXTS) >= 4:
            _CONTEXTS.pop(next(iter(_CONTEXTS)))
        _CONTEXTS[job.id] = context_from_json(job.context)
    return _CONTEXTS[job.id]


def making_of(job: BatchJob) -> Making:
    return Making(points=(job.context or {}).get("points") or {}, gradescope=bool(job.gradescope))


def commit_chunk(session: Session, job_id: str, number: int, piece: dict[str, Any], worker: str) -> bool:
    """Store a chunk's piece unless another worker did first; whether it was stored."""
    now = utc_now()
    stored = session.execute(
        update(BatchChunk).where(BatchChunk.job_id == job_id, BatchChunk.number == number,
                                 BatchChunk.done_at.is_(None))
        .values(records=pack(piece), errors=piece["errors"], worker=worker[:200], done_at=now))
    if stored.rowcount == 1:
        session.execute(update(BatchJob).where(BatchJob.id == job_id).values(
            rows_done=BatchJob.rows_done + piece["rows"], errors=BatchJob.errors + piece["errors"]))
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


def job_pieces(make_session: sessionmaker[Session], job_id: str, total: int, making: Making, *,
               poll: float = 0.1) -> Iterator[dict[str, Any]]:
    """Every chunk's piece of the outputs, in input order, each as soon as it is graded: the
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
        piece = unpack(blob)
        if piece is not None:
            yield piece
            continue
        items = decode(blob)  # stored by a hwcheck before `pack`
        first = next(items, None)
        if first is not None and is_piece(first):  # a piece as one JSON line
            first["outputs"]["parts_csv"] = first["outputs"]["parts_csv"].encode()
            yield first
        elif first is not None:  # graded before pieces: the chunk's records, made into one here
            yield piece_of([first, *items], making)
