"""Optimizers: the update rules, their moments, and why Adam corrects its bias."""

from problems.optimizers.adam_bias_correction import adam_bias_correction
from problems.optimizers.adam_steps import adam_steps
from problems.optimizers.adamax_steps import adamax_steps
from problems.optimizers.backtracking_line_search import backtracking_line_search
from problems.optimizers.gd_quadratic_convergence import gd_quadratic_convergence
from problems.optimizers.newton_method import newton_method
from problems.optimizers.taylor_optimal_step import taylor_optimal_step

FAMILY = "optimizers"

PROBLEMS = [
    adam_bias_correction,
    adam_steps,
    adamax_steps,
    gd_quadratic_convergence,
    backtracking_line_search,
    taylor_optimal_step,
    newton_method,
]
