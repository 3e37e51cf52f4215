"""A queued upload is cut into chunks as text and each chunk read by a worker apart
(service/batch/raw.py): wherever the cuts fall, the rows must be those the whole file gives —
the same line numbers and the same error rows — for CSVs with cells that span lines, every kind
of line ending, unreadable lines and blank ones, and JSON Lines with bad lines."""

from __future__ import annotations

import json

import pytest

from service.batch import raw
from service.batch.inputs import read_rows

HEADER = "student_id,problem_id,variant,L,x\r\n"
CSV = (
    "\ufeff" + HEADER
    + "s1,adam-bias-correction,,0.25,\r\n"
    + 's2,adam-bias-correction,,"1.5\n2","[1, 2]"\r\n'  # a quoted cell across two lines
    + "\r\n"  # blank
    + "s3,adam-bias-correction,7,\"a \"\"quoted\"\" answer\",3\n"
    + "s4,adam-bias-correction\r"  # too few cells, a lone CR ending
    + "s5,adam-bias-correction,,bad\x00byte,1\n"
    + "s9,adam-bias-correction,," + "9" * 200_000 + ",1\n"  # over the csv module's field limit: an error row
    + 's6,adam-bias-correction,,"never closed\n'
    + "s7,adam-bias-correction,,1,2\n"
)
JSONL = "\r\n".join([
    json.dumps({"student_id": "s1", "problem_id": "adam-bias-correction", "answers": {"L": 1}}),
    "",
    "{not json",
    "[1, 2]",
    json.dumps({"student_id": "s2", "problem_id": "adam-bias-correction", "answers": {"L": "1\u20282"}}),
    json.dumps({"student_id": "s3", "problem_id": "x"}),
]) + "\n"


def rows_of_cuts(path, size: int) -> list[dict]:
    return [row for chunk in raw.cut(path, size)
            for row in raw.rows(json.loads(json.dumps(chunk)))]  # through JSON, as stored


@pytest.mark.parametrize("size", [1, 2, 3, 100])
@pytest.mark.parametrize("name, text", [("class.csv", CSV), ("class.jsonl", JSONL)])
def test_the_rows_of_the_cut_chunks_are_the_whole_files(tmp_path, name, text, size):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") + (b"s8,adam-bias-correction,,\xff\xfe,1\n" if name.endswith("csv") else b""))
    whole = list(read_rows(path))
    assert raw.cuttable(path)
    assert rows_of_cuts(path, size) == whole
    assert len(whole) >= 5 and any(row.get("error") for row in whole)
    if name.endswith("csv"):
        assert any("cannot be read as CSV" in row.get("error", "") for row in whole)


def test_a_csv_without_a_usable_header_or_a_folder_is_not_cut(tmp_path):
    (tmp_path / "bad.csv").write_text("name,answer\nada,1\n")
    (tmp_path / "folder").mkdir()
    assert not raw.cuttable(tmp_path / "bad.csv") and not raw.cuttable(tmp_path / "folder")
    (tmp_path / "any.jsonl").write_text("not even JSON\n")
    assert raw.cuttable(tmp_path / "any.jsonl")  # each line is read apart anyway


@pytest.mark.parametrize("name", ["class.csv", "class.jsonl"])
def test_the_last_chunks_are_cut_smaller(tmp_path, name):
    """A job ends with its last chunk: what is left once less than three chunks' worth remains is
    cut in quarters, so the workers that finish first wait less on the last."""
    path = tmp_path / name
    line = ("s{n},adam-bias-correction,,0.25,\n" if name.endswith("csv")
            else '{{"student_id": "s{n}", "problem_id": "adam-bias-correction", "answers": {{"L": 0.25}}}}\n')
    path.write_text((HEADER if name.endswith("csv") else "") + "".join(line.format(n=100 + n) for n in range(110)))
    sizes = [chunk["records"] for chunk in raw.cut(path, 20)]
    assert sum(sizes) == 110 and rows_of_cuts(path, 20) == list(read_rows(path))
    assert sizes == [20, 20, 20] + [5] * 10  # 50 left after 60: less than three chunks' worth
