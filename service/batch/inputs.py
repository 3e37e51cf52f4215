"""Reading a batch's input one row at a time: CSV (one column per part), JSON Lines, or a folder
of per-student JSON files. A row that cannot be read becomes an error row, never a stop."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from service.ops.limits import MAX_JSON_DEPTH, json_depth
from service.store.scratch import clean

RESERVED = ("student_id", "problem_id", "variant", "canvas_id")


class TooDeep(ValueError):
    pass


def _json(text: str) -> Any:
    """json.loads, but a document nested deeper than any answer is refused before the decoder
    recurses into it (60,000 `[` were a RecursionError that stopped the whole job). Text with
    fewer brackets than the limit cannot nest deeper than it: counting them is the cheap test
    that spares nearly every cell of a class's CSV the full walk."""
    if (text.count("[") + text.count("{") > MAX_JSON_DEPTH
            and (depth := json_depth(text.encode("utf-8", "replace"))) > MAX_JSON_DEPTH):
        raise TooDeep(f"nested {depth} levels deep; at most {MAX_JSON_DEPTH} (a matrix is two)")
    return json.loads(text)


def _cell(text: str) -> Any:
    """A CSV cell: empty is missing; a JSON object or list is taken as JSON, anything else as
    the text a student typed (the grader reads `[1 2; 3 4]`, `1/4`, `true`…)."""
    text = text.strip()
    if not text:
        return None
    if text[0] in "{[":
        try:
            return _json(text)
        except (json.JSONDecodeError, TooDeep):
            pass  # as typed: the grader says what is wrong with it
    return text


def read_csv(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a CSV; a row's `line` is its line number (the header is line 1). A line the csv
    module cannot read (a NUL byte, an over-long field) is an error row; bytes that are not
    UTF-8 become U+FFFD, which the grader then calls unreadable."""
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle)
        header, problem = csv_header(reader)
        if problem is not None:
            yield {"line": "1", "error": problem}
            return
        yield from csv_rows(reader, header)


def csv_header(reader) -> tuple[list[str], str | None]:
    """The reader's first record as the header and, if the rows cannot be read by it, why."""
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as error:
        return [], f"the header row cannot be read: {error}"
    if "student_id" not in header or "problem_id" not in header:
        return header, ("the CSV needs a header row with student_id, problem_id [, variant] and then one "
                        "column per part")
    return header, None


def csv_rows(reader, header: list[str], lines_before: int = 0) -> Iterator[dict[str, Any]]:
    """The rows of a csv.reader past the header; `lines_before` the file's lines before the
    reader's first (a chunk of the file read apart: service/batch/raw.py)."""
    # A class's CSV has a column for every part of every problem, mostly empty on a row:
    # only the non-empty cells are looked at.
    parts = [(i, name) for i, name in enumerate(header) if name not in RESERVED]
    student, problem = header.index("student_id"), header.index("problem_id")
    variant = header.index("variant") if "variant" in header else None
    canvas = header.index("canvas_id") if "canvas_id" in header else None
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield {"line": str(reader.line_num + lines_before), "error": f"this line cannot be read as CSV: {error}"}
            continue
        number = reader.line_num + lines_before
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            yield {"line": str(number), "student_id": cells[0] if cells else "",
                   "error": f"row has {len(cells)} cells, the header has {len(header)}"}
            continue
        answers = {}
        for i, name in parts:
            if cells[i] and (value := _cell(cells[i])) is not None:
                answers[name] = value
        yield {"line": str(number), "student_id": cells[student].strip(), "problem_id": cells[problem].strip(),
               "variant": (cells[variant].strip() or None) if variant is not None else None,
               "canvas_id": (cells[canvas].strip() or None) if canvas is not None else None, "answers": answers}


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    if isinstance(value, dict):
        return {clean(k): _cleaned(v) for k, v in value.items()}
    return value


def read_json(text: str) -> Any:
    """JSON, with lone surrogates (`"\\ud800"`, which no UTF-8 file or SQLite text can hold) made
    U+FFFD; the deep walk runs only when the text has such an escape."""
    value = _json(text)
    return _cleaned(value) if "\\ud" in text.lower() else value


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        yield from jsonl_rows(handle)


def jsonl_rows(lines: Iterable[str], lines_before: int = 0) -> Iterator[dict[str, Any]]:
    for number, text in enumerate(lines, start=lines_before + 1):
        if not text.strip():
            continue
        where = str(number)
        try:
            item = read_json(text)
        except json.JSONDecodeError as error:
            yield {"line": where, "error": f"not JSON: {error}"}
            continue
        except TooDeep as error:
            yield {"line": where, "error": f"not an answer: {error}"}
            continue
        if not isinstance(item, dict):
            yield {"line": where, "error": "each line must be a JSON object"}
            continue
        yield {"line": where, "student_id": str(item.get("student_id") or ""),
               "problem_id": str(item.get("problem_id") or ""), "variant": item.get("variant"),
               "canvas_id": item.get("canvas_id"), "answers": item.get("answers")}


def submission_rows(payload: Any, student_id: str, where: str) -> Iterator[dict[str, Any]]:
    """One student's answers to several problems -> one row per problem. The layout is
    `{"problem-id": {"part": value}}`, optionally inside `{"student_id", "variant", "answers"}`
    (a problem's entry may also be `{"variant": …, "answers": {…}}`)."""
    if not isinstance(payload, dict):
        yield {"line": where, "student_id": student_id, "error": "the file must hold a JSON object"}
        return
    if isinstance(payload.get("answers"), dict):
        student_id = str(payload.get("student_id") or student_id)
        variant, problems = payload.get("variant"), payload["answers"]
    else:
        variant, problems = None, payload
    for problem_id, entry in problems.items():
        row_variant = variant
        if isinstance(entry, dict) and isinstance(entry.get("answers"), dict):
            row_variant, entry = entry.get("variant", variant), entry["answers"]
        yield {"line": f"{where}#{problem_id}", "student_id": student_id, "problem_id": problem_id,
               "variant": row_variant, "answers": entry}


def read_folder(path: Path) -> Iterator[dict[str, Any]]:
    for file in sorted(path.glob("*.json")):
        try:
            payload = read_json(file.read_text(encoding="utf-8-sig"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            yield {"line": file.name, "student_id": file.stem, "error": f"not JSON: {error}"}
            continue
        except TooDeep as error:
            yield {"line": file.name, "student_id": file.stem, "error": f"not an answer: {error}"}
            continue
        yield from submission_rows(payload, file.stem, file.name)


def input_format(path: Path) -> str:
    """"folder" (of per-student JSON files), "jsonl" (.jsonl/.ndjson) or "csv"."""
    path = Path(path)
    if path.is_dir():
        return "folder"
    return "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "csv"


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    """CSV, JSON Lines (.jsonl/.ndjson) or a folder of per-student JSON files."""
    return {"folder": read_folder, "jsonl": read_jsonl, "csv": read_csv}[input_format(path)](Path(path))
