"""The course's building blocks, composed by hand as the seed articles do."""

import numpy as np
import pytest

from deepcat import (
    initialize_parameters,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    model_backward,
    model_forward,
    predict,
    update_parameters,
)
from deepcat.core.activations import relu, sigmoid


def test_linear_forward_by_hand():
    A_prev = np.array([[1.0, 2.0], [3.0, 4.0]])
    W = np.array([[1.0, -1.0]])
    b = np.array([[0.5]])
    Z, cache = linear_forward(A_prev, W, b)
    np.testing.assert_array_equal(Z, [[-1.5, -1.5]])
    assert cache[0] is A_prev and cache[1] is W and cache[2] is b


def test_linear_activation_forward_keeps_the_courses_cache():
    A_prev = np.array([[1.0], [-2.0]])
    W = np.array([[2.0, 1.0], [-1.0, 0.5]])
    b = np.array([[0.1], [0.2]])
    A, (linear_cache, Z) = linear_activation_forward(A_prev, W, b, "relu")
    np.testing.assert_allclose(Z, [[0.1], [-1.8]])
    np.testing.assert_allclose(A, [[0.1], [0.0]])
    assert linear_cache[0] is A_prev


def test_shapes_through_a_deep_network():
    dims = [6, 5, 4, 3, 1]
    X = np.random.RandomState(0).randn(6, 9)
    Y = (X[:1] > 0).astype(float)
    parameters = initialize_parameters(dims, seed=1)
    AL, caches = model_forward(X, parameters)
    assert AL.shape == (1, 9) and len(caches) == 4
    for l, ((A_prev, W, b), Z) in enumerate(caches, start=1):
        assert A_prev.shape == (dims[l - 1], 9)
        assert W.shape == (dims[l], dims[l - 1]) and b.shape == (dims[l], 1)
        assert Z.shape == (dims[l], 9)
    gradients = model_backward(AL, Y, caches)
    assert sorted(gradients) == sorted(f"d{p}{l}" for l in range(1, 5) for p in "Wb")
    for key, value in gradients.items():
        assert value.shape == parameters[key[1:]].shape


def test_output_shortcut_equals_the_courses_dAL_route():
    """dZ = AL - Y versus dAL = -(Y/AL - (1-Y)/(1-AL)) followed by sigmoid_backward."""
    rng = np.random.RandomState(4)
    A_prev = rng.randn(3, 8)
    W, b = rng.randn(1, 3), rng.randn(1, 1)
    Y = (rng.rand(1, 8) > 0.5).astype(float)
    AL, cache = linear_activation_forward(A_prev, W, b, "sigmoid")
    dAL = -(Y / AL - (1 - Y) / (1 - AL))
    _, dW_course, db_course = linear_activation_backward(dAL, cache, "sigmoid")
    _, dW, db = linear_backward(AL - Y, cache[0])
    np.testing.assert_allclose(dW, dW_course, rtol=1e-12)
    np.testing.assert_allclose(db, db_course, rtol=1e-12)


def test_two_layer_backward_by_hand():
    """The seed article's 2-layer formulas written out."""
    rng = np.random.RandomState(2)
    X = rng.randn(3, 5)
    Y = np.array([[1, 0, 1, 1, 0]])
    parameters = initialize_parameters([3, 4, 1], "he", seed=3)
    W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    A2 = sigmoid(W2 @ A1 + b2)
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / 5
    db2 = dZ2.sum(axis=1, keepdims=True) / 5
    dZ1 = (W2.T @ dZ2) * (Z1 > 0)
    dW1 = dZ1 @ X.T / 5
    db1 = dZ1.sum(axis=1, keepdims=True) / 5

    AL, caches = model_forward(X, parameters)
    np.testing.assert_allclose(AL, A2)
    gradients = model_backward(AL, Y, caches)
    for key, expected in {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}.items():
        np.testing.assert_allclose(gradients[key], expected, rtol=1e-13, err_msg=key)


def test_update_parameters_by_hand():
    parameters = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[3.0]])}
    gradients = {"dW1": np.array([[10.0, -10.0]]), "db1": np.array([[1.0]])}
    update_parameters(parameters, gradients, 0.1)
    np.testing.assert_allclose(parameters["W1"], [[0.0, 3.0]])
    np.testing.assert_allclose(parameters["b1"], [[2.9]])


def test_l2_adds_lambd_over_m_times_W():
    rng = np.random.RandomState(5)
    X, Y = rng.randn(3, 4), np.array([[1, 0, 0, 1]])
    parameters = initialize_parameters([3, 2, 1], seed=0)
    AL, caches = model_forward(X, parameters)
    plain = model_backward(AL, Y, caches)
    regularized = model_backward(AL, Y, caches, lambd=0.7)
    for l in (1, 2):
        np.testing.assert_allclose(
            regularized[f"dW{l}"], plain[f"dW{l}"] + 0.7 / 4 * parameters[f"W{l}"]
        )
        np.testing.assert_array_equal(regularized[f"db{l}"], plain[f"db{l}"])


def test_inverted_dropout_masks_and_rescales():
    X = np.ones((2, 1000))
    parameters = {
        "W1": np.ones((50, 2)),
        "b1": np.zeros((50, 1)),
        "W2": np.ones((1, 50)) / 100,
        "b2": np.zeros((1, 1)),
    }
    rng = np.random.RandomState(0)
    _, caches = model_forward(X, parameters, keep_prob=[0.8], rng=rng)
    (_, _, D) = caches[0]
    A1_dropped = caches[1][0][0]
    assert abs(D.mean() - 0.8) < 0.01
    np.testing.assert_allclose(A1_dropped, 2.0 * D / 0.8)  # relu(1 + 1) = 2, kept / 0.8


def test_predict_thresholds_at_one_half():
    parameters = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
    X = np.array([[-1.0, 0.0, 1e-9, 2.0]])
    np.testing.assert_array_equal(predict(X, parameters), [[0, 0, 1, 1]])


def test_linear_forward_into_a_buffer_is_W_A_plus_b_bit_for_bit():
    rng = np.random.RandomState(7)
    for dtype in (np.float64, np.float32):
        A_prev = rng.randn(5, 3).astype(dtype)
        W, b = rng.randn(2, 5).astype(dtype), rng.randn(2, 1).astype(dtype)
        out = np.empty((2, 3), dtype)
        Z, cache = linear_forward(A_prev, W, b, out=out)
        assert Z is out and cache[0] is A_prev
        np.testing.assert_array_equal(Z, W @ A_prev + b)


def test_linear_activation_forward_into_buffers_by_hand():
    A_prev = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    W = np.array([[1.0, -1.0], [0.5, 0.5]])
    b = np.array([[0.0], [-1.0]])
    Z_out, A_out = np.empty((2, 3)), np.empty((2, 3))
    A, (_, Z) = linear_activation_forward(A_prev, W, b, "relu", out=(Z_out, A_out))
    assert A is A_out and Z is Z_out
    np.testing.assert_array_equal(Z, [[-1.0, -1.0, -1.0], [0.5, -0.5, -1.5]])
    np.testing.assert_array_equal(A, [[0.0, 0.0, 0.0], [0.5, 0.0, 0.0]])


def test_linear_backward_into_buffers_by_hand():
    dZ = np.array([[1.0, -1.0, 2.0], [0.0, 3.0, 3.0]])
    A_prev = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, -1.0]])
    W = np.array([[2.0, 0.0], [1.0, -1.0]])
    out = (np.empty((2, 3)), np.empty((2, 2)), np.empty((2, 1)))
    dA_prev, dW, db = linear_backward(dZ, (A_prev, W, None), out=out)
    assert dA_prev is out[0] and dW is out[1] and db is out[2]
    # dW = dZ A_prevᵀ / 3, db = row sums / 3, dA_prev = Wᵀ dZ
    np.testing.assert_allclose(dW, [[5.0 / 3, -3.0 / 3], [15.0 / 3, 0.0]], rtol=1e-15)
    np.testing.assert_allclose(db, [[2.0 / 3], [6.0 / 3]], rtol=1e-15)
    np.testing.assert_array_equal(dA_prev, [[2.0, 1.0, 7.0], [0.0, -3.0, -3.0]])
    none, dW2, _ = linear_backward(dZ, (A_prev, W, None), need_dA_prev=False)
    assert none is None
    np.testing.assert_array_equal(dW2, dW)


def test_dropout_forward_and_backward_by_hand():
    from deepcat.core.propagation import dropout_backward, dropout_forward

    A = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    rng = np.random.RandomState(0)
    draws = np.random.RandomState(0).rand(2, 3)
    D_expected = draws < 0.5
    dropped, D = dropout_forward(A.copy(), 0.5, rng)
    np.testing.assert_array_equal(D, D_expected)
    np.testing.assert_array_equal(dropped, A * D_expected * 2.0)
    buffer = A.copy()
    in_place, _ = dropout_forward(buffer, 0.5, np.random.RandomState(0), out=buffer)
    assert in_place is buffer
    np.testing.assert_array_equal(buffer, dropped)
    dA = np.ones((2, 3))
    np.testing.assert_array_equal(dropout_backward(dA, D, 0.5), D_expected * 2.0)


def test_dropout_takes_one_keep_prob_for_every_hidden_layer_and_makes_its_generator():
    """The course's forward_propagation_with_dropout(X, parameters, keep_prob=0.5) gives a float."""
    parameters = {
        "W1": np.ones((3, 2)),
        "b1": np.zeros((3, 1)),
        "W2": np.ones((3, 3)),
        "b2": np.zeros((3, 1)),
        "W3": np.ones((1, 3)),
        "b3": np.zeros((1, 1)),
    }
    X = np.ones((2, 4))
    AL, caches = model_forward(X, parameters, keep_prob=0.5, rng=7)
    # RandomState(7) draws layer 1's mask first, then layer 2's, each kept where rand < 0.5.
    rng = np.random.RandomState(7)
    D1, D2 = rng.rand(3, 4) < 0.5, rng.rand(3, 4) < 0.5
    np.testing.assert_array_equal(caches[0][2], D1)
    np.testing.assert_array_equal(caches[1][2], D2)
    A1 = 2.0 * D1 / 0.5  # Z1 = 1 + 1 = 2 in every unit, relu keeps it
    A2 = (A1.sum(axis=0) * D2) / 0.5
    np.testing.assert_allclose(AL, 1 / (1 + np.exp(-A2.sum(axis=0, keepdims=True))))
    grads = model_backward(AL, np.ones((1, 4)), caches, keep_prob=0.5)
    assert grads["dW1"].shape == (3, 2)
    _, unseeded = model_forward(X, parameters, keep_prob=0.5)
    assert unseeded[0][2].dtype == bool


@pytest.mark.parametrize(
    ("keep_prob", "error", "message"),
    [
        (0.0, ValueError, r"keep_prob must be in \(0, 1\], got 0.0"),
        (1.5, ValueError, r"keep_prob must be in \(0, 1\], got 1.5"),
        ("0.5", TypeError, "keep_prob must be a number, got '0.5'"),
        ([0.5, 0.5, 0.5], ValueError, r"one value per hidden layer \(L - 1 = 2\), got 3"),
    ],
)
def test_dropout_refuses_a_keep_prob_outside_0_1(keep_prob, error, message):
    parameters = initialize_parameters([2, 3, 3, 1], seed=0)
    with pytest.raises(error, match=message):
        model_forward(np.ones((2, 4)), parameters, keep_prob=keep_prob, rng=0)
