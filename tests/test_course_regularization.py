"""deepcat.course.regularization against Course 2 week 1, "Regularization" (v1.1) and its
reg_utils.py and testCases.py.

Sources:
- the test cases' inputs: david-d-an/Chapter2Week1, testCases.py
  (compute_cost_with_regularization_test_case, backward_propagation_with_regularization_test_case,
  forward_propagation_with_dropout_test_case, backward_propagation_with_dropout_test_case),
  transcribed below;
- their expected values: the notebook's printed output and "Expected Output" tables, the same
  in every public copy of the notebook found (cost = 1.78648594516; dW1, dW2, dW3; A3; dA1, dA2);
- reg_utils.py: david-d-an/Chapter2Week1, reg_utils.py (initialize_parameters with seed 3 and
  ``/ sqrt(n_{l-1})``, load_2D_dataset reading datasets/data.mat).

The three training runs of the notebook need datasets/data.mat, which ships with the course:
their figures are not tested here (see the module's docstring); the training loop is.
"""

import contextlib
import io
import warnings

import numpy as np
import pytest

from deepcat.course.regularization import (
    backward_propagation,
    backward_propagation_with_dropout,
    backward_propagation_with_regularization,
    compute_cost,
    compute_cost_with_regularization,
    forward_propagation,
    forward_propagation_with_dropout,
    initialize_parameters,
    load_2D_dataset,
    model,
    predict,
)

Y_ASSESS = np.array([[1, 1, 0, 1, 0]])
A3_ASSESS = np.array([[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]])

# testCases.backward_propagation_with_regularization_test_case's cache
# (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3).
REG_CACHE = (
    [[-1.52855314, 3.32524635, 2.13994541, 2.60700654, -0.75942115],
     [-1.98043538, 4.1600994, 0.79051021, 1.46493512, -0.45506242]],
    [[0.0, 3.32524635, 2.13994541, 2.60700654, 0.0],
     [0.0, 4.1600994, 0.79051021, 1.46493512, 0.0]],
    [[-1.09989127, -0.17242821, -0.87785842], [0.04221375, 0.58281521, -1.10061918]],
    [[1.14472371], [0.90159072]],
    [[0.53035547, 5.94892323, 2.31780174, 3.16005701, 0.53035547],
     [-0.69166075, -3.47645987, -2.25194702, -2.65416996, -0.69166075],
     [-0.39675353, -4.62285846, -2.61101729, -3.22874921, -0.39675353]],
    [[0.53035547, 5.94892323, 2.31780174, 3.16005701, 0.53035547],
     [0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]],
    [[0.50249434, 0.90085595], [-0.68372786, -0.12289023], [-0.93576943, -0.26788808]],
    [[0.53035547], [-0.69166075], [-0.39675353]],
    [[-0.3771104, -4.10060224, -1.60539468, -2.18416951, -0.3771104]],
    [[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]],
    [[-0.6871727, -0.84520564, -0.67124613]],
    [[-0.0126646]],
)  # fmt: skip

# testCases.backward_propagation_with_dropout_test_case's cache
# (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3).
DROPOUT_CACHE = (
    [[-1.52855314, 3.32524635, 2.13994541, 2.60700654, -0.75942115],
     [-1.98043538, 4.1600994, 0.79051021, 1.46493512, -0.45506242]],
    [[True, False, True, True, True], [True, True, True, True, False]],
    [[0.0, 0.0, 4.27989081, 5.21401307, 0.0], [0.0, 8.32019881, 1.58102041, 2.92987024, 0.0]],
    [[-1.09989127, -0.17242821, -0.87785842], [0.04221375, 0.58281521, -1.10061918]],
    [[1.14472371], [0.90159072]],
    [[0.53035547, 8.02565606, 4.10524802, 5.78975856, 0.53035547],
     [-0.69166075, -1.71413186, -3.81223329, -4.61667916, -0.69166075],
     [-0.39675353, -2.62563561, -4.82528105, -6.0607449, -0.39675353]],
    [[True, False, True, False, True], [False, True, False, True, True],
     [False, False, True, False, False]],
    [[1.06071093, 0.0, 8.21049603, 0.0, 1.06071093], [0.0, 0.0, 0.0, 0.0, 0.0],
     [0.0, 0.0, 0.0, 0.0, 0.0]],
    [[0.50249434, 0.90085595], [-0.68372786, -0.12289023], [-0.93576943, -0.26788808]],
    [[0.53035547], [-0.69166075], [-0.39675353]],
    [[-0.7415562, -0.0126646, -5.65469333, -0.0126646, -0.7415562]],
    [[0.32266394, 0.49683389, 0.00348883, 0.49683389, 0.32266394]],
    [[-0.6871727, -0.84520564, -0.67124613]],
    [[-0.0126646]],
)  # fmt: skip

EXPECTED_COST = 1.78648594516
EXPECTED_DW = {
    "dW1": [[-0.25604646, 0.12298827, -0.28297129], [-0.17706303, 0.34536094, -0.4410571]],
    "dW2": [[0.79276486, 0.85133918], [-0.0957219, -0.01720463], [-0.13100772, -0.03750433]],
    "dW3": [[-1.77691347, -0.11832879, -0.09397446]],
}
EXPECTED_A3 = [[0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721]]
EXPECTED_DA = {
    "dA1": [[0.36544439, 0.0, -0.00188233, 0.0, -0.17408748],
            [0.65515713, 0.0, -0.00337459, 0.0, -0.0]],
    "dA2": [[0.58180856, 0.0, -0.00299679, 0.0, -0.27715731],
            [0.0, 0.53159854, -0.0, 0.53159854, -0.34089673],
            [0.0, 0.0, -0.00292733, 0.0, -0.0]],
}  # fmt: skip
HALF_LAST_DIGIT = 5e-9  # the values are printed with 8 decimals


def draws(shapes):
    """``np.random.seed(1)`` then ``randn`` of each shape, as the test cases draw them."""
    rng = np.random.RandomState(1)
    return [rng.randn(*shape) for shape in shapes]


def three_layer(first):
    """X (3, 5) then W1 (2, 3), b1, W2 (3, 2), b2, W3 (1, 3), b3, after seed 1."""
    shapes = [(2, 3), (2, 1), (3, 2), (3, 1), (1, 3), (1, 1)]
    values = draws(([first] if first else []) + shapes)
    X = values.pop(0) if first else None
    return X, dict(zip(["W1", "b1", "W2", "b2", "W3", "b3"], values, strict=True))


def test_compute_cost_with_regularization():
    _, parameters = three_layer(None)
    cost = compute_cost_with_regularization(A3_ASSESS, Y_ASSESS, parameters, lambd=0.1)
    assert cost == pytest.approx(EXPECTED_COST, abs=5e-12)


def test_backward_propagation_with_regularization():
    X = draws([(3, 5)])[0]
    grads = backward_propagation_with_regularization(X, Y_ASSESS, REG_CACHE, lambd=0.7)
    assert list(grads) == [
        "dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"
    ]  # fmt: skip
    for key, expected in EXPECTED_DW.items():
        np.testing.assert_allclose(grads[key], expected, atol=HALF_LAST_DIGIT)


def test_lambd_zero_is_reg_utils_backward_propagation():
    X = draws([(3, 5)])[0]
    plain = backward_propagation(X, Y_ASSESS, REG_CACHE)
    regularized = backward_propagation_with_regularization(X, Y_ASSESS, REG_CACHE, lambd=0.7)
    W3 = np.array(REG_CACHE[10])
    np.testing.assert_allclose(regularized["dW3"] - plain["dW3"], 0.7 / 5 * W3, atol=1e-15)
    np.testing.assert_array_equal(regularized["db2"], plain["db2"])


def test_forward_propagation_with_dropout():
    X, parameters = three_layer((3, 5))
    A3, cache = forward_propagation_with_dropout(X, parameters, keep_prob=0.7)
    np.testing.assert_allclose(A3, EXPECTED_A3, atol=HALF_LAST_DIGIT)
    assert len(cache) == 14
    D1, A1 = cache[1], cache[2]
    assert set(np.unique(D1)) <= {0, 1}
    np.testing.assert_allclose(A1, np.maximum(cache[0], 0) * D1 / 0.7)


def test_dropout_masks_are_the_same_at_every_call_and_leave_the_global_state():
    X, parameters = three_layer((3, 5))
    np.random.seed(5)
    expected = np.random.rand()
    np.random.seed(5)
    first = forward_propagation_with_dropout(X, parameters, keep_prob=0.7)[1]
    second = forward_propagation_with_dropout(X, parameters, keep_prob=0.7)[1]
    assert np.random.rand() == expected
    np.testing.assert_array_equal(first[1], second[1])
    np.testing.assert_array_equal(first[6], second[6])


def test_keep_prob_one_keeps_every_unit():
    X, parameters = three_layer((3, 5))
    A3, cache = forward_propagation_with_dropout(X, parameters, keep_prob=1)
    assert cache[1].all() and cache[6].all()
    np.testing.assert_allclose(A3, forward_propagation(X, parameters)[0])


def test_backward_propagation_with_dropout():
    X = draws([(3, 5)])[0]
    grads = backward_propagation_with_dropout(X, Y_ASSESS, DROPOUT_CACHE, keep_prob=0.8)
    for key, expected in EXPECTED_DA.items():
        np.testing.assert_allclose(grads[key], expected, atol=HALF_LAST_DIGIT)


def test_initialize_parameters_is_reg_utils():
    parameters = initialize_parameters([2, 20, 3, 1])
    rng = np.random.RandomState(3)
    np.testing.assert_array_equal(parameters["W1"], rng.randn(20, 2) / np.sqrt(2))
    np.testing.assert_array_equal(parameters["W2"], rng.randn(3, 20) / np.sqrt(20))
    assert not parameters["b3"].any()


# -- the notebook's model, on data made here ------------------------------------------------------


@pytest.fixture(scope="module")
def diagonal():
    """Points on either side of a diagonal, the data.mat set's shape: X (2, 200), Y (1, 200)."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-0.8, 0.8, size=(2, 200))
    Y = (X[1] - X[0] + 0.1 * rng.randn(200) > 0).astype(int).reshape(1, -1)
    return X, Y


def run_model(X, Y, **settings):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        parameters = model(X, Y, **settings)
        predict(X, Y, parameters)
    return out.getvalue().splitlines()


def test_model_prints_every_10000_iterations(diagonal, monkeypatch):
    """The notebook prints at iterations 0, 10000 and 20000 of 30000; a shorter period shows
    the same cadence in less time."""
    from deepcat.course import regularization

    assert regularization.PRINT_EVERY == 10000
    monkeypatch.setattr(regularization, "PRINT_EVERY", 500)
    X, Y = diagonal
    lines = run_model(X[:, :40], Y[:, :40], num_iterations=1001)
    assert [line.split(": ")[0] for line in lines] == [
        "Cost after iteration 0",
        "Cost after iteration 500",
        "Cost after iteration 1000",
        "Accuracy",
    ]
    assert float(lines[2].split(": ")[1]) < float(lines[0].split(": ")[1])


@pytest.mark.parametrize("settings", [{}, {"lambd": 0.7}, {"keep_prob": 0.86}])
def test_model_learns_with_each_regularization(diagonal, settings):
    lines = run_model(*diagonal, num_iterations=1500, **settings)
    assert len(lines) == 2 and lines[0].startswith("Cost after iteration 0: 0.6")
    assert float(lines[1].split(": ")[1]) > 0.9


def test_model_refuses_l2_with_dropout(diagonal):
    with pytest.raises(ValueError, match="not both"):
        model(*diagonal, lambd=0.7, keep_prob=0.86)


def test_load_2D_dataset_explains_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="data.mat comes with the course"):
        load_2D_dataset(tmp_path / "datasets" / "data.mat")


def test_load_2D_dataset_reads_the_courses_layout(tmp_path):
    from scipy.io import savemat

    rng = np.random.RandomState(0)
    X, Xval = rng.randn(211, 2), rng.randn(200, 2)
    y, yval = rng.randint(0, 2, (211, 1)), rng.randint(0, 2, (200, 1))
    path = tmp_path / "data.mat"
    savemat(path, {"X": X, "y": y, "Xval": Xval, "yval": yval})
    train_X, train_Y, test_X, test_Y = load_2D_dataset(path)
    assert train_X.shape == (2, 211) and train_Y.shape == (1, 211)
    np.testing.assert_array_equal(test_X, Xval.T)
    savemat(path, {"X": X})
    with pytest.raises(ValueError, match="no y, Xval, yval"):
        load_2D_dataset(path)


def test_saturation_is_finite_without_warnings():
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        assert np.isfinite(compute_cost(np.array([[1.0, 0.0]]), np.array([[0, 1]])))
        X, parameters = three_layer((3, 5))
        parameters["W3"] = parameters["W3"] * 1e4
        A3, cache = forward_propagation_with_dropout(X * 100, parameters, keep_prob=0.5)
        backward_propagation_with_dropout(X * 100, Y_ASSESS, cache, keep_prob=0.5)


def test_bad_input_is_refused():
    X, parameters = three_layer((3, 5))
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
        forward_propagation_with_dropout(X, parameters, keep_prob=0)
    with pytest.raises(ValueError, match="lambd must be in"):
        compute_cost_with_regularization(A3_ASSESS, Y_ASSESS, parameters, lambd=-1)
    with pytest.raises(ValueError, match="cache must be the course's tuple"):
        backward_propagation_with_dropout(X, Y_ASSESS, REG_CACHE[:5], keep_prob=0.8)
    with pytest.raises(ValueError, match="Y labels must be 0 or 1"):
        backward_propagation(X, Y_ASSESS * 2, REG_CACHE)
