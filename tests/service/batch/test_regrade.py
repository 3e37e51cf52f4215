"""Regrade: a tolerance change flips known stored submissions; the report lists exactly those,
the old results are kept, and what counts follows the new scores."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from problems import registry
from problems.precision import Tolerance
from service.cli.main import app as cli


def submit(course, who, value) -> dict:
    response = course.client.post("/api/grade/lipschitz-linear", headers=who,
                                  json={"assignment": "hw1", "answers": {"L": value}})
    assert response.status_code == 200, response.text
    return response.json()


def own_L(course, student_id) -> float:
    key = course.client.get(f"/api/courses/{course.id}/students/{student_id}/problems/lipschitz-linear",
                            params={"assignment": "hw1"}, headers=course.instructor)
    assert key.status_code == 200, key.text
    return key.json()["answers"]["L"]


@pytest.fixture
def looser_L(monkeypatch):
    """A tolerance change: L now accepts anything within 5 % (it was 2 decimals or 1 %)."""
    def loosen():
        problem = registry.PROBLEMS["lipschitz-linear"]
        parts = tuple(replace(p, tolerance=Tolerance(relative=0.05, hint="within 5 %")) if p.id == "L" else p
                      for p in problem.parts)
        monkeypatch.setitem(registry.PROBLEMS, "lipschitz-linear", replace(problem, parts=parts))
    return loosen


def stored(client):
    from service.store.models import Grading, GradingRevision

    with client.app.state.sessionmaker() as session:
        rows = {g.id: (g.score, g.final_score) for g in session.scalars(select(Grading))}
        revisions = [(r.grading_id, r.score, r.new_score, r.result["parts"][0]["status"])
                     for r in session.scalars(select(GradingRevision).order_by(GradingRevision.id))]
    return rows, revisions


def test_a_tolerance_change_flips_known_submissions_and_the_report_lists_them(course, looser_L, clock):
    course.assignment("hw1", problems=(("lipschitz-linear", 10),))
    la, lb = own_L(course, "s-a"), own_L(course, "s-b")
    off_3 = submit(course, course.a, la * 1.03)       # 3 % off: wrong now, right within 5 %
    off_10 = submit(course, course.a, la * 1.10)      # 10 % off: wrong either way
    exact = submit(course, course.b, lb)              # right either way
    off_4 = submit(course, course.b, lb * 0.96)       # 4 % under: flips too
    assert [s["parts"][0]["status"] for s in (off_3, off_10, exact, off_4)] == ["incorrect", "incorrect", "correct", "incorrect"]
    ids = [s["submission"]["id"] for s in (off_3, off_10, exact, off_4)]

    # A dry run reports the flips and stores nothing.
    looser_L()
    dry = course.client.post(f"/api/courses/{course.id}/assignments/hw1/regrade", params={"dry_run": "true"},
                             headers=course.instructor).json()
    assert [(c["submission_id"], c["old_score"], c["new_score"]) for c in dry["changes"]] == [
        (ids[0], 0.0, 1.0), (ids[3], 0.0, 1.0)]
    assert stored(course.client)[1] == []

    report = course.client.post(f"/api/courses/{course.id}/assignments/hw1/regrade", headers=course.instructor).json()
    # Three results changed (the 10 %-off one keeps its score; its feedback quotes the new
    # tolerance), two scores did: only those are in the report.
    assert report["regraded"] == 4 and report["revised"] == 3
    assert [(c["submission_id"], c["student_id"], c["old_score"], c["new_score"],
             [(p["id"], p["old_status"], p["new_status"]) for p in c["parts"]]) for c in report["changes"]] == [
        (ids[0], "s-a", 0.0, 1.0, [("L", "incorrect", "correct")]),
        (ids[3], "s-b", 0.0, 1.0, [("L", "incorrect", "correct")]),
    ]
    rows, revisions = stored(course.client)
    assert revisions == [(ids[0], 0.0, 1.0, "incorrect"), (ids[1], 0.0, 0.0, "incorrect"),
                         (ids[3], 0.0, 1.0, "incorrect")]  # the old results, kept
    assert rows[ids[0]] == (1.0, 1.0) and rows[ids[1]] == (0.0, 0.0) and rows[ids[3]] == (1.0, 1.0)
    # What counts follows: s-a's best is now the flipped submission (10 points of 10 on one of 2 parts).
    progress = course.client.get(f"/api/courses/{course.id}/students/s-a/assignments", headers=course.instructor).json()
    assert progress[0]["problems"][0]["counted_submission_id"] == ids[0]
    assert progress[0]["problems"][0]["score"] == pytest.approx(10 * 1.0 / 2.0)

    # Again: nothing left to change.
    again = course.client.post(f"/api/courses/{course.id}/assignments/hw1/regrade", headers=course.instructor).json()
    assert again["changes"] == [] and again["revised"] == 0


def test_the_regrade_command(course, looser_L, clock, settings, monkeypatch):
    course.assignment("hw1", problems=(("lipschitz-linear", 10),))
    flipped = submit(course, course.a, own_L(course, "s-a") * 1.02)["submission"]["id"]
    submit(course, course.b, own_L(course, "s-b"))
    looser_L()
    monkeypatch.setattr("service.settings.get_settings", lambda: settings)
    result = CliRunner().invoke(cli, ["regrade", "--assignment", "hw1", "--course", "CS 182", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [(c["submission_id"], c["student_id"], c["old_score"], c["new_score"]) for c in report["changes"]] == [
        (flipped, "s-a", 0.0, 1.0)]
    table = CliRunner().invoke(cli, ["regrade", "--assignment", "hw1", "--course", "CS 182", "--dry-run"])
    assert table.exit_code == 0 and "0 scores changed" in table.output
