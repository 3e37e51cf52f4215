"""Issue 23, item 1: the preview's SymPy canonical form is only attempted when the expansion is
known to be small; `expanded_terms` is an upper bound on what `sympy.expand` writes, checked
against SymPy itself."""

import pytest
import sympy

from graders.parse import parse
from graders.preview import CANONICAL_MAX_TERMS, expanded_terms, preview
from graders.symbols import parse_symbols
from graders.sympy_bridge import to_sympy
from problems import registry

PART = registry.get("adam-bias-correction").part("v3_expr")
SYMBOLS = parse_symbols(PART.symbols)


@pytest.mark.parametrize("text", [
    "(g1+g2)^3", "(g1+g2+g3)^4", "(1-beta2)*(g1+g2)*(g2+g3)", "(g1+g2)^2/(g3+beta2)^2",
    "sqrt((g1+g2)^2) + (g1-g2)^2", "(beta2*g1 + (1-beta2)*g2)^3", "-(g1+g2+g3+beta2)^2", "g1^5*g2^7",
    "exp((g1+g2)^2)", "(g1+g2)^(-2)",
])
def test_the_bound_is_never_below_what_sympy_writes(text):
    expanded = sympy.expand(to_sympy(parse(text), SYMBOLS))
    written = sum(len(sympy.Add.make_args(e)) for e in sympy.preorder_traversal(expanded)
                  if isinstance(e, sympy.Add)) or 1
    assert written <= expanded_terms(parse(text))


@pytest.mark.parametrize("text", [
    "(g1+g2+g3+beta2)^64",       # the attack: 47,905 terms, 25 s and 3.6 MB before
    "(g1+g2+g3+beta2)^-64", "1/(g1+g2+g3+beta2)^64", "(g1+g2+g3+beta2)^64^1", "exp((g1+g2+g3+beta2)^40)",
    "(g1+g2)*(g1+g2)*(g1+g2)*(g1+g2)*(g1+g2)*(g1+g2)*(g1+g2)",
])
def test_a_large_expansion_is_read_but_not_expanded(text):
    assert expanded_terms(parse(text)) > CANONICAL_MAX_TERMS
    shown = preview(PART, text)
    assert shown["ok"] and shown["canonical"] is None and shown["read_as"]
    assert len(str(shown)) < 20_000  # the reading itself stays the size of the text


def test_a_small_expansion_is_still_shown():
    shown = preview(PART, "(g1+g2)^2")
    assert shown["canonical"] == "g_{1}^{2} + 2 g_{1} g_{2} + g_{2}^{2}"
