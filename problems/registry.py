"""Every problem by id. A family module lists its problems in `PROBLEMS`; adding one there is all
it takes for the API, the CLI and the tests to see it."""

from __future__ import annotations

from problems import backprop, gradients, lipschitz, optimizers, receptive_fields
from problems.core import Problem

FAMILIES = (gradients, backprop, optimizers, receptive_fields, lipschitz)

PROBLEMS: dict[str, Problem] = {}
for _family in FAMILIES:
    for _problem in _family.PROBLEMS:
        if _problem.id in PROBLEMS:
            raise RuntimeError(f"duplicate problem id {_problem.id}")
        PROBLEMS[_problem.id] = _problem


def get(problem_id: str) -> Problem:
    return PROBLEMS[problem_id]
