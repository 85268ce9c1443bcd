"""Learning-rate decay schedules: each formula with literal numbers, the registry, training
with a schedule, and the settings' checks."""

import warnings

import numpy as np
import pytest

from cli_runner import assert_user_error, deepcat
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


# alpha0 = 0.1, decay_rate = 0.5, decay_every = 2, worked out by hand. Epoch 3 is not a
# multiple of decay_every, so a floor in the exponential (or none in the staircase) shows.
@pytest.mark.parametrize(
    ("name", "epoch", "expected"),
    [
        ("constant", 3, 0.1),
        ("inverse_time", 0, 0.1),
        ("inverse_time", 3, 0.05714285714285714),  # 0.1 / (1 + 0.5 * 1.5) = 0.1 / 1.75
        ("exponential", 0, 0.1),
        ("exponential", 1, 0.07071067811865475),  # 0.1 * 0.5 ** 0.5 = 0.1 / sqrt(2)
        ("exponential", 3, 0.03535533905932738),  # 0.1 * 0.5 ** 1.5 = 0.1 / sqrt(8)
        ("staircase", 0, 0.1),
        ("staircase", 1, 0.1),  # floor(1 / 2) = 0: no step yet
        ("staircase", 3, 0.06666666666666667),  # 0.1 / (1 + 0.5 * floor(1.5)) = 0.1 / 1.5
    ],
)
def test_rates_with_literal_numbers(name, epoch, expected):
    assert get_schedule(name)(0.1, epoch, 0.5, 2) == pytest.approx(expected, rel=1e-14)


def test_no_decay_is_constant():
    assert get_schedule(None)(0.1, 10, 0.5, 2) == 0.1


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
    # By hand: A - Y = (s(W) - 1, 1 - s(W)) on x = (1, -1), so db = 0 and dW = s(W) - 1:
    # W = 0 + 1 * 0.5 = 0.5, then 0.5 + (1 - s(0.5)) / 2 = 0.68877..., then + (1 - s(W)) / 3.
    assert W == pytest.approx(0.8002058924947251, rel=1e-14)
    assert net.parameters["W1"][0, 0] == pytest.approx(0.8002058924947251, rel=1e-14)
    assert net.parameters["b1"][0, 0] == pytest.approx(0.0, abs=1e-15)  # 0 up to rounding


def test_bad_decay_settings():
    X, Y = np.zeros((1, 2)), np.array([[0, 1]])
    net = Network([1, 1])
    with pytest.raises(ValueError, match=r"decay_rate must be in \[0, inf\), got -1.0"):
        net.fit(X, Y, decay="exponential", decay_rate=-1)
    with pytest.raises(ValueError, match=r"decay_every must be a positive finite number"):
        net.fit(X, Y, decay="staircase", decay_every=0)


LARGEST = 1.7976931348623157e308


# Rates at the ends of what the settings accept (decay_rate >= 0, decay_every > 0), by hand.
@pytest.mark.parametrize(
    ("name", "alpha0", "epoch", "decay_rate", "decay_every", "expected"),
    [
        ("exponential", 0.01, 0, 1e308, 1, 0.01),  # rate ** 0 = 1
        ("exponential", 0.01, 1, 1e308, 1, 1e306),
        ("exponential", 0.01, 2, 1e308, 1, LARGEST),  # 1e614 would overflow: the largest float
        ("exponential", 0.01, 1, 1e-308, 1, 1e-310),  # a subnormal, computed in log space
        ("exponential", 0.01, 2, 1e-308, 1, 0.0),  # 1e-618 underflows to 0
        ("exponential", 0.01, 0, 0.0, 1, 0.01),
        ("exponential", 0.01, 1, 0.0, 1, 0.0),
        ("exponential", 0.01, 5, 1.0, 1e-320, 0.01),  # 1 ** inf = 1
        ("exponential", 0.01, 1, 0.5, 1e-320, 0.0),  # 0.5 ** inf = 0
        ("exponential", 1e308, 3, 10.0, 1, LARGEST),
        ("inverse_time", 0.01, 1, 1e308, 1, 1e-310),
        ("inverse_time", 0.01, 5, 1e308, 1, 0.0),  # 1 + 5e308 overflows: alpha0 / inf
        ("inverse_time", 0.01, 5, 0.0, 1e-320, 0.01),  # never 0 * inf = NaN
        ("inverse_time", 0.01, 5, 1.0, 1e-320, 0.0),
        ("staircase", 0.01, 5, 1.0, 1e-320, 0.0),  # floor(inf) would raise OverflowError
        ("staircase", 0.01, 5, 0.0, 1e-320, 0.01),
        ("staircase", 0.01, 5, 1e308, 2, 0.01 / 2e308),
    ],
)
def test_rates_at_the_ends_of_the_settings_ranges(
    name, alpha0, epoch, decay_rate, decay_every, expected
):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rate = get_schedule(name)(alpha0, np.int64(epoch), decay_rate, decay_every)
    assert isinstance(rate, float) and rate == pytest.approx(expected, rel=1e-12, abs=0)


@pytest.mark.parametrize(
    ("decay", "every", "status", "fragment"),
    [
        ("inverse_time", "1", 0, "files"),  # the rate falls to 0.0: training runs, learns little
        ("staircase", "1e-320", 0, "files"),
        ("exponential", "1", 1, "diverged"),  # the rate grows to the largest float
    ],
)
def test_a_huge_decay_rate_through_the_command_line(tmp_path, decay, every, status, fragment):
    result = deepcat(
        "train", "--dataset", "breast-cancer", "--hidden", "3", "--iterations", "5",
        "--decay", decay, "--decay-rate", "1e308", "--decay-every", every, "--out", "run",
        cwd=tmp_path,
    )  # fmt: skip
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr, result.stderr
    assert result.returncode == status, result.stderr
    if status:
        assert_user_error(result, status, fragment)
    else:
        assert fragment in result.stdout
