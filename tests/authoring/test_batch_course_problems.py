"""A course's own problems in batch grading: `hwcheck grade-batch` with worker processes (which
import the registry themselves) grades them as it grades the built-ins."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from problems.core import reference, to_json
from problems.loading import load
from service.authoring.template import write_template


def test_grade_batch_with_workers_grades_a_course_problem(tmp_path):
    write_template("demo-grad", tmp_path / "course")
    (problem,) = load((), paths=str(tmp_path / "course"))[0].values()
    key = to_json(reference(problem, 3))
    rows = tmp_path / "answers.jsonl"
    rows.write_text("\n".join(json.dumps({"student_id": f"s{i}", "problem_id": "demo-grad", "variant": 3,
                                          "answers": key if i % 2 else {**key, "loss": 0}})
                              for i in range(40)) + "\n")
    env = {**os.environ, "HWCHECK_PROBLEM_PATHS": str(tmp_path / "course"), "HWCHECK_DATA_DIR": str(tmp_path)}
    done = subprocess.run([str(Path(sys.executable).parent / "hwcheck"), "grade-batch", str(rows), "--out",
                           str(tmp_path / "out"), "--workers", "2", "--chunk", "8"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    with open(tmp_path / "out" / "totals.csv", newline="") as handle:
        totals = {row["student_id"]: float(row["total"]) for row in csv.DictReader(handle)}
    assert len(totals) == 40
    assert {totals[f"s{i}"] for i in range(1, 40, 2)} == {4.0}
    assert {totals[f"s{i}"] for i in range(0, 40, 2)} == {3.0}
