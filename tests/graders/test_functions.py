"""The function table (graders/functions.py) is what every reader of answers uses: a function
added there is typed, computed on numbers, arrays and draws, converted to SymPy and shown —
with nothing else to change. softplus is the example: one entry."""

from __future__ import annotations

import math

import numpy as np
import pytest

from graders.expression_values import read_expression
from graders.functions import BY_NAME, ELEMENTWISE, FUNCTIONS, SPELLINGS
from graders.numeric import evaluate
from graders.parse import parse
from graders.render import to_latex
from graders.symbols import Symbol


def test_every_spelling_names_one_function_and_every_elementwise_one_is_whole():
    spellings = [s for f in FUNCTIONS for s in (f.name, *f.spellings)]
    assert len(spellings) == len(set(spellings)) == len(SPELLINGS)
    for name, f in ELEMENTWISE.items():
        assert f.sympy is not None and f.shown, name
        assert (f.domain is None) == (f.outside == ""), name


def test_softplus_is_typed_computed_and_shown_from_its_entry():
    assert evaluate(parse("softplus(0)")) == pytest.approx(math.log(2))
    assert evaluate(parse("softplus(-800)")) == 0.0  # log1p-exp form: no overflow
    np.testing.assert_allclose(evaluate(parse("softplus([0, 1])")), np.log1p(np.exp([0.0, 1.0])))
    assert to_latex(parse("softplus(x)")) == r"\operatorname{softplus}\left(x\right)"
    reading = read_expression("softplus(b) + 1", (Symbol("b", 1, 1, scalar=True),))
    draws = np.array([[[0.5]], [[-2.0]]])
    values = np.asarray(reading.evaluate({"b": draws}, 2)).reshape(-1)
    np.testing.assert_allclose(values, np.log1p(np.exp([0.5, -2.0])) + 1)


def test_sinh_and_cosh_come_from_their_entries_alone():
    # tanh = sinh/cosh and cosh² − sinh² = 1, entry by entry on a vector and on draws
    assert evaluate(parse(r"\cosh(0)")) == 1.0
    np.testing.assert_allclose(evaluate(parse("sinh([1, 2]) ./ cosh([1, 2])")), np.tanh([1.0, 2.0]))
    reading = read_expression("cosh(z) ⊙ cosh(z) - sinh(z) ⊙ sinh(z)", (Symbol("z", "n", 1),))
    assert reading.shape == ("n", 1)
    draws = np.random.default_rng(0).normal(size=(4, 3, 1))
    np.testing.assert_allclose(reading.evaluate({"z": draws}, 4), np.ones((4, 3, 1)))
    assert to_latex(parse(r"\sinh(x)")) == r"\sinh\left(x\right)"


def test_the_sympy_forms_agree_with_the_numpy_ones():
    sympy = pytest.importorskip("sympy")
    x = sympy.Symbol("x")
    for name, f in ELEMENTWISE.items():
        point = 0.7 if f.domain is None or f.domain(0.7) else 2.0
        expected = float(f.numpy(np.float64(point)))
        assert float(f.sympy(sympy)(x).subs(x, point)) == pytest.approx(expected, rel=1e-12), name
    assert BY_NAME["ln"].spellings == ("log", "log_e")


def test_softmax_and_norm_are_of_vectors():
    from graders.errors import AnswerError
    from graders.expression_values import ShapeError

    np.testing.assert_allclose(evaluate(parse("softmax([1, 2, 3])")), np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    assert evaluate(parse("norm([3, 4])")) == 5.0
    assert evaluate(parse("norm([3, 4])^2")) == pytest.approx(25.0)
    # A matrix's norm is its 2-norm, the largest singular value (‖W‖_F is the other one).
    matrix = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert evaluate(parse("norm([[1, 2], [3, 4]])")) == pytest.approx(np.linalg.svd(matrix, compute_uv=False)[0])
    with pytest.raises(AnswerError, match=r"softmax\(\) is taken of a vector"):
        evaluate(parse("softmax([[1, 2], [3, 4]])"))
    z = Symbol("z", "n", 1)
    assert read_expression("softmax(z)", (z,)).shape == ("n", 1)
    assert read_expression("norm(z)^2", (z,)).shape == (1, 1)
    assert read_expression("norm(W)", (Symbol("W", "m", "n"),)).shape == (1, 1)
    with pytest.raises(ShapeError, match=r"softmax\(\) is taken of a vector"):
        read_expression("softmax(W)", (Symbol("W", "m", "n"),))
    assert to_latex(parse("norm(x)")) == r"\left\lVert x \right\rVert"


def test_elementwise_division_and_power():
    from graders.errors import AnswerError

    np.testing.assert_allclose(evaluate(parse("[1, 2] ./ [2, 8]")), [0.5, 0.25])
    np.testing.assert_allclose(evaluate(parse("[1, 2] .^ 2")), [1.0, 4.0])
    np.testing.assert_allclose(evaluate(parse(r"[1, 3]^{\circ 2}")), [1.0, 9.0])
    assert evaluate(parse("5.*2")) == 10.0 and evaluate(parse("6./3")) == 2.0  # `5.` is no number here
    with pytest.raises(AnswerError, match="division by zero"):
        evaluate(parse("[1, 2] ./ [1, 0]"))
    with pytest.raises(AnswerError, match="needs equal shapes"):
        evaluate(parse("[1, 2] ./ [1, 2, 3]"))
    z = Symbol("z", "n", 1)
    assert read_expression("z ./ (1 + exp(z))", (z,)).shape == ("n", 1)
    assert to_latex(parse("x .^ 2")) == r"x^{\circ 2}"


@pytest.mark.parametrize("typed", ["(z > 0)", "1[z > 0]", r"\mathbb{1}[z > 0]", "𝟙[z > 0]", "(0 < z)"])
def test_the_indicator_of_a_comparison_is_relus_derivative(typed):
    z, g = Symbol("z", "n", 1), Symbol("g", "n", 1)
    reading = read_expression(f"g ⊙ {typed}", (z, g))
    assert reading.shape == ("n", 1)
    draws = {"z": np.array([[[1.0], [-2.0], [0.5]]]), "g": np.array([[[3.0], [4.0], [5.0]]])}
    np.testing.assert_allclose(np.asarray(reading.evaluate(draws, 1)).reshape(-1), [3.0, 0.0, 5.0])


def test_comparisons_elsewhere_stay_refusals_and_lists_stay_lists():
    from graders.errors import ParseError

    np.testing.assert_allclose(evaluate(parse("([1, -2, 3] >= 0)")), [1.0, 0.0, 1.0])
    assert evaluate(parse("1[1, 2]")).tolist() == [1.0, 2.0]  # no comparison inside: 1 times a list
    with pytest.raises(ParseError):
        parse("z > 0")  # a bare comparison is no answer
