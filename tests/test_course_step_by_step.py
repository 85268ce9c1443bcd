"""deepcat.course.step_by_step against Course 1 week 4, "Building your Deep Neural Network: Step
by Step", the newest published notebook (the 2021 revision, W4A1).

Sources, cited per test:

* NOTEBOOK: repository Ali-Asgar-Lakdawala/Neural-Networks-and-Deep-Learning, file
  Building_your_Deep_Neural_Network_Step_by_Step.ipynb: each exercise's test cell, run, with its
  "Expected output".
* PUBLIC_TESTS: repository plgregori/deep-neural-network, file public_tests.py (the W4A1
  public tests, which the notebook's cells call): the input recipes (``np.random.seed(k)``,
  then ``randn`` draws in the order written) and the expected arrays.

The recipes' draws are made from ``np.random.RandomState(k)``, the same stream. Arrays printed to
8 decimals are compared with ``atol=5e-9``, half the last printed digit.
"""

import warnings

import numpy as np
import pytest

from deepcat.core.gradient_check import parameters_to_vector, vector_to_parameters
from deepcat.course.step_by_step import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters,
    initialize_parameters_deep,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    update_parameters,
)

PRINTED = {"atol": 5e-9, "rtol": 0}


def close(actual, expected):
    np.testing.assert_allclose(actual, np.array(expected), **PRINTED)


@pytest.fixture
def untouched_global_generator():
    """The global np.random state must be the same after the test as before it."""
    before = np.random.get_state()
    yield
    after = np.random.get_state()
    assert before[0] == after[0] and np.array_equal(before[1], after[1])
    assert before[2:] == after[2:]


def test_initialize_parameters_exercise_1(untouched_global_generator):
    # NOTEBOOK, Exercise 1, "Expected output" of initialize_parameters(3, 2, 1).
    parameters = initialize_parameters(3, 2, 1)
    close(
        parameters["W1"],
        [[0.01624345, -0.00611756, -0.00528172], [-0.01072969, 0.00865408, -0.02301539]],
    )
    close(parameters["W2"], [[0.01744812, -0.00761207]])
    np.testing.assert_array_equal(parameters["b1"], np.zeros((2, 1)))
    np.testing.assert_array_equal(parameters["b2"], np.zeros((1, 1)))


def test_initialize_parameters_deep_exercise_2(untouched_global_generator):
    # NOTEBOOK, Exercise 2, "Expected output" of initialize_parameters_deep([5, 4, 3]).
    parameters = initialize_parameters_deep([5, 4, 3])
    close(
        parameters["W1"],
        [
            [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
            [-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218],
            [-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034],
            [-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068],
        ],
    )
    close(
        parameters["W2"],
        [
            [-0.01185047, -0.0020565, 0.01486148, 0.00236716],
            [-0.01023785, -0.00712993, 0.00625245, -0.00160513],
            [-0.00768836, -0.00230031, 0.00745056, 0.01976111],
        ],
    )
    np.testing.assert_array_equal(parameters["b1"], np.zeros((4, 1)))
    np.testing.assert_array_equal(parameters["b2"], np.zeros((3, 1)))


def test_linear_forward_exercise_3():
    # PUBLIC_TESTS linear_forward_test: seed 1; A_prev = randn(3, 2), W = randn(1, 3),
    # b = randn(1, 1). NOTEBOOK Exercise 3: "Z = [[ 3.26295337 -1.23429987]]".
    rng = np.random.RandomState(1)
    A, W, b = rng.randn(3, 2), rng.randn(1, 3), rng.randn(1, 1)
    Z, cache = linear_forward(A, W, b)
    close(Z, [[3.26295337, -1.23429987]])
    assert cache[0] is A and cache[1] is W and cache[2] is b


def test_linear_activation_forward_exercise_4():
    # PUBLIC_TESTS linear_activation_forward_test: seed 2; A_prev = randn(3, 2),
    # W = randn(1, 3), b = randn(1, 1); expected Z [[3.43896131, -2.08938436]]. NOTEBOOK
    # Exercise 4: "With sigmoid: A = [[0.96890023 0.11013289]]", "With ReLU: A = [[3.43896131 0.]]".
    rng = np.random.RandomState(2)
    A_prev, W, b = rng.randn(3, 2), rng.randn(1, 3), rng.randn(1, 1)
    for activation, expected in (
        ("sigmoid", [[0.96890023, 0.11013289]]),
        ("relu", [[3.43896131, 0.0]]),
    ):
        A, ((cached_A, cached_W, cached_b), Z) = linear_activation_forward(A_prev, W, b, activation)
        close(A, expected)
        close(Z, [[3.43896131, -2.08938436]])
        assert cached_A is A_prev and cached_W is W and cached_b is b


def l_model_forward_case():
    # PUBLIC_TESTS L_model_forward_test (and testCases' L_model_forward_test_case_2hidden):
    # seed 6; X = randn(5, 4), then W1 (4, 5), b1 (4, 1), W2 (3, 4), b2 (3, 1), W3 (1, 3),
    # b3 (1, 1), each randn.
    rng = np.random.RandomState(6)
    X = rng.randn(5, 4)
    parameters = {}
    for l, (n, n_prev) in enumerate([(4, 5), (3, 4), (1, 3)], start=1):
        parameters[f"W{l}"] = rng.randn(n, n_prev)
        parameters[f"b{l}"] = rng.randn(n, 1)
    return X, parameters


def test_L_model_forward_exercise_5():
    # NOTEBOOK Exercise 5: "AL = [[0.03921668 0.70498921 0.19734387 0.04728177]]"; the caches'
    # Z[l] are PUBLIC_TESTS' expected_cache.
    X, parameters = l_model_forward_case()
    AL, caches = L_model_forward(X, parameters)
    close(AL, [[0.03921668, 0.70498921, 0.19734387, 0.04728177]])
    assert len(caches) == 3
    close(
        caches[0][1],
        [
            [-5.23825714, 3.18040136, 0.4074501, -1.88612721],
            [-2.77358234, -0.56177316, 3.18141623, -0.99209432],
            [4.18500916, -1.78006909, -0.14502619, 2.72141638],
            [5.05850802, -1.25674082, -3.54566654, 3.82321852],
        ],
    )
    close(
        caches[1][1],
        [
            [2.2644603, 1.09971298, -2.90298027, 1.54036335],
            [6.33722569, -2.38116246, -4.11228806, 4.48582383],
            [10.37508342, -0.66591468, 1.63635185, 8.17870169],
        ],
    )
    close(caches[2][1], [[-3.19864676, 0.87117055, -1.40297864, -3.00319435]])
    close(
        caches[1][0][0],
        [
            [0.0, 3.18040136, 0.4074501, 0.0],
            [0.0, 0.0, 3.18141623, 0.0],
            [4.18500916, 0.0, 0.0, 2.72141638],
            [5.05850802, 0.0, 0.0, 3.82321852],
        ],
    )
    assert caches[0][0][0] is X and caches[2][0][1] is parameters["W3"]


def test_compute_cost_exercise_6():
    # PUBLIC_TESTS compute_cost_test: Y = [[1, 1, 0]], AL = [[.8, .9, 0.4]]. NOTEBOOK Exercise 6
    # prints "Cost: 0.2797765635793422" (str of the cost), its expected output.
    cost = compute_cost(np.array([[0.8, 0.9, 0.4]]), np.asarray([[1, 1, 0]]))
    assert "Cost: " + str(cost) == "Cost: 0.2797765635793422"


def test_linear_backward_exercise_7():
    # PUBLIC_TESTS linear_backward_test: seed 1; dZ = randn(3, 4), A = randn(5, 4),
    # W = randn(3, 5), b = randn(3, 1). NOTEBOOK Exercise 7 "Expected Output".
    rng = np.random.RandomState(1)
    dZ, A, W, b = rng.randn(3, 4), rng.randn(5, 4), rng.randn(3, 5), rng.randn(3, 1)
    dA_prev, dW, db = linear_backward(dZ, (A, W, b))
    close(
        dA_prev,
        [
            [-1.15171336, 0.06718465, -0.3204696, 2.09812712],
            [0.60345879, -3.72508701, 5.81700741, -3.84326836],
            [-0.4319552, -1.30987417, 1.72354705, 0.05070578],
            [-0.38981415, 0.60811244, -1.25938424, 1.47191593],
            [-2.52214926, 2.67882552, -0.67947465, 1.48119548],
        ],
    )
    close(
        dW,
        [
            [0.07313866, -0.0976715, -0.87585828, 0.73763362, 0.00785716],
            [0.85508818, 0.37530413, -0.59912655, 0.71278189, -0.58931808],
            [0.97913304, -0.24376494, -0.08839671, 0.55151192, -0.10290907],
        ],
    )
    close(db, [[-0.14713786], [-0.11313155], [-0.13209101]])


@pytest.mark.parametrize(
    "activation, expected_dA_prev, expected_dW, expected_db",
    [
        (
            "sigmoid",
            [[0.11017994, 0.01105339], [0.09466817, 0.00949723], [-0.05743092, -0.00576154]],
            [[0.10266786, 0.09778551, -0.01968084]],
            [[-0.05729622]],
        ),
        (
            "relu",
            [[0.44090989, 0.0], [0.37883606, 0.0], [-0.2298228, 0.0]],
            [[0.44513824, 0.37371418, -0.10478989]],
            [[-0.20837892]],
        ),
    ],
)
def test_linear_activation_backward_exercise_8(
    activation, expected_dA_prev, expected_dW, expected_db
):
    # PUBLIC_TESTS linear_activation_backward_test: seed 2; dA = randn(1, 2), A = randn(3, 2),
    # W = randn(1, 3), b = randn(1, 1), Z = randn(1, 2). NOTEBOOK Exercise 8 "Expected output".
    rng = np.random.RandomState(2)
    dA, A, W, b, Z = (rng.randn(*shape) for shape in [(1, 2), (3, 2), (1, 3), (1, 1), (1, 2)])
    dA_prev, dW, db = linear_activation_backward(dA, ((A, W, b), Z), activation)
    close(dA_prev, expected_dA_prev)
    close(dW, expected_dW)
    close(db, expected_db)


def l_model_backward_case():
    # PUBLIC_TESTS L_model_backward_test (testCases' L_model_backward_test_case): seed 3;
    # AL = randn(1, 2), Y = [[1, 0]]; then A1 (4, 2), W1 (3, 4), b1 (3, 1), Z1 (3, 2), A2 (3, 2),
    # W2 (1, 3), b2 (1, 1), Z2 (1, 2), each randn. AL is not sigmoid(Z2).
    rng = np.random.RandomState(3)
    AL = rng.randn(1, 2)
    Y = np.array([[1, 0]])
    first = ((rng.randn(4, 2), rng.randn(3, 4), rng.randn(3, 1)), rng.randn(3, 2))
    second = ((rng.randn(3, 2), rng.randn(1, 3), rng.randn(1, 1)), rng.randn(1, 2))
    return AL, Y, (first, second)


def test_L_model_backward_exercise_9():
    # NOTEBOOK Exercise 9 "Expected output" (= PUBLIC_TESTS' expected arrays).
    grads = L_model_backward(*l_model_backward_case())
    assert sorted(grads) == ["dA0", "dA1", "dW1", "dW2", "db1", "db2"]
    close(
        grads["dA0"], [[0.0, 0.52257901], [0.0, -0.3269206], [0.0, -0.32070404], [0.0, -0.74079187]]
    )
    close(
        grads["dA1"],
        [[0.12913162, -0.44014127], [-0.14175655, 0.48317296], [0.01663708, -0.05670698]],
    )
    close(
        grads["dW1"],
        [
            [0.41010002, 0.07807203, 0.13798444, 0.10502167],
            [0.0, 0.0, 0.0, 0.0],
            [0.05283652, 0.01005865, 0.01777766, 0.0135308],
        ],
    )
    close(grads["dW2"], [[-0.39202432, -0.13325855, -0.04601089]])
    close(grads["db1"], [[-0.22007063], [0.0], [-0.02835349]])
    close(grads["db2"], [[0.15187861]])


def update_parameters_case():
    # PUBLIC_TESTS update_parameters_test: seed 2; W1 = randn(3, 4), b1 = randn(3, 1),
    # W2 = randn(1, 3), b2 = randn(1, 1); then seed 3; dW1, db1, dW2, db2 of the same shapes.
    rng = np.random.RandomState(2)
    params = {
        "W1": rng.randn(3, 4),
        "b1": rng.randn(3, 1),
        "W2": rng.randn(1, 3),
        "b2": rng.randn(1, 1),
    }
    rng = np.random.RandomState(3)
    grads = {
        "dW1": rng.randn(3, 4),
        "db1": rng.randn(3, 1),
        "dW2": rng.randn(1, 3),
        "db2": rng.randn(1, 1),
    }
    return params, grads


def test_update_parameters_exercise_10():
    # NOTEBOOK Exercise 10 "Expected output", learning rate 0.1.
    params, grads = update_parameters_case()
    kept = {key: value.copy() for key, value in params.items()}
    # The gradients of L_model_backward carry dA{l} too: they must not be read.
    grads["dA0"], grads["dA1"] = np.ones((4, 7)), np.ones((3, 7))
    updated = update_parameters(params, grads, 0.1)
    close(
        updated["W1"],
        [
            [-0.59562069, -0.09991781, -2.14584584, 1.82662008],
            [-1.76569676, -0.80627147, 0.51115557, -1.18258802],
            [-1.0535704, -0.86128581, 0.68284052, 2.20374577],
        ],
    )
    close(updated["b1"], [[-0.04659241], [-1.28888275], [0.53405496]])
    close(updated["W2"], [[-0.55569196, 0.0354055, 1.32964895]])
    close(updated["b2"], [[-0.84610769]])
    assert sorted(updated) == ["W1", "W2", "b1", "b2"]
    for key, value in params.items():  # the notebook's params.copy(): params is left alone
        np.testing.assert_array_equal(value, kept[key])


def test_dnn_utils_helpers_return_the_course_caches():
    Z = np.array([[-2.0, 0.0, 3.0]])
    A, cache = sigmoid(Z)
    np.testing.assert_allclose(A, 1 / (1 + np.exp(-Z)), rtol=1e-15)
    assert cache is Z
    A, cache = relu(Z)
    np.testing.assert_array_equal(A, [[0.0, 0.0, 3.0]])
    assert cache is Z
    dA = np.array([[1.0, 2.0, 3.0]])
    s = 1 / (1 + np.exp(-Z))
    np.testing.assert_allclose(sigmoid_backward(dA, Z), dA * s * (1 - s), rtol=1e-15)
    np.testing.assert_array_equal(relu_backward(dA, Z), [[0.0, 0.0, 3.0]])  # dZ = 0 at z <= 0


def test_L_model_backward_matches_central_differences_of_the_cost():
    # With AL = sigmoid(Z[L]), as L_model_forward makes it, the course's route is the gradient
    # of compute_cost: checked over the flattened parameter vector, W1, b1, ..., b3.
    rng = np.random.RandomState(0)
    X, Y = rng.randn(4, 6), (rng.rand(1, 6) > 0.5).astype(float)
    parameters = {}
    for l, (n, n_prev) in enumerate([(5, 4), (3, 5), (1, 3)], start=1):
        parameters[f"W{l}"], parameters[f"b{l}"] = rng.randn(n, n_prev), rng.randn(n, 1)
    AL, caches = L_model_forward(X, parameters)
    grads = L_model_backward(AL, Y, caches)
    grad = parameters_to_vector({key: grads["d" + key] for key in parameters})
    theta = parameters_to_vector(parameters)

    def cost(vector):
        return compute_cost(L_model_forward(X, vector_to_parameters(vector, parameters))[0], Y)

    eye = np.eye(theta.size) * 1e-6
    numeric = np.array([(cost(theta + e) - cost(theta - e)) / 2e-6 for e in eye])
    assert np.linalg.norm(grad - numeric) / (np.linalg.norm(grad) + np.linalg.norm(numeric)) < 1e-7


def saturated_network():
    """A 2-layer network whose output sigmoid(Z2) is exactly 0 or 1 for three examples of five.

    With W1 the identity and W2 = [[1, -1]], Z2 = relu(x_1) - relu(x_2) = -800, -50, 50, 800,
    0.3: sigmoid gives exactly 0.0 for -800 and exactly 1.0 for 50 and 800 in float64.
    """
    X = np.array([[0.0, 0.0, 50.0, 800.0, 0.3], [800.0, 50.0, 0.0, 0.0, 0.0]])
    parameters = {
        "W1": np.eye(2),
        "b1": np.zeros((2, 1)),
        "W2": np.array([[1.0, -1.0]]),
        "b2": np.zeros((1, 1)),
    }
    return X, np.array([[1, 0, 1, 0, 1]]), parameters


def test_L_model_backward_is_finite_and_exact_at_saturation():
    X, Y, parameters = saturated_network()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(divide="raise", over="raise", invalid="raise"):
            AL, caches = L_model_forward(X, parameters)
            grads = L_model_backward(AL, Y, caches)
            cost = compute_cost(AL, Y)
    assert AL[0, 0] == 0.0 and AL[0, 2] == 1.0 and AL[0, 3] == 1.0
    # Two confident misses, each -log(1e-15) once AL is kept inside [1e-15, 1 - 1e-15].
    assert np.isfinite(cost) and cost > 2 * 34.5 / 5
    assert all(np.all(np.isfinite(value)) for value in grads.values())
    # The reference: dZ[L] = AL - Y, what dAL * s (1 - s) is when AL = sigmoid(Z[L]).
    dZ2 = AL - Y
    A1 = caches[1][0][0]
    np.testing.assert_allclose(grads["dW2"], dZ2 @ A1.T / 5, rtol=1e-12)
    np.testing.assert_allclose(grads["db2"], dZ2.sum(axis=1, keepdims=True) / 5, rtol=1e-12)
    dZ1 = (parameters["W2"].T @ dZ2) * (caches[0][1] > 0)
    np.testing.assert_allclose(grads["dW1"], dZ1 @ X.T / 5, rtol=1e-12)
    np.testing.assert_allclose(grads["dA0"], parameters["W1"].T @ dZ1, rtol=1e-12)


def test_L_model_backward_refuses_an_AL_of_0_that_is_not_sigmoid_of_Z():
    AL, Y, caches = l_model_backward_case()
    AL = np.array([[0.0, 0.5]])  # Y = 1 there, and sigmoid(Z2) is not 0: dAL is -infinity
    with pytest.raises(ValueError, match=r"not finite at example 0, where AL = 0\.0"):
        L_model_backward(AL, Y, caches)


def test_bad_input_is_refused_in_course_notation():
    rng = np.random.RandomState(0)
    A, W, b = rng.randn(3, 2), rng.randn(1, 4), rng.randn(1, 1)
    with pytest.raises(
        ValueError, match=r"W must have shape \(n_l, n_\{l-1\}\) with n_\{l-1\} = 3"
    ):
        linear_forward(A, W, b)
    with pytest.raises(ValueError, match=r"b must have shape \(n_l, 1\) = \(1, 1\)"):
        linear_forward(A, rng.randn(1, 3), rng.randn(2, 1))
    with pytest.raises(ValueError, match='activation must be "sigmoid" or "relu"'):
        linear_activation_forward(A, rng.randn(1, 3), b, "tanh")
    X, parameters = l_model_forward_case()
    with pytest.raises(ValueError, match=r"X must have shape \(n_x, m\) with n_x = 5"):
        L_model_forward(X[:4], parameters)
    del parameters["b2"]
    with pytest.raises(ValueError, match="parameters"):
        L_model_forward(X, parameters)
    params, grads = update_parameters_case()
    del grads["db2"]
    with pytest.raises(ValueError, match="grads lacks db2"):
        update_parameters(params, grads, 0.1)
    with pytest.raises(TypeError, match="n_h must be an int"):
        initialize_parameters(3, 2.5, 1)
    with pytest.raises(ValueError, match=r"AL and Y must have one shape \(1, m\)"):
        compute_cost(np.array([[0.5, 0.5]]), np.array([[1, 0, 1]]))
