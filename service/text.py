"""What text a request may hold: nothing that cannot be stored and sent back. JSON can spell an
unpaired surrogate (`"\\ud800"`), which no UTF-8 text, file or database can hold; PostgreSQL
refuses a NUL in text; Python's JSON reader takes NaN and Infinity, which are not JSON numbers.
One check, used at every edge: JSON bodies, paths and queries (service/api/readable.py), forms
(service/web/session.py) and CSV rosters (`Text`, in service/courses/schemas.py)."""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import AfterValidator


def unreadable_reason(value: Any) -> str | None:
    """Why this value cannot be taken as text or a number, or None when it can."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN and infinities are not JSON numbers; give a finite number"
    if isinstance(value, str):
        if "\x00" in value:
            return "a NUL character (U+0000) is not allowed in text"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            return f"an unpaired surrogate (U+{ord(value[error.start]):04X}) is not text"
    return None


def _readable(value: str) -> str:
    if (why := unreadable_reason(value)) is not None:
        raise ValueError(why)
    return value


Text = Annotated[str, AfterValidator(_readable)]
"""A str that can be stored: refused with the reason otherwise (a CSV cell is no JSON body)."""
