"""The reference as a student might type it, in several syntaxes, and a perturbed copy: shared
by the catalog tests that check every part through the grader."""

from fractions import Fraction

import numpy as np


def text(x):
    return f"{float(x):.12g}"


def fraction(x):
    f = Fraction(float(x)).limit_denominator(10**7)
    return f"{f.numerator}/{f.denominator}"


def typed(part, ref):
    """The reference in two (or three) syntaxes a student might type."""
    ref = np.asarray(ref, dtype=float)
    if part.kind == "number":
        return [text(ref), fraction(ref)]
    if part.kind == "boolean":
        return ["yes" if ref else "no", "TRUE" if ref else "False"]
    if part.kind == "set":
        return ["{" + ", ".join(map(text, ref)) + "}", [fraction(u) for u in ref[::-1]]]
    if part.kind == "vector":
        sep = "; " if part.layout == "column" else " "
        return ["[" + sep.join(map(text, ref)) + "]", [fraction(u) for u in ref],
                "np.array([" + ", ".join(map(text, ref)) + "])"]
    rows = [" & ".join(map(text, row)) for row in ref]
    return ["[" + "; ".join(" ".join(map(text, row)) for row in ref) + "]",
            [[fraction(u) for u in row] for row in ref],
            r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"]


def perturbed(part, ref):
    ref = np.array(ref, dtype=float)
    if part.kind == "boolean":
        return not bool(ref)
    flat = ref.reshape(-1)
    flat[0] += max(0.5, 0.1 * abs(flat[0]))
    return ref.tolist()
