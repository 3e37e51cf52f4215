"""What every problem owes the rest of hwcheck: deterministic variants, the catalog's defaults,
statements that render, a reference per part, frozen cached solutions."""

import json
import re

import numpy as np
import pytest

from graders.grade import grade
from problems import core, registry
from problems.core import (
    as_arrays,
    mistake_value,
    params_for,
    reference,
    run_steps,
    solution,
    to_json,
)
from problems.statement import render

PROBLEMS = list(registry.PROBLEMS.values())
IDS = [p.id for p in PROBLEMS]
SEEDS = range(20)

CATALOG_DEFAULTS = {
    "quadratic-form-gradient": dict(A=[[1, 2], [0, 3]], x=[1, -1]),
    "branch-max-network": dict(
        x=[1, 2, 3, 1],
        W1=[[-1, 0, 1, -1], [0, 1, 0, 0]],
        W21=[[1, 1], [1, -1], [-1, 1]],
        W22=[[2, -1], [4, -2], [-2, 1]],
        y=[0, 1, 0],
    ),
    "adam-bias-correction": dict(beta1=0.9, beta2=0.999, t=10, Eg=0.2, Eg2=0.04, v_t=0.0004),
    "receptive-field": dict(layers=[dict(k=3, s=1, d=1), dict(k=3, s=1, d=2), dict(k=3, s=1, d=4)]),
    "lipschitz-linear": dict(W=[[3, 0], [4, 5]]),
}
CATALOG_PARTS = {
    "quadratic-form-gradient": {"df_dx_value"},
    "branch-max-network": {
        "h", "a", "b", "z", "y_hat", "loss", "dL_dz", "dL_dW21", "dL_dW22", "dL_dh", "dL_dW1",
    },
    "adam-bias-correction": {"bias_factor", "expected_v", "expected_m", "corrected_v_hat"},
    "receptive-field": {"rf_per_layer", "jump_per_layer", "rf_final"},
    "lipschitz-linear": {"L", "singular_values"},
}
FAMILIES = {
    "quadratic-form-gradient": "gradients",
    "branch-max-network": "backprop",
    "adam-bias-correction": "optimizers",
    "receptive-field": "receptive_fields",
    "lipschitz-linear": "lipschitz",
}
KINDS = {"number", "vector", "matrix", "set", "boolean", "expression", "property"}


def test_registry_has_the_catalog_problems():
    assert set(CATALOG_DEFAULTS) <= set(IDS)
    for problem_id, family in FAMILIES.items():
        assert registry.get(problem_id).family == family


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_ids_titles_and_parts_are_well_formed(problem):
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", problem.id)
    assert problem.title.strip() and problem.statement.strip()
    part_ids = [p.id for p in problem.parts]
    assert len(part_ids) == len(set(part_ids))
    for part in problem.parts:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", part.id)  # `L` is the catalog's
        assert part.kind in KINDS
        assert part.prompt.strip()
    if problem.id in CATALOG_PARTS:
        assert CATALOG_PARTS[problem.id] <= set(part_ids)


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_params_are_deterministic_in_the_seed(problem):
    first = [params_for(problem, seed) for seed in range(50)]
    core._params_json.cache_clear()  # recompute from scratch, not from the cache
    second = [params_for(problem, seed) for seed in range(50)]
    assert first == second
    distinct = {json.dumps(p, sort_keys=True) for p in first}
    # A problem without random variants (symbols only, or pure theory) has one for everyone.
    assert len(distinct) >= 40 if problem.random is not None else len(distinct) == 1


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_params_for_returns_a_fresh_copy(problem):
    params = params_for(problem, 3)
    params["changed"] = True
    assert "changed" not in params_for(problem, 3)


@pytest.mark.parametrize("problem_id", sorted(CATALOG_DEFAULTS))
def test_default_is_the_catalogs(problem_id):
    assert params_for(registry.get(problem_id), "default") == CATALOG_DEFAULTS[problem_id]


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_random_variants_are_valid(problem):
    for seed in SEEDS:
        assert problem.valid(run_steps(problem.steps, as_arrays(params_for(problem, seed))))


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_statements_render_completely(problem):
    for variant in ["default", *SEEDS]:
        text = render(problem.statement, params_for(problem, variant))
        assert "{{" not in text
        assert text.count("$$") % 2 == 0


def test_rendering_puts_the_variant_numbers_in():
    problem = registry.get("lipschitz-linear")
    text = render(problem.statement, {"W": [[7, -3], [2, 9]]})
    assert r"\begin{bmatrix} 7 & -3 \\ 2 & 9 \end{bmatrix}" in text


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_every_part_has_a_reference(problem):
    for variant in ["default", *SEEDS]:
        ref = reference(problem, variant)
        for part in problem.parts:
            if part.kind == "property":
                # No single reference: the step named like the part is one right answer for
                # the answer key, and it must have the property.
                assert part.id in ref, part.id
                graded = grade(problem, variant, {part.id: to_json(ref[part.id])})
                assert [p.status for p in graded.parts if p.id == part.id] == ["correct"], part.id
                continue
            assert part.id in ref, part.id
            value = np.asarray(ref[part.id])
            if part.kind in ("number", "vector", "matrix", "set"):
                assert np.all(np.isfinite(value.astype(float))), part.id
            expected_ndim = {"number": 0, "vector": 1, "set": 1, "matrix": 2}.get(part.kind)
            if expected_ndim is not None:
                assert value.ndim == expected_ndim, part.id
        json.dumps(to_json(ref))  # the answer key is plain JSON


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_solution_cannot_be_changed_by_a_caller(problem):
    for variant in ("default", 0):
        values = solution(problem, variant)
        for array in (v for v in values.values() if isinstance(v, np.ndarray)):
            with pytest.raises(ValueError):
                array.flat[0] = 12345.0
        values["injected"] = 1  # a caller's own copy: the next caller still gets the pure solution
        assert "injected" not in solution(problem, variant)


def test_the_read_only_check_has_arrays_to_check():
    assert sum(
        isinstance(v, np.ndarray) for p in PROBLEMS for v in solution(p, "default").values()
    ) >= 20


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_no_mistake_is_the_right_answer(problem):
    for variant in ["default", *SEEDS]:
        values = solution(problem, variant)
        for part in problem.parts:
            if part.kind == "expression":
                continue  # mistakes of symbols: tests/graders/test_expression_parts.py
            right = np.asarray(values[part.id]) if part.id in values else None
            for mistake in part.mistakes:
                wrong = mistake_value(mistake, values)
                assert right is not None and wrong.shape == right.shape, (part.id, mistake.feedback)
                same = np.allclose(wrong, right, rtol=1e-6, atol=1e-9)
                assert not same, (variant, mistake.feedback)


def test_a_small_param_is_written_as_a_power_of_ten_not_as_e():
    from problems.statement import latex_number

    # "1e-08" reads as 1·e − 8 in a rendered formula.
    assert latex_number(1e-8) == r"1 \times 10^{-8}"
    assert latex_number(2.5e-5) == r"2.5 \times 10^{-5}"
    assert latex_number(0.001) == "0.001"
