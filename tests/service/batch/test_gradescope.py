"""The Gradescope autograder bundle and the grader it runs."""

from __future__ import annotations

import json
import stat
import zipfile

from test_batch import assert_gradescope_results
from typer.testing import CliRunner

from bench.classgen import right_answers
from service.batch.gradescope_bundle import main
from service.cli.main import app as cli
from service.courses.templates import load_assignments

HW1 = load_assignments()["hw1"]


def test_the_bundle_has_setup_and_run_autograder_and_hwcheck_itself(tmp_path):
    target = tmp_path / "hw1.zip"
    result = CliRunner().invoke(cli, ["gradescope-bundle", "hw1", "--out", str(target)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as bundle:
        names = set(bundle.namelist())
        assert {"setup.sh", "run_autograder", "assignments.toml", "hwcheck/pyproject.toml",
                "hwcheck/service/batch/gradescope_bundle.py", "hwcheck/graders/answer.lark", "hwcheck/problems/core.py"} <= names
        for script in ("setup.sh", "run_autograder"):
            assert stat.S_IMODE(bundle.getinfo(script).external_attr >> 16) & 0o111
        run = bundle.read("run_autograder").decode()
        assert "/autograder/submission/answers.json" in run and "/autograder/results/results.json" in run
        assert "--assignment hw1" in run
        assert "pip install /autograder/source/hwcheck" in bundle.read("setup.sh").decode()
    assert "no assignment 'hw7'" in CliRunner().invoke(cli, ["gradescope-bundle", "hw7"]).output


def test_run_autograder_grades_answers_json_into_results_json(tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({
        "lipschitz-linear": right_answers("lipschitz-linear", "default"),
        "adam-bias-correction": {"bias_factor": "[1 2"},
        "no-such-problem": {"x": 1},
    }))
    results_file = tmp_path / "results" / "results.json"
    assert main(["--assignment", "hw1", str(answers), str(results_file)]) == 0
    results = json.loads(results_file.read_text())
    assert_gradescope_results(results)
    assert results["max_score"] == sum(p.points for p in HW1.problems)
    assert results["score"] == 2.0  # L and singular_values right; nothing else
    tests = {t["name"]: t for t in results["tests"]}
    assert tests["lipschitz-linear: L"]["status"] == "passed"
    assert tests["adam-bias-correction: bias_factor"]["output"].startswith("invalid:")
    assert tests["no-such-problem: not graded"]["output"] == "'no-such-problem' is not a problem of hw1"
    assert tests["trace-gradient: df_dX"]["output"].startswith("missing:")

    answers.write_text("{not json")
    assert main(["--assignment", "hw1", str(answers), str(results_file)]) == 0
    broken = json.loads(results_file.read_text())
    assert broken["score"] == 0 and broken["output"].startswith("answers.json is not JSON")
    assert_gradescope_results(broken)
