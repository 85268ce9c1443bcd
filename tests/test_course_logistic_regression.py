"""deepcat.course.logistic_regression reproduces Course 1 week 2's published figures.

Sources (the newest version, notebook "v1.2"):

- NOTEBOOK: sks01dev/Deep-Learning-Specialization,
  W2A2/Logistic_Regression_with_a_Neural_Network_mindset.ipynb, "Logistic Regression with a
  Neural Network mindset": the exercise cells' printed outputs and the training run.
- PUBLIC_TESTS: Overlrd/numpy_logistic_regression_classifier, public_tests.py, the notebook's
  graders (sigmoid_test, initialize_with_zeros_test_1/2, propagate_test, optimize_test,
  predict_test, model_test).

Printed values are compared at their printed precision. Where the course prints a float's full
repr (``db = -0.1250040450043965``) the comparison is to 1e-12 relative: deepcat computes the
cost from ``Z`` rather than from ``log(A)``, which agrees to about 1e-13.
"""

import warnings

import numpy as np
import pytest

from deepcat.course.logistic_regression import (
    initialize_with_zeros,
    load_dataset,
    model,
    optimize,
    predict,
    propagate,
    sigmoid,
)

PRINTED_8 = 5e-9  # half the last digit of values printed with 8 decimals

# NOTEBOOK, Exercise 8 run: model(..., num_iterations=2000, learning_rate=0.005, print_cost=True)
CAT_RUN_LINES = [
    "Cost after iteration 0: 0.693147",
    "Cost after iteration 100: 0.584508",
    "Cost after iteration 200: 0.466949",
    "Cost after iteration 300: 0.376007",
    "Cost after iteration 400: 0.331463",
    "Cost after iteration 500: 0.303273",
    "Cost after iteration 600: 0.279880",
    "Cost after iteration 700: 0.260042",
    "Cost after iteration 800: 0.242941",
    "Cost after iteration 900: 0.228004",
    "Cost after iteration 1000: 0.214820",
    "Cost after iteration 1100: 0.203078",
    "Cost after iteration 1200: 0.192544",
    "Cost after iteration 1300: 0.183033",
    "Cost after iteration 1400: 0.174399",
    "Cost after iteration 1500: 0.166521",
    "Cost after iteration 1600: 0.159305",
    "Cost after iteration 1700: 0.152667",
    "Cost after iteration 1800: 0.146542",
    "Cost after iteration 1900: 0.140872",
    "train accuracy: 99.04306220095694 %",
    "test accuracy: 70.0 %",
]


def _flatten(pictures):
    """The notebook's preprocessing: ``x.reshape(m, -1).T / 255.``"""
    return pictures.reshape(pictures.shape[0], -1).T / 255.0


@pytest.fixture(scope="module")
def cat_data(catvnoncat_path):
    return load_dataset(catvnoncat_path)


@pytest.fixture(scope="module")
def cat_run(cat_data):
    """The notebook's training run, with what it printed."""
    import contextlib
    import io

    train_x, train_y, test_x, test_y, _ = cat_data
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        d = model(
            _flatten(train_x),
            train_y,
            _flatten(test_x),
            test_y,
            num_iterations=2000,
            learning_rate=0.005,
            print_cost=True,
        )
    return d, printed.getvalue().splitlines()


def test_sigmoid_published_values():
    # PUBLIC_TESTS sigmoid_test; NOTEBOOK Exercise 3 prints "sigmoid([0, 2]) = [0.5 0.88079708]".
    output = sigmoid(np.array([0, 2]))
    assert isinstance(output, np.ndarray)
    np.testing.assert_allclose(output, [0.5, 0.88079708], atol=PRINTED_8)
    np.testing.assert_allclose(sigmoid(1), 0.7310585, atol=5e-8)
    # NOTEBOOK, the cell after Exercise 3: sigmoid([0.5, 0, 2.0]) = [0.62245933 0.5 0.88079708]
    np.testing.assert_allclose(
        sigmoid(np.array([0.5, 0, 2.0])), [0.62245933, 0.5, 0.88079708], atol=PRINTED_8
    )


def test_sigmoid_saturates_without_warnings():
    # exp(-1000) underflowing to 0 is the finite answer; overflow, 0/0 and log(0) are not.
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        np.testing.assert_array_equal(sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])


@pytest.mark.parametrize("dim", [2, 3, 4])  # NOTEBOOK Exercise 4 (2), PUBLIC_TESTS (3, 4)
def test_initialize_with_zeros(dim):
    w, b = initialize_with_zeros(dim)
    assert type(b) is float and b == 0.0
    assert isinstance(w, np.ndarray) and w.shape == (dim, 1) and not w.any()


@pytest.mark.parametrize("dim", [0, -1, 2.0, True])
def test_initialize_with_zeros_refuses_a_bad_dimension(dim):
    with pytest.raises(ValueError, match="dim must be an int >= 1"):
        initialize_with_zeros(dim)


def test_propagate_notebook_case():
    # NOTEBOOK Exercise 5: w = [[1], [2]], b = 1.5, X = [[1, -2, -1], [3, 0.5, -3.2]],
    # Y = [[1, 1, 0]]
    grads, cost = propagate(
        np.array([[1.0], [2]]), 1.5, np.array([[1.0, -2.0, -1.0], [3.0, 0.5, -3.2]]), [[1, 1, 0]]
    )
    np.testing.assert_allclose(grads["dw"], [[0.25071532], [-0.06604096]], atol=PRINTED_8)
    assert type(grads["db"]) is np.float64  # the notebook asserts it
    assert grads["db"] == pytest.approx(-0.1250040450043965, rel=1e-12)
    assert cost == pytest.approx(0.15900537707692405, rel=1e-12)


def test_propagate_public_test_case():
    # PUBLIC_TESTS propagate_test
    w, b = np.array([[1.0], [2.0], [-1]]), 2.5
    X = np.array([[1.0, 2.0, -1.0, 0], [3.0, 4.0, -3.2, 1], [3.0, 4.0, -3.2, -3.5]])
    grads, cost = propagate(w, b, X, np.array([[1, 1, 0, 0]]))
    assert grads["dw"].shape == w.shape
    np.testing.assert_allclose(
        grads["dw"], [[-0.03909333], [0.12501464], [-0.99960809]], atol=PRINTED_8
    )
    assert grads["db"] == pytest.approx(0.288106326429569, rel=1e-12)
    assert cost == pytest.approx(2.0424567983978403, rel=1e-12)


def test_propagate_is_finite_when_the_prediction_saturates():
    # A confident wrong answer: z = -1000 for a cat. log(A) would be log(0) = -inf.
    w, X = np.array([[1.0]]), np.array([[-1000.0, 1000.0]])
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        grads, cost = propagate(w, 0.0, X, np.array([[1, 0]]))
    assert cost == pytest.approx(1000.0)
    np.testing.assert_allclose(grads["dw"], [[1000.0]])
    assert grads["db"] == 0.0


def test_optimize_notebook_case():
    # NOTEBOOK Exercise 6: the Exercise 5 inputs, num_iterations=100, learning_rate=0.009
    w = np.array([[1.0], [2]])
    X = np.array([[1.0, -2.0, -1.0], [3.0, 0.5, -3.2]])
    params, grads, costs = optimize(w, 1.5, X, np.array([[1, 1, 0]]), 100, 0.009, False)
    np.testing.assert_allclose(params["w"], [[0.80956046], [2.0508202]], atol=PRINTED_8)
    assert params["b"] == pytest.approx(1.5948713189708588, rel=1e-12)
    np.testing.assert_allclose(grads["dw"], [[0.17860505], [-0.04840656]], atol=PRINTED_8)
    assert grads["db"] == pytest.approx(-0.08888460336847771, rel=1e-12)
    assert isinstance(costs, list)
    np.testing.assert_allclose(costs, [0.15900538], atol=PRINTED_8)  # "Costs = [array(0.15900538)]"
    np.testing.assert_array_equal(w, [[1.0], [2.0]])  # the caller's w is not changed


def test_optimize_public_test_case(capsys):
    # PUBLIC_TESTS optimize_test: 101 iterations record costs at 0 and 100
    w, b = np.array([[1.0], [2.0]]), 2.0
    X, Y = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]]), np.array([[1, 0, 1]])
    params, grads, costs = optimize(w, b, X, Y, num_iterations=101, learning_rate=0.1)
    np.testing.assert_allclose(costs, [5.80154532, 0.31057104], atol=PRINTED_8)
    np.testing.assert_allclose(params["w"], [[-0.70916784], [-0.42390859]], atol=PRINTED_8)
    assert params["b"] == pytest.approx(2.26891346, abs=PRINTED_8)
    np.testing.assert_allclose(grads["dw"], [[0.06188603], [-0.01407361]], atol=PRINTED_8)
    # The test's -0.04709353 is -0.0470935376... cut, not rounded: np.allclose's 1e-8, as there.
    assert grads["db"] == pytest.approx(-0.04709353, abs=1e-8)
    assert capsys.readouterr().out == ""  # print_cost defaults to False
    optimize(w, b, X, Y, num_iterations=101, learning_rate=0.1, print_cost=True)
    assert capsys.readouterr().out.splitlines() == [
        "Cost after iteration 0: 5.801545",
        "Cost after iteration 100: 0.310571",
    ]


def test_predict_published_cases():
    # NOTEBOOK Exercise 7 prints "predictions = [[1. 1. 0.]]"
    notebook = predict(
        np.array([[0.1124579], [0.23106775]]), -0.3, np.array([[1.0, -1.1, -3.2], [1.2, 2.0, 0.1]])
    )
    assert notebook.dtype == np.float64
    np.testing.assert_array_equal(notebook, [[1.0, 1.0, 0.0]])
    # PUBLIC_TESTS predict_test
    X = np.array([[1.0, -0.3, 1.5], [2, 0, 1], [0, -1.5, 2]])
    np.testing.assert_array_equal(
        predict(np.array([[0.3], [0.5], [-0.2]]), -0.33333, X), [[1, 0, 1]]
    )


def test_model_public_test_case():
    # PUBLIC_TESTS model_test: np.random.seed(0), X = randn(4, 7), then x_test = randn(4, 3)
    rng = np.random.RandomState(0)
    X = rng.randn(4, 7)
    x_test = rng.randn(4, 3)
    d = model(X, np.array([[1, 0, 0, 1, 0, 0, 1]]), x_test, np.array([[0, 1, 0]]), 50, 0.01)
    assert sorted(d) == sorted(
        [
            "costs",
            "Y_prediction_test",
            "Y_prediction_train",
            "w",
            "b",
            "learning_rate",
            "num_iterations",
        ]
    )
    np.testing.assert_allclose(d["costs"], [0.69314718], atol=PRINTED_8)
    np.testing.assert_allclose(
        d["w"], [[0.08639757], [-0.08231268], [-0.11798927], [0.12866053]], atol=PRINTED_8
    )
    assert d["b"] == pytest.approx(-0.03983236094816321, rel=1e-12)
    np.testing.assert_array_equal(d["Y_prediction_test"], [[1.0, 1.0, 0.0]])
    np.testing.assert_array_equal(d["Y_prediction_train"], [[1, 1, 0, 1, 0, 0, 1]])
    assert (d["learning_rate"], d["num_iterations"]) == (0.01, 50)
    # An older model_test passes y_test of shape (m_test,): accepted too.
    assert model(X, [[1, 0, 0, 1, 0, 0, 1]], x_test, np.array([0, 1, 0]), 50, 0.01)["b"] == d["b"]


def test_load_dataset_in_lr_utils_form(cat_data):
    train_x, train_y, test_x, test_y, classes = cat_data
    # NOTEBOOK Exercise 1 prints these shapes
    assert train_x.shape == (209, 64, 64, 3) and train_x.dtype == np.uint8
    assert test_x.shape == (50, 64, 64, 3) and test_x.dtype == np.uint8
    assert train_y.shape == (1, 209) and test_y.shape == (1, 50)
    assert classes.tolist() == [b"non-cat", b"cat"]
    assert classes[1].decode("utf-8") == "cat"  # the notebook's classes[...].decode("utf-8")
    # NOTEBOOK Exercise 2 checks the first ten pixels of the second picture of each set
    train_flat, test_flat = train_x.reshape(209, -1).T, test_x.reshape(50, -1).T
    assert train_flat[0:10, 1].tolist() == [196, 192, 190, 193, 186, 182, 188, 179, 174, 213]
    assert test_flat[0:10, 1].tolist() == [115, 110, 111, 137, 129, 129, 155, 146, 145, 159]


def test_load_dataset_says_where_it_looked(tmp_path):
    with pytest.raises(FileNotFoundError, match="train_catvnoncat.h5"):
        load_dataset(tmp_path)


def test_cat_run_prints_the_published_lines(cat_run):
    assert cat_run[1] == CAT_RUN_LINES


def test_cat_run_returns_the_published_model(cat_run, cat_data):
    d, _ = cat_run
    assert len(d["costs"]) == 20
    assert [f"{c:f}" for c in d["costs"]] == [line.rsplit(" ", 1)[1] for line in CAT_RUN_LINES[:20]]
    _, train_y, _, test_y, _ = cat_data
    assert int((d["Y_prediction_train"] == train_y).sum()) == 207  # 99.04306220095694 % of 209
    assert int((d["Y_prediction_test"] == test_y).sum()) == 35  # 70.0 % of 50
    assert d["w"].shape == (12288, 1)
    assert (d["learning_rate"], d["num_iterations"]) == (0.005, 2000)


def test_model_prints_nothing_by_default(capsys):
    X = np.array([[0.0, 1.0, 2.0, 3.0]])
    model(X, [[0, 0, 1, 1]], X, [[0, 0, 1, 1]], num_iterations=10)
    assert capsys.readouterr().out == ""


def test_bad_inputs_are_refused_in_course_notation():
    X, Y = np.ones((3, 4)), np.array([[1, 0, 1, 0]])
    with pytest.raises(ValueError, match=r"w must have shape \(n_x, 1\) = \(3, 1\)"):
        propagate(np.zeros((4, 1)), 0.0, X, Y)
    with pytest.raises(ValueError, match=r"Y must have shape \(1, m\) = \(1, 4\)"):
        propagate(np.zeros((3, 1)), 0.0, X, Y.T)
    with pytest.raises(ValueError, match="labels 0 or 1"):
        propagate(np.zeros((3, 1)), 0.0, X, [[2, 0, 1, 0]])
    with pytest.raises(ValueError, match=r"X must be 2-D with shape \(n_x, m\)"):
        predict(np.zeros((3, 1)), 0.0, np.ones(3))
    with pytest.raises(TypeError, match="X must be a numeric array"):
        predict(np.zeros((1, 1)), 0.0, [["a"]])
    with pytest.raises(ValueError, match="NaN or infinity"):
        propagate(np.zeros((3, 1)), 0.0, np.full((3, 4), np.nan), Y)
    with pytest.raises(ValueError, match="b must be one finite number"):
        optimize(np.zeros((3, 1)), np.zeros(2), X, Y)
    with pytest.raises(ValueError, match="X_test must have as many rows n_x as X_train"):
        model(X, Y, np.ones((2, 4)), Y)
    with pytest.raises(TypeError, match="num_iterations must be an int"):
        optimize(np.zeros((3, 1)), 0.0, X, Y, num_iterations=10.0)
