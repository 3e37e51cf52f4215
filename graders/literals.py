"""The commonest typed answers, read without the grammar: a number, a fraction, and arrays or
sets of plain numbers. `parse` tries this first; None means "not one of these", and the
grammar reads the text as before.

Why: lexing, postlexing and LALR cost more than the grading of such an answer
(bench/RESULTS-costs.md), and most typed answers are exactly these literals. Each form here gives the very tree
graders/answer.lark and parse.py build for it — the same nodes, the same `Num` texts (a
negated literal is one Num whose text starts with `-`), the same `explicit_rows` — and only a
strict subset is taken: ASCII `-` touching its digits, numbers separated by `,`, `;` or spaces
as MATLAB reads them, no empty entries, no trailing separators, no other characters. Anything
else, including every malformed answer, goes to the grammar, which says what is wrong.

  number     `0.25`, `-1.5e-3`, ` 7 `                 Num
  fraction   `1/4`, `-3/7`                             Div(Num, Num)
  array      `[1 -2 3]`, `[1, 2; 3, 4]`, `[1; 2]`      Bracket of Nums
             `[[1, 2], [3, 4]]`                        Bracket of Brackets (JSON style)
             `np.array(...)`, `numpy.array(...)`       the Bracket inside
             `\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}` (also pmatrix, matrix,
             Bmatrix, smallmatrix)                     Bracket of Nums
  set        `{1, 2}`, `{0.5, -1}` (two or more)       SetOf of Nums
"""

from __future__ import annotations

import math
import re

from graders.tree import Bracket, Div, Node, Num, SetOf

# answer.lark's NUMBER (ASCII digits; `5.` is a number but not the `5.` of `5.*x`).
_NUMBER = r"(?:[0-9]+(?:\.(?![*/^])[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_SIGNED = rf"-?{_NUMBER}"

_LONE = re.compile(rf"\s*(-?)\s*({_NUMBER})\s*")
_FRACTION = re.compile(rf"\s*(-?)\s*({_NUMBER})\s*/\s*({_NUMBER})\s*")
# Inside [ ]: numbers, `,`, `;` and spaces (tabs and newlines are left to the grammar: a
# newline is a row break there).
_BRACKET_TOKEN = re.compile(rf"({_SIGNED})|([,;])|( +)")
_FLAT_BRACKET = re.compile(r"\[([-0-9.eE,; ]*)\]")
_NESTED = re.compile(r"\[ *(\[[-0-9.eE,; ]*\](?: *, *\[[-0-9.eE,; ]*\])*) *\]")
_CONSTRUCTOR = re.compile(r"\s*(?:np|numpy)\.(?:array|matrix|asarray)\(\s*(.*?)\s*\)\s*", re.S)
_ENVIRONMENT = re.compile(
    r"\s*\\begin\{(bmatrix|pmatrix|matrix|Bmatrix|smallmatrix)\}(.*)\\end\{\1\}\s*", re.S)
_ENV_ENTRY = re.compile(rf"\s*({_SIGNED})\s*")  # no MATLAB rule inside an environment
_SET = re.compile(r"\s*\{([-0-9.eE, ]*)\}\s*")
_SET_ENTRY = re.compile(rf" *({_SIGNED}) *")


def plain_literal(text: str) -> Node | None:
    """The tree of `text` if it is one of the plain literals above, else None."""
    head = text.lstrip()[:1]
    if head == "[":
        return _array(text.strip())
    if head in ("n", "\\"):
        constructor = _CONSTRUCTOR.fullmatch(text)
        if constructor:
            return _array(constructor[1])
        environment = _ENVIRONMENT.fullmatch(text)
        return _environment(environment[2]) if environment else None
    if head == "{":
        found = _SET.fullmatch(text)
        return _set(found[1]) if found else None
    lone = _LONE.fullmatch(text)
    if lone:
        return _signed(lone[1] + lone[2])
    fraction = _FRACTION.fullmatch(text)
    if fraction:
        numerator, denominator = _signed(fraction[1] + fraction[2]), _signed(fraction[3])
        return None if numerator is None or denominator is None else Div(numerator, denominator)
    return None


def _signed(typed: str) -> Num | None:
    """`-1.5e-3` -> Num(-0.0015, '-1.5e-3'), as the grammar's `neg` folds it; None when the
    number overflows (the grammar then says it is too large)."""
    value = float(typed)
    return Num(value, typed) if math.isfinite(value) else None


def _array(text: str) -> Bracket | None:
    flat = _FLAT_BRACKET.fullmatch(text)
    if flat:
        return _matlab_rows(flat[1])
    nested = _NESTED.fullmatch(text)
    if not nested:
        return None
    rows = [_matlab_rows(inner) for inner in re.findall(r"\[([^\]]*)\]", nested[1])]
    if any(row is None for row in rows):
        return None
    return Bracket((tuple(rows),), explicit_rows=False)


def _matlab_rows(inside: str) -> Bracket | None:
    """The inside of `[ ]` with MATLAB's rule: a space between two numbers separates them (also
    before a `-` that touches its number: `[1 -2]` is two entries), `,` separates entries and
    `;` rows. A number touching the previous one (`1-2`, `1.2.3`) is left to the grammar."""
    rows: list[tuple[Num, ...]] = []
    row: list[Num] = []
    last = "open"  # what came before: open, number, comma, semi
    position = 0
    while position < len(inside):
        token = _BRACKET_TOKEN.match(inside, position)
        if token is None:
            return None
        number, separator, _space = token.groups()
        touching = token.start() == 0 or inside[token.start() - 1] != " "
        position = token.end()
        if number is not None:
            if last == "number" and touching:
                return None
            entry = _signed(number)
            if entry is None:
                return None
            row.append(entry)
            last = "number"
        elif separator is not None:
            if last != "number":
                return None
            if separator == ";":
                rows.append(tuple(row))
                row = []
            last = "comma" if separator == "," else "semi"
    if last != "number":
        return None
    rows.append(tuple(row))
    return Bracket(tuple(rows), explicit_rows=len(rows) > 1)


def _environment(inside: str) -> Bracket | None:
    rows = []
    for typed_row in inside.split("\\\\"):
        entries = [_ENV_ENTRY.fullmatch(entry) for entry in typed_row.split("&")]
        if not all(entries):
            return None
        row = tuple(_signed(entry[1]) for entry in entries)
        if None in row:
            return None
        rows.append(row)
    return Bracket(tuple(rows), explicit_rows=len(rows) > 1)


def _set(inside: str) -> SetOf | None:
    entries = [_SET_ENTRY.fullmatch(entry) for entry in inside.split(",")]
    if len(entries) < 2 or not all(entries):
        return None
    items = tuple(_signed(entry[1]) for entry in entries)
    return None if None in items else SetOf(items)
