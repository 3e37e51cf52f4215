"""Derivatives and expectations written as textbooks write them, read as the declared symbols
they stand for — before the grammar sees the answer.

A part declares `"J": "n×l; ∂x/∂z"` or `"Eg2": "scalar > 0; E[g^2]"` (graders/symbols.py).
Then `A \\frac{\\partial x}{\\partial z}`, `A ∂x/∂z`, `A dx/dz`, `\\partial x / \\partial z`,
`\\mathbb{E}[g^2] (1 - beta2^t)` and `E[g²]` are read as `A J` and `Eg2 (1 - beta2^t)`. The
spellings of one meaning are told apart only by how they are typed (braces, spaces, `\\alpha` or
`α` or `alpha`, `g^{2}` or `g²`), never by what they compute: nothing is evaluated here.

A `∂` that is not a declared derivative is an error naming what is, so `∂z/∂x` for `∂x/∂z`
gets "∂z/∂x is not a symbol of this part; … (∂x/∂z is `J`)" rather than a silent misreading.
A `d…/d…` that is not declared is left alone (`dA` may itself be a symbol), and so is a bare `E`
that opens no declared expectation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from graders.errors import UnknownSymbol
from graders.latex_vocabulary import GREEK_COMMANDS, GREEK_LETTERS
from graders.symbols import Symbol, listing

# The marks of a derivative: ∂ in every spelling, and an upright or plain d (only at the start
# of a word: the d of `dx`, not of `Ad`).
_PARTIAL = r"(?:\\partial(?![A-Za-z])|∂)"
_UPRIGHT_D = r"(?:\\mathrm\s*\{\s*d\s*\}|\\mathrm\s+d(?![A-Za-z])|\\operatorname\s*\{\s*d\s*\})"
_D = rf"(?:{_UPRIGHT_D}|(?<![A-Za-z\\])d)"
# What is differentiated or by what: one name with its subscript, hat or power, or a group.
_ATOM = (r"(?:\\[A-Za-z]+(?:\s*\{[^{}]*\})?|[A-Za-zα-ωΑ-Ω]"
         r"(?:_\{[^{}]*\}|_[A-Za-z0-9])?(?:\^\{[^{}]*\}|\^[A-Za-z0-9-]|[⁰¹²³⁴⁵⁶⁷⁸⁹⁻ᵀ]+)?"
         r"|\{[^{}]*\}|\([^()]*\))")
# `dx/dz` but not `d x/d z` (d times x): a plain d touches what it differentiates.
_SLASH = re.compile(rf"(?:(?P<mark>{_PARTIAL}|{_UPRIGHT_D})\s*|(?<![A-Za-z\\])d)(?P<num>{_ATOM})"
                    rf"\s*/\s*(?:{_PARTIAL}|{_UPRIGHT_D}|d)\s*(?P<den>{_ATOM})")
_FRAC = re.compile(r"\\[dt]?frac\s*(?=\{)")
_FRAC_MARK = re.compile(rf"^\s*(?P<mark>{_PARTIAL}|{_D})\s*(?P<rest>.+?)\s*$", re.S)
_EXPECT = re.compile(
    r"(?P<op>\\mathbb\s*\{\s*E\s*\}|\\mathbb\s+E|\\mathbf\s*\{\s*E\s*\}|\\operatorname\s*\{\s*E\s*\}"
    r"|𝔼|(?<![A-Za-z\\])E)\s*(?:\\left\s*|\\big\s*|\\Big\s*)?(?P<open>[\[(])")
_SUPERSCRIPTS = str.maketrans({"²": "^2", "³": "^3", "⁻": "^-", "¹": "1", "ᵀ": "^T"})
_DECORATION = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg|mathbf|boldsymbol|bm|mathrm|mathit|vec|,|;|!| )")


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    key: tuple[str, ...]
    partial: bool  # written with ∂ (or \mathbb{E}): then it must be declared


def canonical(text: str) -> str:
    """How a name or an inner expression is compared: `\\alpha`, `α` and `alpha` alike, braces,
    spaces and underscores dropped, `g²` as `g^2`, `\\hat{y}` as `yhat`."""
    text = _DECORATION.sub("", text)
    text = re.sub(r"\\hat\s*\{?\s*([A-Za-z])\s*\}?", r"\1hat", text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: GREEK_COMMANDS.get(m[1], m[0]), text)
    text = "".join(GREEK_LETTERS.get(c, c) for c in text.translate(_SUPERSCRIPTS))
    text = re.sub(r"[\s{}_]", "", text)
    return text[1:-1] if len(text) > 2 and text[0] == "(" and text[-1] == ")" else text


def _group(text: str, i: int) -> int | None:
    """The index after the brace group opening at text[i], or None if it is not closed."""
    depth = 0
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return j + 1
    return None


def _closing(text: str, i: int) -> int | None:
    """The index of the bracket closing the one at text[i] (any of ( [ { nest inside)."""
    depth = 0
    for j in range(i, len(text)):
        if text[j] in "([{":
            depth += 1
        elif text[j] in ")]}":
            depth -= 1
            if depth == 0:
                return j
    return None


def _fractions(text: str):
    for frac in _FRAC.finditer(text):
        top_end = _group(text, frac.end())
        if top_end is None or top_end >= len(text) or text[top_end] != "{":
            continue
        bottom_end = _group(text, top_end)
        if bottom_end is None:
            continue
        top = _FRAC_MARK.match(text[frac.end() + 1:top_end - 1])
        bottom = _FRAC_MARK.match(text[top_end + 1:bottom_end - 1])
        if top and bottom:
            partial = top["mark"] in ("∂", "\\partial") or bottom["mark"] in ("∂", "\\partial")
            yield _Found(frac.start(), bottom_end, ("∂", canonical(top["rest"]), canonical(bottom["rest"])), partial)


def _slashes(text: str):
    for found in _SLASH.finditer(text):
        partial = found["mark"] in ("∂", "\\partial")
        yield _Found(found.start(), found.end(), ("∂", canonical(found["num"]), canonical(found["den"])), partial)


def _expectations(text: str):
    for found in _EXPECT.finditer(text):
        close = _closing(text, found.start("open"))
        if close is None:
            continue
        inner = text[found.end():close]
        inner = re.sub(r"\\right\s*$", "", inner)
        yield _Found(found.start(), close + 1, ("E", canonical(inner)), found["op"] != "E")


def _occurrences(text: str) -> list[_Found]:
    """Every derivative and expectation in the text, outermost and leftmost first, none inside
    another."""
    found = sorted([*_fractions(text), *_slashes(text), *_expectations(text)], key=lambda f: (f.start, -f.end))
    kept, end = [], -1
    for item in found:
        if item.start >= end:
            kept.append(item)
            end = item.end
    return kept


def meaning_key(meaning: str) -> tuple[str, ...]:
    """The key of a declared meaning; a ValueError if it is not one derivative or expectation
    (that is a bug in the problem, reported when it loads)."""
    found = _occurrences(meaning.strip())
    if len(found) != 1 or found[0].start != 0 or found[0].end != len(meaning.strip()):
        raise ValueError(f"cannot read {meaning!r} as what a symbol stands for; write a derivative "
                         "like ∂x/∂z or an expectation like E[g^2]")
    return found[0].key


@lru_cache(maxsize=512)
def _declared(symbols: tuple[Symbol, ...]) -> dict[tuple[str, ...], str]:
    return {meaning_key(s.meaning): s.name for s in symbols if s.meaning}


def substitute(text: str, symbols: tuple[Symbol, ...]) -> str:
    """`text` with each declared derivative or expectation replaced by its symbol's name (padded
    to the same length, so a caret further on still points at the right character)."""
    if not any(mark in text for mark in ("∂", "\\partial", "/", "E", "𝔼", "frac")):
        return text  # nothing to look for: most answers
    declared = _declared(symbols)
    pieces, last = [], 0
    for found in _occurrences(text):
        name = declared.get(found.key)
        if name is None:
            if found.partial:
                typed = " ".join(text[found.start:found.end].split())[:60]
                upside_down = declared.get((found.key[0], *found.key[:0:-1]))
                if upside_down:
                    raise UnknownSymbol(f"`{typed}` is that derivative upside down; {listing(symbols)}")
                raise UnknownSymbol(f"`{typed}` is not a symbol of this part; {listing(symbols)}")
            continue
        pieces.append(text[last:found.start])
        pieces.append(f" {name} ".ljust(found.end - found.start))
        last = found.end
    result = "".join(pieces) + text[last:]
    if "∂" in result or re.search(r"\\partial(?![A-Za-z])", result):
        raise UnknownSymbol("∂ is read only in a derivative this part declares, like ∂x/∂z; "
                            + listing(symbols))
    return result
