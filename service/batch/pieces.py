"""A graded chunk made ready for the outputs — its parts.csv lines written, what the scratch
file keeps of each row, its analytics counted — where the chunk was graded: a worker of the
process pool, or a `hwcheck worker` on another machine. The one process that writes a batch's
files then only appends each piece in input order (`run.write_outputs`): it used to render and
count every row itself, and on the queue to decode every graded record from JSON first, which
made it the slowest part of a job after grading.

A piece is `{"rows", "errors", "outputs": gradebooks.chunk_outputs(…), "analytics":
Analytics.counted() | None}`: plain JSON but for parts.csv's lines, which are UTF-8 bytes. On the
queue it is stored in the database between a worker and the writer (`pack`, `unpack`)."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from service.analytics.figures import Analytics
from service.exports.gradebooks import chunk_outputs


@dataclass(frozen=True)
class Making:
    """What making a piece needs of its batch: the assignment's points (Gradescope's scaled
    scores), and which outputs are written."""

    points: dict[str, float] = field(default_factory=dict)
    gradescope: bool = False
    analytics: bool = True


def piece_of(records: Iterable[dict[str, Any]], making: Making) -> dict[str, Any]:
    records = list(records)
    stats = Analytics(collecting=True) if making.analytics else None
    if stats is not None:
        for record in records:
            stats.add(record)
    return {"rows": len(records), "errors": sum(bool(r["error"]) for r in records),
            "outputs": chunk_outputs(records, making.points, making.gradescope),
            "analytics": stats.counted() if stats is not None else None}


def is_piece(item: dict[str, Any]) -> bool:
    """A piece, not a graded record (a queued chunk graded before pieces stored its records)."""
    return "outputs" in item and "rows" in item


def pack(piece: dict[str, Any]) -> bytes:
    """A piece as a chunk's `records` keep it, compressed: one JSON line of all but parts.csv's
    lines (its first key `parts_csv_bytes`, which no earlier format began with), then those
    lines as they are. They are four fifths of a piece, and as a JSON string their quotes were
    escaped by the worker and unescaped again by the writer (its largest cost after the scratch
    file)."""
    outputs = {k: v for k, v in piece["outputs"].items() if k != "parts_csv"}
    lines = piece["outputs"]["parts_csv"]
    head = {"parts_csv_bytes": len(lines), **piece, "outputs": outputs}
    packer = zlib.compressobj(1)
    return (packer.compress(json.dumps(head, separators=(",", ":")).encode() + b"\n") + packer.compress(lines)
            + packer.flush())


def unpack(blob: bytes) -> dict[str, Any] | None:
    """The piece `pack` stored, or None if the blob holds what was stored before it (JSON Lines
    of a piece or of graded records: service/batch/chunks.py reads those)."""
    data = zlib.decompress(blob)
    if not data.startswith(b'{"parts_csv_bytes":'):
        return None
    end = data.index(b"\n")
    piece = json.loads(data[:end])
    piece["outputs"]["parts_csv"] = data[end + 1:]
    if piece.pop("parts_csv_bytes") != len(piece["outputs"]["parts_csv"]):
        raise ValueError("a stored piece's parts.csv lines are cut short")
    return piece
