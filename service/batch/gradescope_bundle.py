"""Gradescope: an autograder bundle for an assignment, and the grader it runs.

`write_bundle` makes the zip Gradescope's "Configure Autograder" takes: `setup.sh` (installs
hwcheck from the copy of its source inside the zip), `run_autograder` (grades
/autograder/submission/answers.json into /autograder/results/results.json) and the
assignments file. `python -m service.batch.gradescope_bundle --assignment hw1 ANSWERS RESULTS` is what
run_autograder calls; it never fails without writing a results.json.

answers.json: `{"problem-id": {"part": value, …}, …}` (the same layout as a per-student file of
`hwcheck grade-batch`), optionally inside `{"answers": …}`.
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once when the image is built.
set -euo pipefail
if ! command -v python3 >/dev/null || ! python3 -m venv --help >/dev/null 2>&1; then
  apt-get update && apt-get install -y python3 python3-pip python3-venv
fi
python3 -m venv /autograder/hwcheck-venv
/autograder/hwcheck-venv/bin/pip install --upgrade pip
/autograder/hwcheck-venv/bin/pip install /autograder/source/hwcheck
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission.
set -uo pipefail
mkdir -p /autograder/results
cd /autograder
HWCHECK_ASSIGNMENTS_FILE=/autograder/source/assignments.toml \\
  /autograder/hwcheck-venv/bin/python -m service.batch.gradescope_bundle --assignment {assignment} \\
  /autograder/submission/answers.json /autograder/results/results.json
"""

SOURCE_PACKAGES = ("problems", "graders", "service")


def _source_files(root: Path):
    for package in SOURCE_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".lark", ".toml", ".mako"):
                yield path
    for name in ("pyproject.toml", "README.md"):
        if (root / name).is_file():
            yield root / name


def write_bundle(assignment, target: Path, assignments_file: Path | None = None) -> Path:
    from service.courses.templates import DEFAULT_FILE

    root = Path(__file__).resolve().parents[2]  # the checkout: service/batch/ is two below it
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER.format(assignment=assignment.id))):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16  # executable, as Gradescope needs
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, text)
        bundle.write(assignments_file or DEFAULT_FILE, "assignments.toml")
        for path in _source_files(root):
            bundle.write(path, f"hwcheck/{path.relative_to(root).as_posix()}")
    return target


def grade_submission(payload: Any, assignment) -> dict[str, Any]:
    """answers.json's content -> results.json's content, for one assignment."""
    from service.batch.inputs import submission_rows
    from service.batch.run import grade_row
    from service.exports.gradebooks import (
        gradescope_error_test,
        gradescope_results,
        gradescope_test,
    )

    tests: list[dict[str, Any]] = []
    points = {p.problem_id: p.points for p in assignment.problems}
    seen: dict[str, dict[str, Any]] = {}
    problems_given = payload.get("answers", payload) if isinstance(payload, dict) else None
    if not isinstance(problems_given, dict):
        return gradescope_results([{"name": "answers.json", "score": 0.0, "max_score": 0.0, "status": "failed",
                                    "output": "answers.json must hold a JSON object: {\"problem-id\": {\"part\": value}}",
                                    "visibility": "visible"}], sum(points.values()))
    for row in submission_rows(payload, "submission", "answers.json"):
        if row.get("error") is None and row["problem_id"] not in points:
            row["error"] = f"{row['problem_id'][:100]!r} is not a problem of {assignment.id}"
        if row.get("error") is None:
            row["variant"] = "default"
        seen[row["problem_id"]] = grade_row(row)
    for problem_id, worth in points.items():
        record = seen.pop(problem_id, None)
        if record is None:
            record = grade_row({"line": "answers.json", "student_id": "submission", "problem_id": problem_id,
                                "variant": "default", "answers": {}})
        if record["error"]:
            tests.append(gradescope_error_test(record))
            continue
        scale = worth / record["max_score"] if record["max_score"] else 1.0
        tests.extend(gradescope_test(problem_id, part, scale) for part in record["parts"])
    tests.extend(gradescope_error_test(record) for record in seen.values())
    return gradescope_results(tests, sum(points.values()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Grade a Gradescope submission's answers.json")
    parser.add_argument("--assignment", required=True)
    parser.add_argument("answers", type=Path)
    parser.add_argument("results", type=Path)
    args = parser.parse_args(argv)
    from service.courses.templates import load_assignments
    from service.settings import get_settings

    assignment = load_assignments(get_settings().assignments_file)[args.assignment]
    from service.batch.inputs import TooDeep, read_json

    try:
        payload = read_json(args.answers.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        payload = "no answers.json was submitted"
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        payload = f"answers.json is not JSON: {error}"
    except TooDeep as error:  # a results.json that says so, never an exit with none
        payload = f"answers.json is not answers: {error}"
    results = grade_submission(payload, assignment)
    if isinstance(payload, str):
        results["output"] = payload
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
