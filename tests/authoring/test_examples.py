"""The example course package (examples/course/, outside problems/): every problem passes
check-problem on 20 random variants, and each is one short definition."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from problems import registry
from problems.loading import load
from service.authoring.check import check_problem

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "course"
PROBLEMS, SOURCES = load((), paths=str(EXAMPLES))


def test_there_are_at_least_ten_new_problems():
    assert len(PROBLEMS) >= 10
    assert not set(PROBLEMS) & set(registry.PROBLEMS)  # new material, not the catalog again


@pytest.mark.parametrize("problem_id", sorted(PROBLEMS))
def test_each_example_passes_check_problem(problem_id):
    report = check_problem(PROBLEMS[problem_id], variants=20)
    assert report.ok, [(f.check, f.part, f.variant, f.message) for f in report.failures]
    derivatives = [p for p in PROBLEMS[problem_id].parts if p.derivative_of]
    assert report.checks > 20 * (len(PROBLEMS[problem_id].parts) + len(derivatives))


@pytest.mark.parametrize("problem_id", sorted(PROBLEMS))
def test_each_example_is_one_short_definition(problem_id):
    text = Path(SOURCES[problem_id].where).read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 80
    assert len(re.findall(r"^    Problem\(", text, flags=re.M)) == 1
    assert "from problems.authoring import" in text
    assert not re.search(r"^from (problems\.(?!authoring)|graders|service)", text, flags=re.M)
