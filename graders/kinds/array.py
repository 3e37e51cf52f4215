"""`vector` and `matrix` parts: entry-by-entry comparison with partial credit.

Accepts JSON nested lists or any array syntax of the grammar (MATLAB, NumPy, LaTeX). Options on
the Part: `tolerance` (per entry), `layout` (a vector's orientation by the course's convention;
a flat list is fine either way, an explicit column for a row part — or the reverse — earns
`layout_credit` and says why), `mistakes`.

Shapes are checked first and a shape error names both shapes; a matrix whose transpose has the
right shape is asked "transposed?". Credit is the share of entries within tolerance, and the
feedback names the wrong entries by 1-based index so the student knows where to look.
"""

from __future__ import annotations

import numpy as np

from graders import diagnose
from graders.errors import AnswerError
from graders.kinds.base import NUMBER_SCHEMA, TEXT_SCHEMA, AnswerKind, every_digit
from graders.read import read_value, shape_name
from graders.result import Verdict, correct, incorrect, partial
from graders.tolerance import within
from problems.core import Part, to_json

_LAYOUT_WORDS = {
    "row": "a row vector (1×{n}): in this course's layout the derivative of a scalar by a "
    "column vector is a row vector",
    "column": "a column vector ({n}×1): a gradient is a column vector",
}


def _index(position: tuple[int, ...]) -> str:
    return str(position[0] + 1) if len(position) == 1 else f"({position[0] + 1}, {position[1] + 1})"


def _listing(positions: list[tuple[int, ...]], limit: int = 6) -> str:
    names = [_index(p) for p in positions[:limit]]
    more = f" and {len(positions) - limit} more" if len(positions) > limit else ""
    if len(names) == 1:
        return names[0] + more
    return ", ".join(names[:-1]) + (f", {names[-1]}{more}" if more else f" and {names[-1]}")


def fit_shape(part: Part, answer: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, str | None]:
    """The answer in the reference's shape, plus a layout remark; or an error naming shapes."""
    if answer.ndim == 0:
        raise AnswerError(f"expected {shape_name(reference.shape)}, got a single number")
    if part.kind == "vector":
        n = reference.size
        if answer.ndim == 1 and answer.size == n:
            return answer, None
        if answer.ndim == 2 and 1 in answer.shape and answer.size == n:
            given = "column" if answer.shape[1] == 1 and n > 1 else "row"
            if part.layout and given != part.layout and n > 1:
                return answer.reshape(n), (
                    f"The values are right, but you gave a {given} vector; the answer is "
                    + _LAYOUT_WORDS[part.layout].format(n=n) + "."
                )
            return answer.reshape(n), None
        got = shape_name(answer.shape) if answer.ndim == 1 else f"a {answer.shape[0]}×{answer.shape[1]} array"
        raise ShapeMismatch(f"Expected {shape_name(reference.shape)}, got {got}.")
    # matrix
    if answer.shape == reference.shape:
        return answer, None
    if answer.ndim == 1 and 1 in reference.shape and answer.size == reference.size:
        return answer.reshape(reference.shape), None  # a 1×n or n×1 matrix given as a flat list
    r, c = reference.shape
    if answer.ndim == 1:
        raise ShapeMismatch(
            f"Expected a {r}×{c} matrix, got a flat list of {answer.size} numbers: give it row "
            "by row, e.g. [[1, 2], [3, 4]]."
        )
    if answer.shape == (c, r):
        raise ShapeMismatch(f"Expected a {r}×{c} matrix, got {c}×{r} — transposed?", answer.T)
    raise ShapeMismatch(f"Expected a {r}×{c} matrix, got {answer.shape[0]}×{answer.shape[1]}.")


class ShapeMismatch(Exception):
    """A readable answer of the wrong shape: incorrect (not invalid), with a message."""

    def __init__(self, message: str, transposed: np.ndarray | None = None):
        super().__init__(message)
        self.message = message
        self.transposed = transposed


def grade(part: Part, raw, reference, values) -> Verdict:
    reference = np.asarray(reference, dtype=float)
    answer = np.asarray(read_value(raw), dtype=float)
    try:
        answer, layout_remark = fit_shape(part, answer, reference)
    except ShapeMismatch as mismatch:
        message = mismatch.message
        if mismatch.transposed is not None and within(part.tolerance, mismatch.transposed, reference).all():
            message += " Its transpose is right: check the layout convention."
        return incorrect(message)

    ok = within(part.tolerance, answer, reference)
    if ok.all():
        if layout_remark:
            return partial(part.layout_credit, layout_remark)
        return correct()
    mistake = diagnose.systematic(part, answer, reference, values)
    if mistake:
        return incorrect(mistake)
    wrong = [tuple(int(i) for i in p) for p in np.argwhere(~ok)]
    word = "entry" if len(wrong) == 1 else "entries"
    feedback = f"{int(ok.sum())} of {ok.size} entries are right; {word} {_listing(wrong)} {'is' if len(wrong) == 1 else 'are'} off."
    flipped = [p for p in wrong if reference[p] != 0 and within(part.tolerance, -answer[p], reference[p])]
    if flipped:
        which = f"sign of entry {_listing(flipped)} is" if len(flipped) == 1 else \
            f"signs of entries {_listing(flipped)} are"
        feedback += f" The {which} wrong."
    coarse = diagnose.too_coarse(part, answer, reference)
    if coarse:
        feedback += " " + coarse
    credit = ok.mean() * (part.layout_credit if layout_remark else 1.0)
    return partial(credit, feedback)


def _vector_forms(key: np.ndarray, layout: str | None) -> list[tuple[str, object]]:
    flat = key.ravel()
    joint = " & " if layout == "row" else r" \\ "  # LaTeX in the layout the part asks for
    return [("a JSON list", to_json(flat)), ("brackets", "[" + ", ".join(map(every_digit, flat)) + "]"),
            ("LaTeX", r"\begin{bmatrix} " + joint.join(map(every_digit, flat)) + r" \end{bmatrix}")]


def _matrix_forms(key: np.ndarray, layout: str | None) -> list[tuple[str, object]]:
    rows = [" ".join(map(every_digit, row)) for row in key]
    latex = r" \\ ".join(" & ".join(map(every_digit, row)) for row in key)
    return [("JSON rows", to_json(key)), ("MATLAB", "[" + "; ".join(rows) + "]"),
            ("LaTeX", r"\begin{bmatrix} " + latex + r" \end{bmatrix}")]


_ENTRY = {"anyOf": [NUMBER_SCHEMA, TEXT_SCHEMA]}
VECTOR = AnswerKind(
    "vector", grade,
    schema={"anyOf": [{"type": "array", "items": _ENTRY}, TEXT_SCHEMA], "examples": [[0.5, -1], "[0.5 -1]"]},
    hint="A list: {} or {}; entries may be expressions like {}.",
    examples=("[17.5, -23, 41]", "[17.5 -23 41]", "[53/3, -23, 41]"),
    typed_forms=_vector_forms,
    fits=lambda key: key.ndim == 1 or 1 in key.shape,
    shaped=True,
    compared=True,
)
MATRIX = AnswerKind(
    "matrix", grade,
    schema={"anyOf": [{"type": "array", "items": {"type": "array", "items": _ENTRY}}, TEXT_SCHEMA],
            "examples": [[[1, 2], [3, 4]], "[1 2; 3 4]"]},
    hint="Rows separated by semicolons: {}, or JSON {}, or {}.",
    examples=("[51 -62; 73 84]", "[[51, -62], [73, 84]]", "np.array([[51, -62], [73, 84]])"),
    typed_forms=_matrix_forms,
    fits=lambda key: key.ndim == 2,
    shaped=True,
    compared=True,
)
