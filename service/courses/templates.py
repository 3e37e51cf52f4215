"""Assignments from a TOML file an instructor can edit or replace: which problems each holds and
what each problem is worth. Checked on load, so a typo in a problem id is an error at start-up
that names it, not a 500 later."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from problems import registry

DEFAULT_FILE = Path(__file__).with_name("assignments.toml")


class AssignmentsError(ValueError):
    pass


@dataclass(frozen=True)
class AssignedProblem:
    problem_id: str
    points: float  # what the problem is worth in the assignment; its parts are scaled to it


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    problems: tuple[AssignedProblem, ...]

    @property
    def points(self) -> float:
        return sum(p.points for p in self.problems)


def _entry(assignment_id: str, entry) -> AssignedProblem:
    problem_id, points = (entry, None) if isinstance(entry, str) else (entry.get("id"), entry.get("points"))
    if problem_id not in registry.PROBLEMS:
        raise AssignmentsError(f"assignment {assignment_id!r} names an unknown problem {problem_id!r}")
    if points is None:
        points = sum(part.weight for part in registry.get(problem_id).parts)
    if not isinstance(points, (int, float)) or points <= 0:
        raise AssignmentsError(f"assignment {assignment_id!r}: points for {problem_id!r} must be a positive number")
    return AssignedProblem(problem_id, float(points))


def parse_assignments(text: str, source: str = "assignments file") -> dict[str, Assignment]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AssignmentsError(f"{source} is not valid TOML: {error}") from None
    assignments = {}
    for assignment_id, table in data.items():
        if not isinstance(table, dict) or not isinstance(table.get("problems"), list) or not table["problems"]:
            raise AssignmentsError(f"assignment {assignment_id!r} needs a non-empty `problems` list")
        entries = tuple(_entry(assignment_id, e) for e in table["problems"])
        ids = [e.problem_id for e in entries]
        if len(set(ids)) != len(ids):
            raise AssignmentsError(f"assignment {assignment_id!r} lists a problem twice")
        assignments[assignment_id] = Assignment(assignment_id, str(table.get("title", assignment_id)), entries)
    return assignments


@lru_cache
def load_assignments(path: Path | None = None) -> dict[str, Assignment]:
    path = path or DEFAULT_FILE
    return parse_assignments(path.read_text(encoding="utf-8"), str(path))
