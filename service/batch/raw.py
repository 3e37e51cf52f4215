"""A queued job's upload cut into chunks as it came — its lines of text, not rows — so the API
server only cuts and the workers parse: reading every row, choosing its variant and encoding it
again as JSON was most of the server's share of a job, on the cores the workers grade on.

A cut falls between records: for CSV, where the csv module's reader ends one (a quoted cell may
span lines; a line it cannot read is a record too, as it is an error row); for JSON Lines,
between lines. A worker reads its chunk with the readers of the whole file
(service/batch/inputs.py), told the header and how many lines came before, so the rows — line
numbers, error rows and all — are those the whole file gives. A folder of files, or a CSV whose
header is unusable, is not cut: its rows are read on the server (chunks.split_job)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from service.batch.inputs import csv_header, csv_rows, input_format, jsonl_rows


def cuttable(path: Path) -> bool:
    """JSON Lines, or a CSV whose header the rows can be read by."""
    if input_format(path) != "csv":
        return input_format(path) == "jsonl"
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
        return csv_header(csv.reader(handle))[1] is None


class _Sizes:
    """How many records the next chunk takes: `size`, but once less than three chunks' worth is
    left, quarters. A job ends when its last chunk does, and a worker that finished its own
    waited on it (a chunk of 2,000 numeric rows is about a second of grading); the end is told
    from the file's size and the characters read so far per record."""

    def __init__(self, path: Path, size: int):
        self.size, self.last = size, max(1, size // 4)
        self.total, self.read, self.records = path.stat().st_size, 0, 0

    def took(self, characters: int, records: int) -> None:
        self.read += characters
        self.records += records

    def next(self) -> int:
        if self.records and self.total - self.read < 3 * self.size * self.read / self.records:
            return self.last
        return self.size


def cut(path: Path, size: int) -> Iterator[dict[str, Any]]:
    """The upload's chunks of about `size` records (fewer at its end: `_Sizes`): {"format",
    "header", "lines_before", "text", "records"} (plain JSON, stored in the database for any
    worker)."""
    sizes = _Sizes(path, size)
    if input_format(path) == "jsonl":
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            before = 0
            while lines := list(islice(handle, sizes.next())):
                text = "".join(lines)
                sizes.took(len(text), len(lines))
                yield {"format": "jsonl", "header": None, "lines_before": before, "text": text,
                       "records": len(lines)}
                before += len(lines)
        return
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
        taken: list[str] = []

        def lines() -> Iterator[str]:
            for line in handle:
                taken.append(line)
                yield line

        reader = csv.reader(lines())
        header = csv_header(reader)[0]
        before, records, wanted = len(taken), 0, size
        sizes.took(sum(map(len, taken)), 0)
        taken.clear()
        while True:
            try:
                next(reader)
            except StopIteration:
                break
            except csv.Error:
                pass
            records += 1
            if records == wanted:
                text = "".join(taken)
                sizes.took(len(text), records)
                yield {"format": "csv", "header": header, "lines_before": before, "text": text, "records": records}
                before, records, wanted = before + len(taken), 0, sizes.next()
                taken.clear()
        if records:
            yield {"format": "csv", "header": header, "lines_before": before, "text": "".join(taken),
                   "records": records}


def rows(chunk: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A chunk's rows, as the whole file's reader gives them."""
    lines = io.StringIO(chunk["text"], newline="")  # split where the file was: \n, \r\n or \r
    if chunk["format"] == "csv":
        return csv_rows(csv.reader(lines), chunk["header"], chunk["lines_before"])
    return jsonl_rows(lines, chunk["lines_before"])
