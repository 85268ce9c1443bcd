"""Backpropagation against centred finite differences, over many small networks."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from deepcat import Network, gradient_check
from deepcat.core.activations import HIDDEN_ACTIVATIONS
from deepcat.core.gradient_check import parameters_to_vector, vector_to_parameters


def data(n_x, m, seed, n_classes=2):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_x, m)
    labels = rng.randint(0, n_classes, size=(1, m))
    return X, labels


def with_random_biases(net, seed):
    """Zero biases under dead ReLU units put Z exactly on the kink at 0, where no derivative
    exists and finite differences are one-sided; random biases keep the check meaningful."""
    rng = np.random.RandomState(seed)
    for l in range(1, net.L + 1):
        net.parameters[f"b{l}"] = rng.uniform(0.1, 0.5, size=net.parameters[f"b{l}"].shape)
    return net


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("init", ["lecun", "he", "xavier"])
def test_every_hidden_activation(activation, init):
    X, Y = data(5, 7, seed=1)
    net = Network([5, 4, 3, 1], hidden_activation=activation, init=init, seed=2)
    assert gradient_check(with_random_biases(net, 3), X, Y) < 1e-7


def test_softmax_output():
    X, Y = data(4, 9, seed=3, n_classes=3)
    net = Network([4, 5, 3], output="softmax", hidden_activation="tanh", seed=4)
    assert gradient_check(net, X, Y) < 1e-7


@pytest.mark.parametrize("output,n_L,n_classes", [("sigmoid", 1, 2), ("softmax", 4, 4)])
def test_l2_regularization(output, n_L, n_classes):
    X, Y = data(3, 6, seed=5, n_classes=n_classes)
    net = Network([3, 4, n_L], output=output, hidden_activation="tanh", seed=6)
    assert gradient_check(net, X, Y, lambd=0.7) < 1e-7


def test_detects_a_wrong_gradient():
    """A network whose backward pass is off must fail the check."""
    X, Y = data(4, 6, seed=7)
    net = Network([4, 3, 1], hidden_activation="tanh", seed=8)
    honest = net.gradients

    def off_by_a_bit(X, Y, lambd=0.0):
        gradients = honest(X, Y, lambd)
        gradients["dW1"] = gradients["dW1"] * 1.01
        return gradients

    net.gradients = off_by_a_bit
    assert gradient_check(net, X, Y) > 1e-4


def test_parameters_are_restored():
    X, Y = data(3, 4, seed=0)
    net = Network([3, 2, 1], seed=0)
    before = {k: v.copy() for k, v in net.parameters.items()}
    gradient_check(net, X, Y)
    for key, value in before.items():
        np.testing.assert_array_equal(net.parameters[key], value)


def test_float32_network_is_checked_in_float64():
    X, Y = data(3, 5, seed=1)
    net = Network([3, 3, 1], hidden_activation="tanh", dtype="float32", seed=1)
    assert gradient_check(net, X, Y) < 1e-7
    assert net.parameters["W1"].dtype == np.float32


def test_vector_round_trip():
    parameters = Network([3, 2, 1], seed=0).parameters
    theta = parameters_to_vector(parameters)
    assert theta.shape == (3 * 2 + 2 + 2 + 1,)
    back = vector_to_parameters(theta, parameters)
    for key, value in parameters.items():
        np.testing.assert_array_equal(back[key], value)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    hidden=st.lists(st.integers(1, 5), min_size=0, max_size=3),
    n_x=st.integers(1, 5),
    m=st.integers(1, 8),
    activation=st.sampled_from(HIDDEN_ACTIVATIONS),
    seed=st.integers(0, 2**16),
)
def test_random_networks(hidden, n_x, m, activation, seed):
    """Shapes of every forward/backward array and the gradient, for arbitrary small networks."""
    X, Y = data(n_x, m, seed)
    dims = [n_x, *hidden, 1]
    net = Network(dims, hidden_activation=activation, init="xavier", seed=seed)
    assert net.predict_proba(X).shape == (1, m)
    gradients = net.gradients(X, Y)
    for key, value in net.parameters.items():
        assert gradients[f"d{key}"].shape == value.shape
    # ReLU-family kinks within epsilon of a unit's Z make finite differences one-sided.
    if activation in ("relu", "leaky_relu"):
        A = X
        for l in range(1, net.L):
            Z = net.parameters[f"W{l}"] @ A + net.parameters[f"b{l}"]
            assume(np.abs(Z).min() > 1e-4)
            A = np.maximum(Z, 0) if activation == "relu" else np.where(Z > 0, Z, 0.01 * Z)
    # Each centred difference carries a rounding error of about 1e-16 |J| / (2 epsilon), some
    # 1e-9 per parameter and 1e-8 over fifty; against a gradient smaller than 0.05 that noise
    # alone comes near the 1e-7 bound, which then measures float64, not backpropagation.
    assume(np.linalg.norm(parameters_to_vector(gradients)) > 0.05)
    assert gradient_check(net, X, Y) < 1e-7
