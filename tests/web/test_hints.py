"""A hint never shows an answer: every syntax example under every box of every problem (and of
the course examples), graded on that part's default and random variants, is not correct."""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.grade import grade_part
from problems.loading import load
from problems.registry import PROBLEMS as CATALOG
from service.web.pages import EXAMPLES, hint

EXAMPLES_COURSE = Path(__file__).resolve().parents[2] / "examples" / "course"
PROBLEMS = {**CATALOG, **load((), paths=str(EXAMPLES_COURSE))[0]}


@pytest.mark.parametrize("problem", PROBLEMS.values(), ids=list(PROBLEMS))
def test_no_hint_example_is_graded_correct(problem):
    for variant in ("default", 1, 2):
        for part in problem.parts:
            if part.kind == "boolean":
                continue  # its hint names the two answers there are, not an example
            shown = hint(part)
            for example in EXAMPLES[part.kind]:
                assert example in shown, (part.id, example)
                verdict = grade_part(problem, part.id, example, variant)
                assert verdict.status != "correct", (problem.id, part.id, variant, example)
