"""GradeResult.to_dict is written out by hand for speed; dataclasses.asdict is the independent
reference it must match exactly — values, key order (the stored JSON and the API body keep it)
and types."""

from __future__ import annotations

import dataclasses
import json

import pytest

from graders.grade import grade
from problems import registry
from problems.core import reference, to_json


def submissions(problem):
    key = to_json(reference(problem, "default"))
    parts = [p.id for p in problem.parts]
    yield "default", key  # all right
    yield 3, key  # a seed: mostly wrong
    yield "default", {p: "1/" for p in parts}  # unreadable
    yield "default", {parts[0]: key.get(parts[0])}  # the others missing


@pytest.mark.parametrize("problem_id", sorted(registry.PROBLEMS))
def test_to_dict_is_asdict(problem_id):
    problem = registry.PROBLEMS[problem_id]
    for variant, answers in submissions(problem):
        result = grade(problem, variant, answers)
        mine, reference_dict = result.to_dict(), dataclasses.asdict(result)
        assert mine == reference_dict
        assert json.dumps(mine) == json.dumps(reference_dict)  # same keys in the same order
        assert [type(v) for v in mine.values()] == [type(v) for v in reference_dict.values()]


@pytest.mark.parametrize("problem_id", sorted(registry.PROBLEMS))
def test_as_json_is_what_the_response_model_sends(problem_id):
    from service.schemas import GradeResponse

    problem = registry.PROBLEMS[problem_id]
    for variant, answers in submissions(problem):
        result = grade(problem, variant, answers)
        assert result.as_json == GradeResponse.model_validate(result.to_dict()).model_dump_json()
