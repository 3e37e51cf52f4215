"""The functions an answer may call, in one table: how each is spelled (typed names, LaTeX
commands), computed (entry by entry on numbers and arrays, on random draws of symbols, in SymPy)
and shown (LaTeX). parse.py, numeric.py, expression_values.py, sympy_bridge.py and render.py read
from here, so adding a function is one entry here and its tests.

The structural functions — softmax, norm, norm_F, inv, tr, det, diag, vec, kron, transpose, max and min — have an entry too (their
spellings, arity and LaTeX); how each module computes them is its own, since it depends on the
shapes it keeps (numbers, arrays, draws, SymPy matrices)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def _sigma(x):
    # tanh form: finite for every finite x, where 1/(1+exp(-x)) overflows for x < -709.
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@dataclass(frozen=True)
class Function:
    name: str  # canonical: the `Call(name, …)` of the tree
    spellings: tuple[str, ...] = ()  # typed names besides `name` (`log` for ln)
    latex: tuple[str, ...] = ()  # LaTeX commands that read as it (`\log`)
    shown: str | None = None  # its LaTeX when shown (None: \operatorname{name})
    numpy: Callable | None = None  # entry by entry, on numbers and arrays alike
    domain: Callable | None = None  # where numpy is defined (None: everywhere)
    outside: str = ""  # what to say for an entry outside the domain
    # The same on SymPy scalars, given the sympy module (imported only by graders/sympy_bridge.py:
    # the grader itself never loads SymPy).
    sympy: Callable | None = None
    arity: int | None = 1  # None: one or more arguments
    also_a_name: bool = False  # without `(` it is an ordinary name (σ, a standard deviation)


_POSITIVE = "the logarithm is defined only for positive numbers"

FUNCTIONS: tuple[Function, ...] = (
    Function("sqrt", latex=("sqrt",), shown=r"\sqrt", numpy=np.sqrt, domain=lambda x: x >= 0,
             outside="the square root of a negative number is not real", sympy=lambda sp: sp.sqrt),
    Function("ln", ("log", "log_e"), latex=("ln", "log"), shown=r"\ln", numpy=np.log, domain=lambda x: x > 0,
             outside=_POSITIVE, sympy=lambda sp: sp.log),
    Function("log10", ("log_10",), shown=r"\log_{10}", numpy=np.log10, domain=lambda x: x > 0, outside=_POSITIVE,
             sympy=lambda sp: lambda x: sp.log(x, 10)),
    Function("log2", ("log_2",), shown=r"\log_{2}", numpy=np.log2, domain=lambda x: x > 0, outside=_POSITIVE,
             sympy=lambda sp: lambda x: sp.log(x, 2)),
    Function("exp", latex=("exp",), shown=r"\exp", numpy=np.exp, sympy=lambda sp: sp.exp),
    Function("abs", shown=r"\operatorname{abs}", numpy=np.abs, sympy=lambda sp: sp.Abs),
    Function("sin", latex=("sin",), shown=r"\sin", numpy=np.sin, sympy=lambda sp: sp.sin),
    Function("cos", latex=("cos",), shown=r"\cos", numpy=np.cos, sympy=lambda sp: sp.cos),
    Function("tan", latex=("tan",), shown=r"\tan", numpy=np.tan, sympy=lambda sp: sp.tan),
    Function("tanh", latex=("tanh",), shown=r"\tanh", numpy=np.tanh, sympy=lambda sp: sp.tanh),
    Function("sech", shown=r"\operatorname{sech}", numpy=lambda x: 1 / np.cosh(x),
             sympy=lambda sp: sp.sech),
    Function("sinh", latex=("sinh",), shown=r"\sinh", numpy=np.sinh, sympy=lambda sp: sp.sinh),
    Function("cosh", latex=("cosh",), shown=r"\cosh", numpy=np.cosh, sympy=lambda sp: sp.cosh),
    Function("sigma", ("sigmoid",), shown=r"\sigma", numpy=_sigma, sympy=lambda sp: lambda x: 1 / (1 + sp.exp(-x)),
             also_a_name=True),
    Function("relu", ("ReLU",), shown=r"\operatorname{ReLU}", numpy=lambda x: np.maximum(x, 0.0),
             sympy=lambda sp: lambda x: sp.Max(x, 0)),
    Function("softplus", shown=r"\operatorname{softplus}", numpy=lambda x: np.logaddexp(0.0, x),
             sympy=lambda sp: lambda x: sp.log(1 + sp.exp(x))),
    Function("max", ("maximum",), latex=("max",), shown=r"\max", arity=None),
    Function("min", ("minimum",), latex=("min",), shown=r"\min", arity=None),
    Function("softmax", shown=r"\operatorname{softmax}"),  # of a vector: a vector of the same shape
    # ‖x‖, ‖x‖₂: a vector's length, a matrix's largest singular value; ‖X‖_F: the root of the
    # sum of squares (a vector's length too)
    Function("norm", shown=r"\operatorname{norm}"),
    Function("norm_F", ("normF",), shown=r"\operatorname{norm_F}"),
    Function("inv"),
    Function("tr", ("Tr", "trace"), latex=("tr", "trace"), shown=r"\operatorname{tr}"),
    Function("det", latex=("det",), shown=r"\det"),
    Function("diag", shown=r"\operatorname{diag}"),
    Function("vec", shown=r"\operatorname{vec}"),  # a matrix's columns stacked: an (mn)×1 vector
    Function("kron", shown=r"\otimes", arity=2),  # A ⊗ B, the Kronecker product
    Function("transpose"),
)

BY_NAME: dict[str, Function] = {f.name: f for f in FUNCTIONS}
# Every typed name -> the canonical name.
SPELLINGS: dict[str, str] = {spelling: f.name for f in FUNCTIONS for spelling in (f.name, *f.spellings)}
LATEX_COMMANDS: frozenset[str] = frozenset(command for f in FUNCTIONS for command in f.latex)
ALSO_NAMES: frozenset[str] = frozenset(f.name for f in FUNCTIONS if f.also_a_name)
ELEMENTWISE: dict[str, Function] = {f.name: f for f in FUNCTIONS if f.numpy is not None}

# The element-wise operators `a ./ b` and `a .^ k` (`a^{\circ k}`): Call nodes no one can type by name.
ELEMENTWISE_DIVIDE = "./"
ELEMENTWISE_POWER = ".^"
# The indicator of a comparison, entry by entry (1 where it holds, else 0): `(z > 0)`, `1[z > 0]`.
INDICATOR_OF = {">": "1[>]", "<": "1[<]", ">=": "1[>=]", "<=": "1[<=]", "≥": "1[>=]", "≤": "1[<=]"}
COMPARISONS = {"1[>]": (">", "\\gt", lambda a, b: a > b), "1[<]": ("<", "\\lt", lambda a, b: a < b),
               "1[>=]": ("≥", "\\ge", lambda a, b: a >= b), "1[<=]": ("≤", "\\le", lambda a, b: a <= b)}
