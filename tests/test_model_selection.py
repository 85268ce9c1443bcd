"""K-fold cross-validation and grid search on course-layout data."""

import csv
import math

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from deepcat import Network
from deepcat.sklearn import DeepCatClassifier
from deepcat.sklearn.model_selection import (
    CVResult,
    cross_validate,
    grid_search,
    majority_baseline,
    network_settings,
    read_csv,
)

SMALL = {"hidden_layer_sizes": (10,), "learning_rate": 0.02, "epochs": 20}


@pytest.fixture(scope="module")
def iris_course():
    """Iris in the course layout: X (4, 150) scaled to [0, 1], Y (1, 150) with labels 0..2."""
    X, y = load_iris(return_X_y=True)
    return MinMaxScaler().fit_transform(X).T, y.reshape(1, -1)


@pytest.fixture(scope="module")
def digits_course():
    """The first 300 digits in the course layout: X (64, 300) in [0, 1], Y (1, 300)."""
    X, y = load_digits(return_X_y=True)
    return X[:300].T / 16.0, y[:300].reshape(1, -1)


def test_cross_validate_equals_scikit_learns_stratified_shuffled_folds(iris_course):
    X, Y = iris_course
    result = cross_validate(X, Y, SMALL, cv=3, random_state=4)
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=4)
    expected = cross_val_score(DeepCatClassifier(random_state=4, **SMALL), X.T, Y[0], cv=folds)
    assert result.scores == tuple(expected)
    assert result.mean == pytest.approx(np.mean(expected))
    assert result.std == pytest.approx(np.std(expected))
    assert result.params == {**SMALL, "random_state": 4}
    assert result.error is None
    assert result.mean > 0.8


def test_network_settings_train_as_network_fit_with_its_defaults(tiny_binary):
    X, Y = tiny_binary  # X (4, 30), Y (1, 30)
    settings = network_settings([5, 3], seed=1)
    assert settings["iterations"] == 2500 and settings["optimizer"] == "gd"
    model = DeepCatClassifier(**settings).fit(X.T, Y[0])
    network = Network([4, 5, 3, 1], seed=1)
    history = network.fit(X, Y)
    for key, value in network.parameters.items():
        np.testing.assert_array_equal(model.network_.parameters[key], value)
    assert model.loss_curve_ == [cost for _, cost in history.costs]  # every 100 iterations


def test_network_settings_keep_early_stopping_counted_in_recorded_costs(tiny_binary):
    X, Y = tiny_binary
    options = dict(learning_rate=0.5, iterations=2000, validation_fraction=0.3, patience=2)
    model = DeepCatClassifier(**network_settings([8], seed=3, record_every=20, **options))
    model.fit(X.T, Y[0])
    network = Network([4, 8, 1], seed=3)
    history = network.fit(X, Y, record_every=20, **options)
    # Two recorded costs (40 updates) without a better validation cost end the run.
    assert history.stopped_early
    assert model.n_updates_ == history.iterations < 2000
    for key, value in network.parameters.items():
        np.testing.assert_array_equal(model.network_.parameters[key], value)
    assert model.validation_scores_ == [accuracy for _, accuracy in history.val_accuracies]


def test_network_settings_refuse_iterations_and_epochs_together():
    with pytest.raises(ValueError, match="give iterations or epochs, not both"):
        network_settings([5], iterations=10, epochs=2)
    assert network_settings([5], epochs=3)["epochs"] == 3
    assert "random_state" not in network_settings([5])


def test_the_fold_seed_changes_the_folds_and_reproduces_them(iris_course):
    X, Y = iris_course
    first = cross_validate(X, Y, SMALL, cv=3, random_state=0)
    assert cross_validate(X, Y, SMALL, cv=3, random_state=0) == first
    assert cross_validate(X, Y, SMALL, cv=3, random_state=1).scores != first.scores


def test_summary_line_gives_mean_spread_and_folds():
    result = CVResult(params={}, scores=(0.5, 1.0))
    assert result.summary() == "2-fold accuracy: 0.7500 +/- 0.2500 (folds 0.5000, 1.0000)"


def test_one_hot_and_flat_labels_give_the_same_result(iris_course):
    X, Y = iris_course
    one_hot = np.eye(3)[Y[0]].T  # (3, 150)
    flat = cross_validate(X, Y[0], SMALL, cv=3)
    assert cross_validate(X, one_hot, SMALL, cv=3) == flat
    assert cross_validate(X, Y, SMALL, cv=3) == flat


def test_results_do_not_depend_on_n_jobs(digits_course):
    X, Y = digits_course
    grid = {"learning_rate": [0.01, 0.001], "batch_size": [32, None]}
    serial = grid_search(X, Y, grid, {"hidden_layer_sizes": (16,), "epochs": 5}, cv=3, n_jobs=1)
    parallel = grid_search(X, Y, grid, {"hidden_layer_sizes": (16,), "epochs": 5}, cv=3, n_jobs=2)
    assert serial == parallel
    assert serial.rows() == parallel.rows()
    single = cross_validate(X, Y, SMALL, cv=3, n_jobs=1)
    assert cross_validate(X, Y, SMALL, cv=3, n_jobs=2) == single


def test_grid_search_ranks_every_combination_best_first(iris_course):
    X, Y = iris_course
    grid = {
        "learning_rate": [1e-6, 0.02],
        "hidden_layer_sizes": [(10,), (10, 5)],
        "lambd": [0.0, 0.01],
        "keep_prob": [1.0, 0.9],
        "batch_size": [32],
    }
    results = grid_search(X, Y, grid, {"epochs": 10}, cv=3)
    assert len(results.results) == 16
    assert results.names == tuple(grid)
    means = [result.mean for result in results.results]
    assert means == sorted(means, reverse=True)
    assert results.best.params["learning_rate"] == 0.02
    # Every one of the eight tiny-rate combinations ranks below every 0.02 one.
    rates = [result.params["learning_rate"] for result in results.results]
    assert rates == [0.02] * 8 + [1e-6] * 8
    rows = results.rows()
    assert [row["rank"] for row in rows][0] == 1
    assert list(rows[0]) == [
        "rank",
        *grid,
        "mean_accuracy",
        "std_accuracy",
        "fold_1",
        "fold_2",
        "fold_3",
        "error",
    ]


def test_equal_means_share_a_rank_and_keep_grid_order(iris_course):
    X, Y = iris_course
    # The same setting twice trains the same seeded networks: equal accuracy.
    results = grid_search(X, Y, {"lambd": [0.0, 0.0], "learning_rate": [0.02]}, SMALL, cv=3)
    assert [row["rank"] for row in results.rows()] == [1, 1]


def test_a_diverging_setting_is_reported_and_ranked_last(iris_course):
    X, Y = iris_course
    # Plain gradient descent at a rate of 1e308 overflows the logits at the second update.
    grid = {"learning_rate": [1e308, 0.5]}
    settings = {"hidden_layer_sizes": (), "optimizer": "gd", "epochs": 5, "batch_size": None}
    results = grid_search(X, Y, grid, settings, cv=3)
    failed = results.results[-1]
    assert failed.params["learning_rate"] == 1e308
    assert math.isnan(failed.mean)
    assert failed.error.startswith("training diverged at iteration")
    assert results.rows()[-1]["rank"] == 2
    assert "training diverged" in results.format()


def test_csv_round_trip(tmp_path, iris_course):
    X, Y = iris_course
    grid = {"hidden_layer_sizes": [(10,), (10, 5)], "optimizer": ["adam", "momentum"]}
    results = grid_search(X, Y, grid, {"epochs": 3, "keep_prob": 0.9}, cv=3)
    path = tmp_path / "tune" / "results.csv"
    results.to_csv(path)
    assert read_csv(path) == results.rows()
    with open(path, newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0][:3] == ["rank", "hidden_layer_sizes", "optimizer"]
    assert {row[2] for row in table[1:]} == {"adam", "momentum"}  # text written plainly
    assert {row[1] for row in table[1:]} == {"[10]", "[10, 5]"}
    # Written atomically: nothing but the table is left in the folder.
    assert [p.name for p in path.parent.iterdir()] == ["results.csv"]


def test_format_prints_one_line_per_setting(iris_course):
    X, Y = iris_course
    results = grid_search(X, Y, {"learning_rate": [0.02, 1e-6]}, SMALL, cv=3)
    lines = results.format().splitlines()
    assert lines[0].split() == ["rank", "learning_rate", "accuracy", "(mean", "+/-", "std)", "note"]
    assert len(lines) == 2 + 2
    assert lines[2].startswith("1 ") and "0.02" in lines[2]
    assert f"{results.best.mean:.4f} +/- {results.best.std:.4f}" in lines[2]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda X, Y: cross_validate(X, Y, {"hidden_sizes": (3,)}),
            ValueError,
            r"unknown setting 'hidden_sizes'; expected one of 'activation', 'batch_size'",
        ),
        (lambda X, Y: grid_search(X, Y, {"lamda": [0.1]}), ValueError, r"unknown setting 'lamda'"),
        (lambda X, Y: grid_search(X, Y, {"lambd": []}), ValueError, r"grid\['lambd'\] is empty"),
        (
            lambda X, Y: grid_search(X, Y, {"lambd": 0.1}),
            TypeError,
            r"grid\['lambd'\] must be a list of values to try, got 0.1",
        ),
        (lambda X, Y: grid_search(X, Y, [("lambd", [0.1])]), TypeError, r"grid must be a dict"),
        (lambda X, Y: cross_validate(X, Y, cv=1), ValueError, r"cv must be an int >= 2, got 1"),
        (
            lambda X, Y: cross_validate(X, Y, cv=51),
            ValueError,
            r"cv=51 folds need at least 51 examples of every class; class 0 has 50",
        ),
        (
            lambda X, Y: cross_validate(X, Y[:, :10]),
            ValueError,
            r"Y must hold one label per column of X: shape \(1, m\) = \(1, 150\)",
        ),
        (lambda X, Y: cross_validate(X[0], Y), ValueError, r"X must be 2-D with shape \(n_x, m\)"),
        (
            lambda X, Y: cross_validate(X, Y, n_jobs=0),
            ValueError,
            r"n_jobs must be None, a positive int or a negative int",
        ),
        (
            lambda X, Y: cross_validate(X, Y, {"keep_prob": 2.0, "epochs": 1}),
            ValueError,
            r"keep_prob for layer 1 must be in \(0, 1\]",
        ),
    ],
)
def test_bad_input_is_refused_with_what_was_expected(iris_course, call, error, message):
    X, Y = iris_course
    with pytest.raises(error, match=message):
        call(X, Y)


def test_the_majority_baseline_answers_each_folds_most_common_training_class():
    y = np.array([0, 0, 0, 1, 1, 1, 1, 2])
    folds = [
        (np.array([0, 1, 2, 3]), np.array([4, 5, 6, 7])),
        (np.array([3, 4, 5, 7]), np.array([0, 1, 2, 6])),
    ]
    baseline = majority_baseline(y, folds)
    # fold 1 trains on 0,0,0,1: answers 0, right on none of 1,1,1,2; fold 2 trains on 1,1,1,2:
    # answers 1, right on one of 0,0,0,1.
    assert baseline.scores == (0.0, 0.25)
    assert baseline.mean == 0.125
    assert baseline.label in (0, 1)
    assert baseline.record() == {"class": baseline.label, "mean_accuracy": 0.125}


def test_cross_validation_reports_the_baseline_and_whether_it_is_beaten(iris_course):
    X, Y = iris_course
    result = cross_validate(X, Y, {"hidden_layer_sizes": (8,), "random_state": 0}, cv=5)
    # iris has 50 flowers of each species: every training part of a stratified 5-fold split
    # holds 40 of each, so the answer is the first species, right on 10 of 30 held-out flowers.
    assert result.baseline.label == 0
    assert result.baseline.scores == pytest.approx((1 / 3,) * 5)
    assert result.beats_baseline is (result.mean > 1 / 3)
    assert result.record()["majority_baseline"] == {
        "class": 0,
        "mean_accuracy": pytest.approx(1 / 3),
    }


def test_preprocessing_is_fitted_inside_each_fold_on_its_training_examples_only():
    """By hand: each fold standardises with its own training rows' mean and deviation."""
    rng = np.random.RandomState(3)
    X = rng.randn(3, 60) * np.array([[1.0], [50.0], [0.01]]) + np.array([[0.0], [300.0], [5.0]])
    Y = (X[0] + (X[1] - 300) / 50 > 0).astype(int).reshape(1, -1)
    params = {"hidden_layer_sizes": (4,), "epochs": 30, "random_state": 0}
    result = cross_validate(X, Y, params, cv=3, preprocessing=StandardScaler())
    splitter = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    expected = []
    for train, test in splitter.split(X.T, Y.ravel()):
        mean = X[:, train].mean(axis=1, keepdims=True)
        std = X[:, train].std(axis=1, keepdims=True)
        model = DeepCatClassifier(**params).fit(((X[:, train] - mean) / std).T, Y[0, train])
        expected.append(model.score(((X[:, test] - mean) / std).T, Y[0, test]))
    assert result.scores == pytest.approx(expected, abs=1e-12)
