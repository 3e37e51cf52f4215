"""The catalog's expression parts: each answer key, read by our grammar, is its formula; no
known mistake is the right answer; verdicts are reproducible; hostile text is refused fast."""

import time

import numpy as np
import pytest
from timing import bound

from graders.equivalence import Expected, formula_values, make_batches
from graders.expression_values import read_expression
from graders.grade import grade_part
from graders.kinds import expression
from graders.symbols import parse_symbol, parse_symbols
from problems import registry

PARTS = [(problem, part) for problem in registry.PROBLEMS.values() for part in problem.parts
         if part.kind == "expression"]
IDS = [f"{problem.id}:{part.id}" for problem, part in PARTS]


@pytest.mark.parametrize(("problem", "part"), PARTS, ids=IDS)
def test_answer_text_is_equivalent_to_the_formula(problem, part):
    symbols = parse_symbols(part.symbols)
    reading = read_expression(part.answer, symbols)
    # Fresh draws, not the grader's cached ones: the answer text against the NumPy formula.
    for batch in make_batches(symbols, seed=12345):
        expected = formula_values(part.formula, symbols, batch)
        value = reading.evaluate(batch.env, batch.count)
        assert value.shape == expected.shape
        np.testing.assert_allclose(value, expected, rtol=1e-9, atol=1e-12)
    assert expression.check(part, part.answer).status == "correct"


@pytest.mark.parametrize(("problem", "part"), PARTS, ids=IDS)
def test_no_mistake_is_the_right_answer(problem, part):
    symbols = parse_symbols(part.symbols)
    for batch in make_batches(symbols, seed=777):
        right = formula_values(part.formula, symbols, batch)
        for mistake in part.mistakes:
            wrong = formula_values(mistake.value, symbols, batch)
            assert wrong.shape != right.shape or not np.allclose(wrong, right), mistake.feedback


@pytest.mark.parametrize(("problem", "part"), PARTS, ids=IDS)
def test_the_answer_key_shows_the_answer_text(problem, part):
    from problems.core import reference

    assert reference(problem, "default")[part.id] == part.answer


def test_a_verdict_is_reproducible():
    part = registry.get("quadratic-form-gradient").part("df_dx")
    fresh = Expected(parse_symbols(part.symbols), part.answer, part.formula, part.mistakes,
                     key=part.id)
    for text in ("x^T (A + A^T)", "2Ax", "x^T A", "(A + A^T) x"):
        assert fresh.check(text) == expression.expected_for(part).check(text)
    assert all(np.array_equal(a, b) for a, b in
               zip(fresh.values, expression.expected_for(part).values))


def test_dimension_assignments_give_distinct_sizes():
    symbols = parse_symbols({"A": "m×n", "J": "n×l"})
    batches = make_batches(symbols, seed=1)
    assert len(batches) >= 2
    for batch in batches:
        assert len(set(batch.sizes.values())) == 3
    for letter in "lmn":
        assert len({b.sizes[letter] for b in batches}) >= 2


def test_an_m_n_confusion_is_caught():
    """With m = n the two would agree: distinct sizes make it a shape error."""
    symbols = {"X": "m×n", "A": "n×n"}
    result = Expected(parse_symbols(symbols), "X (A + A^T)").check("X^T (A + A^T)")
    assert result.kind == "shape"
    assert "Xᵀ is n×m, A + Aᵀ is n×n — cannot multiply when m ≠ n" in result.feedback


def test_square_matrices_are_drawn_well_conditioned():
    symbols = parse_symbols({"A": "n×n", "S": "n×n spd"})
    for batch in make_batches(symbols, seed=3):
        assert (np.linalg.cond(batch.env["A"]) <= 30).all()
        assert (np.linalg.eigvalsh(batch.env["S"]) > 0).all()


def test_scalar_domains_are_respected():
    rng = np.random.default_rng(0)
    from graders.symbols import draw_scalar

    beta = draw_scalar(parse_symbol("beta2", "scalar in (0, 1)"), 500, rng)
    assert ((beta > 0) & (beta < 1)).all()
    t = draw_scalar(parse_symbol("t", "positive integer"), 500, rng)
    assert (t >= 1).all() and (t == np.round(t)).all()
    k = draw_scalar(parse_symbol("K", "integer in [2, 9]"), 500, rng)
    assert set(np.unique(k)) <= set(range(2, 10))
    positive = draw_scalar(parse_symbol("v", "scalar > 0"), 500, rng)
    assert (positive > 0).all()


@pytest.mark.parametrize("spec", ["n", "n×", "scalar in (1, 0)", "3×n spd", "vector"])
def test_malformed_declarations_are_refused(spec):
    with pytest.raises(ValueError):
        parse_symbol("x", spec)


HOSTILE = [
    "__import__('os')",
    "().__class__",
    "9**9**9**9",
    "10^10^10",
    "(" * 10_000 + "x" + ")" * 10_000,
    "x" * 1_000_000,
    "factorial(10^6)",
    "x^T" * 600,
    "exp(" * 99 + "1" + ")" * 99,
    "A^64^64",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_is_invalid_in_well_under_a_second(text):
    problem = registry.get("quadratic-form-gradient")
    started = time.perf_counter()
    verdict = grade_part(problem, "df_dx", text, "default")
    assert time.perf_counter() - started < bound(0.5)
    assert verdict.status in ("invalid", "incorrect")
    if text in HOSTILE[:7]:
        assert verdict.status == "invalid", verdict.feedback


def test_non_text_answers_are_invalid():
    problem = registry.get("quadratic-form-gradient")
    for raw in ([1, 2], {"x": 1}, True):
        assert grade_part(problem, "df_dx", raw, "default").status == "invalid"
    assert grade_part(problem, "df_dx", None, "default").status == "missing"


@pytest.mark.parametrize(("text", "name"), [("_", "_"), ("__", "__"), ("x_ _", "_")])
def test_a_name_of_only_underscores_is_an_unknown_symbol(text, name):
    verdict = grade_part(registry.get("quadratic-form-gradient"), "df_dx", text, "default")
    assert (verdict.status, verdict.feedback) == ("invalid", f"`{name}` is not a symbol here; the symbols are A, x")
