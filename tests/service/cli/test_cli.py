import json

from typer.testing import CliRunner

from problems import registry
from problems.core import reference
from service.cli.main import app

runner = CliRunner()


def test_problems_lists_every_problem():
    result = runner.invoke(app, ["problems", "--json"])
    assert result.exit_code == 0
    assert [p["id"] for p in json.loads(result.output)] == list(registry.PROBLEMS)


def test_grade_a_file(tmp_path):
    ref = reference(registry.get("receptive-field"), 4)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"answers": {"rf_final": float(ref["rf_final"]), "rf_per_layer": "[1 2]"}}))
    result = runner.invoke(app, ["grade", "receptive-field", str(answers), "--variant", "4"])
    assert result.exit_code == 0, result.output
    graded = {p["id"]: p["status"] for p in json.loads(result.output)["parts"]}
    assert graded["rf_final"] == "correct"
    assert graded["rf_per_layer"] == "incorrect"
    assert graded["jump_per_layer"] == "missing"


def test_grade_refuses_unknown_things(tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text('{"bogus": 1}')
    assert "no problem 'nope'" in runner.invoke(app, ["grade", "nope", str(answers)]).output
    unknown = runner.invoke(app, ["grade", "receptive-field", str(answers)])
    assert unknown.exit_code == 2 and "has no part 'bogus'" in unknown.output
    answers.write_text("[1, 2")
    assert runner.invoke(app, ["grade", "receptive-field", str(answers)]).exit_code == 2
