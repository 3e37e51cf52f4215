"""Our tree back to text: plain text a student would type (and our grammar reads back: feedback
quotes it, the property tests round-trip through it), LaTeX for the preview, MathML from that
LaTeX. Read-only walks; the parser bounds a tree's depth, so recursion is safe."""

from __future__ import annotations

import re
from dataclasses import dataclass

from graders.functions import COMPARISONS, FUNCTIONS
from graders.latex_vocabulary import GREEK_COMMANDS
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
    Ones,
    PlusMinus,
    Pow,
    SetOf,
    Sub,
    Transpose,
    Tuple,
)


@dataclass(frozen=True)
class Identity:
    """`I`: the identity, whose size the shapes around it decide."""


# Binding strength, loosest first, as in graders/answer.lark.
_SUM, _PRODUCT, _SIGN, _POWER, _POSTFIX, _ATOM = range(6)


def _level(node) -> int:
    match node:
        case Add() | Sub() | PlusMinus():
            return _SUM
        case Mul() | MatMul() | Hadamard() | Div() | Call("kron" | "./"):
            return _PRODUCT
        case Neg():
            return _SIGN
        case Num(value=value, text=text):
            return _SIGN if text.startswith("-") or value < 0 else _ATOM
        case Pow():
            return _POWER
        case Transpose():
            return _POSTFIX
    return _ATOM


# ---- Plain text ---------------------------------------------------------------------------



def to_text(node) -> str:
    """`xᵀ(A + Aᵀ)`, `-A⁻¹ dA A⁻¹`, `(1 - beta2^t) Eg2`: what was read, in typed form."""
    match node:
        case Num(value=value, text=text):
            return _number_text(value, text)
        case Name(name=name):
            return name
        case Identity():
            return "I"
        case Ones(size=size):
            return f"𝟏_{size}"
        case Neg(operand):
            return "-" + _wrap_text(operand, _POWER if isinstance(operand, Num) else _SIGN)
        case Add(left, right):
            return f"{to_text(left)} + {_wrap_text(right, _PRODUCT)}"
        case Sub(left, right):
            return f"{to_text(left)} - {_wrap_text(right, _PRODUCT)}"
        case PlusMinus(left, right):
            return f"{to_text(left)} ± {_wrap_text(right, _PRODUCT)}"
        case Mul(left, right) | MatMul(left, right):
            return _juxtapose(_wrap_text(left, _left_of_product(left)), _wrap_text(right, _POWER))
        case Call("kron", (left, right)):
            return f"{_wrap_text(left, _PRODUCT)} ⊗ {_wrap_text(right, _POWER)}"
        case Hadamard(left, right):
            return f"{_wrap_text(left, _PRODUCT)} ⊙ {_wrap_text(right, _POWER)}"
        case Div(left, right):
            return f"{_wrap_text(left, _PRODUCT)}/{_wrap_text(right, _POWER)}"
        case Pow(base, Num(value=-1.0)):
            return _wrap_text(base, _POSTFIX) + "⁻¹"
        case Pow(base, exponent):
            return f"{_wrap_text(base, _POSTFIX)}^{_wrap_text(exponent, _ATOM)}"
        case Transpose(operand):
            return _wrap_text(operand, _POSTFIX) + "ᵀ"
        case Call(".^", (base, exponent)):
            return f"{_wrap_text(base, _POSTFIX)}.^{_wrap_text(exponent, _ATOM)}"
        case Call(func, (left, right)) if func in COMPARISONS:
            return f"1[{to_text(left)} {COMPARISONS[func][0]} {to_text(right)}]"
        case Call("./", (left, right)):
            return f"{_wrap_text(left, _PRODUCT)} ./ {_wrap_text(right, _POWER)}"
        case Call(func, args):
            return f"{func}({', '.join(map(to_text, args))})"
        case Bracket(rows=rows):
            return "[" + "; ".join(", ".join(map(to_text, row)) for row in rows) + "]"
        case Tuple(items):
            return "(" + ", ".join(map(to_text, items)) + ")"
        case SetOf(items):
            return "{" + ", ".join(map(to_text, items)) + "}"
    return "?"


def _number_text(value: float, text: str) -> str:
    if text and re.fullmatch(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", text):
        return text
    if text in ("pi", "π"):
        return "pi"
    if text == "e":
        return "e"
    return repr(float(value))


def _wrap_text(node, level: int) -> str:
    text = to_text(node)
    return f"({text})" if _level(node) < level else text


def _juxtapose(left: str, right: str) -> str:
    # `2x`, `xᵀ(A + Aᵀ)`, `A J`: a space only where two names would run together; two numbers
    # side by side are never a product in our grammar, so they get a `·`.
    if right[0].isdigit() or right[0] == ".":
        return f"{left}·{right}"
    # A number before a name (`2x`) runs together; a subscripted name before one (`W_2 δ_2`) not.
    if right.startswith("(") or (re.fullmatch(r"-?[0-9.]+", left) and right[0].isalpha()):
        return left + right
    return f"{left} {right}"


# ---- LaTeX ----------------------------------------------------------------------------------

_LATEX_FUNCTIONS = {f.name: f.shown for f in FUNCTIONS if f.shown}


def latex_name(name: str) -> str:
    """`beta2` -> \\beta_{2}, `yhat` -> \\hat{y}, `Jx` -> J_{x}, `W21` -> W_{21}, `dA` -> dA."""
    if name == "pi":
        return r"\pi"
    match = re.fullmatch(r"([A-Za-z]+?)(hat|bar|tilde)?_?([0-9]*)", name)
    if match:
        base, accent, subscript = match.groups()
        if base in GREEK_COMMANDS:
            base = "\\" + GREEK_COMMANDS[base]
        elif len(base) > 1 and base[0].isupper() and base[1:].islower() and not accent:
            base, subscript = base[0], base[1:] + subscript              # Jx -> J_{x}
        elif len(base) > 1 and not (base[0] == "d" and base[1:].isupper()):
            base = rf"\mathit{{{base}}}"
        if accent:
            base = rf"\{accent}{{{base}}}"
        return f"{base}_{{{subscript}}}" if subscript else base
    escaped = name.replace("_", "\\_")
    return rf"\mathit{{{escaped}}}"


def to_latex(node) -> str:
    match node:
        case Num(value=value, text=text):
            if text in ("pi", "π"):
                return r"\pi"
            return _number_text(value, text)
        case Name(name=name):
            return latex_name(name)
        case Identity():
            return "I"
        case Ones(size=size):
            return rf"\mathbf{{1}}_{{{latex_name(size) if not size.isdigit() else size}}}"
        case Neg(operand):
            return "-" + _wrap_latex(operand, _POWER if isinstance(operand, Num) else _SIGN)
        case Add(left, right):
            return f"{to_latex(left)} + {_wrap_latex(right, _PRODUCT)}"
        case Sub(left, right):
            return f"{to_latex(left)} - {_wrap_latex(right, _PRODUCT)}"
        case PlusMinus(left, right):
            return rf"{to_latex(left)} \pm {_wrap_latex(right, _PRODUCT)}"
        case Mul(left, right) | MatMul(left, right):
            left_tex = _wrap_latex(left, _left_of_product(left))
            right_tex = _wrap_latex(right, _POWER)
            if isinstance(right, Num) or (right_tex[0].isdigit() and left_tex[-1].isdigit()):
                return rf"{left_tex} \cdot {right_tex}"
            return f"{left_tex} {right_tex}"
        case Hadamard(left, right):
            return rf"{_wrap_latex(left, _PRODUCT)} \odot {_wrap_latex(right, _POWER)}"
        case Div(left, right):
            return rf"\frac{{{to_latex(left)}}}{{{to_latex(right)}}}"
        # A superscript on a superscript is not LaTeX: (xᵀ)² keeps its parentheses.
        case Pow(base, exponent):
            return f"{_wrap_latex(base, _ATOM)}^{{{to_latex(exponent)}}}"
        case Transpose(operand):
            return _wrap_latex(operand, _ATOM) + r"^{\top}"
        case Call("sqrt", (argument,)):
            return rf"\sqrt{{{to_latex(argument)}}}"
        case Call("abs", (argument,)):
            return rf"\left|{to_latex(argument)}\right|"
        case Call(".^", (base, exponent)):
            return f"{_wrap_latex(base, _ATOM)}^{{\\circ {to_latex(exponent)}}}"
        case Call(func, (left, right)) if func in COMPARISONS:
            return rf"\mathbb{{1}}\left[{to_latex(left)} {COMPARISONS[func][1]} {to_latex(right)}\right]"
        case Call("./", (left, right)):
            return rf"{_wrap_latex(left, _PRODUCT)} \oslash {_wrap_latex(right, _POWER)}"
        case Call("kron", (left, right)):
            return rf"{_wrap_latex(left, _PRODUCT)} \otimes {_wrap_latex(right, _POWER)}"
        case Call("norm", (argument,)):
            return rf"\left\lVert {to_latex(argument)} \right\rVert"
        case Call("norm_F", (argument,)):
            return rf"\left\lVert {to_latex(argument)} \right\rVert_F"
        case Call("inv", (argument,)):
            return _wrap_latex(argument, _ATOM) + "^{-1}"
        case Call(func, args):
            name = _LATEX_FUNCTIONS.get(func, rf"\operatorname{{{func}}}")
            return rf"{name}\left({', '.join(map(to_latex, args))}\right)"
        case Bracket(rows=rows):
            # JSON / NumPy rows ([[1, 2], [3, 4]]) are one row of one-row brackets: shown as the
            # grid they mean, as MATLAB's [1 2; 3 4] is.
            if (len(rows) == 1 and len(rows[0]) > 1
                    and all(isinstance(e, Bracket) and len(e.rows) == 1 for e in rows[0])
                    and len({len(e.rows[0]) for e in rows[0]}) == 1):
                rows = tuple(e.rows[0] for e in rows[0])
            body = r" \\ ".join(" & ".join(map(to_latex, row)) for row in rows)
            return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"
        case Tuple(items):
            return r"\left(" + ", ".join(map(to_latex, items)) + r"\right)"
        case SetOf(items):
            return r"\left\{" + ", ".join(map(to_latex, items)) + r"\right\}"
    return "?"


def _left_of_product(node) -> int:
    """(Bᵀ ⊗ A) vec(X), (a ./ b) c: an infix product of its own, times anything, keeps its
    parentheses — the grammar does not need them (one level, left first) but a reader does."""
    return _SIGN if isinstance(node, Call) and _level(node) == _PRODUCT else _PRODUCT


def _wrap_latex(node, level: int) -> str:
    tex = to_latex(node)
    return rf"\left({tex}\right)" if _level(node) < level else tex


def to_mathml(latex: str) -> str:
    """Presentation MathML for the preview (latex2mathml; our LaTeX only, never typed text)."""
    from latex2mathml.converter import convert

    return convert(latex)
