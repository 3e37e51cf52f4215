"""Derivatives and expectations typed as textbooks write them, read as the declared symbols
they stand for (graders/stands_for.py); undeclared ones refused with what is declared."""

import pytest

from graders.errors import ParseError, UnknownSymbol
from graders.expression_values import read_expression
from graders.stands_for import canonical, meaning_key, substitute
from graders.symbols import parse_symbols

JACOBIAN = parse_symbols({"A": "m×n", "x": "n×1", "J": "n×l; ∂x/∂z"})
EXPECTATION = parse_symbols({"beta2": "scalar in (0, 1)", "t": "positive integer", "Eg2": "scalar > 0; E[g^2]"})
INVERSE = parse_symbols({"A": "n×n invertible", "dA": "n×n; ∂A/∂α"})


@pytest.mark.parametrize("typed", [
    r"A \frac{\partial x}{\partial z}", r"A\dfrac{\partial{x}}{\partial{z}}", "A ∂x/∂z", "A ∂ x / ∂ z",
    r"A \partial x/\partial z", "A dx/dz", r"A \frac{dx}{dz}", r"A \frac{\mathrm{d}x}{\mathrm{d}z}",
])
def test_every_spelling_of_a_declared_derivative_is_its_symbol(typed):
    assert substitute(typed, JACOBIAN).split() == ["A", "J"]


@pytest.mark.parametrize("typed", [
    r"\frac{\partial A}{\partial \alpha}", "∂A/∂α", "dA/dα", r"\frac{dA}{d alpha}", r"\partial A / \partial\alpha",
])
def test_greek_is_compared_however_it_is_typed(typed):
    assert substitute(typed, INVERSE).split() == ["dA"]


@pytest.mark.parametrize("typed", [
    "E[g^2]", "E[g²]", r"\mathbb{E}[g^2]", r"\mathbb E[g^{2}]", r"\mathbb{E}\left[g^2\right]", "𝔼[g^2]", "E(g^2)",
])
def test_every_spelling_of_a_declared_expectation_is_its_symbol(typed):
    assert substitute(typed, EXPECTATION).split() == ["Eg2"]


def test_the_replacement_keeps_every_later_caret_in_place():
    typed = r"A \frac{\partial x}{\partial z} +* x"
    with pytest.raises(ParseError) as error:
        read_expression(typed, JACOBIAN)
    assert error.value.position == typed.index("*")


def test_an_undeclared_derivative_names_what_is_declared():
    with pytest.raises(UnknownSymbol) as error:
        read_expression(r"A \frac{\partial y}{\partial z}", JACOBIAN)
    assert error.value.message == ("`\\frac{\\partial y}{\\partial z}` is not a symbol of this part; "
                                   "the symbols are A, x, J (∂x/∂z is `J`)")


def test_a_derivative_upside_down_is_said_to_be():
    with pytest.raises(UnknownSymbol) as error:
        read_expression("A ∂z/∂x", JACOBIAN)
    assert error.value.message == "`∂z/∂x` is that derivative upside down; the symbols are A, x, J (∂x/∂z is `J`)"


def test_a_lone_partial_is_refused_with_the_declared_derivatives():
    with pytest.raises(UnknownSymbol) as error:
        read_expression(r"A \partial x", JACOBIAN)
    assert error.value.message == ("∂ is read only in a derivative this part declares, like ∂x/∂z; "
                                   "the symbols are A, x, J (∂x/∂z is `J`)")


def test_an_undeclared_expectation_names_the_declared_one():
    with pytest.raises(UnknownSymbol) as error:
        read_expression(r"\mathbb{E}[g] (1 - beta2^t)", EXPECTATION)
    assert error.value.message == ("`\\mathbb{E}[g]` is not a symbol of this part; "
                                   "the symbols are beta2, t, Eg2 (E[g^2] is `Eg2`)")


def test_an_unknown_name_lists_what_each_symbol_stands_for():
    with pytest.raises(UnknownSymbol) as error:
        read_expression("A K", JACOBIAN)
    assert error.value.message == "`K` is not a symbol here; the symbols are A, x, J (∂x/∂z is `J`)"


def test_a_plain_d_that_is_no_declared_derivative_is_left_to_the_grammar():
    # `dA` is itself a symbol here; `dt` is d·t — neither is refused for its d.
    assert substitute("-A^{-1} dA A^{-1}", INVERSE) == "-A^{-1} dA A^{-1}"
    assert substitute("d x/d z", JACOBIAN) == "d x/d z"


def test_canonical_forms_agree_across_spellings():
    assert canonical(r"\alpha") == canonical("α") == canonical("alpha") == "alpha"
    assert canonical("g^{2}") == canonical("g²") == canonical("g^2")
    assert canonical(r"\hat{y}") == canonical("yhat")


@pytest.mark.parametrize("meaning", ["x/z", "∂x/∂z + 1", "J", "E g"])
def test_a_meaning_that_is_no_derivative_or_expectation_is_a_definition_error(meaning):
    with pytest.raises(ValueError, match="cannot read"):
        meaning_key(meaning)
