"""Input checks at the library's boundary that earlier tests left out: one-hot labels with
more than one 1 in a column, and booleans where an integer is expected.

``True`` is an ``int`` to Python (``isinstance(True, int)``), so without an explicit check
``iterations=True`` would silently train once and ``seed=True`` would seed with 1.
"""

import numpy as np
import pytest

from deepcat import Network


@pytest.fixture
def three_classes():
    """X (2, 3) and one-hot Y (3, 3), one example of each class."""
    return np.arange(6.0).reshape(2, 3), np.eye(3)


@pytest.mark.parametrize("column", [[1, 1, 0], [0, 0, 0], [1, 1, 1]])
def test_one_hot_columns_need_exactly_one_1(three_classes, column):
    X, Y = three_classes
    Y = Y.copy()
    Y[:, 1] = column
    net = Network([2, 3], output="softmax", seed=0)
    match = r"one-hot Y must hold a single 1 in each column and 0 elsewhere"
    with pytest.raises(ValueError, match=match):
        net.fit(X, Y, iterations=1)
    with pytest.raises(ValueError, match=match):
        net.cost(X, Y)
    with pytest.raises(ValueError, match=match):
        net.score(X, Y)


def test_a_valid_one_hot_is_accepted(three_classes):
    X, Y = three_classes
    net = Network([2, 3], output="softmax", init="zeros", seed=0)
    # Zero weights give every class probability 1/3: the cost is log 3 exactly.
    assert net.cost(X, Y) == pytest.approx(np.log(3), rel=1e-15)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"iterations": True}, r"iterations must be an int >= 1, got True"),
        ({"epochs": False}, r"epochs must be an int >= 1, got False"),
        ({"epochs": 2, "batch_size": True}, r"batch_size must be an int >= 1, got True"),
        ({"record_every": True}, r"record_every must be an int >= 1, got True"),
        (
            {"patience": True, "validation_fraction": 0.3},
            r"patience must be an int >= 1, got True",
        ),
        ({"learning_rate": True}, r"learning_rate must be a positive finite number, got True"),
        ({"decay_every": True}, r"decay_every must be a positive finite number, got True"),
    ],
)
def test_booleans_are_not_counts(tiny_binary, kwargs, match):
    X, Y = tiny_binary
    with pytest.raises(TypeError, match=match):
        Network([4, 1], seed=0).fit(X, Y, **kwargs)


@pytest.mark.parametrize(
    ("layer_dims", "match"),
    [
        ([True, 1], r"layer_dims\[0\] \(n_0\) must be an int, got True"),
        ([4, True, 1], r"layer_dims\[1\] \(n_1\) must be an int, got True"),
        ([4, np.bool_(True), 1], r"layer_dims\[1\] \(n_1\) must be an int, got "),
    ],
)
def test_booleans_are_not_layer_sizes(layer_dims, match):
    with pytest.raises(TypeError, match=match):
        Network(layer_dims)


@pytest.mark.parametrize("seed", [True, False])
def test_a_boolean_is_not_a_seed(seed):
    with pytest.raises(TypeError, match=r"seed must be None or a non-negative int, got "):
        Network([4, 1], seed=seed)


def test_an_int_beyond_any_float_is_in_an_unbounded_interval():
    import math

    from deepcat.core.validation import in_interval
    from deepcat.formatting import byte_text

    assert in_interval(10**400, 1, math.inf) and not in_interval(10**400, 1, 10**6)
    assert byte_text(10**400) == "more than 10^18 TB"
    assert byte_text(9_600_000_000) == "9.6 GB"
