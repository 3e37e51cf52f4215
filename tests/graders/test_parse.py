"""The answer grammar: every accepted spelling builds the intended tree; everything else is a
ParseError with a plain message — and nothing a student types raises anything else."""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from timing import bound

from graders.errors import ParseError
from graders.parse import ENDS_EARLY, parse
from graders.text_checks import MAX_DEPTH, MAX_LENGTH
from graders.tree import (
    Add,
    Bracket,
    Call,
    Div,
    Hadamard,
    MatMul,
    Mul,
    Name,
    Neg,
    Num,
    PlusMinus,
    Pow,
    SetOf,
    Sub,
    Transpose,
    Tuple,
)


def n(text: str) -> Num:
    return Num(float(text), text)


x, y, A, T = Name("x"), Name("y"), Name("A"), Name("T")


def implicit(left, right):
    return Mul(left, right, implicit=True)


def sqrt(arg):
    return Call("sqrt", (arg,))


def row(*entries):
    """A one-row (JSON or single MATLAB row) Bracket."""
    return Bracket((tuple(entries),), explicit_rows=False)


def matrix(*rows):
    return Bracket(tuple(tuple(r) for r in rows), explicit_rows=True)


# ---- Numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, tree",
    [
        ("0.25", n("0.25")),
        (".5", n(".5")),
        ("5.", n("5.")),
        ("-1.5e-3", Num(-0.0015, "-1.5e-3")),
        ("1.5E3", n("1.5E3")),
        ("−2", Num(-2.0, "-2")),                                   # U+2212
        ("1/4", Div(n("1"), n("4"))),
        ("3 + 3*sqrt(2)", Add(n("3"), Mul(n("3"), sqrt(n("2"))))),
        ("pi/2", Div(Name("pi"), n("2"))),
        ("π", Name("pi")),
        ("\\pi", Name("pi")),
        ("np.pi", Name("pi")),
        ("e^2", Pow(Name("e"), n("2"))),
        ("ln(2)", Call("ln", (n("2"),))),
        ("log(2)", Call("ln", (n("2"),))),
        ("\\ln 2", Call("ln", (n("2"),))),
        ("\\log(2)", Call("ln", (n("2"),))),
        ("2^-10", Pow(n("2"), Num(-10.0, "-10"))),
        ("2**-10", Pow(n("2"), Num(-10.0, "-10"))),
        ("2^{-10}", Pow(n("2"), Num(-10.0, "-10"))),
        ("√2", sqrt(n("2"))),
        ("3√2", implicit(n("3"), sqrt(n("2")))),
        ("3\\sqrt{2}", implicit(n("3"), sqrt(n("2")))),
        ("\\sqrt{2}", sqrt(n("2"))),
        ("\\sqrt 2", sqrt(n("2"))),
        ("\\frac{1}{4}", Div(n("1"), n("4"))),
        ("\\dfrac{1}{4}", Div(n("1"), n("4"))),
        ("\\tfrac{1}{4}", Div(n("1"), n("4"))),
        ("\\frac12", Div(n("1"), n("2"))),
        ("\\left( 1 + 2 \\right) 3", implicit(Add(n("1"), n("2")), n("3"))),
        ("{1 + 2}", Add(n("1"), n("2"))),
        ("x²", Pow(x, Num(2.0, "²"))),
        ("2·3", Mul(n("2"), n("3"))),
        ("2×3", Mul(n("2"), n("3"))),
        ("2 \\cdot 3", Mul(n("2"), n("3"))),
        ("2 \\times 3", Mul(n("2"), n("3"))),
        ("6 ÷ 3", Div(n("6"), n("3"))),
    ],
)
def test_numbers(text, tree):
    assert parse(text) == tree


def test_power_is_right_associative_and_binds_tighter_than_unary_minus():
    assert parse("2^3^2") == Pow(n("2"), Pow(n("3"), n("2")))
    assert parse("-x^2") == Neg(Pow(x, n("2")))
    assert parse("-2^2") == Neg(Pow(n("2"), n("2")))
    assert parse("2^-x") == Pow(n("2"), Neg(x))


def test_precedence_of_binary_operators():
    assert parse("1 + 2 * 3") == Add(n("1"), Mul(n("2"), n("3")))
    assert parse("1 - 2 - 3") == Sub(Sub(n("1"), n("2")), n("3"))
    assert parse("8 / 2 / 2") == Div(Div(n("8"), n("2")), n("2"))
    assert parse("2 * -3") == Mul(n("2"), Num(-3.0, "-3"))


# ---- Implicit multiplication and names -------------------------------------------------------


@pytest.mark.parametrize(
    "text, tree",
    [
        ("2x", implicit(n("2"), x)),
        ("2 pi", implicit(n("2"), Name("pi"))),
        ("2 -3", Sub(n("2"), n("3"))),                   # a juxtaposed factor has no sign
        ("x y", implicit(x, y)),
        ("xy", Name("xy")),                              # splitting names is a later pass
        ("W21", Name("W21")),
        ("beta2", Name("beta2")),
        ("Eg2", Name("Eg2")),
        ("yhat", Name("yhat")),
        ("Jx", Name("Jx")),
        ("1/2 x", implicit(Div(n("1"), n("2")), x)),    # juxtaposition is at the level of *
        ("(1 - beta2^t) Eg2",
         implicit(Sub(n("1"), Pow(Name("beta2"), Name("t"))), Name("Eg2"))),
        ("-A^{-1} dA A^{-1}",
         implicit(implicit(Neg(Pow(A, Num(-1.0, "-1"))), Name("dA")), Pow(A, Num(-1.0, "-1")))),
    ],
)
def test_implicit_multiplication(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize(
    "text, name",
    [
        ("\\beta_2", "beta_2"),
        ("beta_{2}", "beta_2"),
        ("beta_2", "beta_2"),
        ("\\beta_{2}", "beta_2"),
        ("J_x", "J_x"),
        ("W_{21}", "W_21"),
        ("\\mathbf{W}_{21}", "W_21"),
        ("\\beta", "beta"),
        ("β", "beta"),
        ("β2", "beta2"),
        ("\\alpha", "alpha"),
        ("\\gamma", "gamma"),
        ("\\delta", "delta"),
        ("\\epsilon", "epsilon"),
        ("\\varepsilon", "epsilon"),
        ("ε", "epsilon"),
        ("\\eta", "eta"),
        ("η", "eta"),
        ("\\theta", "theta"),
        ("\\lambda", "lambda"),
        ("λ", "lambda"),
        ("\\mu", "mu"),
        ("\\sigma", "sigma"),
        ("σ", "sigma"),
        ("sigma", "sigma"),
        ("\\Delta", "Delta"),
        ("\\hat{y}", "yhat"),
        ("\\hat y", "yhat"),
        ("ŷ", "yhat"),
        ("y\u0302", "yhat"),
        ("\\hat{y}_i", "yhat_i"),
        ("\\bar{x}", "xbar"),
        ("\\mathbf{x}", "x"),
        ("\\mathbf x", "x"),
        ("\\boldsymbol{x}", "x"),
        ("\\boldsymbol{\\beta}", "beta"),
        ("\\mathrm{x}", "x"),
        ("\\bm{x}", "x"),
        ("\\mathbf{\\hat{y}}", "yhat"),
        ("__import__", "__import__"),
    ],
)
def test_names(text, name):
    assert parse(text) == Name(name)


# ---- Transposes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["x'", "x’", "x.T", "xᵀ", "x^T", "x^{T}", "x^\\top", "x^{\\top}", "x^{\\mathsf T}",
     "x^{\\mathsf{T}}", "x^\\mathsf{T}", "x^{\\intercal}", "x^\\intercal", "transpose(x)",
     "np.transpose(x)", "(x)'", "{x}^T"],
)
def test_transpose_spellings(text):
    assert parse(text) == Transpose(x)


def test_lowercase_t_is_a_power_and_inverse_stays_a_power():
    assert parse("beta2^t") == Pow(Name("beta2"), Name("t"))
    assert parse("A^{-1}") == Pow(A, Num(-1.0, "-1"))
    assert parse("A^-1") == Pow(A, Num(-1.0, "-1"))
    assert parse("A⁻¹") == Pow(A, Num(-1.0, "⁻¹"))
    assert parse("inv(A)") == Call("inv", (A,))
    assert parse("np.linalg.inv(A)") == Call("inv", (A,))


def test_x_T_A_x_reads_as_LaTeX_renders_it():
    assert parse("x^TAx") == implicit(Transpose(x), Name("Ax"))
    assert parse("x^T A x") == implicit(implicit(Transpose(x), A), x)


@pytest.mark.parametrize(
    "text, tree",
    [
        ("x^T (A + A^T)", implicit(Transpose(x), Add(A, Transpose(A)))),
        ("x.T @ (A + A.T)", MatMul(Transpose(x), Add(A, Transpose(A)))),
        ("x'*(A+A')", Mul(Transpose(x), Add(A, Transpose(A)))),
        ("x^\\top(A+A^\\top)", implicit(Transpose(x), Add(A, Transpose(A)))),
        ("x^{\\top}\\left(A + A^{\\top}\\right)", implicit(Transpose(x), Add(A, Transpose(A)))),
        ("yhat - y", Sub(Name("yhat"), y)),
        ("\\hat{y} - y", Sub(Name("yhat"), y)),
        ("x ⊙ y", Hadamard(x, y)),
        ("x ∘ y", Hadamard(x, y)),
        ("x .* y", Hadamard(x, y)),
        ("x.*y", Hadamard(x, y)),
        ("x \\odot y", Hadamard(x, y)),
        ("x \\circ y", Hadamard(x, y)),
        ("2.*x", Hadamard(n("2"), x)),
        ("x @ y", MatMul(x, y)),
    ],
)
def test_matrix_expressions(text, tree):
    assert parse(text) == tree


# ---- Functions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, func",
    [
        ("sqrt(x)", "sqrt"), ("np.sqrt(x)", "sqrt"), ("numpy.sqrt(x)", "sqrt"),
        ("math.sqrt(x)", "sqrt"), ("\\sqrt{x}", "sqrt"), ("√x", "sqrt"), ("√(x)", "sqrt"),
        ("ln(x)", "ln"), ("log(x)", "ln"), ("np.log(x)", "ln"), ("\\ln x", "ln"),
        ("\\log x", "ln"), ("log10(x)", "log10"), ("\\log_{10}(x)", "log10"),
        ("log2(x)", "log2"), ("\\log_2 x", "log2"), ("exp(x)", "exp"), ("\\exp x", "exp"),
        ("\\exp(x)", "exp"), ("abs(x)", "abs"), ("sin(x)", "sin"), ("cos(x)", "cos"),
        ("tan(x)", "tan"), ("tanh(x)", "tanh"), ("\\tanh x", "tanh"),
        ("sigma(x)", "sigma"), ("sigmoid(x)", "sigma"), ("σ(x)", "sigma"),
        ("\\sigma(x)", "sigma"), ("\\sigma\\left(x\\right)", "sigma"), ("inv(x)", "inv"),
        ("np.linalg.inv(x)", "inv"), ("tr(x)", "tr"), ("trace(x)", "tr"),
        ("np.trace(x)", "tr"), ("\\operatorname{tr}(x)", "tr"), ("\\mathrm{tr}(x)", "tr"),
        ("\\text{tr}(x)", "tr"), ("\\operatorname{tr} x", "tr"), ("det(x)", "det"),
        ("\\det x", "det"), ("np.linalg.det(x)", "det"), ("diag(x)", "diag"),
        ("\\operatorname{diag}(x)", "diag"), ("relu(x)", "relu"), ("ReLU(x)", "relu"),
    ],
)
def test_functions(text, func):
    assert parse(text) == Call(func, (x,))


def test_functions_with_several_arguments():
    assert parse("max(0, x)") == Call("max", (n("0"), x))
    assert parse("min(x, y, 1)") == Call("min", (x, y, n("1")))
    assert parse("np.maximum(0, x)") == Call("max", (n("0"), x))


def test_latex_function_takes_one_atom():
    assert parse("\\sqrt{2}x") == implicit(sqrt(n("2")), x)
    assert parse("\\ln x^2") == Pow(Call("ln", (x,)), n("2"))
    assert parse("\\sqrt{\\frac{1}{2}}") == sqrt(Div(n("1"), n("2")))


def test_nth_root_is_a_power():
    assert parse("\\sqrt[3]{8}") == Pow(n("8"), Div(n("1"), n("3")))
    assert parse("√[4 9]") == sqrt(row(n("4"), n("9")))       # not an index: √ of a vector


def test_sigma_without_parenthesis_is_a_name():
    assert parse("\\sigma^2") == Pow(Name("sigma"), n("2"))
    assert parse("sigma x") == implicit(Name("sigma"), x)


def test_unknown_function_is_a_product_with_a_name():
    assert parse("factorial(5)") == implicit(Name("factorial"), n("5"))
    assert parse("f(x + 1)") == implicit(Name("f"), Add(x, n("1")))


# ---- Arrays -------------------------------------------------------------------------------

ONE_TWO_THREE_FOUR = matrix((n("1"), n("2")), (n("3"), n("4")))


@pytest.mark.parametrize(
    "text",
    [
        "[1 2; 3 4]",
        "[1, 2; 3, 4]",
        "[1 2\n 3 4]",
        "[ 1  2 ;\n  3  4 ; ]",
        "np.matrix([1 2; 3 4])",
        "\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}",
        "\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\\\ \\end{bmatrix}",
        "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}",
        "\\begin{matrix} 1 & 2 \\\\ 3 & 4 \\end{matrix}",
        "\\begin{Bmatrix} 1 & 2 \\\\ 3 & 4 \\end{Bmatrix}",
    ],
)
def test_matlab_and_latex_matrices(text):
    assert parse(text) == ONE_TWO_THREE_FOUR


@pytest.mark.parametrize(
    "text",
    ["[[1, 2], [3, 4]]", "[[1, 2], [3, 4],]", "np.array([[1, 2], [3, 4]])",
     "numpy.array([[1,2],[3,4]])", "[[1 2] [3 4]]"],
)
def test_json_and_numpy_matrices(text):
    assert parse(text) == row(row(n("1"), n("2")), row(n("3"), n("4")))


@pytest.mark.parametrize(
    "text, entries",
    [
        ("[1, 2, 3]", 3),
        ("[1, 2, 3,]", 3),
        ("[1 2 3]", 3),
        ("[1 -2 3]", 3),
        ("[1 +2 3]", 3),
        ("[1 - 2]", 1),
        ("[1 -  2]", 1),
        ("[1- 2]", 1),
        ("[1-2]", 1),
        ("[a -b]", 2),
        ("[x' y']", 2),
        ("[x^T y]", 2),
        ("[e^{-1} 2]", 2),
        ("[\\sqrt 2 3]", 2),
        ("[sqrt (2) 3]", 2),
        ("[\\frac{1}{2} 3]", 2),
        ("[\\frac{1} {2} 3]", 2),
        ("[\\frac 1 2 3]", 2),
        ("[x ^ 2]", 1),
        ("[2 * x]", 1),
        ("[1/4 sqrt(2)]", 2),
        ("[3+3*sqrt(2), 3-3*sqrt(2)]", 2),
        ("\\begin{bmatrix} 1 & -2 & 3 \\end{bmatrix}", 3),
    ],
)
def test_matlab_whitespace_rule(text, entries):
    tree = parse(text)
    assert isinstance(tree, Bracket) and not tree.explicit_rows
    assert len(tree.rows) == 1 and len(tree.rows[0]) == entries


def test_matlab_entries_are_the_intended_values():
    assert parse("[1 -2 3]") == row(n("1"), Num(-2.0, "-2"), n("3"))
    assert parse("[1 - 2]") == row(Sub(n("1"), n("2")))
    assert parse("[1/4 sqrt(2)]") == row(Div(n("1"), n("4")), sqrt(n("2")))


def test_column_and_single_rows():
    assert parse("[1; 2; 3]") == matrix((n("1"),), (n("2"),), (n("3"),))
    assert parse("[1 2 3;]") == row(n("1"), n("2"), n("3"))
    assert parse("\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}") == matrix((n("1"),), (n("2"),))
    assert parse("[[1 2]; [3 4]]") == matrix((row(n("1"), n("2")),), (row(n("3"), n("4")),))


def test_vmatrix_is_a_determinant():
    assert parse("\\begin{vmatrix} 1 & 2 \\\\ 3 & 4 \\end{vmatrix}") == Call(
        "det", (ONE_TWO_THREE_FOUR,))


# ---- Tuples, sets, ± ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, tree",
    [
        ("(a, b)", Tuple((Name("a"), Name("b")))),
        ("(a, b,)", Tuple((Name("a"), Name("b")))),
        ("(a,)", Tuple((Name("a"),))),
        ("(a)", Name("a")),
        ("{a, b}", SetOf((Name("a"), Name("b")))),
        ("\\{a, b\\}", SetOf((Name("a"), Name("b")))),
        ("\\left\\{a, b\\right\\}", SetOf((Name("a"), Name("b")))),
        ("\\{a\\}", SetOf((Name("a"),))),
        ("{x}", x),
        ("a ± b", PlusMinus(Name("a"), Name("b"))),
        ("a \\pm b", PlusMinus(Name("a"), Name("b"))),
        ("a +- b", PlusMinus(Name("a"), Name("b"))),
        ("(-1 ± sqrt(5))/2", Div(PlusMinus(Num(-1.0, "-1"), sqrt(n("5"))), n("2"))),
        ("{1 ± 2, 3}", SetOf((PlusMinus(n("1"), n("2")), n("3")))),
    ],
)
def test_tuples_sets_and_plus_minus(text, tree):
    assert parse(text) == tree


# ---- Error messages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the answer is empty"),
        ("  \n\t ", "the answer is empty"),
        ("1" * (MAX_LENGTH + 1), "the answer is too long: 2,001 characters; the limit is 2,000"),
        ("1 +", ENDS_EARLY),
        ("\\frac{1}", ENDS_EARLY),
        ("1 + )", "unexpected ')'"),
        ("1)", "unexpected ')'"),
        ("2 $", "unexpected character '$'"),
        ("x = 2", "unexpected character '='"),
        ("a\u200bb", "unexpected character U+200B (an invisible character)"),
        ("1 + (2", "unbalanced brackets: '(' at position 5 is never closed"),
        ("(]", "unbalanced brackets: '(' at position 1 is closed by ']'"),
        ("[1 2 3", "unbalanced brackets: '[' at position 1 is never closed"),
        ("()", "empty brackets: '()' hold nothing"),
        ("[]", "empty brackets: '[]' hold nothing"),
        ("(" * (MAX_DEPTH + 1) + ")" * (MAX_DEPTH + 1),
         "the brackets are nested too deeply: the limit is 100 levels"),
        ("1,000", "a comma outside brackets: write several values as {1, 2} or [1, 2], and "
                  "numbers without thousands separators"),
        ("2 3", "two numbers side by side ('2' and '3'): put an operator between them, or "
                "write several values in brackets, like [2 3]"),
        ("1.2.3", "'1.2.3' is not a number"),
        ("1e999", "the number 1e999 is too large"),
        ("sqrt(1, 2)", "sqrt() takes one argument, but 2 were given"),
        ("\\foo{x}", "unknown LaTeX command '\\foo'"),
        ("np.foo(1)", "unknown name 'np.foo'"),
        ("np.sqrt 2", "'np.sqrt' needs its argument in parentheses"),
        ("sin x", "'sin' needs its argument in parentheses, like sin(x)"),
        ("\\mathbf{x + y}", "'\\mathbf' must be followed by one name, like \\mathbf{x}"),
        ("x_{i+1}", "a subscript in braces may hold only letters and digits, like W_{21}"),
        ("\\begin{bmatrix} 1 \\end{pmatrix}",
         "'\\begin{bmatrix}' is closed by '\\end{pmatrix}'"),
        ("\\begin{cases} 1 \\end{cases}",
         "the LaTeX environment 'cases' is not supported here; write a matrix with "
         "\\begin{bmatrix} ... \\end{bmatrix}"),
        ("[\\frac{1}{2} (3) ^]", "unexpected ']'"),
        ("5!", "unexpected character '!'"),
        ("|x", "'|' is never closed: write a norm as \\|x\\| (or ‖x‖) and an absolute value as |x|"),
        ("+".join(["1"] * 1000),
         "the expression is too long to check: it nests more than 250 operations; simplify it"),
    ],
)
def test_error_messages(text, message):
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert caught.value.message.split("\n")[0].split(" (at character")[0] == message


def test_caret_points_at_the_problem():
    with pytest.raises(ParseError) as caught:
        parse("2 * (3 + ) - 1")
    error = caught.value
    assert error.position == 9
    assert error.message == "unexpected ')'\n  2 * (3 + ) - 1\n           ^"


def test_caret_for_an_unclosed_bracket_is_under_the_opener():
    with pytest.raises(ParseError) as caught:
        parse("x^T (A + A^T")
    assert caught.value.position == 4
    assert caught.value.message.endswith("\n  x^T (A + A^T\n      ^")


def test_a_space_that_splits_a_matlab_entry_is_named():
    with pytest.raises(ParseError) as caught:
        parse("[\\frac (1) (2)]")
    assert caught.value.message.startswith(
        "inside [ ], a space separates entries, and this one splits an expression")


# ---- Hostile input ------------------------------------------------------------------------

HOSTILE = [
    "__import__('os')",
    "().__class__",
    "lambda: 1",
    "open('/etc/passwd')",
    "(" * 10_000 + ")" * 10_000,
    "(" * 150 + "1" + ")" * 150,
    "x" * 1_000_000,
    "\\def\\x{\\x}\\x",
    "1e999",
    "+".join(["1"] * 1000),
    "-" * 1999 + "1",
    "√" * 1999 + "2",
    "x" + "'" * 1999,
    "[" * 99 + "1 2" + "]" * 99 + "(",
    "exec('import os')",
    "{{{{{{{{{{",
    "\\\\\\\\",
    "`rm -rf /`",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_is_refused_quickly(text):
    started = time.perf_counter()
    with pytest.raises(ParseError):
        parse(text)
    assert time.perf_counter() - started < bound(1.0)


@pytest.mark.parametrize("text", ["9**9**9**9", "10^10^10", "factorial(10^6)", "nan", "inf",
                                  "1/0", "[" * 99 + "1" + "]" * 99])
def test_hostile_but_well_formed_input_parses_quickly(text):
    started = time.perf_counter()
    parse(text)          # numeric.evaluate refuses these (tests/graders/test_numeric.py)
    assert time.perf_counter() - started < bound(1.0)


# ---- Properties ---------------------------------------------------------------------------

# 2,000 cases each in CI; HWCHECK_FUZZ_LONG=1 for the long run of 100,000 (README, "Fuzzing").
EXAMPLES = 100_000 if os.environ.get("HWCHECK_FUZZ_LONG") else 2000

GRAMMAR_ALPHABET = "0123456789+-*/^()[]{},; .xTAe\\'"


def parses_or_refuses(text: str) -> None:
    try:
        tree = parse(text)
    except ParseError as error:
        assert error.message
        assert error.position is None or 0 <= error.position <= len(text)
    else:
        assert tree is not None


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text())
def test_any_text_parses_or_raises_parse_error(text):
    parses_or_refuses(text)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(alphabet=GRAMMAR_ALPHABET))
def test_grammar_like_text_parses_or_raises_parse_error(text):
    parses_or_refuses(text)


LATEX_PIECES = ["\\frac", "\\sqrt", "\\left(", "\\right)", "\\begin{bmatrix}",
                "\\end{bmatrix}", "&", "\\\\", "\\top", "^", "_", "{", "}", "\\mathbf",
                "\\hat", "\\beta", "\\pm", "\\cdot", "x", "2", " ", "[", "]", ";", ",", "-",
                "np.array(", "sqrt(", ")", "'", ".T", "ᵀ", "√", "π", "\n"]


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.sampled_from(LATEX_PIECES), max_size=30).map("".join))
def test_latex_like_text_parses_or_raises_parse_error(text):
    parses_or_refuses(text)


@pytest.mark.parametrize("typed", ["[[1, 2], [3, 4]]", "np.array([[1, 2], [3, 4]])", "[1 2; 3 4]",
                                   r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}"])
def test_every_matrix_syntax_is_shown_as_the_same_grid(typed):
    from graders.render import to_latex

    assert to_latex(parse(typed)) == r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}"
