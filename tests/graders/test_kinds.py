"""Each answer kind on a small problem of its own, with exact statuses and feedback."""

import numpy as np
import pytest

from graders.grade import UnknownParts, grade
from problems.core import Mistake, Part, Problem, reference
from problems.precision import EXACT

TOY = Problem(
    id="toy",
    title="Toy",
    family="test",
    statement="",
    default=dict(A=[[1, 2], [0, 3]], x=[1, -1], W=[[1, 2, 3], [4, 5, 6]]),
    steps=dict(
        s=lambda A: np.sqrt(2) * A[1, 1],
        grad_row=lambda A, x: x @ (A + A.T),
        grad=lambda A, x: (A + A.T) @ x,
        M=lambda A: A @ A,
        Wt=lambda W: W * 1.5,
        eig=lambda A: np.linalg.eigvals(A),
        flag=lambda A: bool(A[0, 0] > 0),
    ),
    parts=(
        Part("s", "number", "s"),
        Part("grad_row", "vector", "df/dx", tolerance=EXACT, layout="row",
             mistakes=(Mistake(lambda A, x: 2 * A @ x, "2Ax is right only for symmetric A."),)),
        Part("grad", "vector", "gradient", tolerance=EXACT, layout="column"),
        Part("M", "matrix", "A²", weight=2),
        Part("Wt", "matrix", "1.5 W"),
        Part("eig", "set", "eigenvalues"),
        Part("flag", "boolean", "flag"),
    ),
)
REF = reference(TOY, "default")


def part(answers, part_id):
    result = grade(TOY, "default", answers)
    return next(p for p in result.parts if p.id == part_id)


def test_unanswered_parts_are_missing_and_the_total_adds_up():
    result = grade(TOY, "default", {"s": "3*sqrt(2)", "flag": "yes"})
    statuses = {p.id: p.status for p in result.parts}
    assert statuses == {"s": "correct", "grad_row": "missing", "grad": "missing", "M": "missing",
                        "Wt": "missing", "eig": "missing", "flag": "correct"}
    assert result.score == 2 and result.max_score == 8
    assert part({"s": "  "}, "s").feedback == "No answer was given for this part."


def test_unknown_part_is_refused():
    with pytest.raises(UnknownParts, match="toy has no part 'nope'"):
        grade(TOY, "default", {"nope": 1})


# --- number -------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [4.24, "4.24", "3*sqrt(2)", "3√2", r"3\sqrt{2}", [4.243], "18^(1/2)"])
def test_number_in_any_syntax(answer):
    assert part({"s": answer}, "s").status == "correct"


def test_number_feedback():
    s = float(REF["s"])
    assert part({"s": -s}, "s").feedback == "The magnitude is right but the sign is wrong."
    assert part({"s": 2 * s}, "s").feedback == "This is twice the expected value: check for a factor of 2."
    assert part({"s": s + 0.05}, "s").feedback == (
        "Close, but not within the required precision (at least 2 decimal places)."
    )
    assert part({"s": s + 3}, "s").feedback == "Incorrect."


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("abc", "`abc` is not a number or a known constant (pi, e)"),
        (True, "expected a number, got true"),
        ({"a": 1}, "expected a number or a list of numbers, got an object"),
        ([1, 2], "expected a single number, got a vector of 2 entries"),
        (float("nan"), "NaN and infinities are not answers; give a finite number"),
    ],
)
def test_number_invalid(answer, message):
    result = part({"s": answer}, "s")
    assert (result.status, result.score) == ("invalid", 0)
    assert result.feedback.startswith(message)


# --- vector and matrix ---------------------------------------------------------------------

def test_vector_layout():
    row = REF["grad_row"].tolist()
    assert part({"grad_row": row}, "grad_row").status == "correct"
    assert part({"grad_row": [row]}, "grad_row").status == "correct"  # explicit 1×n
    column = part({"grad_row": [[v] for v in row]}, "grad_row")
    assert (column.status, column.score) == ("partial", 0.5)
    assert column.feedback == (
        "The values are right, but you gave a column vector; the answer is a row vector (1×2): in this "
        "course's layout the derivative of a scalar by a column vector is a row vector."
    )
    as_row = part({"grad": [REF["grad"].tolist()]}, "grad")
    assert as_row.status == "partial" and "a gradient is a column vector" in as_row.feedback


def test_vector_known_mistake_and_length():
    twice_ax = (2 * np.array([[1, 2], [0, 3]]) @ np.array([1, -1])).tolist()
    result = part({"grad_row": twice_ax}, "grad_row")
    assert (result.status, result.feedback) == ("incorrect", "2Ax is right only for symmetric A.")
    short = part({"grad_row": [1]}, "grad_row")
    assert (short.status, short.feedback) == ("incorrect", "Expected a vector of 2 entries, got a vector of 1 entries.")


def test_matrix_partial_credit_names_wrong_entries():
    answer = REF["M"].copy()
    answer[0, 1] += 1
    answer[1, 0] = -answer[1, 0] if answer[1, 0] else 5
    result = part({"M": answer.tolist()}, "M")
    assert result.status == "partial" and result.max_score == 2
    assert result.score == pytest.approx(2 * 2 / 4)
    assert result.feedback.startswith("2 of 4 entries are right; entries (1, 2) and (2, 1) are off.")


def test_matrix_shapes():
    wt = REF["Wt"]
    transposed = part({"Wt": wt.T.tolist()}, "Wt")
    assert transposed.status == "incorrect"
    assert transposed.feedback == (
        "Expected a 2×3 matrix, got 3×2 — transposed? Its transpose is right: check the layout convention."
    )
    flat = part({"Wt": wt.ravel().tolist()}, "Wt")
    assert flat.feedback == (
        "Expected a 2×3 matrix, got a flat list of 6 numbers: give it row by row, e.g. [[1, 2], [3, 4]]."
    )
    square_t = part({"M": REF["M"].T.tolist()}, "M")
    assert square_t.feedback == "This is the transpose of the expected matrix: check which index is the row."


@pytest.mark.parametrize(
    "syntax",
    [
        lambda m: m.tolist(),
        lambda m: "[" + "; ".join(" ".join(f"{v:g}" for v in row) for row in m) + "]",
        lambda m: "np.array(" + str(m.tolist()) + ")",
        lambda m: r"\begin{bmatrix}" + r" \\ ".join(" & ".join(f"{v:g}" for v in row) for row in m) + r"\end{bmatrix}",
        lambda m: [[str(v) for v in row] for row in m.tolist()],
    ],
)
def test_matrix_syntaxes(syntax):
    assert part({"Wt": syntax(REF["Wt"])}, "Wt").status == "correct"


def test_ragged_matrix_is_invalid():
    result = part({"M": [[1, 2], [3]]}, "M")
    assert result.status == "invalid"
    assert "row 1 has 2 entries, row 2 has 1" in result.feedback


# --- set and boolean -----------------------------------------------------------------------

def test_set_any_order_and_extras():
    values = sorted(np.real(REF["eig"]).tolist())
    assert part({"eig": values[::-1]}, "eig").status == "correct"
    assert part({"eig": "{" + ", ".join(map(str, values)) + "}"}, "eig").status == "correct"
    extra = part({"eig": values + [7]}, "eig")
    assert extra.status == "partial" and extra.feedback == "Expected 2 values, got 3. 2 of 2 values match: your 7 matches no expected value."
    assert extra.score == pytest.approx(2 / 3)
    duplicate = part({"eig": [values[0], values[0]]}, "eig")
    assert duplicate.score == pytest.approx(0.5)


@pytest.mark.parametrize(("answer", "status"), [(True, "correct"), ("Yes", "correct"), ("false", "incorrect"),
                                                ("no", "incorrect"), ("maybe", "invalid"), (1, "invalid")])
def test_boolean(answer, status):
    assert part({"flag": answer}, "flag").status == status


# --- property ------------------------------------------------------------------------------

def _symmetric_check(S):
    return [] if np.allclose(S, S.T) else ["S is not symmetric."]


PROPERTY = Problem(
    id="toy-property", title="Toy", family="test", statement="", default=dict(k=2),
    steps=dict(S=lambda k: np.eye(2) * k, pair=lambda k: {"a": np.ones(2) * k, "b": k}),
    parts=(
        Part("S", "property", "a symmetric matrix", check=lambda S: _symmetric_check(S), shape=(2, 2)),
        Part("pair", "property", "a and b with sum(a) = 2b", shape={"a": (2,), "b": ()},
             check=lambda answer, k: [] if np.isclose(np.sum(answer["a"]), 2 * answer["b"]) else ["sum(a) ≠ 2b."]),
    ),
)


def test_property_any_answer_with_the_property():
    graded = lambda answers: {p.id: (p.status, p.feedback) for p in grade(PROPERTY, "default", answers).parts}
    assert graded({"S": [[1, 2], [2, 5]], "pair": {"a": [1, 3], "b": "2"}}) == {
        "S": ("correct", "Correct."), "pair": ("correct", "Correct.")}
    assert graded({"S": "[1 2; 3 4]", "pair": {"a": "[1 1]", "b": 3}}) == {
        "S": ("incorrect", "S is not symmetric."), "pair": ("incorrect", "sum(a) ≠ 2b.")}
    assert graded({"S": "[1 2 3]"})["S"] == (
        "invalid", "this answer: expected a 2×2 matrix, got a vector of 3 entries")
    assert graded({"pair": {"a": "abc", "b": 1}})["pair"][0] == "invalid"
    assert graded({"pair": [1, 2]})["pair"] == ("invalid", "expected an object with the fields a, b")
    assert graded({"pair": {"a": [1, 2], "c": 1}})["pair"] == (
        "invalid", "expected the fields a, b (missing b; unknown c)")
    assert graded({"pair": {"a": [[1, 2, 3]], "b": 1}})["pair"] == (
        "invalid", "a: expected a vector of 2 entries, got a 1×3 matrix")


def test_every_kind_is_one_unit_and_the_definitions_name_exactly_them():
    from typing import get_args

    import numpy as np

    from graders.kinds import KINDS
    from problems.core import Kind

    assert set(KINDS) == set(get_args(Kind))
    for name, kind in KINDS.items():
        assert kind.name == name and kind.schema and kind.hint
        assert kind.hint.count("{}") in (0, 1, len(kind.examples)), name
        if kind.typed_forms is not None:  # every syntax of a key that fits the kind
            key = {"number": np.array(0.5), "boolean": np.array(1.0), "matrix": np.eye(2)}.get(name, np.array([0.5, -1.0]))
            assert kind.fits(key), name
            assert [label for label, _ in kind.typed_forms(key, None)], name
