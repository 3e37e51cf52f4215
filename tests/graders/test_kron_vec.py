"""vec, the Kronecker product (`⊗`, `\\otimes`, `kron`, `np.kron`) and NumPy's norm orders
(`norm(X, 'fro')`, `norm(x, 2)`) — on numbers against plain loops, in expressions by the Matrix
Cookbook's identities on random draws, and with shapes whose sizes are products (n·p)."""

from __future__ import annotations

import numpy as np
import pytest

from graders.equivalence import equivalent
from graders.errors import AnswerError, ParseError, ShapeError
from graders.numeric import evaluate
from graders.parse import parse
from graders.render import to_latex, to_text

A = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
B = [[0.0, 1.0, -1.0], [2.0, 3.0, 0.5]]


def kron_by_loops(a, b):
    (m, n), (p, q) = np.shape(a), np.shape(b)
    out = np.zeros((m * p, n * q))
    for i in range(m):
        for j in range(n):
            for k in range(p):
                for l_ in range(q):
                    out[i * p + k, j * q + l_] = a[i][j] * b[k][l_]
    return out


def test_kron_and_vec_of_numbers_are_the_loops():
    for typed in (f"kron({A}, {B})", rf"{A} \otimes {B}", f"{A} ⊗ {B}", f"np.kron({A}, {B})"):
        assert np.array_equal(evaluate(parse(typed)), kron_by_loops(A, B)), typed
    columns_stacked = [[A[i][j]] for j in range(2) for i in range(3)]
    assert np.array_equal(evaluate(parse(f"vec({A})")), columns_stacked)


@pytest.mark.parametrize(("a", "b"), [
    (r"vec(A X B)", r"(B^T \otimes A) vec(X)"),            # the Cookbook's (520)
    ("kron(A, B)^T", "kron(A^T, B^T)"),
    ("kron(A, B) kron(X, Y)", "kron(A X, B Y)"),             # the mixed product
    ("kron(A + C, B)", "kron(A, B) + kron(C, B)"),
    ("c (A ⊗ B)", "(c A) ⊗ B"),
    ("vec(A)^T vec(C)", "tr(A^T C)"),
    ("norm(A, 'fro')^2", "tr(A^T A)"),
    ("np.linalg.norm(A, 'fro')", r"\|A\|_F"),
    ("norm(x, 2)", r"\|x\|"),
])
def test_identities_hold_on_random_draws(a, b):
    shapes = {"A": "m×n", "C": "m×n", "B": "p×q", "X": "n×p", "Y": "q×r", "c": "scalar", "x": "n×1"}
    assert equivalent(a, b, shapes)


@pytest.mark.parametrize(("a", "b"), [
    (r"vec(A X B)", r"(A \otimes B^T) vec(X)"),  # the factors in the wrong order
    ("kron(A, B)", "kron(B, A)"),
    ("vec(A^T)", "vec(A)"),
    ("norm(A, 'fro')", "norm(A)"),  # Frobenius is not the 2-norm of a matrix
])
def test_near_misses_are_told_apart(a, b):
    shapes = {"A": "n×n", "B": "n×n", "X": "n×n"}
    assert not equivalent(a, b, shapes)


def test_shapes_that_are_products_agree_however_they_were_made():
    # (Bᵀ ⊗ A) is (q·m)×(p·n) and vec(X) is (n·p)×1: p·n and n·p are one size.
    assert equivalent(r"(B^T \otimes A) vec(X)", "vec(A X B)", {"A": "m×n", "B": "p×q", "X": "n×p"})
    with pytest.raises(ShapeError, match=r"vec\(H\) is \(n·n\)×1 — cannot multiply when n ≠ n·n"):
        equivalent("kron(g^T, g) vec(H)", "g^T H g", {"g": "n×1", "H": "n×n"})


@pytest.mark.parametrize(("typed", "text", "latex"), [
    (r"(B^T \otimes A) vec(X)", "(Bᵀ ⊗ A) vec(X)", r"\left(B^{\top} \otimes A\right) \operatorname{vec}\left(X\right)"),
    ("kron(A, B C)", "A ⊗ (B C)", r"A \otimes \left(B C\right)"),
    ("norm(X, 'fro')^2", "norm_F(X)^2", r"\left\lVert X \right\rVert_F^{2}"),
])
def test_shown_as_written_and_read_back_the_same(typed, text, latex):
    tree = parse(typed)
    assert to_text(tree) == text and parse(to_text(tree)) == tree
    assert to_latex(tree) == latex


@pytest.mark.parametrize(("typed", "message"), [
    ("kron(A)", "kron() takes 2 arguments, but 1 were given"),
    ("kron(A, B, C)", "kron() takes 2 arguments, but 3 were given"),
    ("norm(x, 1)", "norm(…, 1) is not graded here: write ‖x‖ (the 2-norm) or ‖X‖_F (the Frobenius norm)"),
    ("norm(x, inf)", "norm(…, inf) is not graded here"),
    ("norm(X, 'nuc')", "norm(…, nuc) is not graded here"),
])
def test_what_is_not_graded_says_so(typed, message):
    with pytest.raises(ParseError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(typed)


def test_a_kron_too_large_is_refused_before_it_is_built():
    big = "[" + ",".join(["1"] * 300) + "]"  # 300 entries each: 90,000 in the product
    with pytest.raises(AnswerError, match="would be too large"):
        evaluate(parse(f"kron({big}, {big})"))


@pytest.mark.parametrize(("typed", "value"), [
    ("diag(0)", 0.0), ("vec(2)", 2.0), ("kron(2, 3)", 6.0), ("2 ⊗ c", -2.0), ("norm(-3)", 3.0),
    ("softmax(c)", 1.0), ("diag(c)", -1.0), ("vec(c) + tr(2)", 1.0), ("norm(c)", 1.0),
])
def test_the_structural_functions_of_a_number_are_numbers(typed, value):
    # Found by the fuzz test: diag(0) folded its constant through the array form (IndexError).
    from graders.expression_values import read_expression
    from graders.symbols import parse_symbols
    reading = read_expression(typed, parse_symbols({"c": "scalar", "x": "n×1"}))
    assert reading.shape == (1, 1)
    assert np.allclose(reading.evaluate({"c": np.full((3, 1, 1), -1.0), "x": np.ones((3, 2, 1))}, 3), value)
