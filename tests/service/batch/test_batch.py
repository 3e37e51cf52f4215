"""Batch grading: a generated class graded by the CLI and by an API job to identical results,
totals recomputed from the per-part rows, gradebooks in Canvas's and Moodle's import formats,
Gradescope results.json files, analytics, and error rows that never stop a run.

The class is 500 students × the whole of hw1 (23 problems) — set HWCHECK_BATCH_CLASS=<n> for
another size (the default run uses 500)."""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench import classgen
from service.batch import jobs as batch_jobs
from service.cli.main import app as cli
from service.courses.templates import load_assignments

STUDENTS = int(os.environ.get("HWCHECK_BATCH_CLASS", "500"))
HW1 = load_assignments()["hw1"]
HW1_POINTS = sum(p.points for p in HW1.problems)
WORKERS = 2


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run_cli(*args: str) -> str:
    result = CliRunner().invoke(cli, [*map(str, args)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def run_job(client, instructor, body: bytes, content_type: str, **query) -> dict:
    response = client.post("/api/batch/jobs", params=query, content=body,
                           headers={**instructor, "Content-Type": content_type})
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["status"] in ("queued", "running", "done")
    batch_jobs.wait(job["id"])
    job = client.get(f"/api/batch/jobs/{job['id']}", headers=instructor).json()
    assert job["status"] == "done", job
    return job


def fetch(client, instructor, job: dict, name: str) -> bytes:
    response = client.get(f"/api/batch/jobs/{job['id']}/files/{name}", headers=instructor)
    assert response.status_code == 200, response.text
    return response.content


@pytest.fixture(scope="module")
def class_csv(tmp_path_factory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("class") / "class.csv"
    return path, classgen.write_csv(path, STUDENTS)


def test_a_class_graded_by_cli_and_api_gives_identical_results(class_csv, tmp_path, client, instructor):
    path, rows = class_csv
    out = tmp_path / "cli"
    summary = json.loads(run_cli("grade-batch", path, "--out", out, "--assignment", "hw1",
                                 "--workers", WORKERS, "--gradescope", "--quiet"))
    bad_students = sum(1 for i in range(STUDENTS) if i % 50 == 7)
    assert summary["rows"] == rows == STUDENTS * len(HW1.problems) + 3 * bad_students
    assert summary["errors"] == 3 * bad_students
    assert summary["students"] == STUDENTS

    client.app.state.batch_workers = WORKERS
    job = run_job(client, instructor, path.read_bytes(), "text/csv", assignment="hw1", gradescope="true")
    assert job["rows_total"] == job["rows_done"] == rows and job["errors"] == 3 * bad_students
    for name in ("parts.csv", "totals.csv", "gradebook.csv", "canvas.csv", "moodle.csv", "analytics.json",
                 "analytics.csv", "sharing.csv"):
        assert fetch(client, instructor, job, name) == (out / name).read_bytes(), name
    served = client.get(f"/api/batch/jobs/{job['id']}/analytics", headers=instructor)
    assert served.status_code == 200 and served.headers["content-type"] == "application/json"
    assert served.json() == json.loads((out / "analytics.json").read_text())
    one = "gradescope/s00003/results.json"
    assert json.loads(fetch(client, instructor, job, one)) == json.loads((out / one).read_text())

    parts = read_csv(out / "parts.csv")
    problems = {p.problem_id: p for p in HW1.problems}

    # Every row of the generated class has the statuses its kind implies.
    by_row = defaultdict(list)
    for r in parts:
        by_row[r["student_id"], r["problem_id"], r["line"]].append(r)
    seen_kinds = Counter()
    for (student, problem_id, _), part_rows in by_row.items():
        if problem_id not in problems or part_rows[0]["status"] == "error":
            continue
        i = int(student[1:])
        j = [p.problem_id for p in HW1.problems].index(problem_id)
        kind = classgen.kind_of(i, j)
        seen_kinds[kind] += 1
        given = classgen.answers_for(kind, problem_id, classgen.variant_of(i))
        statuses = {r["part_id"]: r["status"] for r in part_rows}
        if kind == "right":
            assert set(statuses.values()) == {"correct"}, (student, problem_id, statuses)
        elif kind == "malformed":
            assert set(statuses.values()) == {"invalid"}, (student, problem_id, statuses)
        elif kind == "missing":
            assert statuses == {p: ("correct" if p in given else "missing") for p in statuses}, (student, problem_id)
        elif kind == "wrong":
            assert "correct" not in statuses.values() or len(set(statuses.values())) > 1
    assert set(seen_kinds) == {"right", "wrong", "malformed", "missing", "shared"}

    # Error rows: each names what is wrong, the run went on.
    errors = [r for r in parts if r["status"] == "error"]
    assert len(errors) == 3 * bad_students
    assert Counter(e["feedback"].split(" ")[0] for e in errors) == Counter(
        {"no": bad_students, "variant": bad_students, "linear-form-gradient": bad_students})

    # Totals recomputed from the per-part rows.
    expected = defaultdict(float)
    for r in parts:
        expected[r["student_id"]] += float(r["score"])
    totals = {r["student_id"]: r for r in read_csv(out / "totals.csv")}
    assert set(totals) == set(expected)
    for student, total in expected.items():
        assert float(totals[student]["total"]) == pytest.approx(total, abs=1e-3)
        assert float(totals[student]["max_total"]) == HW1_POINTS
        per_problem = sum(float(totals[student][p]) for p in problems if totals[student][p])
        assert per_problem == pytest.approx(total, abs=1e-3)
    canvas = list(csv.reader(io.StringIO((out / "canvas.csv").read_text())))
    assert {row[2]: float(row[5]) for row in canvas[2:]} == pytest.approx(dict(expected), abs=1e-3)
    moodle = read_csv(out / "moodle.csv")
    assert {row["ID number"]: float(row[HW1.title]) for row in moodle} == pytest.approx(dict(expected), abs=1e-3)

    # Gradescope: one results.json per student, with the fields Gradescope reads.
    for student in ("s00000", "s00003", "s00007"):
        results = json.loads((out / "gradescope" / student / "results.json").read_text())
        assert_gradescope_results(results)
        assert results["max_score"] == HW1_POINTS
        assert results["score"] == pytest.approx(expected[student], abs=1e-3)

    # Analytics, recomputed from the per-part rows.
    report = json.loads((out / "analytics.json").read_text())
    statuses = defaultdict(Counter)
    for r in parts:
        if r["status"] != "error":
            statuses[r["problem_id"], r["part_id"]][r["status"]] += 1
    assert report["error_rows"] == 3 * bad_students
    for (problem_id, part_id), counts in statuses.items():
        stats = report["problems"][problem_id]["parts"][part_id]
        attempts = sum(counts.values()) - counts["missing"]
        assert stats["attempts"] == attempts
        assert stats["correct"] == counts["correct"]
        assert stats["share_correct"] == pytest.approx(counts["correct"] / attempts if attempts else 0.0, abs=1e-6)
        wrong = counts["incorrect"] + counts["partial"]
        assert sum(w["count"] for w in stats["common_wrong_answers"]) <= wrong
        if wrong:
            assert stats["common_wrong_answers"]
    per_problem_rows = Counter(key[1] for key in by_row if by_row[key][0]["status"] != "error")
    for problem_id, entry in report["problems"].items():
        assert sum(entry["histogram"]["counts"]) == entry["rows"] == per_problem_rows[problem_id]
        svg = ET.fromstring((out / "histograms" / f"{problem_id}.svg").read_text())
        assert len(svg.findall("{http://www.w3.org/2000/svg}rect")) == 10

    # Sharing: the students who handed in the next variant's answers are flagged, matched to it.
    flags = report["sharing_flags"]
    assert flags
    for flag in flags:
        i = int(flag["student_id"][1:])
        j = [p.problem_id for p in HW1.problems].index(flag["problem_id"])
        assert classgen.kind_of(i, j) in ("shared", "wrong")
    shared = [f for f in flags if classgen.kind_of(int(f["student_id"][1:]),
                                                   [p.problem_id for p in HW1.problems].index(f["problem_id"])) == "shared"]
    for flag in shared:
        own = classgen.variant_of(int(flag["student_id"][1:]))
        assert str(classgen.other_variant(own)) in flag["matches_variants"]
    assert {(f["student_id"], f["problem_id"], f["part_id"]) for f in shared} >= {
        ("s00001", "branch-max-network", "h")}


def assert_gradescope_results(results: dict) -> None:
    assert isinstance(results["score"], (int, float)) and isinstance(results["max_score"], (int, float))
    assert results["tests"]
    for test in results["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility"}
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert 0 <= test["score"] <= test["max_score"] or test["max_score"] == 0
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in ("hidden", "after_due_date", "after_published", "visible")
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))


ROSTER = "student_id,name,email,section\ns1,Ada Lovelace,ada@example.edu,101\ns2,Bo Diddley,bo@example.edu,102\n"


def small_batch(tmp_path: Path) -> Path:
    lines = [
        {"student_id": "s1", "problem_id": "lipschitz-linear", "answers": classgen.right_answers("lipschitz-linear", "default")},
        {"student_id": "s2", "problem_id": "lipschitz-linear", "variant": 7, "answers": {"L": "1/4"}},
        "this is not JSON",
        [1, 2],
        {"student_id": "s2", "problem_id": "receptive-field", "variant": "x"},
        {"student_id": "", "problem_id": "receptive-field"},
        {"student_id": "s3", "problem_id": "lipschitz-activations", "answers": ["not", "an", "object"]},
        {"student_id": "s3", "problem_id": "lipschitz-activations", "answers": {"relu": 1, "tanh": "[1 2"}},
    ]
    path = tmp_path / "answers.jsonl"
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    return path


def test_bad_rows_become_error_rows_and_gradebooks_match_the_import_formats(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    out = tmp_path / "out"
    summary = json.loads(run_cli("grade-batch", small_batch(tmp_path), "--out", out, "--workers", 1,
                                 "--roster", roster, "--assignment", "hw1", "--quiet"))
    assert summary["rows"] == 8 and summary["errors"] == 5
    parts = read_csv(out / "parts.csv")
    errors = {r["line"]: r["feedback"] for r in parts if r["status"] == "error"}
    assert errors == {
        "3": errors["3"], "4": "each line must be a JSON object",
        "5": "variant must be 'default' or a whole number from 0 to 2147483647, got 'x'",
        "6": "no student_id", "7": "answers must be an object of part -> value",
    }
    assert errors["3"].startswith("not JSON")
    s1 = [r for r in parts if r["student_id"] == "s1"]
    assert {r["status"] for r in s1} == {"correct"} and len(s1) == 2
    s3 = {r["part_id"]: r["status"] for r in parts if r["line"] == "8"}
    assert s3 == {"relu": "correct", "tanh": "invalid", "sigmoid": "missing", "leaky_relu": "missing",
                  "softplus": "missing"}

    # Canvas: the five identity columns, "Title (id)", and a Points Possible row; everyone on
    # the roster is listed (0 when nothing came), plus students the roster does not know.
    canvas = list(csv.reader(io.StringIO((out / "canvas.csv").read_text())))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{HW1.title} (hw1)"]
    assert canvas[1] == ["Points Possible", "", "", "", "", f"{HW1_POINTS:g}"]
    assert canvas[2] == ["Ada Lovelace", "", "s1", "ada@example.edu", "101", "2"]
    assert canvas[3] == ["Bo Diddley", "", "s2", "bo@example.edu", "102", "0"]
    assert canvas[4] == ["s3", "", "s3", "", "", "1"]
    moodle = list(csv.reader(io.StringIO((out / "moodle.csv").read_text())))
    assert moodle[0] == ["ID number", "Email address", "Full name", HW1.title]
    assert moodle[1:] == [["s1", "ada@example.edu", "Ada Lovelace", "2"], ["s2", "bo@example.edu", "Bo Diddley", "0"],
                          ["s3", "", "", "1"]]
    plain = read_csv(out / "gradebook.csv")
    assert [(r["student_id"], r["hw1"], r["max_points"]) for r in plain] == [
        ("s1", "2", f"{HW1_POINTS:g}"), ("s2", "0", f"{HW1_POINTS:g}"), ("s3", "1", f"{HW1_POINTS:g}")]


def test_a_folder_of_per_student_files(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "s1.json").write_text(json.dumps({"lipschitz-linear": {"L": 1}, "receptive-field": {}}))
    (folder / "s2.json").write_text(json.dumps({"student_id": "s-two", "variant": 5,
                                                "answers": {"lipschitz-linear": {"L": 1}}}))
    (folder / "broken.json").write_text("{")
    out = tmp_path / "out"
    summary = json.loads(run_cli("grade-batch", folder, "--out", out, "--workers", 1, "--quiet", "--no-analytics"))
    assert summary == {**summary, "rows": 4, "errors": 1}
    parts = read_csv(out / "parts.csv")
    assert {(r["student_id"], r["problem_id"], r["variant"]) for r in parts} == {
        ("broken", "", ""), ("s1", "lipschitz-linear", "default"), ("s1", "receptive-field", "default"),
        ("s-two", "lipschitz-linear", "5")}


def test_course_students_are_graded_on_their_own_variants(tmp_path, client, instructor, course):
    """With a course, a roster student's row is graded on their HMAC variant whatever the row
    says; a student not on the roster takes the row's variant."""
    from service.courses import roster, variants
    from service.store.models import Course

    course.assignment("hw9", problems=(("lipschitz-linear", 10),))
    with client.app.state.sessionmaker() as session:
        cs182 = session.get(Course, course.id)
        students = {s.student_id: s for s in roster.list_students(session, cs182)}
        own = {sid: variants.course_variant(cs182, s, "lipschitz-linear") for sid, s in students.items()}
    lines = [
        {"student_id": "s-a", "problem_id": "lipschitz-linear", "variant": "default",
         "answers": classgen.right_answers("lipschitz-linear", own["s-a"])},
        {"student_id": "s-b", "problem_id": "lipschitz-linear",
         "answers": classgen.right_answers("lipschitz-linear", "default")},
        {"student_id": "guest", "problem_id": "lipschitz-linear", "variant": 3,
         "answers": classgen.right_answers("lipschitz-linear", 3)},
    ]
    body = "".join(json.dumps(line) + "\n" for line in lines).encode()
    client.app.state.batch_workers = 1
    job = run_job(client, instructor, body, "application/x-ndjson", course_id=course.id, assignment="hw9")
    parts = list(csv.DictReader(io.StringIO(fetch(client, instructor, job, "parts.csv").decode())))
    given = {r["student_id"]: r["variant"] for r in parts}
    assert given == {"s-a": str(own["s-a"]), "s-b": str(own["s-b"]), "guest": "3"}
    status = {(r["student_id"], r["part_id"]): r["status"] for r in parts}
    assert status[("s-a", "L")] == "correct" and status[("guest", "L")] == "correct"
    canvas = list(csv.reader(io.StringIO(fetch(client, instructor, job, "canvas.csv").decode())))
    assert canvas[0][5] == "HW9 (hw9)" and canvas[1][5] == "10"
    by_sis = {row[2]: row for row in canvas[2:]}
    assert by_sis["s-a"][:5] == ["Ada", "", "s-a", "ada@example.edu", "101"] and by_sis["s-a"][5] == "10"


def test_api_jobs_need_an_instructor_and_a_known_format(client, instructor, course):
    assert client.post("/api/batch/jobs", content=b"x", headers={"Content-Type": "text/csv"}).status_code == 401
    assert client.post("/api/batch/jobs", content=b"x", headers={**course.a, "Content-Type": "text/csv"}).status_code == 403
    refused = client.post("/api/batch/jobs", content=b"x", headers={**instructor, "Content-Type": "text/plain"})
    assert refused.status_code == 415
    unknown = client.post("/api/batch/jobs?assignment=nope", content=b"x", headers={**instructor, "Content-Type": "text/csv"})
    assert unknown.status_code == 404
    assert client.get("/api/batch/jobs/nope", headers=instructor).status_code == 404


def test_a_job_whose_process_died_is_interrupted_and_its_partial_files_removed(client, instructor):
    from datetime import timedelta

    from service.batch.jobs import STALE_SECONDS, job_dir
    from service.store.models import BatchJob, utc_now

    long_ago = utc_now() - timedelta(seconds=STALE_SECONDS + 1)
    with client.app.state.sessionmaker() as session:
        session.add(BatchJob(id="job-1", status="running", input_name="input.csv", rows_done=10, errors=0,
                             heartbeat_at=long_ago))
        # Running in another worker or replica: its heartbeat is fresh, so it is no one's to end.
        session.add(BatchJob(id="job-2", status="running", input_name="input.csv", rows_done=3, errors=0,
                             heartbeat_at=utc_now()))
        session.commit()
    partial = job_dir(client.app.state.settings.data_dir, "job-1") / "out" / "parts.csv"
    partial.parent.mkdir(parents=True)
    partial.write_text("student_id,problem_id\n")
    job = client.get("/api/batch/jobs/job-1", headers=instructor).json()
    assert job["status"] == "interrupted" and job["rows_done"] == 10
    assert "partial files are removed" in job["message"]
    assert not partial.parent.parent.exists()
    assert client.get("/api/batch/jobs/job-2", headers=instructor).json()["status"] == "running"
    assert [j["id"] for j in client.get("/api/batch/jobs", headers=instructor).json()] == ["job-1", "job-2"]


def test_unreadable_csv_lines_are_error_rows_too(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_bytes(
        b"student_id,problem_id,variant,L,singular_values\n"
        b"s1,lipschitz-linear,,\"[1 2\",\n"          # an unreadable answer: that part is invalid
        b"s2,lipschitz-linear,,1\n"                  # too few cells
        b"s3,lipschitz-linear,,\x00,\n"              # a NUL byte in an answer
        b"s4,lipschitz-linear,,\xff\xfe,\n"          # not UTF-8
        b"s5,lipschitz-linear,default,1,\n"
    )
    out = tmp_path / "out"
    summary = json.loads(run_cli("grade-batch", path, "--out", out, "--workers", 1, "--quiet"))
    assert summary["rows"] == 5
    parts = read_csv(out / "parts.csv")
    by_line = defaultdict(dict)
    for r in parts:
        by_line[r["line"]][r["part_id"]] = (r["status"], r["feedback"])
    assert by_line["2"]["L"][0] == "invalid" and by_line["2"]["singular_values"][0] == "missing"
    assert by_line["3"][""] == ("error", "row has 4 cells, the header has 5")
    assert by_line["4"]["L"][0] == "invalid"  # the csv module reads a NUL; the grader refuses it
    assert by_line["5"]["L"][0] == "invalid"
    assert by_line["6"]["L"][0] in ("correct", "incorrect") and by_line["6"]["singular_values"][0] == "missing"

    headless = tmp_path / "headless.csv"
    headless.write_text("a,b\n1,2\n")
    summary = json.loads(run_cli("grade-batch", headless, "--out", tmp_path / "o2", "--workers", 1, "--quiet"))
    assert summary["rows"] == 1 and summary["errors"] == 1


def test_canvas_ids_from_the_roster_file_or_the_input_fill_canvas_s_id_column(tmp_path):
    """Canvas's import: `Student, ID, SIS User ID, SIS Login ID, Section, Title (id)`, then a
    Points Possible row. ID (Canvas's numeric user id) comes from the roster file's canvas_id,
    else the input's canvas_id (the first given); else blank. A non-numeric one is refused."""
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name,email,section,canvas_id\ns1,Ada Lovelace,ada@example.edu,101,40001\n"
                      "s2,Bo Diddley,bo@example.edu,102,\n")
    answers = tmp_path / "answers.csv"
    answers.write_text("student_id,problem_id,variant,canvas_id,L\n"
                       "s1,lipschitz-linear,,99999,1\n"   # the roster's 40001 wins
                       "s2,lipschitz-linear,,40002,1\n"
                       "s2,lipschitz-linear,,40009,2\n"   # the first given counts
                       "s3,lipschitz-linear,,,1\n"
                       "s4,lipschitz-linear,,4x,1\n")     # not a Canvas id: an error row
    out = tmp_path / "out"
    summary = json.loads(run_cli("grade-batch", answers, "--out", out, "--workers", 1, "--roster", roster,
                                 "--assignment", "hw1", "--quiet"))
    assert summary["rows"] == 5 and summary["errors"] == 1 and summary["students"] == 4
    parts = read_csv(out / "parts.csv")
    assert [r["feedback"] for r in parts if r["status"] == "error"] == ["canvas_id must be Canvas's numeric user id, got '4x'"]
    canvas = list(csv.reader(io.StringIO((out / "canvas.csv").read_text())))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{HW1.title} (hw1)"]
    assert canvas[1] == ["Points Possible", "", "", "", "", f"{HW1_POINTS:g}"]
    assert [row[:5] for row in canvas[2:]] == [["Ada Lovelace", "40001", "s1", "ada@example.edu", "101"],
                                               ["Bo Diddley", "40002", "s2", "bo@example.edu", "102"],
                                               ["s3", "", "s3", "", ""], ["s4", "", "s4", "", ""]]
    assert [row[5] for row in canvas[2:]] == [canvas[2][5], canvas[3][5], canvas[4][5], "0"]
    totals = read_csv(out / "totals.csv")
    assert [(t["student_id"], t["errors"]) for t in totals] == [("s1", "0"), ("s2", "0"), ("s3", "0"), ("s4", "1")]

    bad = tmp_path / "bad-roster.csv"
    bad.write_text("student_id,name,canvas_id\ns1,Ada,forty\n")
    result = CliRunner().invoke(cli, ["grade-batch", str(answers), "--out", str(tmp_path / "o2"), "--roster", str(bad),
                                      "--quiet"])
    assert result.exit_code == 2 and "roster line 2: canvas_id must be Canvas's numeric user id" in result.output


def test_json_lone_surrogates_are_graded_not_a_crash(tmp_path):
    """JSON may escape half a surrogate pair; no UTF-8 file or SQLite text can hold one."""
    path = tmp_path / "answers.jsonl"
    path.write_text('{"student_id": "s\\ud800", "problem_id": "lipschitz-linear", "answers": {"L": "\\udfff1"}}\n'
                    '{"student_id": "s2", "problem_id": "lipschitz-linear", "canvas_id": 77, "answers": {"L": 2}}\n')
    out = tmp_path / "out"
    summary = json.loads(run_cli("grade-batch", path, "--out", out, "--workers", 1, "--quiet"))
    assert summary["rows"] == 2 and summary["errors"] == 0
    parts = read_csv(out / "parts.csv")
    assert {(r["student_id"], r["part_id"], r["status"]) for r in parts} >= {("s\ufffd", "L", "invalid"), ("s2", "L", "incorrect")}
    canvas = list(csv.reader(io.StringIO((out / "canvas.csv").read_text())))
    assert [row[1:3] for row in canvas[2:]] == [["77", "s2"], ["", "s\ufffd"]]  # code point order


def test_gradescope_folders_are_distinct_and_stay_inside(tmp_path):
    """Issue 23, item 7: ids `a/b`, `a_b`, `a b` once shared `gradescope/a_b/`; `..` wrote to
    out/results.json; `.tests` failed the whole job. Each id now has its own folder under
    gradescope/, listed in index.csv, holding only that student's tests."""
    ids = ["a/b", "a_b", "a b", "..", ".tests", "x" * 100 + "1", "x" * 100 + "2", "s1"]
    answers = tmp_path / "answers.csv"
    with open(answers, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["student_id", "problem_id", "L"])
        out.writerows([sid, "lipschitz-linear", "1"] for sid in ids)
    out_dir = tmp_path / "out"
    summary = json.loads(run_cli("grade-batch", answers, "--out", out_dir, "--workers", 1, "--gradescope", "--quiet"))
    assert summary["rows"] == len(ids) and summary["errors"] == 0
    index = {row["student_id"]: row["folder"] for row in read_csv(out_dir / "gradescope" / "index.csv")}
    assert set(index) == set(ids) and len(set(index.values())) == len(ids)
    assert index["a_b"] == "a_b" and index["s1"] == "s1"  # plain ids are their own folder
    assert index["a/b"].startswith("a_b~") and index[".."].startswith("_~")
    folders = {p.parent.name for p in (out_dir / "gradescope").glob("*/results.json")}
    assert folders == set(index.values())
    assert not (out_dir / "results.json").exists()
    for folder in folders:
        results = json.loads((out_dir / "gradescope" / folder / "results.json").read_text())
        assert len(results["tests"]) == 2  # one student's two parts, nobody else's


def test_a_deep_row_is_one_error_row_never_the_whole_job(tmp_path):
    """Issue 23, item 6: one cell of 60,000 `[`, a 100,000-deep JSON Lines record or file failed
    the whole job with a RecursionError. Each is now its own row; its neighbours are graded."""
    deep_cell = tmp_path / "deep.csv"
    deep_cell.write_text("student_id,problem_id,L\ns1,lipschitz-linear," + "[" * 60_000 + "\ns2,lipschitz-linear,1\n")
    deep_line = tmp_path / "deep.jsonl"
    deep_line.write_text('{"student_id": "s1", "problem_id": "lipschitz-linear", "answers": {"L": '
                         + "[" * 100_000 + "]" * 100_000 + "}}\n"
                         + json.dumps({"student_id": "s2", "problem_id": "lipschitz-linear", "answers": {"L": 1}}) + "\n")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "s1.json").write_text('{"lipschitz-linear": {"L": ' + "[" * 100_000 + "]" * 100_000 + "}}")
    (folder / "s2.json").write_text(json.dumps({"lipschitz-linear": {"L": 1}}))
    for source in (deep_cell, deep_line, folder):
        out = tmp_path / f"out-{source.name}"
        summary = json.loads(run_cli("grade-batch", source, "--out", out, "--workers", 1, "--quiet"))
        parts = read_csv(out / "parts.csv")
        graded = {(r["student_id"], r["part_id"]): r for r in parts}
        assert graded[("s2", "L")]["status"] == "incorrect"
        if source is deep_cell:
            assert summary["errors"] == 0 and graded[("s1", "L")]["status"] == "invalid"
        else:
            assert summary["errors"] == 1
            (error,) = [r for r in parts if r["status"] == "error"]
            assert error["feedback"].startswith("not an answer: nested ") and "at most 32" in error["feedback"]


def test_a_cell_is_read_as_json_up_to_the_depth_limit_and_no_deeper():
    """A cell with no more brackets than the limit skips the depth walk (it cannot nest deeper);
    past it the walk decides: too deep is kept as typed (the grader calls it invalid), many
    shallow brackets are JSON."""
    from service.batch.inputs import _cell
    from service.ops.limits import MAX_JSON_DEPTH

    def nested(depth: int) -> str:
        return "[" * depth + "1" + "]" * depth

    expected: object = 1
    for _ in range(MAX_JSON_DEPTH):
        expected = [expected]
    assert _cell(nested(MAX_JSON_DEPTH)) == expected
    assert _cell(nested(MAX_JSON_DEPTH + 1)) == nested(MAX_JSON_DEPTH + 1)
    shallow = "[" + ", ".join(["[1]"] * (MAX_JSON_DEPTH + 8)) + "]"
    assert _cell(shallow) == [[1]] * (MAX_JSON_DEPTH + 8)
    assert _cell('{"a": ' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1)).startswith('{"a": {"a":')


def test_the_gradescope_autograder_writes_results_for_a_deep_answers_file(tmp_path):
    from service.batch.gradescope_bundle import main

    answers = tmp_path / "answers.json"
    answers.write_text('{"lipschitz-linear": {"L": ' + "[" * 100_000 + "]" * 100_000 + "}}")
    assert main(["--assignment", "hw1", str(answers), str(tmp_path / "results.json")]) == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["output"].startswith("answers.json is not answers: nested ")


def test_jobs_beyond_the_cap_wait_queued(tmp_path, client, instructor, monkeypatch):
    """Issue 23, item 9: every upload started its own grading at once. With
    HWCHECK_MAX_BATCH_JOBS=1 the second job stays `queued` until the first is done."""
    import threading
    import time

    gate, started = threading.Event(), []
    real_run = batch_jobs.run_batch

    def held_run(*args, **kwargs):
        started.append(1)
        gate.wait(30)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(batch_jobs, "run_batch", held_run)
    batch_jobs.set_max_running(1)
    try:
        body = b"student_id,problem_id,L\ns1,lipschitz-linear,1\n"
        ids = [client.post("/api/batch/jobs", content=body, headers={**instructor, "Content-Type": "text/csv"}).json()["id"]
               for _ in range(2)]
        deadline = time.monotonic() + 10
        while not started and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)
        statuses = [client.get(f"/api/batch/jobs/{i}", headers=instructor).json()["status"] for i in ids]
        assert statuses == ["running", "queued"] and len(started) == 1
        gate.set()
        for job_id in ids:
            batch_jobs.wait(job_id, 30)
        assert [client.get(f"/api/batch/jobs/{i}", headers=instructor).json()["status"] for i in ids] == ["done", "done"]
    finally:
        gate.set()
        batch_jobs.set_max_running(2)
