"""Numbers as the course's worked solutions write them (issue 19): bare lists for sets and vectors,
labels before values, cases environments — graded as the student means them, on the default
variants of beale-hessian (eigenvalues 3 ± 3√2) and lipschitz-linear (L = 3√5)."""

from __future__ import annotations

import pytest

from graders.grade import grade_part
from graders.worked_notation import read, right_hand_side
from problems import registry
from problems.registry import get

BEALE, LIPSCHITZ = get("beale-hessian"), get("lipschitz-linear")


@pytest.mark.parametrize(("problem", "part", "typed"), [
    (BEALE, "hessian_eigenvalues", "7.24, -1.24"),
    (BEALE, "hessian_eigenvalues", "-1.24, 7.24"),
    (BEALE, "hessian_eigenvalues", r"\lambda_1 = 3+3\sqrt{2}, \lambda_2 = 3-3\sqrt{2}"),
    (BEALE, "hessian_eigenvalues", "λ = 3 ± 3√2"),
    (BEALE, "hessian_eigenvalues", r"\begin{cases} \lambda_1 = 3+3\sqrt{2} \\ \lambda_2 = 3-3\sqrt{2} \end{cases}"),
    (BEALE, "hessian_eigenvalues", r"\lambda_1 = 7.24 \\ \lambda_2 = -1.24"),
    (BEALE, "hessian_eigenvalues", "λ₁ = 7.24 and λ₂ = -1.24"),
    (LIPSCHITZ, "L", "L = 3*sqrt(5)"),
    (LIPSCHITZ, "L", r"L = 3\sqrt{5}"),
    (LIPSCHITZ, "L", r"\sigma_1 = 3\sqrt{5}"),
    (LIPSCHITZ, "singular_values", r"\sigma_1 = 3\sqrt{5}, \sigma_2 = \sqrt{5}"),
    (LIPSCHITZ, "singular_values", "3*sqrt(5), sqrt(5)"),
])
def test_the_worked_solutions_notation_is_read_as_meant(problem, part, typed):
    verdict = grade_part(problem, part, typed, "default")
    assert (verdict.status, verdict.feedback) == ("correct", "Correct.")


def test_a_wrong_value_behind_a_label_is_still_wrong():
    assert grade_part(BEALE, "hessian_eigenvalues", r"\lambda_1 = 7.24, \lambda_2 = 1.24", "default").status == "partial"
    assert grade_part(LIPSCHITZ, "L", "L = 3", "default").status == "incorrect"


def test_a_label_naming_another_part_is_said():
    verdict = grade_part(LIPSCHITZ, "L", "singular_values = 3*sqrt(5)", "default")
    assert verdict.status == "correct"
    assert verdict.feedback == ("Correct. (Your label singular_values names another quantity of this problem; "
                                "this box is L — is the value in the right box?)")


@pytest.mark.parametrize("typed", [r"\begin{bmatrix} 1 \\ 2 \end{bmatrix}", "[1, 2]", "{1, 2}", " 3 ", "1 ± 2"])
def test_other_notations_pass_through_untouched(typed):
    assert read(typed, many=True).text == typed


@pytest.mark.parametrize(("typed", "says"), [("3 = 3", "unexpected character '='"), ("L == 3", "unexpected character"),
                                             ("L =", "unexpected character")])
def test_what_is_no_label_stays_a_parse_error(typed, says):
    verdict = grade_part(LIPSCHITZ, "L", typed, "default")
    assert verdict.status == "invalid" and says in verdict.feedback


def test_the_preview_reads_them_as_grading_does():
    from graders.preview import preview

    shown = preview(BEALE.part("hessian_eigenvalues"), r"\lambda_1 = 3+3\sqrt{2}, \lambda_2 = 3-3\sqrt{2}")
    assert shown["ok"] and shown["shape"] == "a set of 2 values"
    assert preview(LIPSCHITZ.part("L"), "L = 3*sqrt(5)")["read_as"] == "3sqrt(5)"


LINEAR = registry.get("linear-form-gradient")


@pytest.mark.parametrize(("problem", "part", "typed"), [
    ("linear-form-gradient", "df_dx", "$a^T$"),
    ("linear-form-gradient", "df_dx", "$$ a^\\top $$"),
    ("linear-form-gradient", "df_dx", "\\(a^T\\)"),
    ("lipschitz-activations", "sigmoid", "$\\frac{1}{4}$"),
    ("beale-hessian", "is_convex", "$false$"),
])
def test_math_delimiters_pasted_from_latex_come_off(problem, part, typed):
    assert grade_part(registry.get(problem), part, typed, "default").status == "correct"


@pytest.mark.parametrize("typed", [
    r"\frac{\partial f}{\partial x} = a^T",
    r"$\frac{\partial (a^T x)}{\partial x} = \frac{\partial (x^T a)}{\partial x} = a^T$",
    "∂f/∂x = a^T",
    "df_dx = a^T",
])
def test_an_expressions_left_hand_side_is_read_past(typed):
    verdict = grade_part(LINEAR, "df_dx", typed, "default")
    assert (verdict.status, verdict.feedback) == ("correct", "Correct.")


def test_a_wrong_right_hand_side_is_still_wrong():
    verdict = grade_part(LINEAR, "df_dx", r"\frac{\partial f}{\partial x} = a", "default")
    assert verdict.status == "partial"


@pytest.mark.parametrize("typed", ["= a^T", "a^T =", "(z <= 0) a^T"])
def test_an_equation_with_a_side_missing_is_left_to_the_grammar(typed):
    assert right_hand_side(typed) == typed


def test_the_preview_points_into_what_was_typed():
    from graders.preview import preview

    typed = r"\frac{\partial f}{\partial x} = a^T +* x"
    shown = preview(LINEAR.part("df_dx"), typed)
    assert typed[shown["error"]["position"]] == "*"
