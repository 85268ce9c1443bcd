"""Small data sets made on the spot: scikit-learn's tabular ones and the course's 2-D ones.

Each loader returns a :class:`deepcat.data.Dataset` whose ``*_x_orig`` rows are examples.
The 2-D sets (:func:`flower`, :func:`circles`, :func:`moons`) come from
:mod:`deepcat.data.planar` with the course's seeds; their ``X`` has shape ``(2, m)``, so a
model trained on them can be drawn as a decision boundary.
"""

from __future__ import annotations

import numpy as np

from deepcat.data import planar
from deepcat.data.course import Dataset
from deepcat.data.splits import DEFAULT_TEST_FRACTION, split_indices

FLOWER_CLASSES = ["red", "blue"]
"""The course's names for the flower's labels 0 and 1 (the colours of its scatter plot)."""
CIRCLES_CLASSES = ["outer", "inner"]
"""``make_circles`` labels the outer circle 0 and the inner one 1."""
MOONS_CLASSES = ["upper", "lower"]
"""``make_moons`` labels the upper moon 0 and the lower one 1."""
FEATURES_2D = ["x1", "x2"]


def breast_cancer(test_fraction=DEFAULT_TEST_FRACTION, split_seed=0):
    """569 tumours, 30 measurements each; standardised with the training split's statistics."""
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer()
    x, y = np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target, dtype=np.int64)
    train, test = split_indices(y, test_fraction, split_seed)
    mean = x[train].mean(axis=0)
    std = x[train].std(axis=0)
    # A constant feature would divide by zero; leaving it unscaled keeps it constant (zero).
    std[std == 0] = 1.0
    return Dataset(
        "breast-cancer",
        x[train],
        y[train].reshape(1, -1),
        x[test],
        y[test].reshape(1, -1),
        [str(name) for name in bunch.target_names],
        feature_names=[str(name) for name in bunch.feature_names],
        mean=mean,
        std=std,
    )


def digits(test_fraction=DEFAULT_TEST_FRACTION, split_seed=0):
    """1,797 handwritten digits as ``(m, 8, 8, 1)`` pictures with values 0..16."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    x = np.asarray(bunch.images, dtype=np.uint8)[..., np.newaxis]
    y = np.asarray(bunch.target, dtype=np.int64)
    train, test = split_indices(y, test_fraction, split_seed)
    return Dataset(
        "digits",
        x[train],
        y[train].reshape(1, -1),
        x[test],
        y[test].reshape(1, -1),
        [str(name) for name in bunch.target_names],
        scale=16.0,
    )


def flower(test_fraction=DEFAULT_TEST_FRACTION, split_seed=0):
    """Course 1 week 3's 400-point flower, split by ``test_fraction`` (the course keeps all 400)."""
    X, Y = planar.flower()
    return _split_planar("flower", X, Y, FLOWER_CLASSES, test_fraction, split_seed)


def circles():
    """Course 2 week 1's circles, split as the course does: 300 training and 100 test points."""
    train_X, train_Y, test_X, test_Y = planar.circles()
    return Dataset(
        "circles",
        train_X.T,
        train_Y,
        test_X.T,
        test_Y,
        list(CIRCLES_CLASSES),
        feature_names=list(FEATURES_2D),
    )


def moons(test_fraction=DEFAULT_TEST_FRACTION, split_seed=0):
    """Course 2 week 2's 300 moons, split by ``test_fraction`` (the course keeps all 300)."""
    X, Y = planar.moons()
    return _split_planar("moons", X, Y, MOONS_CLASSES, test_fraction, split_seed)


def _split_planar(name, X, Y, classes, test_fraction, split_seed):
    """A :class:`Dataset` from ``X`` ``(2, m)`` and ``Y`` ``(1, m)``, split stratified."""
    train, test = split_indices(Y[0], test_fraction, split_seed)
    return Dataset(
        name,
        X[:, train].T,
        Y[:, train],
        X[:, test].T,
        Y[:, test],
        list(classes),
        feature_names=list(FEATURES_2D),
    )
