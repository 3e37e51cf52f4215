"""A graded chunk made ready for the outputs — its parts.csv lines written, what the scratch
file keeps of each row, its analytics counted — where the chunk was graded: a worker of the
process pool, or a `hwcheck worker` on another machine. The one process that writes a batch's
files then only appends each piece in input order (`run.write_outputs`): it used to render and
count every row itself, and on the queue to decode every graded record from JSON first, which
made it the slowest part of a job after grading.

A piece is plain JSON (it is stored in the database between a worker and the writer):
`{"rows", "errors", "outputs": gradebooks.chunk_outputs(…), "analytics": Analytics.counted() | None}`."""

from __future__ import annotations

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
