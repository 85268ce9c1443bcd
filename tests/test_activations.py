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


Z23 = np.array([[-2.0, 0.0, 1.5], [3.0, -0.5, 0.0]])
dA23 = np.array([[1.0, 2.0, -3.0], [4.0, 5.0, 6.0]])


def test_out_forms_write_into_the_buffer_by_hand():
    out = np.full((2, 3), np.nan)
    assert act.relu(Z23, out=out) is out
    np.testing.assert_array_equal(out, [[0.0, 0.0, 1.5], [3.0, 0.0, 0.0]])
    assert act.leaky_relu(Z23, 0.1, out=out) is out
    np.testing.assert_array_equal(out, [[-0.2, 0.0, 1.5], [3.0, -0.05, 0.0]])
    assert act.tanh(Z23, out=out) is out
    np.testing.assert_array_equal(out, np.tanh(Z23))
    assert act.sigmoid(Z23, out=out) is out
    np.testing.assert_array_equal(out, act.sigmoid(Z23))
    assert act.sigmoid(Z23)[0, 1] == 0.5
    column = np.empty((2, 3))
    assert act.softmax(Z23, out=column) is column
    np.testing.assert_array_equal(column, act.softmax(Z23))


def test_relu_backward_by_hand():
    # dZ = dA where Z > 0; at Z = 0 the derivative is taken as 0, as in the course.
    expected = [[0.0, 0.0, -3.0], [4.0, 0.0, 0.0]]
    np.testing.assert_array_equal(act.relu_backward(dA23, Z23), expected)
    dA = dA23.copy()
    assert act.relu_backward(dA, Z23, out=dA) is dA  # in place, into dA's own buffer
    np.testing.assert_array_equal(dA, expected)


def test_leaky_relu_backward_by_hand():
    expected = [[0.1, 0.2, -3.0], [4.0, 0.5, 0.6]]
    np.testing.assert_allclose(act.leaky_relu_backward(dA23, Z23, 0.1), expected, rtol=1e-15)


@pytest.mark.parametrize("name", act.HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_backward_is_dA_times_the_derivative_bit_for_bit(name, dtype):
    rng = np.random.RandomState(1)
    Z, dA = rng.randn(4, 6).astype(dtype), rng.randn(4, 6).astype(dtype)
    expected = dA * act.get_derivative(name)(Z)
    backward = act.get_backward(name)
    result = backward(dA, Z)
    assert result.dtype == dtype
    np.testing.assert_array_equal(result, expected)
    buffer = dA.copy()
    np.testing.assert_array_equal(backward(buffer, Z, out=buffer), expected)


def test_sigmoid_and_tanh_backward_by_hand():
    s = 1 / (1 + np.exp(-Z23))
    np.testing.assert_allclose(act.sigmoid_backward(dA23, Z23), dA23 * s * (1 - s), rtol=1e-15)
    t = np.tanh(Z23)
    np.testing.assert_allclose(act.tanh_backward(dA23, Z23), dA23 * (1 - t * t), rtol=1e-15)


def test_every_hidden_activation_has_a_backward():
    assert set(act.BACKWARDS) == set(act.HIDDEN_ACTIVATIONS)
    with pytest.raises(ValueError, match="unknown hidden-layer activation 'softmax'"):
        act.get_backward("softmax")


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "softmax"])
def test_top_level_activations_give_the_courses_pair(name):
    """``A, cache = deepcat.sigmoid(Z)`` with a two-row Z gets A and Z, not A's two rows."""
    import deepcat

    Z = np.array([[-2.0, 0.0, 3.0], [1.0, -1.0, 0.5]])
    A, cache = getattr(deepcat, name)(Z)
    by_hand = {
        "sigmoid": 1 / (1 + np.exp(-Z)),
        "tanh": np.tanh(Z),
        "relu": np.maximum(Z, 0),
        "leaky_relu": np.where(Z > 0, Z, 0.01 * Z),
        "softmax": np.exp(Z) / np.exp(Z).sum(axis=0),
    }[name]
    np.testing.assert_allclose(A, by_hand, rtol=1e-12)
    np.testing.assert_array_equal(cache, Z)
    dA = np.ones_like(Z)
    if name != "softmax":
        backward = getattr(deepcat, f"{name}_backward")
        np.testing.assert_allclose(backward(dA, cache), act.get_derivative(name)(Z))
