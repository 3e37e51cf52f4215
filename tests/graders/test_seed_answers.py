"""Every final answer of the course's five worked solutions (../shared/seeds/), typed in the
student's own notation on the default variants, with the status a careful grader gives.

Right answers are correct however the student wrote them (Leibniz derivatives, E[g²], a
left-hand side, labels, LaTeX matrices); the four wrong ones are refused with their own
feedback. Nothing a student wrote is `invalid`. Vectors that are derivatives are typed as the
statement asks (a bracketed list, read in either orientation), the rest as the scans show them.
"""

from __future__ import annotations

import pytest

from graders.grade import grade
from problems import registry

# (seed, problem, part, typed as the student wrote it)
RIGHT = [
    # 000: matrix calculus, the branch network's rounded chain, Adam's bias
    ("000", "linear-form-gradient", "df_dx",
     r"\frac{\partial (a^T x)}{\partial x} = \frac{\partial (x^T a)}{\partial x} = a^T"),
    ("000", "matrix-vector-jacobian", "dy_dx", r"\frac{\partial f}{\partial x} = A"),
    ("000", "quadratic-form-gradient", "df_dA", r"\frac{\partial f}{\partial A} = x x^T"),
    ("000", "branch-max-network", "h", r"\begin{bmatrix} 1 \\ 2 \end{bmatrix}"),
    ("000", "branch-max-network", "a", r"\begin{bmatrix} 3 \\ 0 \\ 1 \end{bmatrix}"),
    ("000", "branch-max-network", "b", r"\begin{bmatrix} 0.5 \\ 0.5 \\ 0.5 \end{bmatrix}"),
    ("000", "branch-max-network", "z", r"\begin{bmatrix} 3 \\ 0.5 \\ 1 \end{bmatrix}"),
    ("000", "branch-max-network", "y_hat", r"\begin{bmatrix} 0.82 \\ 0.07 \\ 0.11 \end{bmatrix}"),
    ("000", "branch-max-network", "loss", "L = 2.66"),  # −ln 0.07, from the rounded ŷ
    ("000", "branch-max-network", "dL_dz", "[0.82, -0.93, 0.11]"),
    ("000", "branch-max-network", "dL_dW21", r"\begin{bmatrix} 0.82 & 1.64 \\ 0 & 0 \\ 0.11 & 0.22 \end{bmatrix}"),
    ("000", "branch-max-network", "dL_dW22", r"\begin{bmatrix} 0 & 0 \\ -0.23 & -0.46 \\ 0 & 0 \end{bmatrix}"),
    ("000", "branch-max-network", "dL_dh", "[-0.22, 1.39]"),
    ("000", "branch-max-network", "dL_dW1",
     r"\begin{bmatrix} -0.22 & -0.44 & -0.66 & -0.22 \\ 1.39 & 2.78 & 4.17 & 1.39 \end{bmatrix}"),
    ("000", "adam-bias-correction", "expected_v_expr", r"E[g^2] (1-\beta_2^t)"),
    ("000", "adam-bias-correction", "v3_expr",
     r"\beta_2^2 (1-\beta_2) g_1^2 + \beta_2 (1-\beta_2) g_2^2 + (1-\beta_2) g_3^2"),
    # 001: Jacobians and chains, the regularizer, Beale at (0, 0) and (0, 1)
    ("001", "matrix-vector-jacobian", "dy_dx", "A"),
    ("001", "matrix-vector-jacobian", "dy_dz", r"\frac{\partial y}{\partial z} = A \frac{\partial x}{\partial z}"),
    ("001", "bilinear-form-gradient", "dalpha_dx", "y^T A"),
    ("001", "bilinear-form-gradient", "dalpha_dy", r"\frac{\partial \alpha}{\partial y} = x^T A^T"),
    ("001", "dot-product-chain", "dalpha_dz", r"y^T \frac{\partial x}{\partial z} + x^T \frac{\partial y}{\partial z}"),
    ("001", "inverse-derivative", "dAinv", r"\frac{\partial A^{-1}}{\partial \alpha} = -A^{-1} \frac{\partial A}{\partial \alpha} A^{-1}"),
    ("001", "symmetry-regularizer", "S", r"\begin{bmatrix} 1 & -1 \\ -1 & 1 \end{bmatrix}"),
    ("001", "beale-hessian", "hessian_at_q", r"\begin{bmatrix} 6 & 3 \\ 3 & 0 \end{bmatrix}"),
    ("001", "beale-hessian", "hessian_eigenvalues", r"\lambda_1 = 3+3\sqrt{2}, \lambda_2 = 3-3\sqrt{2}"),
    ("001", "beale-hessian", "is_convex", "false"),
    ("001", "beale-hessian", "grad_at_p", r"\begin{bmatrix} 0 \\ 0 \end{bmatrix}"),
    ("001", "beale-hessian", "gd_step", r"\begin{bmatrix} 0 \\ 1 \end{bmatrix}"),
    # 002: conv arithmetic, receptive field, Lipschitz constants, the norm chain
    ("002", "conv-output-size", "output_size_expr", "i - K_1 - K_2 - nK_3 + n + 2"),
    ("002", "receptive-field", "rf_expr", "RF_3 = 1 + (K-1) (d_1+d_2+d_3)"),
    ("002", "lipschitz-activations", "softplus", "1"),
    ("002", "lipschitz-combinations", "composition", r"3 \times 2"),
    ("002", "lipschitz-combinations", "product", r"4 \cdot 3 + 1 \cdot 2"),
    ("002", "matrix-norm-identities", "norm_chain_holds", "true"),
    # 003: softmax cross-entropy, its Hessian, logistic regression
    ("003", "softmax-ce-gradient", "grad_z_expr", r"\nabla_z L = \hat{y} - y"),
    ("003", "softmax-ce-gradient", "hessian_is_psd", "true"),
    ("003", "logistic-regression-gradient", "is_convex", "true"),
    # 004: the same matrix calculus as 001, and the regularizer
    ("004", "matrix-vector-jacobian", "dy_dx", r"\frac{\partial y}{\partial x} = A"),
    ("004", "matrix-vector-jacobian", "dy_dz", r"\frac{\partial y}{\partial z} = A \frac{\partial x}{\partial z}"),
    ("004", "bilinear-form-gradient", "dalpha_dx", r"\frac{\partial \alpha}{\partial x} = y^T A"),
    ("004", "dot-product-chain", "dalpha_dz", r"x^{T} \frac{\partial y}{\partial z} + y^{T} \frac{\partial x}{\partial z}"),
    ("004", "inverse-derivative", "dAinv", r"\frac{\partial A^{-1}}{\partial \alpha} = -A^{-1}\frac{\partial A}{\partial \alpha}A^{-1}"),
    ("004", "symmetry-regularizer", "S", r"S = \begin{bmatrix} 1 & -1 \\ -1 & 1 \end{bmatrix}"),
]

# (seed, problem, part, typed, status, feedback)
WRONG = [
    ("000", "quadratic-form-gradient", "df_dx", r"\frac{\partial f}{\partial x} = (A + A^T)x", "partial",
     "This is the transpose of the expected expression: in this course's layout convention the derivative "
     "of a scalar by a column vector is a row vector, ∂y/∂x of y ∈ Rᵐ by x ∈ Rⁿ is m×n, and the derivative "
     "of a scalar by a matrix has the matrix's shape."),
    ("000", "trace-gradient", "df_dX", "X^T (A + A^T)", "incorrect",
     "Xᵀ(A + Aᵀ): Xᵀ is n×m, A + Aᵀ is n×n — cannot multiply when m ≠ n"),
    ("004", "bilinear-form-gradient", "dalpha_dy", r"\frac{\partial \alpha}{\partial y} = x^T A", "incorrect",
     "xᵀ A: xᵀ is 1×n, A is m×n — cannot multiply when n ≠ m"),
    ("004", "beale-hessian", "is_convex", "true", "incorrect",
     "Look at the eigenvalues of ∇²F(q) you found: one is negative, and a convex function's Hessian is "
     "positive semi-definite at every point — one point where it is not settles it."),
]


def _graded(problem_id: str, answers: dict):
    return {p.id: p for p in grade(registry.get(problem_id), "default", answers).parts}


def _submission(seed: str, problem: str) -> dict:
    """All of one seed's answers to one problem, submitted together as the student would."""
    return {part: typed for s, p, part, typed in RIGHT if (s, p) == (seed, problem)}


@pytest.mark.parametrize(("seed", "problem", "part", "typed"), RIGHT, ids=[f"{s}-{p}.{q}" for s, p, q, _ in RIGHT])
def test_a_right_answer_as_the_student_wrote_it_is_correct(seed, problem, part, typed):
    graded = _graded(problem, _submission(seed, problem))[part]
    assert (graded.status, graded.score) == ("correct", graded.max_score), graded.feedback


@pytest.mark.parametrize(("seed", "problem", "part", "typed", "status", "feedback"), WRONG,
                         ids=[f"{s}-{p}.{q}" for s, p, q, *_ in WRONG])
def test_a_wrong_answer_is_refused_with_its_own_feedback(seed, problem, part, typed, status, feedback):
    graded = _graded(problem, {part: typed})[part]
    assert (graded.status, graded.feedback) == (status, feedback)


def test_seed_000s_whole_rounded_chain_earns_full_credit():
    result = grade(registry.get("branch-max-network"), "default", _submission("000", "branch-max-network"))
    assert result.score == result.max_score
    assert {p.id: p.feedback for p in result.parts}["loss"] == "Correct for your rounded ŷ."


def test_a_column_for_a_row_derivative_earns_the_layout_feedback():
    # The scan writes ∂L/∂z as a 3×1 column; the statement's convention makes it a row.
    graded = _graded("branch-max-network", {"dL_dz": r"\begin{bmatrix} 0.82 \\ -0.93 \\ 0.11 \end{bmatrix}"})["dL_dz"]
    assert graded.status == "partial"
    assert "layout" in graded.feedback


def test_nothing_a_student_wrote_is_invalid():
    statuses = [(p, q, _graded(p, _submission(s, p))[q].status) for s, p, q, _ in RIGHT]
    statuses += [(p, q, _graded(p, {q: t})[q].status) for _, p, q, t, *_ in WRONG]
    assert len(statuses) == 47
    assert [(p, q) for p, q, status in statuses if status == "invalid"] == []
