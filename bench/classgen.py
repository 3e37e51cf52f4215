"""A generated class for the batch tests and benchmark: every student answers every problem of an
assignment with right, wrong, malformed or missing answers (chosen by a fixed rule, so the
expected statuses are known), plus a few rows that are not gradable at all."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from problems.core import reference, solution, to_json
from problems.registry import PROBLEMS
from service.courses.templates import load_assignments

SEEDS = ("default", 11, 22, 33, 44, 55)
KINDS = ("right", "wrong", "malformed", "missing", "right", "shared")  # what each student does, by rule


def right_answers(problem_id: str, variant) -> dict[str, Any]:
    problem = PROBLEMS[problem_id]
    values = solution(problem, variant)
    ref = reference(problem, variant)
    answers = {}
    for part in problem.parts:
        if part.id in ref:
            answers[part.id] = to_json(ref[part.id])
        elif part.id in values:
            answers[part.id] = to_json(values[part.id])
    return answers


def wrong(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        return f"2*({value})"  # an expression, twice the right one
    if isinstance(value, (int, float)):
        return round(value * 1.5 + 0.37, 6)
    if isinstance(value, list):
        return [wrong(v) for v in value]
    if isinstance(value, dict):
        return {k: wrong(v) for k, v in value.items()}
    return value


def other_variant(variant):
    """The variant a "shared" student copies from: the next one of SEEDS."""
    return SEEDS[(SEEDS.index(variant) + 1) % len(SEEDS)]


def answers_for(kind: str, problem_id: str, variant) -> dict[str, Any]:
    if kind == "shared":  # another variant's right answers, handed in as one's own
        return right_answers(problem_id, other_variant(variant))
    answers = right_answers(problem_id, variant)
    if kind == "wrong":
        return {k: wrong(v) for k, v in answers.items()}
    if kind == "malformed":
        return {k: "[1 2; 3" for k in answers}
    if kind == "missing":
        return {k: v for i, (k, v) in enumerate(answers.items()) if i % 2}
    return answers


def student_id(i: int) -> str:
    return f"s{i:05d}"


def kind_of(i: int, j: int) -> str:
    return KINDS[(i + 2 * j) % len(KINDS)]


def variant_of(i: int):
    return SEEDS[i % len(SEEDS)]


def rows(students: int, assignment: str = "hw1", bad_rows: bool = True) -> Iterator[dict[str, Any]]:
    problems = [p.problem_id for p in load_assignments()[assignment].problems]
    for i in range(students):
        for j, problem_id in enumerate(problems):
            variant = variant_of(i)
            yield {"student_id": student_id(i), "problem_id": problem_id, "variant": variant,
                   "answers": answers_for(kind_of(i, j), problem_id, variant)}
        if bad_rows and i % 50 == 7:
            yield {"student_id": student_id(i), "problem_id": "no-such-problem", "variant": "default", "answers": {}}
            yield {"student_id": student_id(i), "problem_id": problems[0], "variant": "seven", "answers": {}}
            yield {"student_id": student_id(i), "problem_id": problems[0], "variant": "default",
                   "answers": {"not_a_part": 1}}


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def write_csv(path: Path, students: int, assignment: str = "hw1", bad_rows: bool = True,
              limit: int | None = None, numeric: bool = False) -> int:
    """The class as a batch CSV (at most `limit` rows); returns the row count. `numeric`: no
    expression (symbolic) parts answered — bench/grading.py's "numeric" mix."""
    problems = [PROBLEMS[p.problem_id] for p in load_assignments()[assignment].problems]
    columns = list(dict.fromkeys([q.id for p in problems for q in p.parts
                                  if not (numeric and q.kind == "expression")] + ["not_a_part"]))
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["student_id", "problem_id", "variant", *columns])
        for row in rows(students, assignment, bad_rows):
            if limit is not None and count >= limit:
                break
            out.writerow([row["student_id"], row["problem_id"], row["variant"],
                          *[cell(row["answers"].get(c)) for c in columns]])
            count += 1
    return count


def write_jsonl(path: Path, students: int, assignment: str = "hw1", bad_rows: bool = True) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows(students, assignment, bad_rows):
            handle.write(json.dumps(row) + "\n")
            count += 1
    return count
