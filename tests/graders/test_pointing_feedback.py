"""Feedback that points the way (issue 22, item 3): each case asserts its exact message."""

from __future__ import annotations

import pytest

from graders.grade import grade_part
from problems import registry

EXACT_CLOSE = ("Close, but this part asks for an exact value: yours is near it, not equal to it. "
               "Give the exact value (a fraction, a root, π …), not a decimal approximation.")


def said(problem: str, part: str, typed) -> tuple[str, str]:
    verdict = grade_part(registry.get(problem), part, typed, "default")
    return verdict.status, verdict.feedback


@pytest.mark.parametrize("typed", ["0.24", "0.249", "0.26"])
def test_an_exact_part_answered_with_a_near_decimal_says_an_exact_value_is_asked(typed):
    assert said("lipschitz-activations", "sigmoid", typed) == ("incorrect", EXACT_CLOSE)


def test_an_exact_part_answered_far_off_is_plainly_wrong():
    assert said("lipschitz-activations", "sigmoid", "0.5") == ("incorrect", "This is twice the expected value: check for a factor of 2.")
    assert said("lipschitz-activations", "sigmoid", "0.4") == ("incorrect", "Incorrect.")


def test_a_boolean_part_points_at_the_step_that_decides_it():
    assert said("beale-hessian", "is_convex", "true") == (
        "incorrect", "Look at the eigenvalues of ∇²F(q) you found: one is negative, and a convex function's "
        "Hessian is positive semi-definite at every point — one point where it is not settles it.")


def test_a_set_names_the_value_that_is_off():
    assert said("beale-hessian", "hessian_eigenvalues", "{7.2, -1.2}") == (
        "partial", "1 of 2 values match: your -1.2 is close to an expected value, but not within the "
        "required precision (at least 2 decimal places).")
    assert said("beale-hessian", "hessian_eigenvalues", "{7.24, 5}") == (
        "partial", "1 of 2 values match: your 5 matches no expected value.")


WRONG = "Incorrect: your expression differs from the expected one. "


@pytest.mark.parametrize(("problem", "part", "typed", "feedback"), [
    ("adam-bias-correction", "expected_v_expr", "Eg2 (1 - beta2)^t",
     "It agrees with the expected expression when beta2 = 0 and when t = 1, but not in general: check how "
     "your answer depends on beta2 and t."),
    ("adam-bias-correction", "expected_v_expr", "(1 - beta2^t) Eg2 + 1",
     "It is the expected expression plus 1: check the terms without a symbol."),
    ("adam-bias-correction", "expected_v_expr", "(1 - beta2^(t-1)) Eg2",
     "It is the expected expression with t − 1 in place of t: check where t appears (an exponent or index "
     "off by one?)."),
    ("adam-bias-correction", "v3_expr", "beta2^2 g1^2 + beta2 g2^2 + g3^2",  # the (1 − β2) factor missing
     "It is the expected expression times a factor that depends only on beta2: check the factors in beta2 "
     "(one may be missing, extra or changed)."),
    ("receptive-field", "rf_expr", "1 + K(d1+d2+d3)",
     "It is the expected expression with K + 1 in place of K: check where K appears (an exponent or index "
     "off by one?)."),
    ("conv-output-size", "output_size_expr", "i - K1 - K2 - n K3 + 2",  # K3 + 1 for K3 is the same
     "It is the expected expression with K3 + 1 in place of K3: check where K3 appears (an exponent or "
     "index off by one?)."),
    ("receptive-field", "rf_expr", "1 + (K - 1)(d1 + d2) + d3",
     "It agrees with the expected expression when d3 = 0, but not in general: check how your answer "
     "depends on d3."),
    ("receptive-field", "rf_expr", "1 + (K - 1)(d1 + d2 + d3) + d1 + 2",
     "Your answer minus the expected one involves only d1 (not K, d2 and d3): check the terms in d1."),
])
def test_a_wrong_expression_says_how_it_differs(problem, part, typed, feedback):
    assert said(problem, part, typed) == ("incorrect", WRONG + feedback)


def test_a_flipped_sign_names_the_entry_not_its_value():
    assert said("branch-max-network", "dL_dz", "[0.82, 0.93, 0.11]") == (
        "partial", "2 of 3 entries are right; entry 2 is off. The sign of entry 2 is wrong.")
    assert said("branch-max-network", "dL_dz", "[-0.82, 0.93, 0.11]") == (
        "partial", "1 of 3 entries are right; entries 1 and 2 are off. The signs of entries 1 and 2 are wrong.")
