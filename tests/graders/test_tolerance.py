import numpy as np

from graders.tolerance import loosened, within
from problems.precision import EXACT, THREE_SIGFIGS, TWO_DECIMALS, Tolerance


def test_two_decimals_accepts_one_unit_of_the_second_place_or_one_percent():
    assert within(TWO_DECIMALS, 1.39, 1.3953).all()  # the worked solution's rounding
    assert within(TWO_DECIMALS, 4.17, 4.1860).all()  # 0.016 off, but 0.38 % relative
    assert not within(TWO_DECIMALS, 1.38, 1.3953).all()  # 0.0153 off and 1.1 % relative
    assert within(TWO_DECIMALS, 0.01, 0.0).all()  # a zero reference still has its unit
    assert not within(TWO_DECIMALS, 0.02, 0.0).all()


def test_entrywise_mask():
    mask = within(TWO_DECIMALS, [0.82, 0.5, 0.11], [0.8214, 0.0674, 0.1112])
    assert mask.tolist() == [True, False, True]


def test_significant_figures_scale_with_the_reference():
    tol = Tolerance(sigfigs=3)
    assert within(tol, 0.00995, 0.009955).all()
    assert within(tol, 0.00996, 0.009955).all()
    assert not within(tol, 0.00993, 0.009955).all()
    assert within(tol, 12300, 12345).all()  # one unit of the third figure is 100 here
    assert not within(tol, 12200, 12345).all()
    assert within(THREE_SIGFIGS, 0.0401, 0.04).all()  # within 1 % relative


def test_exact_rejects_approximations_that_are_off():
    assert within(EXACT, 0.25, 1 / 4).all()
    assert within(EXACT, 3 * np.sqrt(5), np.sqrt(45)).all()
    assert not within(EXACT, 6.708, 3 * np.sqrt(5)).all()


def test_or_keeps_the_looser_clause_of_each_kind():
    combined = Tolerance(decimals=3) | Tolerance(decimals=2) | Tolerance(relative=0.05)
    assert combined.decimals == 2 and combined.relative == 0.05
    assert within(combined, 104, 100).all() and not within(combined, 106, 100).all()


def test_loosened_is_looser():
    assert within(loosened(TWO_DECIMALS, 10), 1.3, 1.3953).all()
    assert not within(TWO_DECIMALS, 1.3, 1.3953).all()
