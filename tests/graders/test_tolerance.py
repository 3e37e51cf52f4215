import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

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


_VALUES = st.one_of(st.just(0.0), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
_TOLERANCES = st.builds(
    Tolerance,
    absolute=st.one_of(st.none(), st.sampled_from([0.0, 1e-3, 0.05])),
    relative=st.one_of(st.none(), st.sampled_from([1e-6, 0.01, 0.05])),
    decimals=st.one_of(st.none(), st.integers(0, 4)),
    sigfigs=st.one_of(st.none(), st.integers(1, 5)),
)


@settings(max_examples=400, deadline=None)
@given(_TOLERANCES, _VALUES, _VALUES, st.floats(-3, 3))
def test_two_numbers_get_the_verdict_of_the_same_pair_as_arrays(tol, reference, offset, scale):
    """Two floats take a shortcut in plain Python; arrays take NumPy. The same pair must get
    the same verdict both ways. The answers are drawn near the reference, so the boundary
    between accepted and refused is exercised, not only clear cases."""
    for answer in (offset, reference + offset * 10.0 ** -6, reference * (1 + scale * 1e-3), reference):
        as_numbers = bool(within(tol, float(answer), float(reference)))
        as_arrays = within(tol, np.array([answer, answer]), np.array([reference, reference]))
        assert as_arrays.tolist() == [as_numbers, as_numbers], (tol, answer, reference)
