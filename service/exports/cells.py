"""The one way hwcheck writes CSV: formula injection ("CSV injection", OWASP) neutralised.

A spreadsheet reads a cell that begins with `=`, `+`, `-` or `@` (and, in some, a tab or a
carriage return) as a formula: a roster name `=HYPERLINK("http://…")` or an answer typed as
`=1+2` would run when an instructor opens the gradebook. Such a text cell is written with a
leading `'`, which spreadsheets show as text. A plain number (`-1.5`, `+2`, `1e-3`, what a score
or a typed numeric answer is) is left alone so it stays a number; so are ints and floats. The
identifying columns Canvas and Moodle import by (school id, email) are never changed unless they
themselves begin with such a character, which no roster id should."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_FIRST = frozenset("".join(TRIGGERS))
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutral(cell: Any) -> Any:
    """The cell as it is safe to write: text that a spreadsheet would run gets a leading `'`."""
    if isinstance(cell, str) and cell.startswith(TRIGGERS) and not PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


class SafeWriter:
    """csv.writer's writerow/writerows, every cell through `neutral` first."""

    def __init__(self, handle, **options: Any):
        self._writer = csv.writer(handle, **options)

    # `neutral` only for a text cell that begins like a formula: a batch's parts.csv is millions
    # of cells, and calling it on each was a fifth of the time its outputs took to write.
    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutral(c) if isinstance(c, str) and c[:1] in _FIRST else c for c in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        self._writer.writerows([neutral(c) if isinstance(c, str) and c[:1] in _FIRST else c for c in row]
                               for row in rows)

    def writerows_neutral(self, rows: Iterable[Iterable[Any]]) -> None:
        """Rows whose caller has passed through `neutral` every cell that can hold outside text
        (a name, an answer, feedback): the rest — numbers, the catalog's own ids — are written
        as they are. parts.csv's millions of cells, each looked at, were half of making a
        batch's outputs."""
        self._writer.writerows(rows)


def writer(handle, **options: Any) -> SafeWriter:
    return SafeWriter(handle, **options)
