"""The reference as a student might type it, in every syntax of its kind, and a perturbed copy:
shared by the catalog tests that check every part through the grader."""

from fractions import Fraction

import numpy as np


def text(x):
    return f"{float(x):.12g}"


def fraction(x):
    f = Fraction(float(x)).limit_denominator(10**7)
    return f"{f.numerator}/{f.denominator}"


def latex_fraction(x) -> str:
    f = Fraction(float(x)).limit_denominator(10**7)
    sign = "-" if f < 0 else ""
    return f"{sign}\\frac{{{abs(f.numerator)}}}{{{f.denominator}}}"


def typed(part, ref):
    """The reference in the syntaxes a student might type: at least three per kind."""
    if part.kind == "boolean":
        return ["yes" if ref else "no", "TRUE" if ref else "False", "true" if ref else "false", bool(ref)]
    ref = np.asarray(ref, dtype=float)
    if part.kind == "number":
        return [text(ref), fraction(ref), latex_fraction(ref), [text(ref)]]
    if part.kind == "set":
        return ["{" + ", ".join(map(text, ref)) + "}", [fraction(u) for u in ref[::-1]],
                [text(u) for u in ref[::-1]]]
    if part.kind == "vector":
        sep = "; " if part.layout == "column" else " "
        latex_sep = r" \\ " if part.layout == "column" else " & "
        return ["[" + sep.join(map(text, ref)) + "]", [fraction(u) for u in ref], [text(u) for u in ref],
                "np.array([" + ", ".join(map(text, ref)) + "])",
                r"\begin{bmatrix} " + latex_sep.join(map(latex_fraction, ref)) + r" \end{bmatrix}"]
    rows = [" & ".join(map(text, row)) for row in ref]
    return ["[" + "; ".join(" ".join(map(text, row)) for row in ref) + "]",
            [[fraction(u) for u in row] for row in ref],
            r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}",
            "np.array([" + ", ".join("[" + ", ".join(map(text, row)) + "]" for row in ref) + "])"]


def perturbed(part, ref):
    if part.kind == "boolean":
        return not bool(ref)
    ref = np.array(ref, dtype=float)
    flat = ref.reshape(-1)
    flat[0] += max(0.5, 0.1 * abs(flat[0]))
    return ref.tolist()
