"""Read a student's typed answer into our own tree (graders/tree.py). Nothing is ever evaluated.

`parse(text)` returns a node or raises `ParseError` — never anything else — whose message says
plainly what is wrong, with a caret under the place. The grammar is graders/answer.lark (a lark
LALR grammar); the postlexer that normalises the many ways of writing the same thing is
graders/postlex.py; this module holds the limits checked before lark runs and the transformer
that builds nodes.

Accepted syntax
---------------
Numbers      `0.25`, `.5`, `5.`, `-1.5e-3`, `1.5E3`, `1/4`, `3 + 3*sqrt(2)`, `pi/2`, `π`, `\\pi`,
             `e^2`, `ln(2)`, `2^-10`, `2**-10`, `√2`, `3√2`, `3\\sqrt{2}`, `\\sqrt[3]{x}` (a Pow
             with exponent 1/3), `\\frac{1}{4}` (also `\\dfrac`, `\\tfrac`, `\\frac12`), `x²`,
             `A⁻¹`. A negated literal is one number: `-1.5e-3` is Num(-0.0015, '-1.5e-3').
             Two numbers side by side (`2 3`, `1.2.3`) are refused, never multiplied.
Operators    `+`; `-`, `−`, `–`; `*`, `·`, `×`, `⋅`, `\\cdot`, `\\times`, `\\ast` -> Mul;
             juxtaposition `2x`, `x^T (A + A^T)` -> Mul(implicit=True), at the level of `*`;
             `@` -> MatMul; `⊙`, `∘`, `.*`, `\\odot`, `\\circ` -> Hadamard; `⊗`, `\\otimes`
             -> Call('kron') (as `kron(A, B)`); `/`, `÷`, `\\div`
             -> Div; `^`, `**` -> Pow (right-associative, signed exponent: `2^-10`, `x^{-1}`);
             `±`, `\\pm`, `+-` -> PlusMinus. Unary minus binds looser than a power.
Transposes   `x'`, `x.T`, `xᵀ`, `x^T`, `x^{T}`, `x^\\top`, `x^{\\top}`, `x^{\\mathsf T}`,
             `x^\\mathsf{T}`, `x^\\intercal`, `transpose(x)`, `np.transpose(x)`. `x^TAx` reads
             as `x^T Ax`. Lowercase `^t` is a power.
Names        `[A-Za-z_][A-Za-z0-9_]*`, one Name per run (`beta2`, `Eg2`, `W21`, `yhat`).
             Subscripts join with `_`: `\\beta_2`, `beta_{2}`, `W_{21}` -> 'beta_2', 'W_21'.
             Greek `\\beta`, `β` -> 'beta' (`β2` -> 'beta2'; `\\varepsilon`, `ε` -> 'epsilon').
             `\\hat{y}`, `\\hat y`, `ŷ` -> 'yhat' (`\\bar`, `\\tilde` likewise). `\\mathbf{x}`,
             `\\boldsymbol`, `\\bm`, `\\mathrm`, `\\mathsf`, `\\vec`, ... -> the inner name.
             `np.pi`, `math.e` -> 'pi', 'e'. `\\infty` is Name('inf').
Functions    sqrt, ln (ln, log), log10 (also `\\log_{10}`), log2, exp, abs, sin, cos, tan,
             tanh, sigma (sigma, sigmoid, σ, \\sigma — only when followed by `(`), inv, tr
             (tr, trace), det, diag, relu, max, min; with `np.`, `numpy.`, `math.`,
             `np.linalg.` prefixes. Application needs parentheses, except the LaTeX forms
             (`\\sqrt`, `√`, `\\ln`, `\\log`, `\\exp`, `\\sin` ..., `\\det`,
             `\\operatorname{tr}`, `\\mathrm{tr}`, `\\text{tr}`), which also take one atom:
             `\\ln 2`, `\\sqrt{2}`, `\\exp x`; plain `sin x` is refused. Any other name before
             `(` is a product: `f(x)` is Mul(Name('f'), x, implicit=True).
Arrays       JSON `[[1, 2], [3, 4]]`, `[1, 2, 3,]`; MATLAB `[1 2; 3 4]`, `[1, 2; 3, 4]`,
             `[1; 2; 3]`, rows on separate lines; NumPy `np.array(...)`, `np.matrix(...)`;
             LaTeX `\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}` (also pmatrix, matrix,
             Bmatrix, smallmatrix; vmatrix is a determinant: Call('det')). Inside `[ ]`,
             whitespace separates entries as in MATLAB: `[1 -2 3]` has three entries,
             `[1 - 2]` and `[1 -  2]` one.
Grouping     `( )`, `{ }` and `\\left( \\right)`; `(a, b)` -> Tuple; `{a, b}`, `\\{a, b\\}` ->
             SetOf. Spacing commands `\\,` `\\;` `\\quad` are spaces.
Bars         `\\|x\\|`, `‖x‖`, `\\|x\\|_2` -> Call('norm'); `\\|X\\|_F` -> Call('norm_F');
             `|x|` -> Call('abs'). Also softmax, norm and norm_F by name.

Limits, checked before lark runs: the text is not empty, at most MAX_LENGTH characters, and
brackets are balanced and nested at most MAX_DEPTH deep. The built tree is at most
MAX_TREE_DEPTH deep (measured iteratively), so later recursive passes never hit Python's
recursion limit. Lexing and parsing are linear (LALR, no backtracking regex).
"""

from __future__ import annotations

import math
import re
from dataclasses import fields, is_dataclass
from functools import cache
from importlib import resources

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

from graders.errors import ParseError
from graders.functions import (
    BY_NAME,
    ELEMENTWISE_DIVIDE,
    ELEMENTWISE_POWER,
    INDICATOR_OF,
)
from graders.lexemes import Refusal
from graders.literals import plain_literal
from graders.postlex import AnswerPostLex
from graders.text_checks import CLOSING, OPENING, check_brackets, check_size
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
    Node,
    Num,
    Ones,
    PlusMinus,
    Pow,
    SetOf,
    Sub,
    Transpose,
    Tuple,
)

# Deep enough for any real answer; shallow enough that a recursive pass over the tree (two
# Python frames per level) stays far from the default recursion limit of 1,000.
MAX_TREE_DEPTH = 250

ENDS_EARLY = "the answer ends too early — is an operand or a closing bracket missing?"


_MATRIX_ENVIRONMENTS = {"matrix", "bmatrix", "pmatrix", "Bmatrix", "smallmatrix"}
_ENVIRONMENT_NAME = re.compile(r"\{\s*([A-Za-z]+\*?)\s*\}")
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")


# ---- The transformer: grammar rules -> tree nodes --------------------------------------------


@v_args(inline=True)
class _ToTree(Transformer):
    """Runs inside the LALR parser (one callback per reduction, no recursion)."""

    def start(self, node):
        return node

    def add(self, left, right):
        return Add(left, right)

    def sub(self, left, right):
        return Sub(left, right)

    def plus_minus(self, left, right):
        return PlusMinus(left, right)

    def mul(self, left, right):
        return Mul(left, right)

    def implicit_mul(self, left, right):
        return Mul(left, right, implicit=True)

    def div(self, left, right):
        return Div(left, right)

    def matmul(self, left, right):
        return MatMul(left, right)

    def hadamard(self, left, right):
        return Hadamard(left, right)

    def indicator(self, *children):
        left, compare, right = children[-3:]
        return Call(INDICATOR_OF[str(compare)], (left, right))

    def kron(self, left, right):
        return Call("kron", (left, right))

    def elementwise_div(self, left, right):
        return Call(ELEMENTWISE_DIVIDE, (left, right))

    def elementwise_pow(self, base, exponent):
        return Call(ELEMENTWISE_POWER, (base, exponent))

    def neg(self, operand):
        # `-1.5e-3` is one number, and `A^{-1}` has the exponent Num(-1) as tree.Pow documents.
        if isinstance(operand, Num) and not operand.text.startswith("-"):
            return Num(-operand.value, "-" + operand.text)
        return Neg(operand)

    def pow(self, base, exponent):
        if exponent == Name("T"):
            return Transpose(base)
        return Pow(base, exponent)

    def superscript_pow(self, base, token):
        return Pow(base, Num(float(token.translate(_SUPERSCRIPT_DIGITS)), str(token)))

    def transpose_mark(self):
        return Name("T")

    def transpose(self, operand):
        return Transpose(operand)

    def number(self, token):
        value = float(token)
        if not math.isfinite(value):
            raise Refusal(f"the number {token} is too large", token.start_pos)
        return Num(value, str(token))

    def name(self, token):
        return Name(str(token))

    def ones(self, token):
        return Ones(str(token))

    def tuple(self, *items):
        return Tuple(items)

    def set_of(self, *items):
        return SetOf(items)

    def row(self, *entries):
        return entries

    env_row = row

    def bracket(self, *rows):
        return Bracket(rows, explicit_rows=len(rows) > 1)

    def environment(self, begin, *rows_and_end):
        *rows, end = rows_and_end
        name = _ENVIRONMENT_NAME.search(begin).group(1)
        end_name = _ENVIRONMENT_NAME.search(end).group(1)
        if name != end_name:
            raise Refusal(f"'\\begin{{{name}}}' is closed by '\\end{{{end_name}}}'",
                           end.start_pos)
        matrix = Bracket(tuple(rows), explicit_rows=len(rows) > 1)
        if name in _MATRIX_ENVIRONMENTS:
            return matrix
        if name == "vmatrix":                       # |A| written as a vmatrix: a determinant
            return Call("det", (matrix,))
        raise Refusal(f"the LaTeX environment '{name}' is not supported here; write a matrix "
                       "with \\begin{bmatrix} ... \\end{bmatrix}", begin.start_pos)

    def call(self, func, *args):
        return _call(func, args)

    def norm_of(self, inner, closing):
        # ‖X‖ and ‖X‖₂ are the 2-norm (a vector's length, a matrix's largest singular value).
        return Call("norm_F" if str(closing) == "F" else "norm", (inner,))

    def abs_of(self, inner):
        return Call("abs", (inner,))

    def latex_call(self, func, argument):
        # `\max(a, b)` without FUNC cannot happen (a `(` makes FUNC), but `\max \{a, b\}`...
        # stays one argument: only a Tuple spreads.
        args = argument.items if isinstance(argument, Tuple) else (argument,)
        return _call(func, args)

    def nth_root(self, _sqrt, index, radicand):
        return Pow(radicand, Div(Num(1.0, "1"), index))

    def array_ctor(self, _constructor, inner):
        return inner


def _call(func: Token, args: tuple) -> Node:
    name = str(func)
    arity = BY_NAME[name].arity
    if arity is not None and len(args) != arity:
        wanted = "one argument" if arity == 1 else f"{arity} arguments"
        raise Refusal(f"{name}() takes {wanted}, but {len(args)} were given", func.start_pos)
    if name == "transpose":
        return Transpose(args[0])
    return Call(name, tuple(args))


_PARSER = Lark(
    resources.files("graders").joinpath("answer.lark").read_text(encoding="utf-8"),
    parser="lalr",
    lexer="basic",
    postlex=AnswerPostLex(),
    transformer=_ToTree(),
    maybe_placeholders=False,
)


# ---- parse() ------------------------------------------------------------------------------


def parse(text: str) -> Node:
    """The tree of a typed answer, or ParseError saying what is wrong and where."""
    check_size(text)
    plain = plain_literal(text)  # graders/literals.py: the same tree, without lark's cost
    if plain is not None:
        return plain
    try:
        check_brackets(text)
        node = _PARSER.parse(text)
    except Refusal as refusal:
        raise ParseError(refusal.message, text, refusal.position) from None
    except UnexpectedCharacters as error:
        position = error.pos_in_stream
        char = text[position]
        hint = ": write abs(x) for |x| and det(A) for |A|" if char == "|" else ""
        raise ParseError(f"unexpected character {_describe_char(char)}{hint}", text,
                         position) from None
    except UnexpectedToken as error:
        raise _unexpected_token(text, error.token) from None
    except UnexpectedEOF:
        raise ParseError(ENDS_EARLY, text, len(text.rstrip())) from None
    except (LarkError, RecursionError):
        # Not expected to happen; if it does, the student still gets a ParseError.
        raise ParseError("the answer could not be read", text, None) from None
    _check_tree_depth(node, text)
    return node


def _unexpected_token(text: str, token: Token) -> ParseError:
    if token.type == "$END":
        return ParseError(ENDS_EARLY, text, len(text.rstrip()))
    position = token.start_pos
    if token.type in ("_COMMA", "_SEMI") and token.value.isspace():
        return ParseError("inside [ ], a space separates entries, and this one splits an "
                          "expression: remove the space or add an operator", text, position)
    if token.type == "_COMMA" and _depth_at(text, position) == 0:
        return ParseError("a comma outside brackets: write several values as {1, 2} or "
                          "[1, 2], and numbers without thousands separators", text, position)
    typed = text[position:token.end_pos]
    before = text[:position].rstrip()
    if typed in CLOSING and before.endswith(CLOSING[typed]):
        return ParseError(f"empty brackets: '{CLOSING[typed]}{typed}' hold nothing", text,
                          position)
    return ParseError(f"unexpected {_quote(typed)}", text, position)


def _depth_at(text: str, position: int) -> int:
    depth = 0
    for char in text[:position]:
        depth += (char in OPENING) - (char in CLOSING)
    return depth


def _describe_char(char: str) -> str:
    if char.isprintable() and not char.isspace():
        return _quote(char)
    return f"U+{ord(char):04X} (an invisible character)"


def _quote(typed: str) -> str:
    return f'"{typed}"' if "'" in typed else f"'{typed}'"


# No character makes more than this many nodes (`\sqrt[3]{x}`: 11 characters, 5 nodes), so a
# text this short cannot nest MAX_TREE_DEPTH deep and needs no walk (a tenth of a parse).
_NODES_PER_CHARACTER = 3


def _check_tree_depth(root: Node, text: str) -> None:
    if len(text) * _NODES_PER_CHARACTER <= MAX_TREE_DEPTH:
        return
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise ParseError(f"the expression is too long to check: it nests more than "
                             f"{MAX_TREE_DEPTH} operations; simplify it", text, None)
        stack.extend((child, depth + 1) for child in children(node))


@cache
def _field_names(node_type: type) -> tuple[str, ...]:
    return tuple(field.name for field in fields(node_type))


def children(node: Node) -> list[Node]:
    """The direct subnodes of a node (a Bracket's entries row by row; a Call's arguments)."""
    found = []
    # Field names per node type, worked out once: `dataclasses.fields` for every node of every
    # answer was a tenth of reading an expression.
    for name in _field_names(type(node)):
        value = getattr(node, name)
        pending = [value]
        while pending:
            item = pending.pop()
            if isinstance(item, tuple):
                pending.extend(reversed(item))
            elif is_dataclass(item):
                found.append(item)
    return found
