"""DeepCatClassifier: scikit-learn's estimator checks, its tools, and the digits figure."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from deepcat import Network
from deepcat.sklearn import DeepCatClassifier


@pytest.fixture(scope="module")
def digits_split():
    """scikit-learn's 8x8 digits, a stratified 75/25 split, unscaled: X (m, 64), y (m,)."""
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


@pytest.fixture(scope="module")
def iris():
    """Iris scaled to [0, 1]: X (150, 4), y (150,) in three classes."""
    X, y = load_iris(return_X_y=True)
    return MinMaxScaler().fit_transform(X), y


# -- scikit-learn's own checks ---------------------------------------------------------------

FLOAT32_ORDER_CHECK = "check_methods_sample_order_invariance"
FLOAT32_ORDER_REASON = (
    "it compares float32 probabilities to rtol 1e-7, under float32's own rounding (1.2e-7): "
    "OpenBLAS's float32 kernels round a column by where it falls in the matrix, by 2 ulp on "
    "some CPUs; test_float32_predictions_do_not_depend_on_sample_order checks it to 1e-6"
)


@parametrize_with_checks(
    [
        # The defaults, as a user gets them.
        DeepCatClassifier(),
        # The course's setting (full batch) with other parts switched on: momentum, L2,
        # tanh, two hidden layers, float32.
        DeepCatClassifier(
            hidden_layer_sizes=(8, 4),
            activation="tanh",
            optimizer="momentum",
            batch_size=None,
            learning_rate=0.1,
            epochs=200,
            lambd=0.01,
            dtype="float32",
        ),
        # Dropout, a decaying rate, RMSprop and early stopping on a held-out share.
        DeepCatClassifier(
            hidden_layer_sizes=(16,),
            keep_prob=0.9,
            optimizer="rmsprop",
            decay="inverse_time",
            decay_rate=0.01,
            validation_fraction=0.2,
            patience=5,
        ),
    ],
    expected_failed_checks=lambda estimator: (
        {FLOAT32_ORDER_CHECK: FLOAT32_ORDER_REASON} if estimator.dtype == "float32" else {}
    ),
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


# -- scikit-learn's tools --------------------------------------------------------------------


def test_default_settings_reach_095_on_digits_after_min_max_scaling(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    model = make_pipeline(MinMaxScaler(), DeepCatClassifier(random_state=0))
    model.fit(X_train, y_train)
    accuracy = model.score(X_test, y_test)
    assert accuracy >= 0.95
    classifier = model[-1]
    assert classifier.network_.layer_dims == [64, 100, 10]
    assert classifier.network_.output == "softmax"
    assert classifier.n_iter_ == 100 == len(classifier.loss_curve_)
    # Training made progress: the last epoch's cost is a small share of the first's.
    assert classifier.loss_ < 0.1 * classifier.loss_curve_[0]


def test_cross_val_score_matches_fitting_each_fold_by_hand(iris):
    X, y = iris
    model = DeepCatClassifier(
        hidden_layer_sizes=(10,), learning_rate=0.02, epochs=30, random_state=3
    )
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    scores = cross_val_score(model, X, y, cv=folds)
    by_hand = [
        clone(model).fit(X[train], y[train]).score(X[test], y[test])
        for train, test in folds.split(X, y)
    ]
    np.testing.assert_array_equal(scores, by_hand)
    assert scores.mean() > 0.8


def test_grid_search_cv_prefers_the_learning_rate_that_learns(iris):
    X, y = iris
    search = GridSearchCV(
        DeepCatClassifier(hidden_layer_sizes=(10,), epochs=20, random_state=0),
        {"learning_rate": [1e-7, 0.02], "hidden_layer_sizes": [(10,), (10, 5)]},
        cv=3,
    )
    search.fit(X, y)
    assert search.best_params_["learning_rate"] == 0.02
    assert search.best_score_ > 0.8
    # A rate of 1e-7 leaves the initial weights almost unchanged: near chance (1/3).
    slow = search.cv_results_["param_learning_rate"] == 1e-7
    assert search.cv_results_["mean_test_score"][slow].max() < 0.7
    assert search.best_estimator_.predict(X).shape == (150,)


# -- the mapping onto deepcat.Network --------------------------------------------------------


def test_fit_trains_the_same_network_as_deepcat_network_on_transposed_data(tiny_binary):
    X, Y = tiny_binary  # course layout: X (4, 30), Y (1, 30)
    settings = dict(learning_rate=0.05, epochs=7, batch_size=8, optimizer="adam", lambd=0.1)
    model = DeepCatClassifier(hidden_layer_sizes=(5, 3), init="lecun", random_state=1, **settings)
    model.fit(X.T, Y.ravel())

    network = Network([4, 5, 3, 1], init="lecun", seed=1)
    history = network.fit(X, Y, record_every=1, **settings)
    for key, value in network.parameters.items():
        np.testing.assert_array_equal(model.network_.parameters[key], value)
    assert model.loss_curve_ == [cost for _, cost in history.costs]
    assert model.n_iter_ == 7
    assert model.n_updates_ == 7 * 4  # ceil(30 / 8) mini-batches per epoch
    np.testing.assert_array_equal(model.predict_proba(X.T)[:, 1], network.predict_proba(X)[0])


def test_string_labels_binary_use_one_sigmoid_unit(tiny_binary):
    X, Y = tiny_binary
    y = np.where(Y.ravel() == 1, "cat", "non-cat")
    model = DeepCatClassifier(hidden_layer_sizes=(6,), learning_rate=0.01, random_state=0)
    model.fit(X.T, y)
    assert list(model.classes_) == ["cat", "non-cat"]
    assert model.network_.layer_dims == [4, 6, 1]
    assert model.network_.output == "sigmoid"
    proba = model.predict_proba(X.T)
    assert proba.shape == (30, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # classes_[1] = "non-cat" is the network's class 1 (the sigmoid's P), so the
    # predicted label is "non-cat" exactly where that probability is above 0.5.
    predicted = model.predict(X.T)
    np.testing.assert_array_equal(predicted == "non-cat", proba[:, 1] > 0.5)
    assert model.score(X.T, y) > 0.9


def test_string_labels_multiclass_use_softmax_with_one_column_per_class(iris):
    X, y = iris
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    model = DeepCatClassifier(
        hidden_layer_sizes=(10,), learning_rate=0.02, epochs=50, random_state=0
    )
    model.fit(X, names)
    assert list(model.classes_) == ["setosa", "versicolor", "virginica"]
    assert model.network_.layer_dims == [4, 10, 3]
    proba = model.predict_proba(X)
    assert proba.shape == (150, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])
    assert model.score(X, names) > 0.9


def test_float32_is_kept_end_to_end(iris):
    X, y = iris
    model = DeepCatClassifier(hidden_layer_sizes=(5,), epochs=3, dtype="float32", random_state=0)
    model.fit(X, y)
    assert all(value.dtype == np.float32 for value in model.network_.parameters.values())
    assert model.predict_proba(X).dtype == np.float32


def test_float32_predictions_do_not_depend_on_sample_order(iris):
    """scikit-learn's sample-order check, at float32's precision (a few ulp)."""
    X, y = iris
    model = DeepCatClassifier(
        hidden_layer_sizes=(8, 4), activation="tanh", epochs=50, dtype="float32", random_state=0
    ).fit(X, y)
    order = np.random.RandomState(0).permutation(len(X))
    np.testing.assert_allclose(
        model.predict_proba(X[order]), model.predict_proba(X)[order], rtol=1e-6, atol=1e-9
    )
    np.testing.assert_array_equal(model.predict(X[order]), model.predict(X)[order])


def test_iterations_counts_updates_instead_of_epochs(iris):
    X, y = iris
    model = DeepCatClassifier(iterations=7, epochs=1000, batch_size=None, random_state=0)
    model.fit(X, y)
    assert model.n_updates_ == 7 == model.n_iter_
    assert len(model.loss_curve_) == 7


def test_early_stopping_records_validation_scores_and_stops(iris):
    X, y = iris
    model = DeepCatClassifier(
        hidden_layer_sizes=(10,),
        learning_rate=0.05,
        epochs=500,
        validation_fraction=0.3,
        patience=3,
        random_state=0,
    ).fit(X, y)
    assert model.n_iter_ < 500
    assert len(model.validation_scores_) == len(model.loss_curve_) == model.n_iter_
    # patience=3 stops no sooner than the fourth epoch's evaluation.
    assert len(model.validation_scores_) >= 4
    # round(0.3 * 150) = 45 held-out flowers: every score is a count out of 45, and the
    # best is well above the 1/3 of guessing one class.
    for score in model.validation_scores_:
        assert score * 45 == pytest.approx(round(score * 45), abs=1e-9)
    assert max(model.validation_scores_) > 0.9


def test_epochs_count_the_examples_left_after_the_hold_out(iris):
    X, y = iris
    # round(0.15 * 150) = round(22.5) = 22 flowers held out (half to even): 128 trained on,
    # so 2 * 128 + 1 single-example updates are two epochs and one update of a third.
    model = DeepCatClassifier(
        hidden_layer_sizes=(3,), iterations=257, batch_size=1, validation_fraction=0.15,
        random_state=0,
    ).fit(X, y)  # fmt: skip
    assert model.n_updates_ == 257 and model.n_iter_ == 3


def test_validation_scores_are_none_without_a_held_out_share(iris):
    X, y = iris
    model = DeepCatClassifier(hidden_layer_sizes=(4,), epochs=2, random_state=0).fit(X, y)
    assert model.validation_scores_ is None


def test_random_state_reproduces_and_a_randomstate_is_accepted(iris):
    X, y = iris
    small = dict(hidden_layer_sizes=(4,), epochs=2)
    a = DeepCatClassifier(random_state=5, **small).fit(X, y)
    b = DeepCatClassifier(random_state=5, **small).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    c = DeepCatClassifier(random_state=np.random.RandomState(5), **small).fit(X, y)
    d = DeepCatClassifier(random_state=np.random.RandomState(5), **small).fit(X, y)
    np.testing.assert_array_equal(c.predict_proba(X), d.predict_proba(X))


def test_a_fitted_model_pickles_and_predicts_the_same(iris):
    X, y = iris
    model = DeepCatClassifier(hidden_layer_sizes=(4,), epochs=2, random_state=0).fit(X, y)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        ({"keep_prob": 1.5}, ValueError, r"keep_prob for layer 1 must be in \(0, 1\], got 1.5"),
        ({"keep_prob": 0.0}, ValueError, r"keep_prob for layer 1 must be in \(0, 1\]"),
        ({"lambd": -0.1}, ValueError, r"lambd must be in \[0, inf\), got -0.1"),
        ({"beta1": 1.0}, ValueError, r"beta1 must be in \[0, 1\), got 1.0"),
        ({"optimizer": "momentum", "beta": -0.5}, ValueError, r"beta must be in \[0, 1\)"),
        ({"batch_size": 0}, ValueError, r"batch_size must be an int >= 1, got 0"),
        ({"epochs": 0}, ValueError, r"epochs must be an int >= 1, got 0"),
        ({"learning_rate": -1}, ValueError, r"learning_rate must be a positive finite number"),
        ({"optimizer": "sgd"}, ValueError, r"unknown optimizer 'sgd'; expected one of 'gd'"),
        ({"decay": "cosine"}, ValueError, r"unknown learning-rate decay 'cosine'"),
        ({"activation": "softplus"}, ValueError, r"unknown hidden-layer activation 'softplus'"),
        ({"init": "glorot"}, ValueError, r"unknown initializer 'glorot'"),
        ({"patience": 0, "validation_fraction": 0.2}, ValueError, r"patience must be an int >= 1"),
        ({"patience": 3}, ValueError, r"early stopping \(patience\) needs .*validation_fraction"),
        ({"validation_fraction": 1.0}, ValueError, r"validation_fraction must be in \(0, 1\)"),
        ({"hidden_layer_sizes": (10, 0)}, ValueError, r"hidden_layer_sizes\[1\] \(n_2\)"),
        ({"hidden_layer_sizes": "10"}, TypeError, r"hidden_layer_sizes must be a tuple"),
        ({"keep_prob": (0.5, 0.5)}, ValueError, r"one value per hidden layer \(L - 1 = 1\)"),
        ({"random_state": -1}, ValueError, r"random_state must be an int in \[0, 2\*\*32 - 1\]"),
        ({"random_state": "seed"}, TypeError, r"random_state must be None, an int"),
        ({"dtype": "float16"}, ValueError, r"dtype must be one of 'float64', 'float32'"),
    ],
)
def test_bad_settings_are_refused_at_fit_with_the_range_accepted(iris, settings, error, message):
    X, y = iris
    model = DeepCatClassifier(**{"hidden_layer_sizes": (4,), "epochs": 1, **settings})
    with pytest.raises(error, match=message):
        model.fit(X, y)
    assert not hasattr(model, "network_") and not hasattr(model, "classes_")


def test_unknown_keyword_arguments_are_rejected():
    with pytest.raises(TypeError, match="unexpected keyword argument 'hidden_sizes'"):
        DeepCatClassifier(hidden_sizes=(10,))
    with pytest.raises(ValueError, match="Invalid parameter 'lamda'"):
        DeepCatClassifier().set_params(lamda=0.1)


def test_one_class_is_refused_with_a_clear_message(iris):
    X, _ = iris
    with pytest.raises(ValueError, match=r"y has 1 class \('cat'\); .* at least 2 classes"):
        DeepCatClassifier(epochs=1).fit(X, np.full(150, "cat"))
    with pytest.raises(ValueError, match=r"y has 1 class \('cat'\)"):
        DeepCatClassifier(epochs=1).fit(X, np.full(150, "cat", dtype=object))


def test_predicting_with_another_feature_count_names_both(iris):
    X, y = iris
    model = DeepCatClassifier(hidden_layer_sizes=(4,), epochs=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but DeepCatClassifier is expecting 4"):
        model.predict(X[:, :3])
