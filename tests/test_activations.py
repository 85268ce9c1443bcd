import warnings

import numpy as np
import pytest

from deepcat.core import activations as act

Z = np.array([[-3.0, -0.5, 0.0, 0.5, 3.0]])


def reference(name, z, slope=0.01):
    """Straight from the definitions, for moderate z."""
    return {
        "sigmoid": 1 / (1 + np.exp(-z)),
        "tanh": (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)),
        "relu": np.maximum(0, z),
        "leaky_relu": np.where(z > 0, z, slope * z),
    }[name]


@pytest.mark.parametrize("name", act.HIDDEN_ACTIVATIONS)
def test_activation_matches_its_definition(name):
    np.testing.assert_allclose(act.get_activation(name)(Z), reference(name, Z), rtol=1e-15)


@pytest.mark.parametrize("name", act.HIDDEN_ACTIVATIONS)
def test_derivative_matches_central_difference(name):
    z = np.linspace(-4, 4, 41) + 0.013  # stay off the kink at 0
    h = 1e-6
    g = act.get_activation(name)
    numeric = (g(z + h) - g(z - h)) / (2 * h)
    np.testing.assert_allclose(act.get_derivative(name)(z), numeric, rtol=1e-6, atol=1e-9)


def test_relu_family_take_derivative_zero_side_at_the_kink():
    assert act.relu_derivative(np.array([0.0]))[0] == 0.0
    assert act.leaky_relu_derivative(np.array([0.0]), 0.2)[0] == 0.2


def test_leaky_relu_slope_parameter():
    np.testing.assert_array_equal(act.leaky_relu(np.array([-2.0, 3.0]), 0.1), [-0.2, 3.0])
    np.testing.assert_array_equal(act.leaky_relu_derivative(np.array([-2.0, 3.0]), 0.1), [0.1, 1])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_never_overflows_or_warns(dtype):
    z = np.array([-1e4, -800.0, -50.0, 0.0, 50.0, 800.0, 1e4], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            a = act.sigmoid(z)
    assert a.dtype == dtype
    assert np.all(np.isfinite(a)) and np.all((a >= 0) & (a <= 1))
    assert a[0] == 0.0 and a[-1] == 1.0 and a[3] == 0.5


def test_tanh_is_finite_for_huge_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(act.tanh(np.array([-1e4, 1e4])), [-1.0, 1.0])


def test_softmax_columns_sum_to_one_and_survive_large_logits():
    z = np.array([[1000.0, -1000.0], [1001.0, -1000.0], [999.0, -999.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = act.softmax(z)
    np.testing.assert_allclose(a.sum(axis=0), 1.0)
    e = np.exp([-1.0, 0.0, -2.0])
    np.testing.assert_allclose(a[:, 0], e / e.sum())


@pytest.mark.parametrize("name", ["swish", "Relu", ""])
def test_unknown_activation_lists_the_valid_names(name):
    with pytest.raises(ValueError, match=r"unknown activation .*'sigmoid', 'tanh', 'relu'"):
        act.get_activation(name)


def test_activation_name_must_be_a_string():
    with pytest.raises(TypeError, match="must be a name"):
        act.get_activation(3)
