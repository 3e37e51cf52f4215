"""Each chunk comes back from its worker as its piece of the outputs (service/batch/pieces.py):
parts.csv lines rendered, analytics counted there. The files must not depend on where the chunks
were cut, and the analytics merged from pieces must equal those of every record fed one at a time
(`Analytics.add`, as recorded submissions are). A piece is stored packed (its parts.csv lines as
bytes); queued chunks stored by earlier versions — graded records, or a piece as one JSON line —
still make their pieces."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from bench import classgen
from service.analytics.figures import Analytics
from service.batch.chunks import encode, job_pieces
from service.batch.inputs import read_rows
from service.batch.pieces import Making, pack, piece_of, unpack
from service.batch.run import Context, grade_chunk, prepare, run_batch, write_outputs
from service.store.db import make_engine, make_sessionmaker
from service.store.models import Base, BatchChunk, BatchJob

STUDENTS = 30


@pytest.fixture(scope="module")
def class_rows(tmp_path_factory) -> list[dict]:
    path = tmp_path_factory.mktemp("class") / "class.jsonl"
    classgen.write_jsonl(path, STUDENTS)
    return list(prepare(read_rows(path), context()))


def context() -> Context:
    return Context(assignment_id="hw1", points={"attention-scaling": 3.0, "adam-bias-correction": 5.0},
                   canvas_ids={classgen.student_id(0): "4242"})


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_files_do_not_depend_on_where_the_chunks_were_cut(class_rows, tmp_path):
    written = {}
    for chunk in (1, 7, 128, 10_000):
        summary = run_batch(iter(class_rows), tmp_path / str(chunk), context(), chunk=chunk, gradescope=True)
        written[chunk] = files(tmp_path / str(chunk))
        assert summary.rows == len(class_rows) and summary.errors > 0
    assert written[1] == written[7] == written[128] == written[10_000]
    assert "gradescope/index.csv" in written[1] and "parts.csv" in written[1]


def test_analytics_merged_from_pieces_equal_every_record_added_one_at_a_time(class_rows):
    records = grade_chunk(class_rows)
    one_at_a_time, merged = Analytics(), Analytics()
    try:
        for record in records:
            one_at_a_time.add(record)
        for start in range(0, len(records), 50):
            # through JSON, as a piece goes from a queue worker to the writer
            merged.merge(json.loads(json.dumps(piece_of(records[start:start + 50], Making())["analytics"])))
        expected, got = one_at_a_time.report(), merged.report()
        assert got == expected
        assert expected["sharing_flags"] and expected["error_rows"] > 0
        assert list(got["problems"]) == list(expected["problems"])  # problems in the order first seen
    finally:
        one_at_a_time.close()
        merged.close()


def as_one_json_line(piece: dict) -> dict:
    """A piece as it was stored before `pack`: parts.csv's lines a JSON string."""
    return {**piece, "outputs": {**piece["outputs"], "parts_csv": piece["outputs"]["parts_csv"].decode()}}


def test_a_packed_piece_comes_back_as_it_went_in(class_rows):
    piece = piece_of(grade_chunk(class_rows), Making(gradescope=True))
    piece["outputs"]["parts_csv"] += '7,s,p,,a,incorrect,0,1,"two\nlines, ünïcode ∂x/∂z",""\r\n'.encode()
    through_json = json.loads(json.dumps(as_one_json_line(piece)))  # tuples come back as lists
    through_json["outputs"]["parts_csv"] = piece["outputs"]["parts_csv"]
    assert unpack(pack(piece)) == through_json
    assert unpack(encode([piece["analytics"]])[0]) is None  # JSON Lines: what pieces were stored as before


def test_a_cut_short_piece_is_refused(class_rows):
    piece = piece_of(grade_chunk(class_rows[:3]), Making())
    head, lines = zlib.decompress(pack(piece)).split(b"\n", 1)
    with pytest.raises(ValueError, match="cut short"):
        unpack(zlib.compress(head + b"\n" + lines[:-1]))


def test_queued_chunks_stored_by_earlier_versions_still_make_their_pieces(class_rows, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'jobs.db'}")
    Base.metadata.create_all(engine)
    make_session = make_sessionmaker(engine)
    records = grade_chunk(class_rows)
    half = len(records) // 2
    with make_session() as session:
        session.add(BatchJob(id="j1", status="running", queued=True, rows_done=0, errors=0, context={},
                             gradescope=False, input_name="class.jsonl", chunks_total=2))
        session.flush()  # the job before its chunks
        session.add(BatchChunk(job_id="j1", number=0, rows=b"", row_count=half, errors=0,
                               records=encode(records[:half])[0]))  # the format before pieces
        session.add(BatchChunk(job_id="j1", number=1, rows=b"", row_count=half // 2, errors=0,
                               records=encode([as_one_json_line(piece_of(records[half:-half // 2], Making()))])[0]))
        session.add(BatchChunk(job_id="j1", number=2, rows=b"", row_count=len(records) - half - half // 2, errors=0,
                               records=pack(piece_of(records[-half // 2:], Making()))))
        session.commit()
    write_outputs(job_pieces(make_session, "j1", 3, Making()), tmp_path / "queued", Context())
    run_batch(iter(class_rows), tmp_path / "embedded", Context())
    engine.dispose()
    assert files(tmp_path / "queued") == files(tmp_path / "embedded")
