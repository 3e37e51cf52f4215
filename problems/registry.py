"""Every problem by id, and where each came from. A family (a package with a module per problem,
or one module) lists its problems in `PROBLEMS`; adding one there is all it takes for the API,
the CLI and the tests to see it. A course's own problems come from HWCHECK_PROBLEM_PATHS and the
`hwcheck.problems` entry points (problems/loading.py), loaded here once, exactly as the built-ins."""

from __future__ import annotations

from problems import backprop, gradients, lipschitz, optimizers, receptive_fields
from problems.core import Problem
from problems.loading import Source, load

FAMILIES = (gradients, backprop, optimizers, receptive_fields, lipschitz)

PROBLEMS: dict[str, Problem]
SOURCES: dict[str, Source]
PROBLEMS, SOURCES = load(FAMILIES)


def get(problem_id: str) -> Problem:
    return PROBLEMS[problem_id]


def source_of(problem_id: str) -> Source:
    return SOURCES[problem_id]
