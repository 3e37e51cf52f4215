"""Norms and absolute values as students write them: `\\|x\\|`, `‖x‖_2`, `\\|X\\|_F`, `|x|`,
`\\ln|\\det X|` — in numbers (against NumPy) and in expressions (against a formula)."""

from __future__ import annotations

import numpy as np
import pytest

from graders.equivalence import equivalent
from graders.errors import ParseError
from graders.numeric import evaluate
from graders.parse import parse
from graders.render import to_text

M = np.array([[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize(("typed", "expected"), [
    (r"\|[3, 4]\|", 5.0),
    ("‖[3, 4]‖_2", 5.0),
    (r"\|[3, 4]\|^2", 25.0),
    (r"\|[[1, 2], [3, 4]]\|_F", float(np.sqrt(30))),
    (r"\|[[1, 2], [3, 4]]\|_{F}^2", 30.0),
    (r"\|[[1, 2], [3, 4]]\|", float(np.linalg.svd(M, compute_uv=False)[0])),  # the 2-norm
    (r"\|[[1, 2], [3, 4]]\|_2", float(np.linalg.svd(M, compute_uv=False)[0])),
    ("|-2.5|", 2.5),
    (r"\ln|\det [[1, 2], [3, 4]]|", float(np.log(abs(np.linalg.det(M))))),
    (r"|3 - 5| + \|[1, 0]\|", 3.0),
])
def test_a_norm_of_numbers_is_numpys(typed, expected):
    assert evaluate(parse(typed)) == pytest.approx(expected)


@pytest.mark.parametrize(("typed", "read"), [
    (r"\|x\|_2^2", "norm(x)^2"), (r"\|X\|_F", "norm_F(X)"), ("|a| |b|", "abs(a) abs(b)"),
    (r"\|A|x|\|", "norm(A abs(x))"), (r"\log\det X", "ln(det(X))"),
])
def test_bars_are_paired_as_written(typed, read):
    assert to_text(parse(typed)) == read


@pytest.mark.parametrize("typed", [r"\|x", "|x", r"\|x\| + |y"])
def test_a_bar_never_closed_says_so(typed):
    with pytest.raises(ParseError, match="is never closed: write a norm as"):
        parse(typed)


VECTORS = {"x": "n×1", "y": "n×1", "X": "m×n"}


@pytest.mark.parametrize(("a", "b"), [
    (r"\|x\|^2", "x^T x"), (r"\|x - y\|^2", "x^T x - 2 x^T y + y^T y"), (r"\|X\|_F^2", "tr(X^T X)"),
    (r"\|x x^T\|", r"\|x\|^2"), (r"\|x\|_F", r"\|x\|"), ("|x^T y|", r"\sqrt{(x^T y)^2}"),
])
def test_norm_identities_hold_on_random_draws(a, b):
    assert equivalent(a, b, VECTORS)


@pytest.mark.parametrize(("a", "b"), [(r"\|x\|", "x^T x"), (r"\|X\|", r"\|X\|_F"), (r"\|x + y\|", r"\|x\| + \|y\|")])
def test_norms_that_differ_are_told_apart(a, b):
    assert not equivalent(a, b, VECTORS)
