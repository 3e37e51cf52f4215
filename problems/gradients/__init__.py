"""Gradients and Hessians: matrix calculus in the course's layout convention."""

from problems.gradients.beale_hessian import beale_hessian
from problems.gradients.bilinear_form_gradient import bilinear_form_gradient
from problems.gradients.dot_product_chain import dot_product_chain
from problems.gradients.inverse_derivative import inverse_derivative
from problems.gradients.linear_form_gradient import linear_form_gradient
from problems.gradients.logistic_regression_gradient import logistic_regression_gradient
from problems.gradients.matrix_vector_jacobian import matrix_vector_jacobian
from problems.gradients.quadratic_form_gradient import quadratic_form_gradient
from problems.gradients.softmax_ce_gradient import softmax_ce_gradient
from problems.gradients.symmetry_regularizer import symmetry_regularizer
from problems.gradients.trace_gradient import trace_gradient

FAMILY = "gradients"

PROBLEMS = [
    quadratic_form_gradient,
    linear_form_gradient,
    beale_hessian,
    softmax_ce_gradient,
    logistic_regression_gradient,
    symmetry_regularizer,
    matrix_vector_jacobian,
    bilinear_form_gradient,
    trace_gradient,
    dot_product_chain,
    inverse_derivative,
]
