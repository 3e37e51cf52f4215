"""Numbers as worked solutions write them, read before the grammar: a bare list of values for a set
or a vector (`7.24, -1.24`), a label before a value (`L = 3*sqrt(5)`, `\\lambda_1 = 3+3\\sqrt{2}`,
`λ = 3 ± 3√2`, `x_1 = 2`), values one per line of `\\begin{cases} … \\end{cases}` or separated by
`\\\\` or "and". What a label says is not graded; a label naming another part or step of the
problem is said in the feedback (the value may be in the wrong box). For every kind, the math
delimiters pasted from LaTeX come off (`$a^T$`, `$$…$$`, `\\(…\\)`, `\\[…\\]`), and an
expression's left-hand side (`\\frac{\\partial f}{\\partial x} = a^T`, or a chain `= … = a^T`)
leaves its last right-hand side.

Only plain text comes here (a JSON answer is already a value), and what comes out is text for
the grammar: nothing is evaluated here."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

_CASES = re.compile(r"^\s*\\begin\{cases\}(.*)\\end\{cases\}\s*$", re.S)
# A label: a name (Latin or Greek, LaTeX or Unicode), an optional subscript, an optional star or
# hat, then `=` (not `==`, `<=`, `>=`).
_LABEL = re.compile(
    r"^\s*((?:\\[A-Za-z]+|[A-Za-zα-ωΑ-Ω][A-Za-z0-9₀-₉]*(?:_[A-Za-z0-9]+)*)"
    r"(?:_\{[^{}=]{1,12}\}|_[A-Za-z0-9]{1,3})?(?:\^\{?\*\}?|\^\{?\\?[a-z]+\}?)?'?)\s*(?<![<>!=])=(?!=)\s*"
)
# The kinds whose typed answers are read this way, and whether each takes several values.
KINDS = {"number": False, "vector": True, "set": True, "matrix": False, "property": False}
_OPEN, _CLOSE = "([{", ")]}"
_AND = re.compile(r"\s(?:and|\\text\{and\})\s")


@dataclass(frozen=True)
class Reading:
    text: str  # for the grammar
    labels: tuple[str, ...]  # the labels taken off, as typed
    items: int  # how many values were listed


_DELIMITERS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"))
def unwrap(text: str) -> str:
    """`$a^T$` → `a^T`: the dollars a LaTeX answer is pasted with."""
    stripped = text.strip()
    for opening, closing in _DELIMITERS:
        if stripped.startswith(opening) and stripped.endswith(closing) and len(stripped) > len(opening) + len(closing):
            return stripped[len(opening):-len(closing)].strip()
    return text


def right_hand_side(text: str) -> str:
    """The last side of `lhs = … = rhs` at the top level (an `=` inside brackets, `<=`, `==` are
    not split)."""
    if "=" not in text:
        return text
    depth, cut = 0, -1
    for i, char in enumerate(text):
        depth += (char in _OPEN) - (char in _CLOSE)
        if depth == 0 and char == "=" and text[i - 1:i] not in ("<", ">", "!", "=", ":") \
                and text[i + 1:i + 2] != "=":
            cut = i
    if cut <= 0 or not text[:cut].strip() or not text[cut + 1:].strip():
        return text
    return text[cut + 1:].strip()


def _top_level_split(text: str) -> list[str]:
    """Split at commas, `\\\\` and the word "and" outside every bracket."""
    pieces, depth, start, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        if text.startswith("\\begin{", i):  # a matrix environment's \\ are its rows
            depth += 1
        elif text.startswith("\\end{", i):
            depth = max(0, depth - 1)
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and (char == "," or text.startswith("\\\\", i)):
            pieces.append(text[start:i])
            i += 2 if char == "\\" else 1
            start = i
            continue
        elif depth == 0 and (word := _AND.match(text, i)):
            pieces.append(text[start:i])
            i = start = word.end()
            continue
        i += 1
    pieces.append(text[start:])
    return [p.strip().rstrip("&").strip() for p in pieces if p.strip()]


def _bare(label: str) -> str:
    return re.sub(r"[\\{}_\s']", "", label)


def read(text: str, many: bool) -> Reading:
    """`text` with its labels taken off and, when the part takes `many` values, a bare list put
    in brackets: `\\lambda_1 = 3, \\lambda_2 = 4` → `[3, 4]`."""
    if "=" not in text and "cases" not in text and (
            not many or text.lstrip().startswith(("[", "{", "(", "\\begin"))):
        return Reading(text, (), 1)  # nothing to take off: most answers, at no cost
    cases = _CASES.match(text)
    body = cases.group(1) if cases else text
    pieces = _top_level_split(body) if (many or cases) else [body]
    labels, values = [], []
    for piece in pieces:
        piece = piece.replace("&", " ") if cases else piece
        label = _LABEL.match(piece)
        if label and piece[label.end():].strip():
            labels.append(label.group(1))
            piece = piece[label.end():]
        values.append(piece.strip())
    if many and len(values) > 1:
        return Reading("[" + ", ".join(values) + "]", tuple(labels), len(values))
    if len(values) == 1 and (labels or cases):
        return Reading(values[0], tuple(labels), 1)
    # As typed: nothing to take off, or several values for one (the grammar says what is wrong).
    return Reading(text, (), len(values))


def label_note(reading: Reading, part_id: str, names: Collection[str]) -> str:
    """Feedback for labels that name another part or step of the problem (empty otherwise)."""
    if not reading.labels:
        return ""  # most answers: no label, and no set of names to build
    own = _bare(part_id).lower()
    known = {_bare(name).lower() for name in names}
    others = sorted({label for label in reading.labels
                     if _bare(label).lower() != own and _bare(label).lower() in known})
    if not others:
        return ""
    return (f" (Your label {', '.join(others)} names another quantity of this problem; this box is "
            f"{part_id} — is the value in the right box?)")


def prepare(text: str, kind: str) -> Reading:
    """Typed text of a part of `kind` as the grammar should read it."""
    text = unwrap(text)
    if kind == "expression":
        return Reading(right_hand_side(text), (), 1)
    if kind in KINDS:
        return read(text, KINDS[kind])
    return Reading(text, (), 1)


def take(raw, kind: str, part_id: str, names: Collection[str]):
    """A typed answer as the grammar should read it, and the feedback its labels earn."""
    if not isinstance(raw, str):
        return raw, ""
    reading = prepare(raw, kind)
    return reading.text, label_note(reading, part_id, names)
