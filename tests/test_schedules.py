import math

import numpy as np
import pytest

from deepcat import Network
from deepcat.core.schedules import SCHEDULES, get_schedule


@pytest.mark.parametrize(
    ("name", "epoch", "expected"),
    [
        ("constant", 7, 0.2),
        ("inverse_time", 3, 0.2 / (1 + 0.5 * 3 / 2)),
        ("exponential", 4, 0.2 * 0.5 ** (4 / 2)),
        ("staircase", 3, 0.2 / (1 + 0.5 * 1)),
        ("staircase", 4, 0.2 / (1 + 0.5 * 2)),
    ],
)
def test_rates_by_hand(name, epoch, expected):
    assert SCHEDULES[name](0.2, epoch, 0.5, 2) == pytest.approx(expected, rel=1e-15)


def test_unknown_schedule():
    with pytest.raises(ValueError, match=r"unknown learning-rate decay 'cosine'; expected one of"):
        get_schedule("cosine")


def test_decay_applies_per_epoch_in_training():
    """One weight, full batch: each epoch's step uses that epoch's decayed rate."""
    X = np.array([[1.0, -1.0]])
    Y = np.array([[1.0, 0.0]])
    net = Network([1, 1], init="zeros", seed=0)
    net.fit(X, Y, learning_rate=1.0, iterations=3, decay="inverse_time", decay_rate=1.0)
    W = b = 0.0
    for epoch in range(3):
        A = 1 / (1 + np.exp(-(W * X + b)))
        dW, db = float(((A - Y) * X).mean()), float((A - Y).mean())
        rate = 1.0 / (1 + epoch)
        W, b = W - rate * dW, b - rate * db
    assert net.parameters["W1"][0, 0] == pytest.approx(W, rel=1e-14)
    assert net.parameters["b1"][0, 0] == pytest.approx(b, abs=1e-15)
    assert math.isfinite(W)


def test_bad_decay_settings():
    X, Y = np.zeros((1, 2)), np.array([[0, 1]])
    net = Network([1, 1])
    with pytest.raises(ValueError, match=r"decay_rate must be in \[0, inf\), got -1.0"):
        net.fit(X, Y, decay="exponential", decay_rate=-1)
    with pytest.raises(ValueError, match=r"decay_every must be a positive finite number"):
        net.fit(X, Y, decay="staircase", decay_every=0)
