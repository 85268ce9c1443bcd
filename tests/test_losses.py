import warnings

import numpy as np
import pytest

from deepcat.core.activations import sigmoid, softmax
from deepcat.core.losses import (
    binary_cross_entropy_from_logits,
    categorical_cross_entropy_from_logits,
    compute_cost,
    get_loss,
    l2_regularization_cost,
)


def test_compute_cost_by_hand():
    AL = np.array([[0.8, 0.9, 0.4]])
    Y = np.array([[1, 1, 0]])
    expected = -(np.log(0.8) + np.log(0.9) + np.log(0.6)) / 3
    assert compute_cost(AL, Y) == pytest.approx(expected, rel=1e-15)


def test_cost_from_logits_equals_cost_from_probabilities():
    rng = np.random.RandomState(0)
    Z = rng.randn(1, 50) * 3
    Y = (rng.rand(1, 50) > 0.5).astype(float)
    assert binary_cross_entropy_from_logits(Z, Y) == pytest.approx(
        compute_cost(sigmoid(Z), Y), rel=1e-13
    )


def test_saturated_predictions_give_finite_costs():
    Z = np.array([[800.0, -800.0, 40.0]])
    Y = np.array([[0.0, 1.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from_logits = binary_cross_entropy_from_logits(Z, Y)
        clipped = compute_cost(sigmoid(Z), Y)
    # a confidently wrong prediction costs |z|: 800 for each of the first two examples
    assert from_logits == pytest.approx((800 + 800 + np.log1p(np.exp(-40))) / 3)
    assert np.isfinite(clipped) and clipped > 20


def test_categorical_cross_entropy_by_hand():
    Z = np.array([[2.0, 0.0], [1.0, 0.0], [0.0, 3.0]])
    Y = np.array([[1, 0], [0, 0], [0, 1]])
    A = softmax(Z)
    expected = -(np.log(A[0, 0]) + np.log(A[2, 1])) / 2
    assert categorical_cross_entropy_from_logits(Z, Y) == pytest.approx(expected, rel=1e-14)
    big = categorical_cross_entropy_from_logits(Z * 1000, Y)
    assert np.isfinite(big)


def test_l2_cost_by_hand():
    parameters = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[5.0]]), "W2": np.array([[3.0]])}
    # (lambd / 2m) * (1 + 4 + 9): biases are not regularized
    assert l2_regularization_cost(parameters, 0.5, 7) == pytest.approx(0.5 / 14 * 14)


def test_unknown_output():
    with pytest.raises(ValueError, match=r"unknown output activation 'relu'.*'sigmoid', 'softmax'"):
        get_loss("relu")


def test_l2_cost_with_known_squared_norms():
    parameters = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[5.0]]), "W2": np.array([[3.0]])}
    # W1's norm is given (as the Gram path or a frozen layer gives it): 10 instead of 5
    cost = l2_regularization_cost(parameters, 0.5, 7, squared_norms={"W1": 10.0})
    assert cost == pytest.approx(0.5 / 14 * (10 + 9))
    assert l2_regularization_cost(parameters, 0.0, 7, squared_norms={"W1": 10.0}) == 0.0


def test_l2_gradient_by_hand_allocating_and_in_place():
    from deepcat.core.losses import add_l2_gradient

    W = np.array([[1.0, -2.0, 4.0], [0.5, 0.0, 8.0]])
    dW = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    expected = [[0.1 + 0.5, 0.2 - 1.0, 0.3 + 2.0], [0.4 + 0.25, 0.5, 0.6 + 4.0]]  # + (2/4) W
    kept = dW.copy()
    np.testing.assert_allclose(add_l2_gradient(dW, W, 2.0, 4), expected, rtol=1e-15)
    np.testing.assert_array_equal(dW, kept)  # without scratch dW is left alone
    scratch = np.empty_like(W)
    assert add_l2_gradient(dW, W, 2.0, 4, scratch) is dW
    np.testing.assert_array_equal(dW, add_l2_gradient(kept, W, 2.0, 4))
