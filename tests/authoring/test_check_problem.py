"""`hwcheck check-problem` proves definitions right, and fails — naming the check, the part and the
variant — on definitions that are wrong in the ways authors get them wrong."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from problems.authoring import Mistake
from problems.loading import load
from problems.registry import PROBLEMS
from service.authoring.check import check_path, check_problem
from service.authoring.template import write_template
from service.cli.main import app as cli


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("course")
    write_template("demo-grad", folder)
    return folder


def demo_problem(demo: Path):
    (problem,) = load((), paths=str(demo))[0].values()
    return problem


def failures(report, check: str) -> list:
    return [f for f in report.failures if f.check == check]


@pytest.mark.parametrize("problem_id", sorted(PROBLEMS))
def test_every_catalog_problem_passes(problem_id):
    report = check_problem(PROBLEMS[problem_id], variants=4)
    assert report.ok, [(f.check, f.part, f.variant, f.message) for f in report.failures]
    assert report.checks >= 3  # an expression-only problem: its parts and its statement


def test_the_template_passes_as_written(demo):
    result = CliRunner().invoke(cli, ["check-problem", str(demo), "--variants", "20", "--json"])
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.output)
    assert report["problem"] == "demo-grad" and report["ok"] and report["variants"] == 21
    assert report["failures"] == [] and report["warnings"] == []


def test_a_wrong_sign_in_a_derivative_fails_naming_part_and_variant(demo):
    problem = demo_problem(demo)
    broken = replace(problem, steps={**problem.steps, "dL_dW": lambda r, x: -np.outer(r, x)},
                     parts=tuple(replace(p, mistakes=()) for p in problem.parts))
    report = check_problem(broken, variants=3)
    wrong = failures(report, "derivative")
    assert {f.variant for f in wrong} == {"default", "1", "2", "3"} and {f.part for f in wrong} == {"dL_dW"}
    assert "the reference is not ∂loss/∂W: finite differences give" in wrong[0].message


def test_a_missing_transpose_fails(demo):
    problem = demo_problem(demo)
    broken = replace(problem, steps={**problem.steps, "dL_dW": lambda r, x: np.outer(x, r)})
    report = check_problem(broken, variants=2)
    assert failures(report, "derivative") and not report.ok
    assert "∂loss/∂W has 6 entries" in failures(report, "derivative")[0].message \
        or "the reference is not ∂loss/∂W" in failures(report, "derivative")[0].message


def test_a_mistake_equal_to_the_reference_fails(demo):
    problem = demo_problem(demo)
    same = Mistake(lambda dL_dW: dL_dW * 1.0, "this is no mistake")
    parts = tuple(replace(p, mistakes=(same,)) if p.id == "dL_dW" else p for p in problem.parts)
    report = check_problem(replace(problem, parts=parts), variants=2)
    (first, *_) = failures(report, "mistake")
    assert first.part == "dL_dW" and first.variant == "default"
    assert "graded correct at the part's tolerance: it cannot be told apart" in first.message


def test_an_unfilled_param_in_the_statement_fails(demo):
    problem = demo_problem(demo)
    report = check_problem(replace(problem, statement=problem.statement + "\n$b = {{b}}$"), variants=1)
    assert failures(report, "statement")[0].message == (
        "the statement does not render: 'statement names {{b}} but there is no such param'")


def test_a_random_that_never_passes_valid_fails(demo):
    report = check_problem(replace(demo_problem(demo), valid=lambda v: False), variants=1)
    assert [f.message for f in failures(report, "random")] == ["none of 200 draws of `random` passes `valid`"]
    assert failures(report, "variant")[0].message.startswith("cannot make this variant: RuntimeError")


def test_a_wrong_expression_answer_fails(demo):
    problem = demo_problem(demo)
    parts = tuple(replace(p, answer="x (W x - y)^T") if p.id == "dL_dW_expr" else p for p in problem.parts)
    (failure,) = failures(check_problem(replace(problem, parts=parts), variants=0), "expression")
    assert failure.part == "dL_dW_expr" and "is graded incorrect" in failure.message


def test_a_reference_of_the_wrong_kind_fails(demo):
    problem = demo_problem(demo)
    parts = tuple(replace(p, kind="number") if p.id == "r" else p for p in problem.parts)
    (failure, *_) = failures(check_problem(replace(problem, parts=parts), variants=0), "kind")
    assert failure.part == "r" and failure.message.startswith("the reference [")


def test_the_command_exits_non_zero_and_names_what_failed(tmp_path):
    write_template("demo-grad", tmp_path)
    path = tmp_path / "demo_grad.py"
    path.write_text(path.read_text().replace("dL_dW=lambda r, x: np.outer(r, x)",
                                             "dL_dW=lambda r, x: 2 * np.outer(r, x)"))
    result = CliRunner().invoke(cli, ["check-problem", str(path), "--variants", "2"])
    assert result.exit_code == 1
    assert "✗ demo-grad" in result.output and "derivative part dL_dW, variant default" in result.output
    assert CliRunner().invoke(cli, ["check-problem", "no-such-thing"]).exit_code == 2


def test_check_path_takes_ids_and_all():
    assert [r.problem for r in check_path("lipschitz-linear", variants=1)] == ["lipschitz-linear"]


def test_an_expression_mistake_equal_to_the_formula_fails(demo):
    problem = demo_problem(demo)
    same = Mistake(lambda W, x, y: (W @ x - y) @ x.T, "this is the answer itself")
    parts = tuple(replace(p, mistakes=(same,)) if p.id == "dL_dW_expr" else p for p in problem.parts)
    (failure,) = failures(check_problem(replace(problem, parts=parts), variants=0), "mistake")
    assert failure.part == "dL_dW_expr" and "equals the formula on every draw" in failure.message
