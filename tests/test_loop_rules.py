"""The training loop's rules, each against a hand computation in NumPy.

Early stopping's patience, the learning-rate schedule's step per epoch, the mini-batch
epoch cost weighted by batch size and the full-batch recording rule. Every expected
value here is worked out from the course formulas for logistic regression
(``Network([n_x, 1])``), never by another of deepcat's code paths, so a bug that all of
deepcat's paths share still fails these tests.
"""

import copy
import math

import numpy as np
import pytest

from deepcat import Network


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def softplus(Z):
    """log(1 + e^Z), the per-example cross-entropy of a logit Z against the other label."""
    return np.logaddexp(0, Z)


def bce(W, b, X, Y):
    """The course's binary cross-entropy J of sigmoid(W X + b) against Y."""
    A = sigmoid(W @ X + b)
    return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))


def gd_step(W, b, X, Y, rate):
    """One gradient-descent update: dZ = A - Y, dW = dZ X^T / m, db = sum(dZ) / m."""
    m = X.shape[1]
    dZ = sigmoid(W @ X + b) - Y
    return W - rate * (dZ @ X.T) / m, b - rate * np.sum(dZ, axis=1, keepdims=True) / m


# -- early stopping ----------------------------------------------------------------------------
#
# Training on copies of the example (x = 1, y = 1) from zero weights moves W and b together:
# dW = db = sigmoid(W + b) - 1, so W = b = t with t_{n+1} = t_n + alpha (1 - sigmoid(2 t_n)),
# which rises steadily. On validation examples x = 0 the logit is b = t; three labelled 1 and
# one labelled 0 give the cost f(t) = (3 softplus(-t) + softplus(t)) / 4, lowest at
# sigmoid(t) = 3/4, t* = log 3. So the validation cost falls until t passes log 3, then rises:
# the best evaluation and every later one are known in advance.

X_VAL = np.zeros((1, 4))
Y_VAL = np.array([[1.0, 1.0, 1.0, 0.0]])


def trajectory(alpha, updates):
    """t after 0, 1, ..., ``updates`` updates of the training above."""
    t = [0.0]
    for _ in range(updates):
        t.append(t[-1] + alpha * (1 - sigmoid(2 * t[-1])))
    return np.array(t)


def validation_cost(t):
    return (3 * softplus(-t) + softplus(t)) / 4


@pytest.mark.parametrize("patience", [1, 2, 4])
def test_patience_full_batch_stops_after_exactly_patience_worse_evaluations(patience):
    alpha = 1.0
    t = trajectory(alpha, 100)
    f = validation_cost(t)
    best = int(np.argmin(f))
    # The construction: t keeps rising, f falls strictly to its minimum then rises strictly.
    assert np.all(np.diff(t) > 0) and 3 <= best <= 20
    assert np.all(np.diff(f[: best + 1]) < 0) and np.all(np.diff(f[best:]) > 0)
    X, Y = np.ones((1, 3)), np.ones((1, 3))

    net = Network([1, 1], init="zeros", seed=0)
    history = net.fit(
        X,
        Y,
        learning_rate=alpha,
        iterations=100,
        record_every=1,
        validation_data=(X_VAL, Y_VAL),
        patience=patience,
    )
    # Full batch with record_every=1: the cost of iteration i is recorded before update i, so
    # evaluation i sees t_i. Evaluations best+1, ..., best+patience are the `patience` in a
    # row without a lower cost; training stops at the last of them, before its update.
    stop = best + patience
    assert history.stopped_early
    assert history.best_iteration == best
    assert history.iterations == stop
    assert [i for i, _ in history.costs] == list(range(stop + 1))
    assert [i for i, _ in history.val_costs] == list(range(stop + 1))
    np.testing.assert_allclose([c for _, c in history.val_costs], f[: stop + 1], rtol=1e-12)
    # The parameters kept are those evaluated at the best iteration: after `best` updates.
    assert net.parameters["W1"][0, 0] == pytest.approx(t[best], rel=1e-12)
    assert net.parameters["b1"][0, 0] == pytest.approx(t[best], rel=1e-12)
    rerun = Network([1, 1], init="zeros", seed=0)
    rerun.fit(X, Y, learning_rate=alpha, iterations=best)
    for key, value in rerun.parameters.items():
        np.testing.assert_allclose(net.parameters[key], value, rtol=1e-12)


@pytest.mark.parametrize("patience", [1, 3])
def test_patience_mini_batch_counts_epochs(patience):
    # Four identical examples in batches of 2: two equal updates per epoch, whatever the
    # shuffle, and one evaluation per epoch, after its second update (iteration 2e + 1).
    alpha = 0.5
    t = trajectory(alpha, 200)
    f_epoch = validation_cost(t[2::2])  # epoch e is evaluated after 2 (e + 1) updates
    best = int(np.argmin(f_epoch))
    assert 3 <= best <= 40 and np.all(np.diff(f_epoch[best:]) > 0)
    X, Y = np.ones((1, 4)), np.ones((1, 4))

    net = Network([1, 1], init="zeros", seed=0)
    history = net.fit(
        X,
        Y,
        learning_rate=alpha,
        epochs=100,
        batch_size=2,
        validation_data=(X_VAL, Y_VAL),
        patience=patience,
    )
    stop_epoch = best + patience
    assert history.stopped_early
    assert history.best_iteration == 2 * best + 1
    assert history.iterations == 2 * (stop_epoch + 1)  # the stopping epoch's updates ran
    assert [i for i, _ in history.costs] == [2 * e + 1 for e in range(stop_epoch + 1)]
    np.testing.assert_allclose(
        [c for _, c in history.val_costs], f_epoch[: stop_epoch + 1], rtol=1e-12
    )
    # Kept: the parameters after the best epoch, best_iteration + 1 updates.
    assert net.parameters["W1"][0, 0] == pytest.approx(t[2 * best + 2], rel=1e-12)
    rerun = Network([1, 1], init="zeros", seed=0)
    rerun.fit(X, Y, learning_rate=alpha, iterations=history.best_iteration + 1, batch_size=2)
    for key, value in rerun.parameters.items():
        np.testing.assert_allclose(net.parameters[key], value, rtol=1e-12)


def test_an_equal_validation_cost_is_no_improvement():
    # From zero weights, x = 1 labelled once 1 and once 0 gives dW = db = 0: the parameters
    # and so the validation cost never change. Only the first evaluation is an improvement.
    X, Y = np.ones((1, 2)), np.array([[1.0, 0.0]])
    net = Network([1, 1], init="zeros", seed=0)
    history = net.fit(
        X,
        Y,
        learning_rate=0.1,
        iterations=50,
        record_every=1,
        validation_data=(X_VAL, Y_VAL),
        patience=2,
    )
    assert history.stopped_early and history.best_iteration == 0
    assert history.iterations == 2 and len(history.costs) == 3
    assert [c for _, c in history.val_costs] == pytest.approx([math.log(2)] * 3, rel=1e-14)


def test_without_patience_validation_is_only_recorded():
    X, Y = np.ones((1, 3)), np.ones((1, 3))
    history = Network([1, 1], init="zeros", seed=0).fit(
        X, Y, learning_rate=1.0, iterations=40, record_every=1, validation_data=(X_VAL, Y_VAL)
    )
    assert not history.stopped_early and history.best_iteration is None
    assert history.iterations == 40 and len(history.val_costs) == 40


# -- learning-rate decay, one step per epoch ----------------------------------------------------

M, BATCH = 10, 4  # three updates per epoch, on batches of 4, 4 and 2 examples


def hand_rates(decay, alpha0, epoch, decay_rate, decay_every):
    """The schedules' formulas of Course 2, written out again."""
    if decay is None:
        return alpha0
    if decay == "inverse_time":
        return alpha0 / (1 + decay_rate * epoch / decay_every)
    if decay == "exponential":
        return alpha0 * decay_rate ** (epoch / decay_every)  # no floor: it decays every epoch
    if decay == "staircase":
        return alpha0 / (1 + decay_rate * math.floor(epoch / decay_every))
    raise AssertionError(decay)


@pytest.fixture
def logistic_data():
    """X (2, 10), Y (1, 10): not separable, so gradients stay sizeable."""
    rng = np.random.RandomState(4)
    X = rng.randn(2, M)
    Y = (rng.rand(1, M) < 0.5).astype(float)
    return X, Y


def replay_mini_batches(net, X, Y, epochs, rate_of_epoch):
    """Plain mini-batch gradient descent from ``net``'s parameters and a copy of its rng:
    per epoch one ``permutation(m)``, then sorted index batches in order. Returns the final
    (W, b) and each batch's cost before its update, with the batch size, epoch by epoch."""
    rng = copy.deepcopy(net.rng)
    W, b = net.parameters["W1"].copy(), net.parameters["b1"].copy()
    costs = []
    for epoch in range(epochs):
        order = rng.permutation(M)
        epoch_costs = []
        for first in range(0, M, BATCH):
            batch = np.sort(order[first : first + BATCH])
            epoch_costs.append((bce(W, b, X[:, batch], Y[:, batch]), len(batch)))
            W, b = gd_step(W, b, X[:, batch], Y[:, batch], rate_of_epoch(epoch))
        costs.append(epoch_costs)
    return W, b, costs


@pytest.mark.parametrize("decay", [None, "inverse_time", "exponential", "staircase"])
def test_decay_steps_once_per_epoch(logistic_data, decay):
    X, Y = logistic_data
    alpha0, decay_rate, decay_every, epochs = 0.8, 0.5, 2, 4
    net = Network([2, 1], seed=3)
    W, b, _ = replay_mini_batches(
        net,
        X,
        Y,
        epochs,
        lambda epoch: hand_rates(decay, alpha0, epoch, decay_rate, decay_every),
    )
    history = net.fit(
        X,
        Y,
        learning_rate=alpha0,
        epochs=epochs,
        batch_size=BATCH,
        optimizer="gd",
        decay=decay,
        # Without a decay these would be refused (see test_settings_without_effect_are_refused).
        **(dict(decay_rate=decay_rate, decay_every=decay_every) if decay else {}),
    )
    assert history.iterations == epochs * 3
    np.testing.assert_allclose(net.parameters["W1"], W, rtol=1e-12)
    np.testing.assert_allclose(net.parameters["b1"], b, rtol=1e-12)


def test_decay_every_epochs_rates_differ_from_their_floor():
    # decay_every = 2 does not divide epochs 1 and 3: exponential decays there, staircase
    # does not, so the previous test tells a floored exponential from the true one.
    assert hand_rates("exponential", 0.8, 1, 0.5, 2) == pytest.approx(0.8 * 0.5**0.5)
    assert hand_rates("staircase", 0.8, 1, 0.5, 2) == 0.8
    assert hand_rates("exponential", 0.8, 1, 0.5, 2) != hand_rates("exponential", 0.8, 0, 0.5, 2)


def test_full_batch_decay_counts_each_iteration_as_an_epoch(logistic_data):
    X, Y = logistic_data
    net = Network([2, 1], seed=3)
    W, b = net.parameters["W1"].copy(), net.parameters["b1"].copy()
    for iteration in range(5):
        W, b = gd_step(W, b, X, Y, 0.8 * 0.5 ** (iteration / 2))
    net.fit(
        X, Y, learning_rate=0.8, iterations=5, decay="exponential", decay_rate=0.5, decay_every=2
    )
    np.testing.assert_allclose(net.parameters["W1"], W, rtol=1e-12)
    np.testing.assert_allclose(net.parameters["b1"], b, rtol=1e-12)


# -- what History records -------------------------------------------------------------------------


def test_mini_batch_epoch_cost_is_weighted_by_batch_size(logistic_data):
    X, Y = logistic_data
    net = Network([2, 1], seed=3)
    _, _, costs = replay_mini_batches(net, X, Y, 2, lambda epoch: 0.8)
    history = net.fit(X, Y, learning_rate=0.8, epochs=2, batch_size=BATCH, optimizer="gd")
    expected = [sum(c * n for c, n in epoch) / M for epoch in costs]
    assert [n for _, n in costs[0]] == [4, 4, 2]
    # The weighted and the plain mean of the batch costs differ here by far more than 1e-12.
    assert abs(expected[0] - np.mean([c for c, _ in costs[0]])) > 1e-3
    assert [i for i, _ in history.costs] == [2, 5]
    assert history.costs[0][1] == pytest.approx(expected[0], rel=1e-12, abs=1e-12)
    assert history.costs[1][1] == pytest.approx(expected[1], rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    ("iterations", "recorded"),
    [(1, [0]), (6, [0, 3, 5]), (7, [0, 3, 6]), (8, [0, 3, 6, 7])],
)
def test_full_batch_records_iteration_0_every_record_every_and_the_last(
    logistic_data, iterations, recorded
):
    X, Y = logistic_data
    net = Network([2, 1], seed=3)
    W, b = net.parameters["W1"].copy(), net.parameters["b1"].copy()
    before_update = []
    for _ in range(iterations):
        before_update.append(bce(W, b, X, Y))
        W, b = gd_step(W, b, X, Y, 0.8)
    history = net.fit(X, Y, learning_rate=0.8, iterations=iterations, record_every=3)
    assert [i for i, _ in history.costs] == recorded
    np.testing.assert_allclose(
        [c for _, c in history.costs], [before_update[i] for i in recorded], rtol=1e-12
    )
    assert history.iterations == iterations
