"""Fuzzing the whole way an answer travels — parse, evaluate, judge — with text built from the
answer grammar's own pieces: the only exception that may come out is our AnswerError (ParseError
is one), and `grade` itself never raises for any answer.

2,000 cases per test in CI; `HWCHECK_FUZZ_LONG=1` runs 100,000 each (README, "Fuzzing"). The
parser alone is fuzzed in tests/graders/test_parse.py (any text, grammar-like text, LaTeX).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graders.errors import AnswerError
from graders.grade import grade
from graders.parse import parse
from graders.read import read_items, read_value
from problems import registry

EXAMPLES = 100_000 if os.environ.get("HWCHECK_FUZZ_LONG") else 2000
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NUMBERS = st.one_of(st.integers(-10**6, 10**6).map(str),
                    st.floats(allow_nan=False, allow_infinity=False).map(repr),
                    st.sampled_from(["0", "1e308", "1e-320", "9" * 40, ".5", "5.", "1.5E3", "-0"]))
PIECES = st.sampled_from([
    "+", "-", "*", "/", "^", "**", "@", ".*", "⊙", "±", "'", ".T", "^T", "^{-1}", "ᵀ", "²", "⁻¹",
    "(", ")", "[", "]", "{", "}", ",", ";", " ", "\n", "&", "\\\\",
    "x", "A", "X", "y", "yhat", "beta2", "t", "pi", "e", "inf", "nan", "NaN",
    "sqrt(", "ln(", "exp(", "inv(", "tr(", "det(", "diag(", "max(", "sigma(", "relu(", "abs(",
    "np.array(", "np.linalg.inv(", "\\frac", "\\sqrt", "\\begin{bmatrix}", "\\end{bmatrix}",
    "\\left(", "\\right)", "\\top", "\\odot", "\\pm", "\\cdot", "\\beta_2", "\\hat{y}", "\\infty",
    "\\def", "\\x", "__import__", "lambda", "open(", ".__class__", "!", "%", "$", "#", "\x00", "😀",
])
ANSWER_TEXT = st.lists(st.one_of(NUMBERS, PIECES), max_size=40).map("".join)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.floats(), st.integers(-10**30, 10**30), ANSWER_TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=6), st.dictionaries(st.text(max_size=3), inner, max_size=3)),
    max_leaves=40,
)


def only_answer_errors(function, value) -> None:
    try:
        function(value)
    except AnswerError as error:
        assert error.message
    except RecursionError:  # pragma: no cover - would be our bug, named for the report
        raise AssertionError(f"RecursionError for {value!r}") from None


@FUZZ
@given(ANSWER_TEXT)
def test_grammar_pieces_parse_or_raise_parse_error(text):
    only_answer_errors(parse, text)


@FUZZ
@given(ANSWER_TEXT)
def test_grammar_pieces_evaluate_or_raise_answer_error(text):
    only_answer_errors(read_value, text)
    only_answer_errors(read_items, text)


@FUZZ
@given(JSON_VALUES)
def test_any_json_value_reads_or_raises_answer_error(value):
    only_answer_errors(read_value, value)
    only_answer_errors(read_items, value)


PROBLEMS = [registry.get(p) for p in ("lipschitz-linear", "branch-max-network", "trace-gradient",
                                       "adam-bias-correction", "softmax-ce-gradient", "perceptron-regions")]


@FUZZ
@given(st.sampled_from(PROBLEMS), st.data())
def test_grade_never_raises_for_any_answer(problem, data):
    answers = {part.id: data.draw(st.one_of(ANSWER_TEXT, JSON_VALUES), label=part.id)
               for part in problem.parts if data.draw(st.booleans(), label=f"answer {part.id}")}
    result = grade(problem, "default", answers)
    for part in result.parts:
        assert part.status in ("correct", "partial", "incorrect", "invalid", "missing")
        assert 0 <= part.score <= part.max_score
