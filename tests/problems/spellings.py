"""The reference as a student might type it, in every syntax of its kind, and a perturbed copy;
the check of both through the grader, and central differences: shared by the problems' tests."""

from fractions import Fraction

import numpy as np

from graders.grade import grade
from problems.core import solution


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


def graded(problem, variant, part_id, answer):
    """The status and feedback one answer to one part gets."""
    (part,) = [p for p in grade(problem, variant, {part_id: answer}).parts if p.id == part_id]
    return part.status, part.feedback


def check_typed_and_perturbed(problem, variant) -> int:
    """Every numeric part's reference is correct in every syntax and wrong when perturbed; the
    number of parts checked."""
    values = solution(problem, variant)
    checked = 0
    for part in problem.parts:
        if part.kind in ("expression", "property"):
            continue
        for answer in typed(part, values[part.id]):
            assert graded(problem, variant, part.id, answer) == ("correct", "Correct."), (part.id, answer)
        assert graded(problem, variant, part.id, perturbed(part, values[part.id]))[0] != "correct", part.id
        checked += 1
    return checked


def central_differences(f, value, eps):
    """Central differences of scalar `f` in every entry of `value` (a number or nested lists),
    which `f` receives as an array."""
    value = np.array(value, dtype=float)
    grad = np.zeros_like(value)
    for index in np.ndindex(value.shape):
        up, down = value.copy(), value.copy()
        up[index] += eps
        down[index] -= eps
        grad[index] = (f(up) - f(down)) / (2 * eps)
    return grad
