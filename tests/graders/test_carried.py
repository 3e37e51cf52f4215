"""Error carried forward: downstream credit from a student's own wrong upstream answers."""

import math

import numpy as np
import pytest

from graders.grade import grade
from problems import registry
from problems.core import Part, Problem, Recurrence, as_arrays, params_for
from problems.precision import THREE_SIGFIGS

BRANCH = registry.get("branch-max-network")


def backward_from(y_hat, params):
    """The branch network's backward pass from a given ŷ, written out independently."""
    p = as_arrays(params)
    h_pre = p["W1"] @ p["x"]
    h = np.maximum(h_pre, 0)
    a_pre = p["W21"] @ h
    a, b = np.maximum(a_pre, 0), 1 / (1 + np.exp(-(p["W22"] @ h)))
    dz = y_hat - p["y"]
    da = np.where((a > b) & (a_pre > 0), dz, 0.0)
    db = np.where(b > a, dz, 0.0) * b * (1 - b)
    dh = p["W21"].T @ da + p["W22"].T @ db
    return dict(dL_dz=dz, dL_dW21=np.outer(da, h), dL_dW22=np.outer(db, h), dL_dh=dh,
                dL_dW1=np.outer(dh * (h_pre > 0), p["x"]))


def by_id(result):
    return {p.id: p for p in result.parts}


@pytest.mark.parametrize("variant", ["default", 3, 11])
def test_wrong_y_hat_with_consistent_gradients_earns_downstream_credit(variant):
    params = params_for(BRANCH, variant)
    wrong_y_hat = np.array([0.5, 0.3, 0.2])
    consistent = backward_from(wrong_y_hat, params)
    answers = {"y_hat": wrong_y_hat.tolist(), **{k: v.tolist() for k, v in consistent.items()}}
    graded = by_id(grade(BRANCH, variant, answers))
    assert graded["y_hat"].status in ("incorrect", "partial")
    assert (graded["dL_dz"].status, graded["dL_dz"].feedback) == ("correct", "Correct given your earlier answer for ŷ.")
    assert graded["dL_dW21"].status == "correct"
    assert graded["dL_dW21"].feedback == "Correct given your earlier answers for ŷ and ∂L/∂z."
    assert graded["dL_dW1"].status == "correct"
    assert graded["dL_dW1"].feedback.startswith("Correct given your earlier answers for ŷ, ∂L/∂z")


def test_all_zeros_upstream_earns_nothing_downstream():
    params = params_for(BRANCH, "default")
    zeros = np.zeros(3)
    consistent = backward_from(zeros, params)
    graded = by_id(grade(BRANCH, "default", {"y_hat": zeros.tolist(), "dL_dz": consistent["dL_dz"].tolist()}))
    assert graded["dL_dz"].status == "incorrect"
    assert graded["dL_dz"].feedback.endswith("No credit carried forward: your answer for ŷ is all zeros.")


def test_consistent_with_nothing_stays_wrong():
    params = params_for(BRANCH, "default")
    consistent = backward_from(np.array([0.5, 0.3, 0.2]), params)
    graded = by_id(grade(BRANCH, "default", {"y_hat": [0.4, 0.4, 0.2], "dL_dz": consistent["dL_dz"].tolist()}))
    assert graded["dL_dz"].status in ("incorrect", "partial")
    assert "given your earlier" not in graded["dL_dz"].feedback


# A small step table with a copy-of-the-input trap and half credit for carried answers.
TABLE = Problem(
    id="toy-table", title="Toy", family="test", statement="", carried_credit=0.5,
    default=dict(grads=[[0.1, -0.2], [0.05, 0.3], [-0.1, 0.1]], beta1=0.9, scale=[2.0, 3.0]),
    steps=dict(
        m=Recurrence(lambda m, grads, t, beta1: beta1 * m + (1 - beta1) * grads[t - 1], rows="grads", each="step"),
        m_hat=Recurrence(lambda m, beta1, t: m / (1 - beta1**t), rows="grads", each="step"),
        scaled=lambda scale, m_hat: scale * m_hat[-1],
    ),
    parts=(Part("m", "matrix", "m_t", THREE_SIGFIGS), Part("m_hat", "matrix", "m̂_t", THREE_SIGFIGS),
           Part("scaled", "vector", "scaled", THREE_SIGFIGS)),
)


def plain_m(grads, beta1, m0_row=None):
    m, rows = np.zeros(2), []
    for g in grads:
        m = beta1 * m + (1 - beta1) * np.asarray(g)
        rows.append(m)
    return np.array(rows)


def test_row_t_is_graded_from_the_students_row_t_minus_1():
    grads = np.array(TABLE.default["grads"])
    right = plain_m(grads, 0.9)
    student = right.copy()
    student[0] = [0.5, 0.5]  # row 1 wrong; rows 2 and 3 follow correctly from it
    for t in (1, 2):
        student[t] = 0.9 * student[t - 1] + 0.1 * grads[t]
    graded = by_id(grade(TABLE, "default", {"m": student.tolist()}))
    # Row 1 is wrong outright; rows 2-3 are right from the student's own row before: 4 of 6
    # entries, at half credit for carried ones beats the 0 of 6 against the reference.
    assert graded["m"].status == "partial"
    assert graded["m"].score == pytest.approx(0.5 * 4 / 6)
    assert graded["m"].feedback.startswith("Judged against your earlier steps: 4 of 6 entries are right;")

    m_hat_from_student = student / (1 - 0.9 ** np.arange(1, 4))[:, None]
    graded = by_id(grade(TABLE, "default", {"m": student.tolist(), "m_hat": m_hat_from_student.tolist()}))
    assert (graded["m_hat"].status, graded["m_hat"].score) == ("partial", 0.5)
    assert graded["m_hat"].feedback == "Correct given your earlier steps and your answer for m_t."


def test_a_copy_of_the_input_is_not_carried():
    grads = TABLE.default["grads"]
    m_hat = np.array(grads) / (1 - 0.9 ** np.arange(1, 4))[:, None]
    graded = by_id(grade(TABLE, "default", {"m": grads, "m_hat": m_hat.tolist()}))
    assert graded["m_hat"].status == "incorrect"
    assert graded["m_hat"].feedback.endswith("No credit carried forward: your answer for m_t is a copy of the given grads.")


def test_receptive_fields_are_carried_layer_by_layer():
    """r_l from the student's own r_{l−1}: one slip early does not cost every later layer."""
    problem = registry.get("receptive-field")
    layers = params_for(problem, "default")["layers"]
    jumps, rf, student = 1, 1, []
    for i, layer in enumerate(layers):
        rf = rf + (layer["k"] - 1) * layer["d"] * jumps + (1 if i == 0 else 0)  # a slip in layer 1
        jumps *= layer["s"]
        student.append(rf)
    graded = by_id(grade(problem, "default", {"rf_per_layer": student, "rf_final": student[-1]}))
    assert graded["rf_per_layer"].status == "partial"
    assert graded["rf_per_layer"].score == pytest.approx((len(layers) - 1) / len(layers))
    assert graded["rf_per_layer"].feedback.startswith("Judged against your earlier layers:")
    assert (graded["rf_final"].status, graded["rf_final"].feedback) == (
        "correct", "Correct given your earlier answer for rf_per_layer.")


def test_a_loss_from_an_accepted_rounded_y_hat_is_correct():
    """Seed 000: ŷ rounded to [0.82, 0.07, 0.11] is accepted, so −ln 0.07 is its loss."""
    rounded = [0.82, 0.07, 0.11]
    own_loss = round(-math.log(rounded[1]), 2)  # y = e₂: 2.66, where ours rounds to 2.70
    graded = by_id(grade(BRANCH, "default", {"y_hat": rounded, "loss": own_loss}))
    assert graded["y_hat"].status == "correct"
    assert (graded["loss"].status, graded["loss"].score, graded["loss"].feedback) == (
        "correct", 1.0, "Correct for your rounded ŷ.")
    # Wrong for our ŷ and for the student's: the ordinary verdict, nothing carried.
    graded = by_id(grade(BRANCH, "default", {"y_hat": rounded, "loss": 3.5}))
    assert (graded["loss"].status, graded["loss"].feedback) == ("incorrect", "Incorrect.")


def test_a_rounded_and_a_wrong_upstream_answer_together_earn_carried_credit():
    half = Problem(**{**BRANCH.__dict__, "carried_credit": 0.5})
    params = as_arrays(params_for(BRANCH, "default"))
    h = np.maximum(params["W1"] @ params["x"], 0)
    wrong_dz = np.array([0.5, -0.5, 0.3])
    da = wrong_dz * np.array([1, 0, 1])  # a > b and a_pre > 0 in coordinates 1 and 3 here
    answers = {"y_hat": [0.82, 0.07, 0.11], "dL_dz": wrong_dz.tolist(), "dL_dW21": np.outer(da, h).tolist()}
    graded = by_id(grade(half, "default", answers))
    assert (graded["dL_dW21"].status, graded["dL_dW21"].score, graded["dL_dW21"].feedback) == (
        "partial", 0.5, "Correct given your earlier answer for ∂L/∂z.")


def test_a_table_rounded_row_by_row_earns_full_credit():
    grads = np.array(TABLE.default["grads"])
    student, m = [], np.zeros(2)
    for g in grads:  # each row from the rounded row before, then rounded again
        m = np.array([float(f"{v:.3g}") for v in 0.9 * m + 0.1 * g])
        student.append(m)
    student = np.array(student)
    exact = plain_m(grads, 0.9)
    assert not np.array_equal(student, exact)
    graded = by_id(grade(TABLE, "default", {"m": student.tolist()}))
    assert (graded["m"].status, graded["m"].score) == ("correct", 1.0)


def _sig3(values):
    return np.array([float(f"{v:.3g}") for v in np.ravel(values)]).reshape(np.shape(values))


@pytest.mark.parametrize("variant", ["default", 2, 7])
def test_an_adam_table_rounded_at_every_step_earns_full_credit(variant):
    """A plain loop that rounds as the statement asks (tables to 3 significant figures, θ to 5
    decimal places) and goes on from the rounded values, as a student does by hand."""
    problem = registry.get("adam-steps")
    p = as_arrays(params_for(problem, variant))
    m = v = np.zeros(2)
    theta = np.asarray(p["theta0"], dtype=float)
    rows = {name: [] for name in ("m", "v", "m_hat", "v_hat", "theta")}
    for t, g in enumerate(p["grads"], start=1):
        m = _sig3(p["beta1"] * m + (1 - p["beta1"]) * g)
        v = _sig3(p["beta2"] * v + (1 - p["beta2"]) * g**2)
        m_hat = _sig3(m / (1 - p["beta1"] ** t))
        v_hat = _sig3(v / (1 - p["beta2"] ** t))
        theta = np.round(theta - p["eta"] * m_hat / (np.sqrt(v_hat) + p["eps"]), 5)
        for name, row in zip(rows, (m, v, m_hat, v_hat, theta)):
            rows[name].append(row.tolist())
    result = grade(problem, variant, rows)
    assert [(part.id, part.status) for part in result.parts] == [(name, "correct") for name in rows]
