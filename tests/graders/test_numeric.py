"""Evaluating a symbol-free tree: values, array shapes, and a plain AnswerError for everything
that is not a finite real answer — never another exception, never a hang."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from timing import bound

from graders.errors import AnswerError, ParseError
from graders.number_values import MAX_ENTRIES, TOO_LARGE
from graders.numeric import TWO_VALUES, evaluate, evaluate_items
from graders.parse import parse
from graders.tree import Bracket, Neg, Num


def value(text: str):
    return evaluate(parse(text))


def refusal(text: str) -> str:
    with pytest.raises(AnswerError) as caught:
        value(text)
    return caught.value.message


# ---- Numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0.25", 0.25),
        (".5", 0.5),
        ("5.", 5.0),
        ("-1.5e-3", -0.0015),
        ("1.5E3", 1500.0),
        ("1/4", 0.25),
        ("3 + 3*sqrt(2)", 3 + 3 * math.sqrt(2)),
        ("pi/2", math.pi / 2),
        ("π", math.pi),
        ("\\pi", math.pi),
        ("e^2", math.e**2),
        ("ln(2)", math.log(2)),
        ("\\ln 2", math.log(2)),
        ("log10(1000)", 3.0),
        ("\\log_2 8", 3.0),
        ("2^-10", 2**-10),
        ("2**-10", 2**-10),
        ("√2", math.sqrt(2)),
        ("3√2", 3 * math.sqrt(2)),
        ("3\\sqrt{2}", 3 * math.sqrt(2)),
        ("\\frac{1}{4}", 0.25),
        ("\\sqrt[3]{8}", 2.0),
        ("\\dfrac{\\sqrt{3}}{2}", math.sqrt(3) / 2),
        ("2 pi", 2 * math.pi),
        ("-2^2", -4.0),
        ("(-2)^2", 4.0),
        ("(-2)^3", -8.0),
        ("2^3^2", 512.0),
        ("0^0", 1.0),
        ("exp(1)", math.e),
        ("abs(-3)", 3.0),
        ("sin(pi/2)", 1.0),
        ("cos(0)", 1.0),
        ("tan(0)", 0.0),
        ("tanh(0)", 0.0),
        ("sigma(0)", 0.5),
        ("sigmoid(-1000)", 0.0),
        ("relu(-2)", 0.0),
        ("relu(2)", 2.0),
        ("max(1, 3, 2)", 3.0),
        ("min(1, 3, 2)", 1.0),
        ("inv(4)", 0.25),
        ("2e", 2 * math.e),
        ("1 - 0.9^3", 1 - 0.9**3),
        ("1e-999", 0.0),
    ],
)
def test_number_values(text, expected):
    result = value(text)
    assert isinstance(result, float)
    assert_allclose(result, expected, rtol=1e-12, atol=1e-15)


# ---- Arrays -------------------------------------------------------------------------------

TWO_BY_TWO = np.array([[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize(
    "text",
    [
        "[[1, 2], [3, 4]]",
        "[1 2; 3 4]",
        "[1, 2; 3, 4]",
        "[1 2\n 3 4]",
        "[[1 2]; [3 4]]",
        "np.array([[1, 2], [3, 4]])",
        "numpy.array([[1, 2], [3, 4]])",
        "np.matrix([1 2; 3 4])",
        "\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}",
        "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\\\ \\end{pmatrix}",
        "\\begin{matrix} 2/2 & \\sqrt{4} \\\\ 3 & 2^2 \\end{matrix}",
    ],
)
def test_every_matrix_syntax_gives_the_same_array(text):
    result = value(text)
    assert result.dtype == float
    assert_array_equal(result, TWO_BY_TWO)


@pytest.mark.parametrize(
    "text, shape",
    [
        ("[1, 2, 3]", (3,)),
        ("[1 2 3]", (3,)),
        ("[1 -2 3]", (3,)),
        ("[1 - 2]", (1,)),
        ("(1, 2, 3)", (3,)),
        ("\\begin{bmatrix} 1 & 2 & 3 \\end{bmatrix}", (3,)),
        ("[1; 2; 3]", (3, 1)),
        ("\\begin{bmatrix} 1 \\\\ 2 \\\\ 3 \\end{bmatrix}", (3, 1)),
        ("[[1], [2]]", (2, 1)),
        ("[[1, 2]]", (1, 2)),
        ("[1 2 3]'", (3, 1)),
        ("[1 2 3].T", (3, 1)),
        ("[1 2 3; 4 5 6]'", (3, 2)),
        ("[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]", (2, 2, 2)),
    ],
)
def test_array_shapes(text, shape):
    assert value(text).shape == shape


def test_array_entries_may_be_expressions():
    assert_allclose(value("[1/4 sqrt(2)]"), [0.25, math.sqrt(2)])
    assert_allclose(value("[3+3*sqrt(2), 3-3*sqrt(2)]"),
                    [3 + 3 * math.sqrt(2), 3 - 3 * math.sqrt(2)])
    assert_allclose(value("[1 -2 3]"), [1, -2, 3])
    assert_allclose(value("[1 - 2]"), [-1])


def test_matrix_arithmetic():
    assert_allclose(value("2 [1 2; 3 4]"), 2 * TWO_BY_TWO)
    assert_allclose(value("[1 2; 3 4] / 2"), TWO_BY_TWO / 2)
    assert_allclose(value("[1 2; 3 4] + [1 2; 3 4]'"), TWO_BY_TWO + TWO_BY_TWO.T)
    assert_allclose(value("[1 2; 3 4] - [1 0; 0 1]"), TWO_BY_TWO - np.eye(2))
    assert_allclose(value("[1 2; 3 4] [1; 1]"), [[3], [7]])
    assert_allclose(value("[1 2; 3 4] * [1 2; 3 4]"), TWO_BY_TWO @ TWO_BY_TWO)
    assert_allclose(value("[1 2; 3 4] @ [1, 1]"), [3, 7])
    assert_allclose(value("[1 2 3] @ [1 2 3]"), 14.0)
    assert_allclose(value("[1 2] ⊙ [3 4]"), [3, 8])
    assert_allclose(value("[1 2] .* [3 4]"), [3, 8])
    assert_allclose(value("[1 2; 3 4]^2"), TWO_BY_TWO @ TWO_BY_TWO)
    assert_allclose(value("[1 2; 3 4]^{-1}"), np.linalg.inv(TWO_BY_TWO))
    assert_allclose(value("inv([1 2; 3 4])"), np.linalg.inv(TWO_BY_TWO))
    assert_allclose(value("det([1 2; 3 4])"), -2.0)
    assert_allclose(value("\\begin{vmatrix} 1 & 2 \\\\ 3 & 4 \\end{vmatrix}"), -2.0)
    assert_allclose(value("tr([1 2; 3 4])"), 5.0)
    assert_allclose(value("diag([1 2])"), np.diag([1.0, 2.0]))
    assert_allclose(value("sqrt([4 9])"), [2, 3])
    assert_allclose(value("max(0, [-1 2])"), [0, 2])
    assert_allclose(value("max([-1 2])"), 2.0)
    assert value("5'") == 5.0


def test_matrix_expression_on_numbers():
    x = np.array([1.0, 2.0])
    a = TWO_BY_TWO
    expected = x @ (a + a.T)
    for text in ["[1 2] @ ([1 2; 3 4] + [1 2; 3 4]')",
                 "[1; 2]' ([1 2; 3 4] + [1 2; 3 4]^T)",
                 "[1; 2]^\\top([1 2; 3 4] + [1 2; 3 4]^\\top)"]:
        assert_allclose(np.ravel(value(text)), expected)


# ---- Sets and ± ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("{1, 2}", [1.0, 2.0]),
        ("\\{1, 2\\}", [1.0, 2.0]),
        ("(1, 2)", [1.0, 2.0]),
        ("[1, 2]", [1.0, 2.0]),
        ("[1 2]", [1.0, 2.0]),
        ("3", [3.0]),
        ("1 ± 2", [3.0, -1.0]),
        ("1 \\pm 2", [3.0, -1.0]),
        ("1 +- 2", [3.0, -1.0]),
        ("(-1 ± sqrt(5))/2", [(-1 + math.sqrt(5)) / 2, (-1 - math.sqrt(5)) / 2]),
        ("{0, 1 ± 1}", [0.0, 2.0, 0.0]),
        ("1 ± 1 ± 1", [3.0, 1.0, 1.0, -1.0]),
    ],
)
def test_evaluate_items(text, expected):
    assert_allclose(evaluate_items(parse(text)), expected)


def test_evaluate_items_of_vectors():
    items = evaluate_items(parse("{[1, 2], [3, 4]}"))
    assert len(items) == 2
    assert_array_equal(items[0], [1, 2])
    assert_array_equal(items[1], [3, 4])
    [matrix] = evaluate_items(parse("[1 2; 3 4]"))
    assert_array_equal(matrix, TWO_BY_TWO)


def test_plus_minus_and_sets_are_not_one_value():
    assert refusal("1 ± 2") == TWO_VALUES
    assert refusal("(-1 ± sqrt(5))/2") == TWO_VALUES
    assert refusal("{1, 2}") == "{...} gives several values; this part wants one"


def test_too_many_plus_minus():
    with pytest.raises(AnswerError, match="too many ± signs"):
        evaluate_items(parse("±".join(["1"] * 6)))


# ---- Refusals -----------------------------------------------------------------------------


RAGGED = "the rows have different lengths: row 1 has 2 entries, row 2 has 3"


@pytest.mark.parametrize(
    "text, message",
    [
        ("nan", "`nan` is not a number here"),
        ("inf", "`inf` is not a number here"),
        ("\\infty", "`inf` is not a number here"),
        ("x", "`x` is not a number or a known constant (pi, e)"),
        ("2x", "`x` is not a number or a known constant (pi, e)"),
        ("factorial(5)", "`factorial` is not a number or a known constant (pi, e)"),
        ("1/0", "division by zero"),
        ("0^-1", "division by zero: 0 to a negative power"),
        ("(-8)^(1/3)", "a negative number to a fractional power is not a real number"),
        ("sqrt(-1)", "the square root of a negative number is not real"),
        ("ln(0)", "the logarithm is defined only for positive numbers"),
        ("log10(-1)", "the logarithm is defined only for positive numbers"),
        ("exp(1000)", TOO_LARGE),
        ("1e308 * 10", TOO_LARGE),
        ("9**9**9**9", TOO_LARGE),
        ("10^10^10", TOO_LARGE),
        ("factorial(10^6)", "`factorial` is not a number or a known constant (pi, e)"),
        ("[[1, 2], [3, 4, 5]]", RAGGED),
        ("[1 2; 3 4 5]", RAGGED),
        ("\\begin{bmatrix} 1 \\\\ 2 & 3 \\end{bmatrix}",
         "the rows have different lengths: row 1 has 1 entry, row 2 has 2"),
        ("[1, [2, 3]]", "entry 1 is a number but entry 2 is a list: a matrix is a list of rows "
                        "of equal length, like [[1, 2], [3, 4]]"),
        ("[1 2 3; 4 5 6] + [1 2; 3 4; 5 6]", "cannot add a 2×3 and a 3×2 matrix"),
        ("[1 2] + 1", "cannot add a vector of 2 entries and a number"),
        ("[1 2] - [1 2 3]", "cannot subtract a vector of 3 entries from a vector of 2 entries"),
        ("[1 2 3; 4 5 6] [1 2 3; 4 5 6]",
         "cannot multiply a 2×3 and a 2×3 matrix: the first has 3 columns, the second 2 rows"),
        ("[1; 2] [1; 2]",
         "cannot multiply a 2×1 and a 2×1 matrix: the first has 1 column, the second 2 rows"),
        ("[1 2 3] * [1 2 3]",
         "cannot multiply a vector of 3 entries and a vector of 3 entries with *: write @ for a "
         "matrix or dot product, or ⊙ for an element-wise product"),
        ("[1 2] ⊙ [1 2 3]", "an element-wise product needs equal shapes, not a vector of 2 "
                            "entries and a vector of 3 entries"),
        ("1 / [1 2]", "cannot divide by a vector of 2 entries"),
        ("2^[1 2]", "an exponent must be a number, not a vector of 2 entries"),
        ("[1 2 3]^2", "only a square matrix has powers, not a vector of 3 entries; for "
                      "element-wise powers use ⊙"),
        ("[1 2; 2 4]^-1", "the matrix is singular, so it has no inverse"),
        ("det([1 2 3])", "det() needs a square matrix, not a vector of 3 entries"),
        ("([1 2], 3)", "entry 1 of ( ... ) is a vector of 2 entries; write a matrix with [ ]"),
        ("[[1 2; 3 4]; [5 6]]", "row 1 is a 2×2 matrix; a row must be a list of numbers"),
    ],
)
def test_refusals(text, message):
    assert refusal(text) == message


def test_array_size_is_capped():
    ones = "[" + " ".join(["1"] * 200) + "]"
    assert MAX_ENTRIES == 10_000
    assert refusal(f"{ones}' [{ones}]") == (                 # a 200×200 outer product
        "the product would have 40,000 entries; the limit is 10,000")
    assert refusal(f"diag({ones})") == "diag() of a vector of 200 entries would be too large"


def test_json_built_tree_with_an_empty_list():
    with pytest.raises(AnswerError, match="empty brackets"):
        evaluate(Bracket(((Bracket(((),)),),)))


def test_a_tree_deeper_than_the_parser_allows_is_refused_not_a_recursion_error():
    tree = Num(1.0, "1")
    for _ in range(5000):
        tree = Neg(tree)
    with pytest.raises(AnswerError, match="too deeply nested"):
        evaluate(tree)


def test_infinite_literal_from_another_pass_is_refused():
    with pytest.raises(AnswerError, match="too large"):
        evaluate(Num(float("inf"), "inf"))


HOSTILE = ["__import__('os')", "().__class__", "9**9**9**9", "10^10^10", "factorial(10^6)",
           "lambda: 1", "open('/etc/passwd')", "(" * 10_000 + ")" * 10_000, "x" * 1_000_000,
           "\\def\\x{\\x}\\x", "nan", "inf", "1e999", "1/0", "+".join(["1"] * 1000),
           "2^2^2^2^2^2^2^2", "[1 2; 3 4]^2147483647", "exp(exp(exp(10)))",
           "(" * 100 + "2^" * 100 + "2" + ")" * 100]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_is_refused_quickly(text):
    started = time.perf_counter()
    with pytest.raises(AnswerError):          # ParseError is an AnswerError
        value(text)
    assert time.perf_counter() - started < bound(1.0)


# ---- Properties ---------------------------------------------------------------------------

GRAMMAR_ALPHABET = "0123456789+-*/^()[]{},; .xTAe\\'"


def evaluates_or_refuses(text: str) -> None:
    try:
        tree = parse(text)
    except ParseError:
        return
    for evaluator in (evaluate, evaluate_items):
        try:
            result = evaluator(tree)
        except AnswerError as error:
            assert error.message
            continue
        for item in result if evaluator is evaluate_items else [result]:
            assert isinstance(item, (float, np.ndarray))
            assert np.all(np.isfinite(item))
            if isinstance(item, np.ndarray):
                assert item.dtype == float


@settings(max_examples=2000, deadline=None)
@given(st.text())
def test_evaluating_any_text_gives_a_finite_value_or_answer_error(text):
    evaluates_or_refuses(text)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=GRAMMAR_ALPHABET))
def test_evaluating_grammar_like_text_gives_a_finite_value_or_answer_error(text):
    evaluates_or_refuses(text)


NUMERIC_PIECES = ["1", "2", "0", "9", ".5", "e", "pi", " ", "+", "-", "*", "/", "^", "**", "(",
                  ")", "[", "]", ";", ",", "'", ".T", "@", "⊙", "±", "sqrt(", "ln(", "exp(",
                  "inv(", "det(", "max(", "{", "}", "\\frac{", "}{", "-1", "1e300", "\n"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(NUMERIC_PIECES), max_size=30).map("".join))
def test_evaluating_expression_like_text_gives_a_finite_value_or_answer_error(text):
    evaluates_or_refuses(text)
