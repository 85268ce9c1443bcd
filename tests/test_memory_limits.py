"""Training that cannot fit in memory is refused before its buffers are allocated."""

import os
import resource
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest

from cli_runner import assert_user_error
from deepcat import Network
from deepcat.core.memory import NotEnoughMemoryError, available_bytes
from deepcat.data import DATA_ENV
from deepcat.training.methods import choose_method
from deepcat.training.passes import bytes_needed
from deepcat.training.settings import build_config

HIDDEN = 200_000
"""A wide hidden layer: small parameters (8 MB), but 4.8 MB of activations per example."""


def test_training_buffers_that_cannot_fit_are_refused_before_allocating():
    # Enough examples that Z[1], A[1] and dA[1] (n_1, m) need twice what this machine has.
    per_example = 3 * HIDDEN * 8
    m = 2 * available_bytes() // per_example + 1
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    network = Network([4, HIDDEN, 1], seed=1)
    before = {key: value.copy() for key, value in network.parameters.items()}
    tracemalloc.start()
    try:
        with pytest.raises(NotEnoughMemoryError) as error:
            network.fit(X, Y, iterations=1, learning_rate=0.01)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(error.value)
    assert message.startswith(
        f"training the network layer_dims = [4, {HIDDEN}, 1] on batches of {m} examples (m = {m}"
    ), message
    assert "needs" in message and "is available" in message
    assert peak < 100 * 2**20, peak  # at most copies of X and of the 8 MB of parameters
    for key, value in before.items():
        np.testing.assert_array_equal(network.parameters[key], value)


def test_predicting_more_examples_than_fit_is_refused_in_words():
    m = available_bytes() // (4 * HIDDEN * 8) + 1  # Z[1], A[1] and room for backprop
    X = np.zeros((4, m))
    network = Network([4, HIDDEN, 1], seed=1)
    what = rf"the network layer_dims = \[4, {HIDDEN}, 1\] on m = {m} examples needs"
    for use in (network.predict_proba, network.predict):
        with pytest.raises(NotEnoughMemoryError, match=what):
            use(X)
    with pytest.raises(NotEnoughMemoryError, match="needs"):
        network.cost(X, np.zeros((1, m)))


@pytest.mark.parametrize(
    ("options", "method"),
    [
        ({}, "gram"),  # m < n_x: G (m, m), P, C, dC (n_1, m) and W[1]_init
        ({"optimizer": "adam"}, "plain"),  # Adam is not linear: W[1] X, two state arrays
        ({"optimizer": "momentum", "batch_size": 64, "lambd": 0.1}, "plain"),  # 64 and 8
    ],
)
def test_the_estimate_is_what_a_fit_allocates(options, method):
    """The estimate against tracemalloc's peak of a real fit: 209-like pictures of 3,000
    pixels (uint8, divided by 255 batch by batch) through layer_dims [3000, 400, 30, 1]."""
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, (200, 3000), dtype=np.uint8).T
    Y = (rng.random((1, 200)) > 0.5).astype(float)
    network = Network([3000, 400, 30, 1], seed=0)
    settings = dict(iterations=3, learning_rate=0.01, input_scale=255, **options)
    config = build_config(network.L - 1, **settings)
    assert choose_method(network, X, config) == method
    estimate = bytes_needed(network, X, config, method, options.get("batch_size", 200))
    tracemalloc.start()
    try:
        history = network.fit(X, Y, **settings)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert history.method == method
    assert 0.7 * estimate <= peak <= 1.15 * estimate, (peak, estimate)


def _address_space(limit):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def test_the_cli_refuses_a_network_whose_training_cannot_fit_under_ulimit(tmp_path):
    """``ulimit -v 4000000``: 480 MB of parameters fit; 21 GB of activations do not."""
    env = {k: v for k, v in os.environ.items() if k != DATA_ENV}
    env["OPENBLAS_NUM_THREADS"] = "1"  # one thread's buffers, not one per core, under the cap
    result = subprocess.run(
        [sys.executable, "-m", "deepcat", "train", "--dataset", "breast-cancer"]
        + ["--hidden", "2000000", "--iterations", "1", "--out", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_address_space(4_000_000 * 1024),
    )
    assert_user_error(
        result, 1, "training the network layer_dims = [30, 2000000, 1]", "needs", "available"
    )
    assert "GiB" not in result.stderr  # deepcat's words and units, not NumPy's
    assert list(tmp_path.iterdir()) == []
