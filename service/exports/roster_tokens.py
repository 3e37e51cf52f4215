"""The tokens a roster upload just made, as a CSV the instructor downloads from the result (a
`data:` link on that page: the tokens are stored only as hashes, so this page is the one place
they exist, and no second request could fetch them)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from urllib.parse import quote

from service.courses.schemas import RosterStudentOut
from service.exports import cells


def tokens_csv(students: Iterable[RosterStudentOut]) -> str | None:
    """`student_id,name,email,token` for each student given a token now; None when none was."""
    given = [s for s in students if s.token]
    if not given:
        return None
    out = io.StringIO()
    writer = cells.writer(out)
    writer.writerow(["student_id", "name", "email", "token"])
    for s in given:
        writer.writerow([s.student_id, s.name, s.email or "", s.token])
    return out.getvalue()


def as_data_url(text: str) -> str:
    return "data:text/csv;charset=utf-8," + quote(text)
