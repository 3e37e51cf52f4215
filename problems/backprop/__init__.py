"""Backpropagation by hand: forward pass, then each gradient from the one above it."""

from problems.backprop.batchnorm_backward import batchnorm_backward
from problems.backprop.branch_max_network import branch_max_network
from problems.backprop.gaussian_dropout_regularizer import gaussian_dropout_regularizer
from problems.backprop.mlp_bce_backprop import mlp_bce_backprop
from problems.backprop.sigmoid_mlp_backprop import sigmoid_mlp_backprop
from problems.backprop.softmax_leaky_relu_backprop import softmax_leaky_relu_backprop

FAMILY = "backprop"

PROBLEMS = [
    branch_max_network,
    mlp_bce_backprop,
    sigmoid_mlp_backprop,
    softmax_leaky_relu_backprop,
    batchnorm_backward,
    gaussian_dropout_regularizer,
]
