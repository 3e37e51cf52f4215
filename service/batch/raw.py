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


def cut(path: Path, size: int) -> Iterator[dict[str, Any]]:
    """The upload's chunks of about `size` records: {"format", "header", "lines_before", "text",
    "records"} (plain JSON, stored in the database for any worker)."""
    if input_format(path) == "jsonl":
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            before = 0
            while lines := list(islice(handle, size)):
                yield {"format": "jsonl", "header": None, "lines_before": before, "text": "".join(lines),
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
        before, records = len(taken), 0
        taken.clear()
        while True:
            try:
                next(reader)
            except StopIteration:
                break
            except csv.Error:
                pass
            records += 1
            if records == size:
                yield {"format": "csv", "header": header, "lines_before": before, "text": "".join(taken),
                       "records": records}
                before, records = before + len(taken), 0
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
