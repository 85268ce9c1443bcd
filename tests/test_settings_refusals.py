"""Settings that a configuration would silently ignore are refused, in course terms; so is a
plan whose History would not fit in memory."""

import numpy as np
import pytest

from deepcat import Network
from deepcat.training.records import planned_records
from deepcat.training.settings import build_config


def data(n_x=4, m=30):
    rng = np.random.RandomState(0)
    X = rng.randn(n_x, m)
    return X, (X[0] > 0).astype(int).reshape(1, -1)


@pytest.mark.parametrize("keep_prob", [0.8, [0.8], (0.5, 1.0)])
def test_dropout_without_a_hidden_layer_is_refused(keep_prob):
    X, Y = data()
    network = Network([4, 1], seed=0)
    before = network.parameters["W1"].copy()
    with pytest.raises(
        ValueError,
        match=r"keep_prob=0.[58] applies to hidden layers, and this network has none "
        r"\(layer_dims \[n_x, n_L\], L = 1\); leave keep_prob out or add a hidden layer",
    ):
        network.fit(X, Y, iterations=5, keep_prob=keep_prob)
    np.testing.assert_array_equal(network.parameters["W1"], before)


@pytest.mark.parametrize("keep_prob", [1.0, [], [1.0]])
def test_keeping_every_unit_without_a_hidden_layer_is_harmless(keep_prob):
    X, Y = data()
    assert Network([4, 1], seed=0).fit(X, Y, iterations=5, keep_prob=keep_prob).iterations == 5


def test_an_invalid_keep_prob_without_hidden_layers_gets_its_range():
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\], got 0.0"):
        build_config(0, keep_prob=0.0)


@pytest.mark.parametrize(
    ("given", "match"),
    [
        (dict(decay_rate=0.5), r"decay_rate=0.5 applies to a decaying learning rate, and "
         r"decay is not set: the rate would stay constant; give decay \(inverse_time, "
         r"exponential, staircase\) or leave decay_rate out"),
        (dict(decay="constant", decay_every=3), r"decay_every=3 applies to a decaying "
         r"learning rate, and decay is 'constant'"),
    ],
)  # fmt: skip
def test_decay_settings_without_a_decay_are_refused(given, match):
    with pytest.raises(ValueError, match=match):
        build_config(1, **given)


def test_decay_settings_with_a_decay_and_defaults_without_one_are_accepted():
    assert build_config(1, decay="staircase", decay_rate=0.5, decay_every=3).decay_rate == 0.5
    assert build_config(1, decay_rate=1.0, decay_every=1).decay is None


@pytest.mark.parametrize(
    ("options", "match"),
    [
        # 10^12 full-batch iterations recorded one by one: 10^12 + 1 costs.
        (dict(iterations=10**12, record_every=1), r"iterations=1,000,000,000,000 would record "
         r"1,000,000,000,001 costs, more than the 1,000,000 a fit keeps in its History; raise "
         r"record_every to at least 1,000,000"),
        # Mini-batches record once per epoch: 2 million epochs of 3 batches.
        (dict(epochs=2 * 10**6, batch_size=10), r"epochs=2,000,000 would record 2,000,000 costs"
         r".*; train for fewer epochs"),
    ],
)  # fmt: skip
def test_a_plan_whose_records_would_exhaust_memory_is_refused_before_training(options, match):
    X, Y = data()
    network = Network([4, 3, 1], seed=0)
    before = {key: value.copy() for key, value in network.parameters.items()}
    with pytest.raises(ValueError, match=match):
        network.fit(X, Y, **options)
    for key, value in before.items():
        np.testing.assert_array_equal(network.parameters[key], value)


def test_a_long_plan_with_few_records_is_accepted():
    # 10^8 iterations at record_every=100 record 10^6 + 1 costs: refused; at 1000, accepted
    # (checked without running it: the check comes before the first iteration).
    config = build_config(1, iterations=10**8, record_every=1000)
    assert planned_records(config, iterations_per_epoch=1) == 100_001
    assert planned_records(build_config(1, epochs=7, batch_size=10), iterations_per_epoch=3) == 7


def test_a_batch_larger_than_m_is_one_full_batch():
    X, Y = data()
    history = Network([4, 3, 1], seed=0).fit(X, Y, iterations=3, batch_size=1000, record_every=1)
    assert history.iterations_per_epoch == 1 and [i for i, _ in history.costs] == [0, 1, 2]
