"""A scratch SQLite file for what a batch must remember per row or per student — best scores,
error counts, Canvas ids, wrong answers, answer-sharing candidates — so that the main process's
memory does not grow with the class.

Why not Python dicts: a tuple kept per row holds its own copies of the strings unpickled from
the workers, and those long-lived small objects, scattered among the short-lived ones of every
chunk, pin the allocator's arenas; the resident memory grew much faster than the data kept
(bench/RESULTS-batch.md, bench/RESULTS-costs.md). Here rows are buffered a few thousand at a time and written with
`executemany`; SQLite's page cache is capped (`CACHE_KIB`) and its sorter spills to disk.

The file lives next to the outputs (or in the temp folder) and is deleted on `close()`.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
FLUSH = 4096  # rows buffered per table before they are written
CACHE_KIB = 4096


def clean(text: str) -> str:
    """A string SQLite and UTF-8 files accept: lone surrogates (JSON `"\\ud800"`) become U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)


class Scratch:
    def __init__(self, directory: Path | None = None) -> None:
        handle, name = tempfile.mkstemp(prefix=".hwcheck-scratch-", suffix=".sqlite", dir=directory)
        os.close(handle)
        self.path = Path(name)
        self.db = sqlite3.connect(name, isolation_level=None)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = FILE",
                       f"cache_size = -{CACHE_KIB}"):
            self.db.execute(f"PRAGMA {pragma}")
        self._insert: dict[str, str] = {}
        self._buffer: dict[str, list[Sequence[Any]]] = {}

    def table(self, name: str, ddl: str, insert: str) -> None:
        """A table (`ddl` is its CREATE TABLE) whose rows are added (`extend`), buffered, with `insert`."""
        self.db.execute(ddl)
        self._insert[name] = insert
        self._buffer[name] = []

    def extend(self, name: str, rows: list[Sequence[Any]]) -> None:
        """Rows added to the table's buffer, written once it holds `FLUSH`."""
        buffer = self._buffer[name]
        buffer.extend(rows)
        if len(buffer) >= FLUSH:
            self.flush(name)

    def write(self, name: str, rows: list[Sequence[Any]]) -> None:
        """Rows written now, with the table's insert (an upsert for counters)."""
        if rows:
            self.db.execute("BEGIN")
            self.db.executemany(self._insert[name], rows)
            self.db.execute("COMMIT")

    def flush(self, name: str | None = None) -> None:
        for table in [name] if name else list(self._buffer):
            rows, self._buffer[table] = self._buffer[table], []
            self.write(table, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple]:
        """Rows of a SELECT, read lazily (every buffer is written first)."""
        self.flush()
        return self.db.execute(sql, params)

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
