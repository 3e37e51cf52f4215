"""Reading an HTML form the way the API reads JSON: the same pydantic models check it, and each
refusal is put next to the field it is about (a message a person can act on, not a 422 list)."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import ValidationError

# A whole-model refusal names no field; these words say which field it is about.
_ABOUT = ("accept_late_until", "penalty_per_day", "due_at", "problem")

# pydantic's words are for programmers ("String should match pattern '^[a-z0-9]…'"); a person
# filling in a form gets these instead.
_SAYS = {
    "missing": "fill this in",
    "string_too_short": "fill this in",
    "string_too_long": "this is too long ({max_length} characters at most)",
    "string_pattern_mismatch": "use lowercase letters, digits, - and _ only, starting with a letter or digit",
    "datetime_from_date_parsing": "give a date and a time, such as 2027-03-01 23:59",
    "datetime_parsing": "give a date and a time, such as 2027-03-01 23:59",
    "datetime_type": "give a date and a time, such as 2027-03-01 23:59",
    "int_parsing": "give a whole number",
    "int_type": "give a whole number",
    "literal_error": "choose one of the options",
}


def field_errors(error: ValidationError, *, fields: dict[str, str] | None = None) -> dict[str, str]:
    """{form field: message} from a pydantic error; `fields` maps a model field to its form field."""
    found: dict[str, str] = {}
    for item in error.errors(include_url=False):
        said = _SAYS.get(item["type"])
        message = said.format(**item.get("ctx", {})) if said else item["msg"].removeprefix("Value error, ")
        field = str(item["loc"][0]) if item["loc"] else next((w for w in _ABOUT if w in message), "form")
        field = "problems" if field in ("problem", "template") else field
        field = (fields or {}).get(field, field)
        found.setdefault(field, message)
    return found


def utc_moment(text: str) -> datetime | str | None:
    """A `datetime-local` input, read as UTC (the pages show every time in UTC); the text itself
    when it is not a time, so the model's message says so; None when empty."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local_input(moment: datetime | None) -> str:
    """A moment as a `datetime-local` input's value (UTC, to the minute)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") if moment else ""
