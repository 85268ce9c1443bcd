"""Network.fit's Course-2 options: mini-batches, dropout, validation, early stopping, dtypes,
multi-class and transfer learning."""

import numpy as np
import pytest

from deepcat import Network
from deepcat.core.propagation import model_backward, model_forward
from deepcat.training.settings import validation_count


@pytest.fixture
def blobs():
    """Three Gaussian blobs in 2-D: X (2, 150), labels (1, 150)."""
    rng = np.random.RandomState(0)
    centers = np.array([[0.0, 3.0], [3.0, 0.0], [-3.0, -3.0]])
    labels = np.repeat(np.arange(3), 50)
    X = (centers[labels] + rng.randn(150, 2) * 0.7).T
    return X, labels.reshape(1, -1)


@pytest.mark.parametrize(
    ("fraction", "held_out"),
    [(0.05, 2), (0.15, 4), (0.25, 8)],  # 1.5, 4.5 and 7.5 of 30, rounded half to even
)
def test_validation_fraction_holds_out_its_share_rounded(tiny_binary, fraction, held_out):
    X, Y = tiny_binary
    assert validation_count(30, fraction) == held_out
    # One epoch of single-example batches: one update per example trained on.
    history = Network([4, 3, 1], seed=0).fit(
        X, Y, epochs=1, batch_size=1, validation_fraction=fraction
    )
    assert history.iterations == 30 - held_out


def test_mini_batches_step_through_a_reshuffled_epoch(tiny_binary):
    """Replay the documented procedure: a seeded permutation per epoch, batches in order."""
    X, Y = tiny_binary
    net = Network([4, 3, 1], seed=5)
    replay = Network([4, 3, 1], seed=5)
    history = net.fit(X, Y, learning_rate=0.3, epochs=2, batch_size=8)
    rng = replay.rng
    for _ in range(2):
        order = rng.permutation(30)
        for first in range(0, 30, 8):
            batch = np.sort(order[first : first + 8])
            AL, caches = model_forward(X[:, batch], replay.parameters, replay.activations)
            gradients = model_backward(AL, Y[:, batch], caches, replay.activations)
            for key, grad in gradients.items():
                replay.parameters[key[1:]] -= 0.3 * grad
    for key, value in replay.parameters.items():
        np.testing.assert_allclose(net.parameters[key], value, rtol=1e-13)
    assert history.iterations == 8  # 2 epochs of ceil(30 / 8) = 4 batches
    assert [i for i, _ in history.costs] == [3, 7]  # one entry per epoch, at its last iteration


def test_seeded_training_is_reproducible(tiny_binary):
    X, Y = tiny_binary
    runs = [Network([4, 5, 1], seed=9) for _ in range(2)]
    for net in runs:
        net.fit(X, Y, epochs=3, batch_size=7, keep_prob=0.8, optimizer="adam", learning_rate=0.01)
    for key in runs[0].parameters:
        np.testing.assert_array_equal(runs[0].parameters[key], runs[1].parameters[key])


def test_epochs_and_iterations_are_exclusive(tiny_binary):
    X, Y = tiny_binary
    with pytest.raises(ValueError, match="give iterations or epochs, not both"):
        Network([4, 1]).fit(X, Y, iterations=3, epochs=2)


def test_batch_larger_than_the_set_is_full_batch(tiny_binary):
    X, Y = tiny_binary
    a, b = Network([4, 2, 1], seed=1), Network([4, 2, 1], seed=1)
    a.fit(X, Y, iterations=5)
    b.fit(X, Y, iterations=5, batch_size=1000)
    np.testing.assert_array_equal(a.parameters["W1"], b.parameters["W1"])


def test_dropout_is_off_at_prediction(tiny_binary):
    X, Y = tiny_binary
    net = Network([4, 8, 1], seed=2)
    net.fit(X, Y, iterations=20, keep_prob=0.5)
    # The forward pass by hand, with every unit kept and no 1 / keep_prob scaling: a mask or
    # the scaling would change these probabilities.
    p = net.parameters
    A1 = np.maximum(0, p["W1"] @ X + p["b1"])
    A2 = 1 / (1 + np.exp(-(p["W2"] @ A1 + p["b2"])))
    np.testing.assert_allclose(net.predict_proba(X), A2, rtol=1e-13)
    np.testing.assert_array_equal(net.predict(X), (A2 > 0.5).astype(int))


def test_dropout_gradient_by_hand():
    """One step with keep_prob: the hidden units dropped by the mask get no gradient."""
    rng = np.random.RandomState(1)
    X, Y = rng.randn(3, 6), np.array([[1, 0, 1, 0, 1, 1]])
    net = Network([3, 4, 1], hidden_activation="tanh", seed=3)
    W1, b1, W2, b2 = (net.parameters[k].copy() for k in ("W1", "b1", "W2", "b2"))
    mask_rng = np.random.RandomState(3)
    mask_rng.randn(4, 3), mask_rng.randn(1, 4)  # the initial draws come first
    D = mask_rng.rand(4, 6) < 0.75
    A1 = np.tanh(W1 @ X + b1) * D / 0.75
    A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / 6
    dZ1 = (W2.T @ dZ2) * D / 0.75 * (1 - np.tanh(W1 @ X + b1) ** 2)
    dW1 = dZ1 @ X.T / 6
    net.fit(X, Y, learning_rate=0.5, iterations=1, keep_prob=0.75)
    np.testing.assert_allclose(net.parameters["W2"], W2 - 0.5 * dW2, rtol=1e-13)
    np.testing.assert_allclose(net.parameters["W1"], W1 - 0.5 * dW1, rtol=1e-13)


@pytest.mark.parametrize(
    ("keep_prob", "error", "match"),
    [
        (0.0, ValueError, r"keep_prob for layer 1 must be in \(0, 1\], got 0.0"),
        (1.5, ValueError, r"keep_prob for layer 1 must be in \(0, 1\], got 1.5"),
        ([0.5], ValueError, r"one value per hidden layer \(L - 1 = 2\), got 1"),
        ([0.5, -1], ValueError, r"keep_prob for layer 2 must be in \(0, 1\]"),
    ],
)
def test_bad_keep_prob(tiny_binary, keep_prob, error, match):
    X, Y = tiny_binary
    with pytest.raises(error, match=match):
        Network([4, 3, 3, 1]).fit(X, Y, keep_prob=keep_prob)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"lambd": -0.1}, ValueError, r"lambd must be in \[0, inf\), got -0.1"),
        ({"batch_size": 0}, ValueError, r"batch_size must be an int >= 1, got 0"),
        ({"epochs": 0}, ValueError, r"epochs must be an int >= 1, got 0"),
        ({"optimizer": "sgd"}, ValueError, r"unknown optimizer 'sgd'"),
        ({"optimizer": "adam", "beta1": 1.2}, ValueError, r"beta1 must be in \[0, 1\)"),
        ({"decay": "linear"}, ValueError, r"unknown learning-rate decay 'linear'"),
        ({"patience": 0, "validation_fraction": 0.2}, ValueError, r"patience must be an int >= 1"),
        ({"patience": 3}, ValueError, r"patience\) needs validation_data or validation_fraction"),
        ({"validation_fraction": 1.0}, ValueError, r"validation_fraction must be in \(0, 1\)"),
        (
            {"validation_data": (np.zeros((5, 4)), np.zeros((1, 4)))},
            ValueError,
            r"X must have n_x = layer_dims\[0\] = 4 rows",
        ),
        (
            {"validation_data": (np.zeros((4, 4)), np.zeros((1, 5)))},
            ValueError,
            r"validation Y must have shape \(1, m\) = \(1, 4\)",
        ),
        ({"validation_data": np.zeros((4, 4))}, TypeError, r"pair \(X_val, Y_val\)"),
        ({"dropout": 0.5}, TypeError, r"unexpected keyword argument 'dropout'"),
    ],
)
def test_bad_training_options(tiny_binary, kwargs, error, match):
    X, Y = tiny_binary
    with pytest.raises(error, match=match):
        Network([4, 3, 1]).fit(X, Y, **kwargs)


def test_validation_curves_are_recorded(tiny_binary):
    X, Y = tiny_binary
    net = Network([4, 3, 1], seed=0)
    X_val, Y_val = X[:, 20:], Y[:, 20:]
    p = {key: value.copy() for key, value in net.parameters.items()}
    history = net.fit(X[:, :20], Y[:, :20], iterations=201, validation_data=(X_val, Y_val))
    assert [i for i, _ in history.val_costs] == [0, 100, 200]
    assert [i for i, _ in history.val_accuracies] == [0, 100, 200]
    # Iteration 0 is evaluated before any update: the initial network's forward pass by hand.
    A1 = np.maximum(0, p["W1"] @ X_val + p["b1"])
    A2 = 1 / (1 + np.exp(-(p["W2"] @ A1 + p["b2"])))
    initial_cost = -np.mean(Y_val * np.log(A2) + (1 - Y_val) * np.log(1 - A2))
    assert history.val_costs[0][1] == pytest.approx(initial_cost, rel=1e-12)
    assert history.val_accuracies[0][1] == np.mean((A2 > 0.5) == Y_val)
    # Accuracies on 10 examples are tenths.
    for _, accuracy in history.val_accuracies:
        assert accuracy * 10 == pytest.approx(round(accuracy * 10), abs=1e-12)
    assert history.val_costs[-1][1] < history.val_costs[0][1]


def test_validation_fraction_holds_out_examples(tiny_binary):
    X, Y = tiny_binary
    history = Network([4, 1], seed=0).fit(X, Y, iterations=2, validation_fraction=0.2)
    assert len(history.val_costs) == 2


def test_early_stopping_restores_the_best_parameters(blobs):
    X, labels = blobs
    net = Network([2, 16, 3], output="softmax", seed=0)
    history = net.fit(
        X[:, ::2],
        labels[:, ::2],
        learning_rate=3.0,
        iterations=3000,
        record_every=5,
        validation_data=(X[:, 1::2], labels[:, 1::2]),
        patience=3,
    )
    best_iteration, best_cost = min(history.val_costs, key=lambda entry: entry[1])
    assert history.stopped_early and history.iterations < 3000
    assert history.best_iteration == best_iteration
    assert net.cost(X[:, 1::2], labels[:, 1::2]) == pytest.approx(best_cost, rel=1e-12)


def test_float32_makes_no_float64_copy_of_the_data():
    import tracemalloc

    rng = np.random.RandomState(0)
    X32 = rng.rand(200, 5000).astype(np.float32)  # 4 MB; a float64 copy would take 8 MB
    Y = (X32[:1] > 0.5).astype(np.float32)
    net = Network([200, 16, 1], dtype="float32", seed=0)
    tracemalloc.start()
    try:
        net.fit(X32, Y, epochs=1, batch_size=250, optimizer="adam", learning_rate=0.01)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < X32.nbytes  # not even one whole copy of the data, let alone a float64 one
    assert all(v.dtype == np.float32 for v in net.parameters.values())
    assert net.predict_proba(X32[:, :10]).dtype == np.float32


def test_softmax_multiclass(blobs):
    X, labels = blobs
    net = Network([2, 8, 3], output="softmax", seed=1)
    net.fit(X, labels, learning_rate=0.5, iterations=300)
    proba = net.predict_proba(X)
    assert proba.shape == (3, 150)
    np.testing.assert_allclose(proba.sum(axis=0), 1.0)
    assert net.predict(X).shape == (1, 150)
    assert net.score(X, labels) > 0.95
    one_hot = np.eye(3)[labels.ravel()].T
    assert net.score(X, one_hot) == net.score(X, labels)


@pytest.mark.parametrize(
    ("Y", "match"),
    [
        (np.full((1, 150), 3), r"labels must be in 0..2 for a softmax output of n_L = 3 classes"),
        (np.zeros((4, 150)), r"one-hot of shape \(n_L, m\) = \(3, 150\)"),
        (np.full((1, 150), 0.5), r"integer class labels"),
    ],
)
def test_softmax_label_errors(blobs, Y, match):
    X, _ = blobs
    with pytest.raises(ValueError, match=match):
        Network([2, 3], output="softmax").fit(X, Y, iterations=1)


def test_digits_multiclass():
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = digits.data.T / 16.0
    labels = digits.target.reshape(1, -1)
    order = np.random.RandomState(0).permutation(labels.shape[1])
    train, test = order[:1350], order[1350:]
    net = Network([64, 64, 10], output="softmax", init="he", seed=0)
    net.fit(
        X[:, train],
        labels[:, train],
        learning_rate=0.01,
        epochs=30,
        batch_size=32,
        optimizer="adam",
    )
    assert net.score(X[:, test], labels[:, test]) >= 0.95


# -- transfer learning ------------------------------------------------------------------


def test_transfer_keeps_copies_of_the_first_layers(blobs):
    X, labels = blobs
    base = Network([2, 6, 5, 1], seed=0)
    new = base.transfer(3, output="softmax", freeze=1, seed=1)
    assert new.layer_dims == [2, 6, 5, 3] and new.activations[-1] == "softmax"
    np.testing.assert_array_equal(new.parameters["W2"], base.parameters["W2"])
    assert new.parameters["W1"] is not base.parameters["W1"]


def test_frozen_layers_come_out_bit_for_bit_unchanged(blobs):
    X, labels = blobs
    base = Network([2, 6, 5, 1], seed=0)
    new = base.transfer(3, output="softmax", freeze=2, seed=1)
    frozen = {k: new.parameters[k].copy() for k in ("W1", "b1", "W2", "b2")}
    head = new.parameters["W3"].copy()
    new.fit(X, labels, learning_rate=0.1, epochs=3, batch_size=16, optimizer="adam", lambd=0.5)
    for key, value in frozen.items():
        assert np.array_equal(new.parameters[key], value), key
    assert not np.array_equal(new.parameters["W3"], head)


def test_transfer_keep_fewer_layers():
    base = Network([4, 6, 5, 1], seed=0)
    new = base.transfer(1, keep=1)
    assert new.layer_dims == [4, 6, 1]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"freeze": 3}, r"cannot freeze 3 layers: only 2 are kept from a network of L = 3 layers"),
        ({"keep": 3}, r"keep must be at most L - 1 = 2 hidden layers, got 3"),
        ({"keep": 0}, r"keep must be an int >= 1"),
        ({"freeze": -1}, r"freeze must be an int >= 0"),
    ],
)
def test_transfer_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Network([4, 6, 5, 1]).transfer(2, output="softmax", **kwargs)


def test_frozen_count_survives_save_and_load(tmp_path):
    new = Network([4, 6, 5, 1], seed=0).transfer(1, freeze=2)
    new.save(tmp_path / "m.npz")
    loaded = Network.load(tmp_path / "m.npz")
    assert loaded.frozen == 2 and "(frozen)" in loaded.summary()
