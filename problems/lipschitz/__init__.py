"""Lipschitz constants and norms."""

from problems.lipschitz.lipschitz_activations import lipschitz_activations
from problems.lipschitz.lipschitz_combinations import lipschitz_combinations
from problems.lipschitz.lipschitz_linear import lipschitz_linear
from problems.lipschitz.lipschitz_network_bound import lipschitz_network_bound
from problems.lipschitz.matrix_norm_identities import matrix_norm_identities
from problems.lipschitz.perceptron_regions import perceptron_regions
from problems.lipschitz.sigmoid_tanh_equivalence import sigmoid_tanh_equivalence

FAMILY = "lipschitz"

PROBLEMS = [
    lipschitz_linear,
    lipschitz_activations,
    lipschitz_network_bound,
    lipschitz_combinations,
    matrix_norm_identities,
    sigmoid_tanh_equivalence,
    perceptron_regions,
]
