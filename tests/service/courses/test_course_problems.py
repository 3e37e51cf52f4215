"""A course's own problems through the real server: `hwcheck new-problem` output and the example
course package (examples/), loaded by HWCHECK_PROBLEM_PATHS, are listed with their source, get
their typed route in /openapi.json, and grade their own answer keys correct over HTTP."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from live_server import INSTRUCTOR_TOKEN, start_server

from problems.loading import load
from service.authoring.template import write_template

pytestmark = pytest.mark.e2e
EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "course"
AUTH = {"Authorization": f"Bearer {INSTRUCTOR_TOKEN}"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    template = tmp_path_factory.mktemp("template")
    write_template("demo-grad", template)
    folders = [template, *([EXAMPLES] if EXAMPLES.is_dir() else [])]
    ids = [pid for folder in folders for pid in load((), paths=str(folder))[0]]
    assignments = template / "assignments.toml"
    assignments.write_text('[course-hw]\ntitle = "Our own"\nproblems = [' + ", ".join(f'"{i}"' for i in ids)
                           + ', "lipschitz-linear"]\n')
    server = start_server(tmp_path_factory.mktemp("served"), env={
        "HWCHECK_PROBLEM_PATHS": os.pathsep.join(map(str, folders)), "HWCHECK_RATE_LIMIT_PER_IP": "0",
        "HWCHECK_ASSIGNMENTS_FILE": str(assignments)})
    yield server, ids
    server.stop()


def test_they_are_listed_with_where_they_come_from(served):
    server, ids = served
    listed = {p["id"]: p for p in httpx.get(f"{server.base}/api/problems").json()}
    assert set(ids) <= set(listed) and "lipschitz-linear" in listed
    assert listed["demo-grad"]["source"].startswith("path: ") and listed["demo-grad"]["source"].endswith(
        "demo_grad.py")
    assert listed["lipschitz-linear"]["source"] == "built-in: lipschitz/lipschitz_linear.py"
    paths = httpx.get(f"{server.base}/openapi.json").json()["paths"]
    assert all(f"/api/grade/{pid}" in paths for pid in ids)


def test_each_grades_its_own_answer_key_correct(served):
    server, ids = served
    for pid in ids:
        for variant in ("default", "7"):
            key = httpx.get(f"{server.base}/api/problems/{pid}/answer-key", params={"variant": variant},
                            headers=AUTH)
            assert key.status_code == 200, key.text
            answers = {k: v for k, v in key.json()["answers"].items() if v is not None}
            body = {"answers": answers} | ({"variant": int(variant)} if variant != "default" else {})
            graded = httpx.post(f"{server.base}/api/grade/{pid}", json=body).json()
            assert [p["status"] for p in graded["parts"]] == ["correct"] * len(graded["parts"]), (pid, graded)


def test_an_assignment_file_may_name_them(served):
    server, ids = served
    shown = httpx.get(f"{server.base}/api/assignments/course-hw").json()
    assert [p["id"] for p in shown["problems"]] == [*ids, "lipschitz-linear"]
