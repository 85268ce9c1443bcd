"""deepcat.course.application against Course 1 week 4, "Deep Neural Network - Application", the
newest published notebook (the 2021 revision, W4A2), and its dnn_app_utils_v3 helpers.

Sources, cited per test:

* NOTEBOOK: repository Ali-Asgar-Lakdawala/Neural-Networks-and-Deep-Learning, file
  "Deep Neural Network - Application.ipynb": the course's notebook, run, with its printed
  outputs and "Expected Output" tables.
* PUBLIC_TESTS: repository guangfjy/dlcatclassifier, file public_tests.py (the W4A2 public tests
  two_layer_model_test and L_layer_model_test): input recipes and expected parameters.
* UTILS: the same repository's dnn_app_utils_v3.py: initialize_parameters_deep draws
  ``randn(n_l, n_{l-1}) / sqrt(n_{l-1})`` after ``np.random.seed(1)``.

The training runs on the cat pictures print 16- or 17-digit costs. Copies of the course's own
run disagree with one another in the last one or two digits (the order of the BLAS sums; at
iteration 1600 of the 2-layer model the published copies span 0.17080762978096023 to
0.1708076297809692), so each printed cost is compared to 1e-14; the iteration numbers, the
number of lines and the accuracies are compared exactly.
"""

import contextlib
import io
import re

import matplotlib
import numpy as np
import pytest
from threadpoolctl import threadpool_limits

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from deepcat.course.application import (  # noqa: E402
    L_layer_model,
    compute_cost,
    initialize_parameters_deep,
    load_data,
    plot_costs,
    predict,
    print_mislabeled_images,
    two_layer_model,
    update_parameters,
)

PRINTED = {"atol": 5e-9, "rtol": 0}
COST_DIGITS = 1e-14
LINE = re.compile(r"Cost after iteration (\d+): (\S+)")

# NOTEBOOK, 4.1 "Train the model": two_layer_model(train_x, train_y, (12288, 7, 1),
# num_iterations=2500, print_cost=True), then predict on the training and test sets.
TWO_LAYER_COSTS = [
    0.693049735659989,
    0.6464320953428849,
    0.6325140647912677,
    0.6015024920354665,
    0.5601966311605747,
    0.5158304772764729,
    0.4754901313943325,
    0.43391631512257495,
    0.4007977536203886,
    0.3580705011323798,
    0.3394281538366413,
    0.30527536361962654,
    0.2749137728213015,
    0.2468176821061484,
    0.19850735037466102,
    0.17448318112556638,
    0.1708076297809692,
    0.11306524562164715,
    0.09629426845937156,
    0.0834261795972687,
    0.07439078704319085,
    0.06630748132267933,
    0.05919329501038172,
    0.053361403485605606,
    0.04855478562877019,
    0.04421498215868956,
]  # iterations 0, 100, ..., 2400, then 2499
TWO_LAYER_ACCURACY = ("Accuracy: 0.9999999999999998", "Accuracy: 0.72")

# NOTEBOOK, 5.1 "Train the model": L_layer_model(train_x, train_y, [12288, 20, 7, 5, 1],
# num_iterations=2500, print_cost=True), then predict.
L_LAYER_COSTS = [
    0.7717493284237686,
    0.6720534400822914,
    0.6482632048575212,
    0.6115068816101356,
    0.5670473268366111,
    0.5401376634547801,
    0.5279299569455267,
    0.4654773771766851,
    0.369125852495928,
    0.39174697434805344,
    0.31518698886006163,
    0.2726998441789385,
    0.23741853400268137,
    0.19960120532208644,
    0.18926300388463307,
    0.16118854665827753,
    0.14821389662363316,
    0.13777487812972944,
    0.1297401754919012,
    0.12122535068005211,
    0.11382060668633713,
    0.10783928526254133,
    0.10285466069352679,
    0.10089745445261786,
    0.09287821526472398,
    0.08843994344170202,
]
L_LAYER_ACCURACY = ("Accuracy: 0.9856459330143539", "Accuracy: 0.8")
PRINTED_ITERATIONS = list(range(0, 2500, 100)) + [2499]


def run(function, *args, **kwargs):
    """``function(*args, **kwargs)`` and the lines it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = function(*args, **kwargs)
    return result, out.getvalue().splitlines()


def printed_costs(lines):
    matches = [LINE.fullmatch(line) for line in lines]
    assert all(matches), lines
    return [int(m[1]) for m in matches], [float(m[2]) for m in matches]


@pytest.fixture(scope="module")
def cat_data(catvnoncat_path):
    # NOTEBOOK, section 2: the pictures flattened to columns and divided by 255.
    train_x_orig, train_y, test_x_orig, test_y, classes = load_data(catvnoncat_path)
    train_x = train_x_orig.reshape(train_x_orig.shape[0], -1).T / 255.0
    test_x = test_x_orig.reshape(test_x_orig.shape[0], -1).T / 255.0
    return train_x, train_y, test_x, test_y, classes


def trained(model, layers_dims, cat_data):
    train_x, train_y, test_x, test_y, _ = cat_data
    # One BLAS thread: these products are small, and on a shared machine OpenBLAS's threads
    # spend more time waiting for each other than computing (the sums are the same).
    with threadpool_limits(limits=1, user_api="blas"):
        (parameters, costs), lines = run(
            model, train_x, train_y, layers_dims, num_iterations=2500, print_cost=True
        )
        _, train_line = run(predict, train_x, train_y, parameters)
        predictions, test_line = run(predict, test_x, test_y, parameters)
    return parameters, costs, lines, train_line + test_line, predictions


@pytest.fixture(scope="module")
def two_layer_run(cat_data):
    return trained(two_layer_model, (12288, 7, 1), cat_data)


@pytest.fixture(scope="module")
def l_layer_run(cat_data):
    return trained(L_layer_model, [12288, 20, 7, 5, 1], cat_data)


def test_load_data_returns_the_course_arrays(cat_data, catvnoncat_path):
    # NOTEBOOK, section 2: train_x_orig (209, 64, 64, 3), train_y (1, 209), test_x_orig
    # (50, 64, 64, 3), test_y (1, 50); classes[k].decode("utf-8") names label k.
    train_x_orig, train_y, test_x_orig, test_y, classes = load_data(catvnoncat_path)
    assert train_x_orig.shape == (209, 64, 64, 3) and train_y.shape == (1, 209)
    assert test_x_orig.shape == (50, 64, 64, 3) and test_y.shape == (1, 50)
    assert [name.decode("utf-8") for name in classes] == ["non-cat", "cat"]
    # NOTEBOOK: index 10 is "y = 0. It's a non-cat picture."
    assert train_y[0, 10] == 0 and classes[train_y[0, 10]].decode("utf-8") == "non-cat"
    assert cat_data[0].shape == (12288, 209) and cat_data[2].shape == (12288, 50)


def test_two_layer_model_prints_the_course_costs(two_layer_run):
    _, costs, lines, _, _ = two_layer_run
    iterations, values = printed_costs(lines)
    assert iterations == PRINTED_ITERATIONS
    np.testing.assert_allclose(values, TWO_LAYER_COSTS, atol=COST_DIGITS, rtol=0)
    assert lines[0] == "Cost after iteration 0: 0.693049735659989"
    assert len(costs) == 25 and all(isinstance(c, np.ndarray) and c.shape == () for c in costs)
    np.testing.assert_allclose([float(c) for c in costs], TWO_LAYER_COSTS[:25], atol=COST_DIGITS)


def test_two_layer_model_accuracies(two_layer_run):
    # NOTEBOOK: "Accuracy: 0.9999999999999998" (train), "Accuracy: 0.72" (test).
    assert tuple(two_layer_run[3]) == TWO_LAYER_ACCURACY


def test_L_layer_model_prints_the_course_costs(l_layer_run):
    _, costs, lines, _, _ = l_layer_run
    iterations, values = printed_costs(lines)
    assert iterations == PRINTED_ITERATIONS
    np.testing.assert_allclose(values, L_LAYER_COSTS, atol=COST_DIGITS, rtol=0)
    assert lines[0] == "Cost after iteration 0: 0.7717493284237686"
    np.testing.assert_allclose([float(c) for c in costs], L_LAYER_COSTS[:25], atol=COST_DIGITS)


def test_L_layer_model_accuracies(l_layer_run):
    # NOTEBOOK: "Accuracy: 0.9856459330143539" (train; Expected Output 0.985645933014),
    # "Accuracy: 0.8" (test).
    assert tuple(l_layer_run[3]) == L_LAYER_ACCURACY


def test_print_mislabeled_images_draws_the_wrong_test_pictures(l_layer_run, cat_data):
    # NOTEBOOK, 6 "Results Analysis": print_mislabeled_images(classes, test_x, test_y,
    # pred_test); 80% of the 50 test pictures right leaves 10 to show.
    _, _, test_x, test_y, classes = cat_data
    predictions = l_layer_run[4]
    figsize = tuple(plt.rcParams["figure.figsize"])
    print_mislabeled_images(classes, test_x, test_y, predictions)
    figure = plt.gcf()
    try:
        axes = figure.get_axes()
        assert len(axes) == 10 == int(np.sum(predictions != test_y))
        assert tuple(figure.get_size_inches()) == (40.0, 40.0)
        assert tuple(plt.rcParams["figure.figsize"]) == figsize
        titles = [a.get_title() for a in axes]
        assert all(re.fullmatch(r"Prediction: (non-)?cat \n Class: (non-)?cat", t) for t in titles)
        wrong = np.flatnonzero(predictions != test_y)
        first = wrong[0]
        assert titles[0] == (
            f"Prediction: {classes[int(predictions[0, first])].decode()} \n "
            f"Class: {classes[test_y[0, first]].decode()}"
        )
    finally:
        plt.close(figure)


def test_plot_costs_draws_the_course_figure(two_layer_run):
    costs = two_layer_run[1]
    plot_costs(costs, 0.0075)
    figure = plt.gcf()
    try:
        (axes,) = figure.get_axes()
        assert axes.get_title() == "Learning rate =0.0075"
        assert axes.get_xlabel() == "iterations (per hundreds)" and axes.get_ylabel() == "cost"
        np.testing.assert_allclose(axes.get_lines()[0].get_ydata(), [float(c) for c in costs])
    finally:
        plt.close(figure)


def test_notebook_check_cells_on_the_cat_data(cat_data):
    # NOTEBOOK, Exercise 1 check cell: two_layer_model(train_x, train_y, (12288, 7, 1),
    # num_iterations=2, print_cost=False) prints "Cost after iteration 1: 0.6926114346158595"
    # (the notebook's condition prints the last iteration anyway), then
    # "Cost after first iteration: 0.693049735659989".
    train_x, train_y = cat_data[0], cat_data[1]
    (_, costs), lines = run(two_layer_model, train_x, train_y, (12288, 7, 1), num_iterations=2)
    (iteration,), (value,) = printed_costs(lines)
    assert iteration == 1 and value == pytest.approx(0.6926114346158595, abs=COST_DIGITS)
    assert "Cost after first iteration: " + str(costs[0]) == (
        "Cost after first iteration: 0.693049735659989"
    )
    # NOTEBOOK, Exercise 2 check cell: num_iterations=1 prints
    # "Cost after iteration 0: 0.7717493284237686" and the same first cost.
    (_, costs), lines = run(L_layer_model, train_x, train_y, [12288, 20, 7, 5, 1], num_iterations=1)
    assert lines == ["Cost after iteration 0: 0.7717493284237686"]
    assert str(costs[0]) == "0.7717493284237686"


def public_test_data(labels):
    # PUBLIC_TESTS: np.random.seed(1); X = randn(10, 10); for two_layer_model_test also
    # Y = randn(1, 10), for L_layer_model_test Y = [1, 1, 1, 1, 0, 0, 0, 1, 1, 0].
    rng = np.random.RandomState(1)
    X = rng.randn(10, 10)
    if labels is None:
        return X, rng.randn(1, 10)
    return X, np.array(labels).reshape(1, 10)


def test_two_layer_model_public_tests():
    X, Y = public_test_data(None)
    # PUBLIC_TESTS two_layer_model_test, expected_output1: (10, 4, 1), learning rate 0.0075,
    # 2 iterations. NOTEBOOK: each such call prints "Cost after iteration 1: 0.6915746967050506".
    (parameters, costs), lines = run(two_layer_model, X, Y, (10, 4, 1), 0.0075, 2)
    assert printed_costs(lines)[0] == [1]
    assert float(LINE.fullmatch(lines[0])[2]) == pytest.approx(0.6915746967050506, abs=1e-15)
    np.testing.assert_allclose([float(c) for c in costs], [0.69315968], **PRINTED)
    close_parameters(
        parameters,
        {
            "W1": [
                [
                    0.01624965,
                    -0.00610741,
                    -0.00528734,
                    -0.01072836,
                    0.008664,
                    -0.02301103,
                    0.01745639,
                    -0.00760949,
                    0.0031934,
                    -0.00248971,
                ],
                [
                    0.01462848,
                    -0.02057904,
                    -0.00326745,
                    -0.00383625,
                    0.01138176,
                    -0.01097596,
                    -0.00171974,
                    -0.00877601,
                    0.00043022,
                    0.00584423,
                ],
                [
                    -0.01098272,
                    0.01148209,
                    0.00902102,
                    0.00500958,
                    0.00900571,
                    -0.00683188,
                    -0.00123491,
                    -0.00937164,
                    -0.00267157,
                    0.00532808,
                ],
                [
                    -0.00693465,
                    -0.00400047,
                    -0.00684685,
                    -0.00844447,
                    -0.00670397,
                    -0.00014731,
                    -0.01113977,
                    0.00238846,
                    0.0165895,
                    0.00738212,
                ],
            ],
            "b1": [[1.10437111e-05], [1.78437869e-05], [3.74879549e-05], [-4.42988824e-05]],
            "W2": [[-0.00200283, -0.00888593, -0.00751122, 0.01688162]],
            "b2": [[-0.00689018]],
        },
    )
    # expected_output2: learning rate 0.1, 3 iterations; NOTEBOOK prints
    # "Cost after iteration 2: 0.6524135179683452".
    (parameters, costs), lines = run(two_layer_model, X, Y, (10, 4, 1), 0.1, 3)
    assert printed_costs(lines)[0] == [2]
    assert float(LINE.fullmatch(lines[0])[2]) == pytest.approx(0.6524135179683452, abs=1e-15)
    np.testing.assert_allclose([float(c) for c in costs], [0.69315968], **PRINTED)
    close_parameters(
        parameters,
        {
            "W1": [
                [
                    0.01640028,
                    -0.00585699,
                    -0.00542633,
                    -0.01069332,
                    0.0089055,
                    -0.02290418,
                    0.01765388,
                    -0.00754616,
                    0.00326712,
                    -0.00239159,
                ],
                [
                    0.01476737,
                    -0.02014461,
                    -0.0040947,
                    -0.0037457,
                    0.01221714,
                    -0.01054049,
                    -0.00164111,
                    -0.00872507,
                    0.00058592,
                    0.00615077,
                ],
                [
                    -0.01051621,
                    0.01216499,
                    0.009119,
                    0.0047126,
                    0.00894761,
                    -0.00672568,
                    -0.00134921,
                    -0.0096428,
                    -0.00253223,
                    0.00580758,
                ],
                [
                    -0.00728552,
                    -0.00461461,
                    -0.00638113,
                    -0.00831084,
                    -0.00654136,
                    -0.00053186,
                    -0.01052771,
                    0.00320719,
                    0.01643914,
                    0.00667123,
                ],
            ],
            "b1": [[0.00027478], [0.00034477], [0.00076016], [-0.00084497]],
            "W2": [[-0.00358725, -0.00911995, -0.00831979, 0.01615845]],
            "b2": [[-0.13451354]],
        },
    )


def test_L_layer_model_public_tests():
    X, Y = public_test_data([1, 1, 1, 1, 0, 0, 0, 1, 1, 0])
    # PUBLIC_TESTS L_layer_model_test, expected_output1: (10, 5, 6, 1), learning rate 0.0075,
    # 2 iterations. NOTEBOOK prints "Cost after iteration 1: 0.7070709008912569".
    (parameters, costs), lines = run(L_layer_model, X, Y, (10, 5, 6, 1), 0.0075, 2)
    assert float(LINE.fullmatch(lines[0])[2]) == pytest.approx(0.7070709008912569, abs=1e-15)
    np.testing.assert_allclose([float(c) for c in costs], [0.70723944], **PRINTED)
    close_parameters(
        parameters,
        {
            "W1": [
                [
                    0.51384638,
                    -0.19333098,
                    -0.16705238,
                    -0.33923196,
                    0.273477,
                    -0.72775498,
                    0.55170785,
                    -0.24077478,
                    0.10082452,
                    -0.07882423,
                ],
                [
                    0.46227786,
                    -0.65153639,
                    -0.10192959,
                    -0.12150984,
                    0.35855025,
                    -0.34787253,
                    -0.05455001,
                    -0.27767163,
                    0.01337835,
                    0.1843845,
                ],
                [
                    -0.34790478,
                    0.36200264,
                    0.28511245,
                    0.15868454,
                    0.284931,
                    -0.21645471,
                    -0.03877896,
                    -0.29584578,
                    -0.08480802,
                    0.16760667,
                ],
                [
                    -0.21835973,
                    -0.12531366,
                    -0.21720823,
                    -0.26764975,
                    -0.21214946,
                    -0.00438229,
                    -0.35316347,
                    0.07432144,
                    0.52474685,
                    0.23453653,
                ],
                [
                    -0.06060968,
                    -0.28061463,
                    -0.23624839,
                    0.53526844,
                    0.01597194,
                    -0.20136496,
                    0.06021639,
                    0.66414167,
                    0.03804666,
                    0.19528599,
                ],
            ],
            "b1": [
                [-2.16491028e-04],
                [1.50999130e-04],
                [8.71516045e-06],
                [5.57557615e-05],
                [-2.90746349e-05],
            ],
            "W2": [
                [0.13428358, -0.15747685, -0.51095667, -0.15624083, -0.09342034],
                [0.26226685, 0.3751336, 0.41644174, 0.12779375, 0.39573817],
                [-0.33726917, 0.56041154, 0.22939257, -0.1333337, 0.21851314],
                [-0.03377599, 0.50617255, 0.67960046, 0.97726521, -0.62458844],
                [-0.64581803, -0.22559264, 0.0715349, 0.39173682, 0.14112904],
                [-0.9043503, -0.13693179, 0.37026002, 0.10284282, 0.34076545],
            ],
            "b2": [
                [1.80215514e-07],
                [-1.07935097e-04],
                [1.63081605e-04],
                [-3.51202008e-05],
                [-7.40012619e-05],
                [-4.43814901e-05],
            ],
            "W3": [[-0.09079199, -0.08117381, 0.07667568, 0.16665535, 0.08029575, 0.04805811]],
            "b3": [[0.0013201]],
        },
    )
    # expected_output2: learning rate 0.02, 3 iterations; NOTEBOOK prints
    # "Cost after iteration 2: 0.7063462654190897".
    (parameters, costs), lines = run(L_layer_model, X, Y, (10, 5, 6, 1), 0.02, 3)
    assert float(LINE.fullmatch(lines[0])[2]) == pytest.approx(0.7063462654190897, abs=1e-15)
    np.testing.assert_allclose([float(c) for c in costs], [0.70723944], **PRINTED)
    close_parameters(
        parameters,
        {
            "W1": [
                [
                    0.51439065,
                    -0.19296367,
                    -0.16714033,
                    -0.33902173,
                    0.27291558,
                    -0.72759069,
                    0.55155832,
                    -0.24095201,
                    0.10063293,
                    -0.07872596,
                ],
                [
                    0.46203186,
                    -0.65172685,
                    -0.10184775,
                    -0.12169458,
                    0.35861847,
                    -0.34804029,
                    -0.05461748,
                    -0.27787524,
                    0.01346693,
                    0.18463095,
                ],
                [
                    -0.34748255,
                    0.36202977,
                    0.28512463,
                    0.1580327,
                    0.28509518,
                    -0.21717447,
                    -0.03853304,
                    -0.29563725,
                    -0.08509025,
                    0.16728901,
                ],
                [
                    -0.21727997,
                    -0.12486465,
                    -0.21692552,
                    -0.26875722,
                    -0.21180188,
                    -0.00550575,
                    -0.35268367,
                    0.07489501,
                    0.52436384,
                    0.23418418,
                ],
                [
                    -0.06045008,
                    -0.28038304,
                    -0.23617868,
                    0.53546925,
                    0.01569291,
                    -0.20115358,
                    0.05975429,
                    0.66409149,
                    0.03819309,
                    0.1956102,
                ],
            ],
            "b1": [
                [-8.61228305e-04],
                [6.08187689e-04],
                [3.53075377e-05],
                [2.21291877e-04],
                [-1.13591429e-04],
            ],
            "W2": [
                [0.13441428, -0.15731437, -0.51097778, -0.15627102, -0.09342034],
                [0.2620349, 0.37492336, 0.4165605, 0.12801536, 0.39541677],
                [-0.33694339, 0.56075022, 0.22940292, -0.1334017, 0.21863717],
                [-0.03371679, 0.50644769, 0.67935577, 0.97680859, -0.62475679],
                [-0.64579072, -0.22555897, 0.07142896, 0.3914475, 0.14104814],
                [-0.90433399, -0.13691167, 0.37019673, 0.10266999, 0.34071712],
            ],
            "b2": [
                [1.18811550e-06],
                [-4.25510194e-04],
                [6.56178455e-04],
                [-1.42335482e-04],
                [-2.93618626e-04],
                [-1.75573157e-04],
            ],
            "W3": [[-0.09087434, -0.07882982, 0.07821609, 0.16442826, 0.0783229, 0.04648216]],
            "b3": [[0.00525865]],
        },
    )


def close_parameters(actual, expected):
    assert sorted(actual) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(actual[key], np.array(value), err_msg=key, **PRINTED)


def test_initialize_parameters_deep_is_dnn_app_utils_one():
    # UTILS: np.random.seed(1); W{l} = randn(n_l, n_{l-1}) / sqrt(n_{l-1}); b{l} = 0.
    before = np.random.get_state()[1].copy()
    parameters = initialize_parameters_deep([12288, 20, 7, 5, 1])
    rng = np.random.RandomState(1)
    for l, (n, n_prev) in enumerate([(20, 12288), (7, 20), (5, 7), (1, 5)], start=1):
        np.testing.assert_array_equal(parameters[f"W{l}"], rng.randn(n, n_prev) / np.sqrt(n_prev))
        np.testing.assert_array_equal(parameters[f"b{l}"], np.zeros((n, 1)))
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_compute_cost_returns_the_course_0d_array():
    # The step-by-step notebook's test case (Y = [[1, 1, 0]], AL = [[.8, .9, 0.4]]) gives
    # 0.27977656 there; dnn_app_utils_v3's version returns np.squeeze of its (1, 1) product.
    cost = compute_cost(np.array([[0.8, 0.9, 0.4]]), np.array([[1, 1, 0]]))
    assert isinstance(cost, np.ndarray) and cost.shape == ()
    assert float(cost) == pytest.approx(0.27977656, abs=5e-9)


def test_update_parameters_writes_new_arrays_into_the_dict():
    parameters = {"W1": np.ones((2, 3)), "b1": np.zeros((2, 1))}
    W1 = parameters["W1"]
    grads = {"dW1": np.full((2, 3), 2.0), "db1": np.ones((2, 1)), "dA0": np.ones((3, 4))}
    returned = update_parameters(parameters, grads, 0.5)
    assert returned is parameters
    np.testing.assert_array_equal(parameters["W1"], np.zeros((2, 3)))
    np.testing.assert_array_equal(parameters["b1"], np.full((2, 1), -0.5))
    np.testing.assert_array_equal(W1, np.ones((2, 3)))  # the array it held is unchanged


def test_predict_prints_the_course_sum_and_takes_a_list_of_labels():
    # The notebook's own-image cell calls predict(image, [1], parameters).
    parameters = {"W1": np.array([[1.0, -1.0]]), "b1": np.array([[0.0]])}
    X = np.array([[2.0, 0.0, 1.0], [1.0, 3.0, 1.0]])
    p, lines = run(predict, X, [1, 0, 1], parameters)
    np.testing.assert_array_equal(p, [[1.0, 0.0, 0.0]])
    assert p.dtype == np.float64 and lines == ["Accuracy: " + str(np.sum(np.array([1, 1, 0]) / 3))]


def test_training_refuses_bad_input():
    X, Y = public_test_data(None)
    with pytest.raises(ValueError, match=r"layers_dims must be \(n_x, n_h, n_y\)"):
        two_layer_model(X, Y, (10, 4, 4, 1))
    with pytest.raises(
        ValueError,
        match=r"X must have shape \(n_x, m\) with n_x = "
        r"layers_dims\[0\] = 12",
    ):
        L_layer_model(X, Y, (12, 4, 1), num_iterations=1)
    with pytest.raises(ValueError, match=r"Y must have shape \(1, m\) = \(1, 10\)"):
        L_layer_model(X, Y[:, :5], (10, 4, 1), num_iterations=1)
    with pytest.raises(TypeError, match="print_cost must be True or False"):
        L_layer_model(X, Y, (10, 4, 1), num_iterations=1, print_cost="yes")
    with pytest.raises(ValueError, match="learning_rate must be a positive finite number"):
        two_layer_model(X, Y, (10, 4, 1), learning_rate=-0.1)
