"""Training that diverges while its cost stays finite stops with DivergenceError, on every path,
with the network as it was before fit(); legitimate runs whose cost rises a while do not."""

import contextlib
import math

import numpy as np
import pytest

from deepcat import DivergenceError, Network
from deepcat.training.loop import DIVERGENCE_PATIENCE, divergence_limit
from deepcat.training.methods import use_method


def wide_data():
    """More features than examples (the Gram path's case): X (40, 25), Y (1, 25) and 3 classes."""
    rng = np.random.RandomState(0)
    X = rng.rand(40, 25)
    Y = (X[0] + X[1] > 1.0).astype(int).reshape(1, -1)
    classes = (X[0] * 3).astype(int).clip(0, 2).reshape(1, -1)
    return X, Y, classes


def test_the_limit_is_ten_times_the_start_or_ten_times_the_cost_of_guessing():
    assert divergence_limit(0.77, 2) == pytest.approx(7.7)  # the course's first cost
    # A network that already fits well: the floor is 10 log 2, a true label at p ~ 1e-3.
    assert divergence_limit(0.01, 2) == pytest.approx(10 * 0.6931471805599453)
    assert divergence_limit(1.0, 10) == pytest.approx(10 * 2.302585092994046)  # softmax, 10
    assert DIVERGENCE_PATIENCE == 10


def record(costs):
    return lambda iteration, cost: costs.append(cost)


# name: (Network options, fit options, forced method, iteration of the stop)
DIVERGING = {
    "plain": ({}, dict(learning_rate=1e6, iterations=100), "plain", 10),
    "gram": ({}, dict(learning_rate=1e6, iterations=100), "gram", 10),
    "momentum": ({}, dict(learning_rate=1e5, iterations=100, optimizer="momentum"), "gram", 10),
    "adam": ({}, dict(learning_rate=1e3, iterations=100, optimizer="adam"), "plain", 10),
    "dropout": ({}, dict(learning_rate=1e6, iterations=100, keep_prob=0.8), None, 10),
    "softmax": ({"output": "softmax"}, dict(learning_rate=1e6, iterations=100), None, 10),
    # 5 mini-batches of 5 examples per epoch: iteration 10 is the first of epoch 3.
    "mini-batches": ({}, dict(learning_rate=1e6, epochs=20, batch_size=5), None, 10),
}


@pytest.mark.parametrize("name", DIVERGING)
def test_a_finite_divergence_stops_restores_and_says_where(name):
    network_options, options, method, stop = DIVERGING[name]
    X, Y, classes = wide_data()
    softmax = network_options.get("output") == "softmax"
    network = Network([40, 6, 4, 3 if softmax else 1], seed=3, **network_options)
    before = {key: value.copy() for key, value in network.parameters.items()}
    costs = []
    with use_method(method) if method else contextlib.nullcontext():
        with pytest.raises(DivergenceError) as raised:
            network.fit(X, classes if softmax else Y, callback=record(costs), **options)
    for key, value in before.items():
        np.testing.assert_array_equal(network.parameters[key], value)
    # The rule by hand: the first cost sets the limit; the costs of iterations 1..10 are above
    # it (the callback saw 1..9; iteration 10's cost stopped the fit before its update).
    limit = 10 * max(costs[0], math.log(3 if softmax else 2))
    assert len(costs) == stop
    assert all(cost > limit for cost in costs[1:]) and costs[0] <= limit
    where = "epoch 3 (iteration 10)" if "batch_size" in options else "iteration 10"
    message = str(raised.value)
    assert message.startswith(f"training diverged at {where}: the cost rose from {costs[0]:.6g} ")
    assert "more than 10 times its start, and stayed there for 10 iterations." in message
    assert message.endswith(
        f"Try a smaller learning rate than {options['learning_rate']:g}. "
        "The network's parameters are back to their values before training."
    )


def test_l2_weight_decay_that_overshoots_diverges():
    # lr * lambd / m = 1 * 100 / 25 = 4 > 2: each step multiplies W by about 1 - 4 = -3.
    X, Y, _ = wide_data()
    network = Network([40, 6, 4, 1], seed=3)
    before = {key: value.copy() for key, value in network.parameters.items()}
    with pytest.raises(DivergenceError, match="more than 10 times its start"):
        network.fit(X, Y, learning_rate=1.0, iterations=100, lambd=100.0)
    for key, value in before.items():
        np.testing.assert_array_equal(network.parameters[key], value)


def test_a_large_l2_term_is_not_divergence():
    # m = 65 with batches of 64: the last batch holds 1 example, so its L2 term
    # (lambd / 2 * 1) sum ||W||² is 64 times the first batch's. Only the cross-entropy counts.
    rng = np.random.RandomState(1)
    X = rng.randn(3, 65)
    Y = (X[0] > 0).astype(int).reshape(1, -1)
    network = Network([3, 5, 1], seed=0)
    costs = []
    network.fit(
        X, Y, learning_rate=1e-4, epochs=3, batch_size=64, lambd=50.0,
        callback=lambda i, c: costs.append(c),
    )  # fmt: skip
    assert max(costs) > 10 * costs[0]  # the total cost would have tripped a 10x rule


def test_a_momentum_overshoot_is_not_divergence():
    rng = np.random.RandomState(0)
    X = rng.randn(2, 200) * np.array([[10.0], [1.0]])
    Y = ((X[0] / 10 + X[1] + rng.randn(200)) > 0).astype(int).reshape(1, -1)
    network = Network([2, 1], seed=3)
    costs = []
    network.fit(
        X, Y, learning_rate=0.8, iterations=300, optimizer="momentum",
        callback=lambda i, c: costs.append(c),
    )  # fmt: skip
    lowest = costs.index(min(costs[:5]))
    assert max(costs[lowest:10]) > 3 * costs[lowest]  # it climbed back, almost to the start
    assert costs[-1] < costs[0] / 5 and network.score(X, Y) >= 0.8


def test_a_cost_that_ends_above_the_limit_diverged_even_before_the_patience():
    # 3 iterations: never 10 in a row above the limit, but the run ends there.
    X, Y, _ = wide_data()
    network = Network([40, 6, 4, 1], seed=3)
    before = {key: value.copy() for key, value in network.parameters.items()}
    with pytest.raises(DivergenceError, match="at iteration 2: .* by the end of training"):
        network.fit(X, Y, learning_rate=1e6, iterations=3)
    for key, value in before.items():
        np.testing.assert_array_equal(network.parameters[key], value)


def test_early_stopping_keeps_its_best_parameters_instead_of_diverging():
    X, Y, _ = wide_data()
    network = Network([40, 6, 4, 1], seed=3)
    history = network.fit(
        X, Y, learning_rate=1e6, iterations=5, validation_fraction=0.2, patience=1,
        record_every=1,
    )  # fmt: skip
    assert history.stopped_early and history.best_iteration == 0
