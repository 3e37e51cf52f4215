"""The column of ones 𝟏_n, in every spelling a worked solution or NumPy uses: its value against
plain loops, its shape from the part's sizes, and the messages for a 1 that lost its length."""

from __future__ import annotations

import numpy as np
import pytest

from graders.errors import AnswerError, ParseError, UnknownSymbol
from graders.expression_values import read_expression
from graders.numeric import evaluate
from graders.parse import parse
from graders.render import to_latex
from graders.symbols import parse_symbols

SYMBOLS = parse_symbols({"x": "n×1", "X": "n×p", "c": "scalar"})

SPELLINGS = ["𝟏_n", "1_n", "1_{n}", r"\mathbf{1}_n", r"\mathbf{1}_{n}", r"\boldsymbol{1}_n", r"\bm 1_n",
             "ones(n)", "ones(n, 1)", "np.ones(n)", "np.ones((n, 1))", "numpy.ones((n,))"]


@pytest.mark.parametrize("typed", SPELLINGS)
def test_every_spelling_is_the_column_of_ones(typed):
    reading = read_expression(typed, SYMBOLS)
    assert (reading.shape, reading.display, reading.symbols) == (("n", 1), "𝟏_n", ())
    assert to_latex(reading.tree) == r"\mathbf{1}_{n}"


def _draws(count=5, n=4, p=3, seed=0):
    rng = np.random.default_rng(seed)
    return {"x": rng.normal(size=(count, n, 1)), "X": rng.normal(size=(count, n, p)),
            "c": rng.normal(size=(count, 1, 1))}


def test_sums_and_means_by_ones_are_the_loops():
    env = _draws()
    sums = read_expression("1_n^T x", SYMBOLS).evaluate(env, 5)
    column_sums = read_expression("X^T 1_n", SYMBOLS).evaluate(env, 5)
    centred = read_expression("x - 1_n 1_n^T x / n_x", parse_symbols(
        {"x": "n×1", "n_x": "positive"})).evaluate({**env, "n_x": np.full((5, 1, 1), 4.0)}, 5)
    for d in range(5):
        total = 0.0
        for i in range(4):
            total += env["x"][d, i, 0]
        assert sums[d, 0, 0] == pytest.approx(total)
        for j in range(3):
            assert column_sums[d, j, 0] == pytest.approx(sum(env["X"][d, i, j] for i in range(4)))
        for i in range(4):
            assert centred[d, i, 0] == pytest.approx(env["x"][d, i, 0] - total / 4)


def test_the_length_follows_the_size_it_names():
    assert read_expression("ones(p)^T X^T", SYMBOLS).shape == (1, "n")
    assert read_expression("𝟏_3", SYMBOLS).shape == (3, 1)


def test_a_number_answer_takes_a_whole_length():
    assert evaluate(parse("2 ones(3)")).tolist() == [[2.0], [2.0], [2.0]]
    with pytest.raises(AnswerError, match=r"a number answer has no size n; write the length, like ones\(3\)"):
        evaluate(parse("ones(n)"))


@pytest.mark.parametrize(("typed", "error", "message"), [
    (r"\mathbf{1}^T x", ParseError, r"write the vector of ones with its length, like 𝟏_n, \\mathbf\{1\}_n or ones\(n\)"),
    ("𝟏ᵀ x", ParseError, "write the vector of ones with its length"),
    ("1^T x", AnswerError, r"1ᵀ: a number has no transpose; the vector of ones is 𝟏_n \(or ones\(n\)\), with its length"),
    ("ones(q)^T x", UnknownSymbol, "𝟏_q: `q` is no size of a symbol; the sizes here are n, p"),
    ("x - ones(p)", AnswerError, "x - 𝟏_p: x is n×1, 𝟏_p is p×1 — cannot subtract different shapes"),
])
def test_a_one_without_its_length_is_refused_with_the_way_to_write_it(typed, error, message):
    with pytest.raises(error, match=message):
        read_expression(typed, SYMBOLS)


def test_a_plain_one_and_subscripted_names_are_unchanged():
    assert read_expression("1 - c", SYMBOLS).shape == (1, 1)
    assert read_expression("x_1", parse_symbols({"x_1": "n×1"})).display == "x_1"
    # digits after a plain 1 are no length (only 𝟏_3 and ones(3) are): `1_2` is not the vector (1, 1)
    with pytest.raises(AnswerError, match="`_2` is not a number or a known constant"):
        evaluate(parse("1_2"))
