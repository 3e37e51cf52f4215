"""Analytics of recorded submissions: a small seeded class (five students, each on their own
variant) gives exact figures — attempts, share correct, statuses, common wrong answers with
counts, the histogram, one sharing flag — by the route (JSON, CSV, SVG) and by the CLI, and
every bad request is a clear 4xx."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from typer.testing import CliRunner

from service.cli.main import app as cli

MORE = [{"student_id": s, "name": s.upper(), "email": f"{s}@example.edu", "section": "101"}
        for s in ("s-c", "s-d", "s-e")]


def key(x: float) -> str:
    return f"{x:.3g}"


@pytest.fixture
def seeded(course):
    """hw1 = lipschitz-linear (parts L and singular_values), counted: best.
    s-a: wrong (1.5 × own L), then right -> the right one counts.
    s-b: 2 × own L, then "[1 2" (unreadable: uses no attempt, does not count) -> the wrong one.
    s-c: s-a's L (another variant's reference: a sharing flag).
    s-d: "1/4" and s-e: "0.25" -> one wrong answer, twice."""
    client, instructor = course.client, course.instructor
    course.assignment("hw1", problems=(("lipschitz-linear", 10),))
    added = client.post(f"/api/courses/{course.id}/roster", json=[
        {"student_id": "s-a", "name": "Ada", "email": "ada@example.edu", "section": "101"},
        {"student_id": "s-b", "name": "Bo", "email": "bo@example.edu", "section": "102"}, *MORE], headers=instructor)
    assert added.status_code == 200, added.text
    tokens = {s["student_id"]: s["token"] for s in added.json()["students"] if s["token"]}
    who = {"s-a": course.a, "s-b": course.b, **{s: {"Authorization": f"Bearer {t}"} for s, t in tokens.items()}}

    def own(student):
        shown = client.get(f"/api/courses/{course.id}/students/{student}/problems/lipschitz-linear",
                           params={"assignment": "hw1"}, headers=instructor).json()
        return shown["answers"]["L"], str(shown["variant"])

    def submit(student, value):
        response = client.post("/api/grade/lipschitz-linear", headers=who[student],
                               json={"assignment": "hw1", "answers": {"L": value}})
        assert response.status_code == 200, response.text
        return response.json()

    L = {s: own(s)[0] for s in who}
    variants = {s: own(s)[1] for s in who}
    assert 0.25 not in {round(v, 3) for v in L.values()}
    submit("s-a", L["s-a"] * 1.5)
    right = submit("s-a", L["s-a"])
    submit("s-b", L["s-b"] * 2)
    submit("s-b", "[1 2")
    submit("s-c", L["s-a"])
    submit("s-d", "1/4")
    submit("s-e", "0.25")
    return course, L, variants, right


def test_figures_of_a_seeded_class(seeded):
    course, L, variants, right = seeded
    response = course.client.get(f"/api/courses/{course.id}/assignments/hw1/analytics", headers=course.instructor)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["course_id"], report["assignment"], report["counts"], report["submissions"]) == (course.id, "hw1", "best", 5)
    entry = report["problems"]["lipschitz-linear"]
    assert entry["rows"] == 5
    wrong = sorted([key(L["s-b"] * 2), key(L["s-a"])])
    # The diagnoses are the feedback each student's counted wrong answer got, once per student.
    counted = [s for s in course.client.get(f"/api/courses/{course.id}/submissions",
                                            headers=course.instructor).json() if s["attempt"] is not None]
    feedback = {}
    for s in sorted(counted, key=lambda s: s["id"]):  # here the last attempt is the one that counts
        part = s["parts"][0]
        if part["status"] == "incorrect":
            feedback[s["student_id"]] = part["feedback"]
        else:
            feedback.pop(s["student_id"], None)
    assert feedback["s-b"] == "This is twice the expected value: check for a factor of 2."
    diagnosed = entry["parts"]["L"].pop("diagnosed_mistakes")
    assert {d["feedback"]: d["count"] for d in diagnosed} == Counter(feedback.values())
    assert entry["parts"]["L"].pop("carried_forward") == 0
    assert entry["parts"]["L"] == {
        "attempts": 5, "correct": 1, "share_correct": 0.2, "statuses": {"correct": 1, "incorrect": 4},
        "common_wrong_answers": [{"answer": "0.25", "count": 2}, {"answer": wrong[0], "count": 1},
                                 {"answer": wrong[1], "count": 1}],
    }
    assert entry["parts"]["singular_values"] == {"attempts": 0, "correct": 0, "share_correct": 0.0,
                                                 "statuses": {"missing": 5}, "common_wrong_answers": [],
                                                 "carried_forward": 0, "diagnosed_mistakes": []}
    # s-a's counted submission earned L's share of the problem; the four others nothing.
    share = right["score"] / right["max_score"]
    counts = [0] * 10
    counts[0] += 4
    counts[min(9, int(share * 10))] += 1
    assert entry["histogram"]["counts"] == counts
    assert report["error_rows"] == 0
    assert report["sharing_flags"] == [{"student_id": "s-c", "problem_id": "lipschitz-linear", "part_id": "L",
                                        "variant": variants["s-c"], "answer": key(L["s-a"]),
                                        "matches_variants": [variants["s-a"]]}]

    as_csv = course.client.get(f"/api/courses/{course.id}/assignments/hw1/analytics?format=csv",
                               headers=course.instructor)
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(as_csv.text))) == [
        ["problem_id", "part_id", "attempts", "correct", "share_correct", "common_wrong_answers"],
        ["lipschitz-linear", "L", "5", "1", "0.2", f"0.25 ×2; {wrong[0]} ×1; {wrong[1]} ×1"],
        ["lipschitz-linear", "singular_values", "0", "0", "0.0", ""],
    ]

    svg = course.client.get(f"/api/courses/{course.id}/assignments/hw1/analytics/histograms/lipschitz-linear.svg",
                            headers=course.instructor)
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    bars = ET.fromstring(svg.text).findall("{http://www.w3.org/2000/svg}rect")
    assert [bar.find("{http://www.w3.org/2000/svg}title").text.rsplit(": ", 1)[1] for bar in bars] == list(map(str, counts))


def test_the_last_attempt_counts_when_the_assignment_says_so(course):
    course.assignment("hw2", problems=(("lipschitz-linear", 10),), counts="last")
    key_ = course.client.get(f"/api/courses/{course.id}/students/s-a/problems/lipschitz-linear",
                             params={"assignment": "hw2"}, headers=course.instructor).json()["answers"]["L"]
    for value in (key_, "1/4"):  # right, then wrong: the wrong one counts
        assert course.client.post("/api/grade/lipschitz-linear", headers=course.a,
                                  json={"assignment": "hw2", "answers": {"L": value}}).status_code == 200
    report = course.client.get(f"/api/courses/{course.id}/assignments/hw2/analytics", headers=course.instructor).json()
    assert report["counts"] == "last" and report["submissions"] == 1
    assert report["problems"]["lipschitz-linear"]["parts"]["L"]["statuses"] == {"incorrect": 1}
    assert report["problems"]["lipschitz-linear"]["parts"]["L"]["common_wrong_answers"] == [{"answer": "0.25", "count": 1}]


def test_no_submissions_yet_is_an_empty_report(course):
    course.assignment("hw1")
    report = course.client.get(f"/api/courses/{course.id}/assignments/hw1/analytics", headers=course.instructor).json()
    assert report == {"course_id": course.id, "assignment": "hw1", "counts": "best", "submissions": 0,
                      "problems": {}, "error_rows": 0, "sharing_flags": []}
    svg = course.client.get(f"/api/courses/{course.id}/assignments/hw1/analytics/histograms/lipschitz-linear.svg",
                            headers=course.instructor)
    assert svg.status_code == 200 and svg.text.count("<rect") == 10


def test_bad_requests_are_clear_4xx(course):
    course.assignment("hw1")
    base = f"/api/courses/{course.id}/assignments"
    get = course.client.get
    assert get(f"{base}/hw1/analytics").status_code == 401
    assert get(f"{base}/hw1/analytics", headers=course.a).status_code == 403
    cases = {
        f"{base}/nope/analytics": 404,
        "/api/courses/999999/assignments/hw1/analytics": 404,
        "/api/courses/0/assignments/hw1/analytics": 404,
        "/api/courses/99999999999/assignments/hw1/analytics": 404,
        f"{base}/hw1/analytics?format=xml": 422,
        f"{base}/{'x' * 51}/analytics": 422,
        f"{base}/hw1/analytics/histograms/receptive-field.svg": 404,
        f"{base}/hw1/analytics/histograms/..%2F..%2Fetc.svg": 404,
        f"{base}/nope/analytics/histograms/lipschitz-linear.svg": 404,
    }
    for url, code in cases.items():
        response = get(url, headers=course.instructor)
        assert response.status_code == code, (url, response.text)
        assert response.json()["detail"], url


def test_the_analytics_command(seeded, settings, monkeypatch, tmp_path):
    course, L, variants, _ = seeded
    monkeypatch.setattr("service.settings.get_settings", lambda: settings)
    runner = CliRunner()
    printed = runner.invoke(cli, ["analytics", "--course", "CS 182", "--assignment", "hw1"])
    assert printed.exit_code == 0, printed.output
    route = course.client.get(f"/api/courses/{course.id}/assignments/hw1/analytics", headers=course.instructor).json()
    assert json.loads(printed.output) == route

    as_csv = runner.invoke(cli, ["analytics", "--course", str(course.id), "--assignment", "hw1", "--format", "csv"])
    assert as_csv.exit_code == 0 and as_csv.output.splitlines()[1].startswith("lipschitz-linear,L,5,1,0.2,0.25 ×2;")

    out = tmp_path / "analytics"
    written = runner.invoke(cli, ["analytics", "--course", "CS 182", "--assignment", "hw1", "--out", str(out)])
    assert written.exit_code == 0, written.output
    on_disk = json.loads((out / "analytics.json").read_text())
    assert on_disk == {k: route[k] for k in ("problems", "error_rows", "sharing_flags")}
    assert list(csv.reader(io.StringIO((out / "sharing.csv").read_text()))) == [
        ["student_id", "problem_id", "part_id", "variant", "answer", "matches_variants"],
        ["s-c", "lipschitz-linear", "L", variants["s-c"], key(L["s-a"]), variants["s-a"]]]
    assert (out / "histograms" / "lipschitz-linear.svg").is_file()

    missing = runner.invoke(cli, ["analytics", "--course", "CS 182", "--assignment", "nope"])
    assert missing.exit_code == 1 and "no assignment 'nope'" in missing.output
    bad = runner.invoke(cli, ["analytics", "--course", "CS 182", "--assignment", "hw1", "--format", "xml"])
    assert bad.exit_code == 2


@pytest.mark.parametrize("flag", [
    {"student_id": "s-ä\"1", "problem_id": "p", "part_id": "L", "variant": "11", "answer": "[0.25, 1\\n]",
     "matches_variants": ["22", "33"]},
    {"student_id": "s\ud800", "problem_id": "p", "part_id": "L", "variant": "default", "answer": "1",
     "matches_variants": []},
])
def test_a_sharing_flag_is_laid_out_as_json_indent_2_lays_it_out(flag):
    from service.analytics.figures import flag_json

    assert flag_json(flag) == "\n".join("    " + line for line in json.dumps(flag, indent=2).splitlines())
