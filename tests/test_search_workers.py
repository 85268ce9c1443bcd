"""How many worker processes a search starts, through the library: never more than its fits or
the machine's cores, whatever ``n_jobs`` asks, and the same table whatever it asks."""

import os

import numpy as np
import pytest

from deepcat.sklearn.model_selection import grid_search, worker_count


@pytest.mark.parametrize(
    ("n_jobs", "n_fits", "expected"),
    [
        (None, 10, 1),
        (1, 10, 1),
        (1000, 2, min(2, os.cpu_count())),
        (1000, 1000, os.cpu_count()),
        (-1, 1, 1),
        (-1, 1000, os.cpu_count()),
    ],
)
def test_worker_count_is_capped_by_fits_and_cores(n_jobs, n_fits, expected):
    assert worker_count(n_jobs, n_fits) == expected


def test_worker_count_refuses_what_joblib_cannot_read():
    with pytest.raises(ValueError, match=r"n_jobs must be None, a positive int .* got 0"):
        worker_count(0, 4)


def test_a_search_asked_for_1000_processes_gives_the_serial_table():
    # Two separable blobs, 40 examples in the course layout X (n_x, m) = (2, 40).
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(-2, 0.5, (2, 20)), rng.normal(2, 0.5, (2, 20))], axis=1)
    Y = np.repeat([0, 1], 20).reshape(1, 40)
    params = {"hidden_layer_sizes": (), "iterations": 50, "batch_size": None}
    serial = grid_search(X, Y, {"learning_rate": [0.1]}, params, cv=2, n_jobs=1)
    wide = grid_search(X, Y, {"learning_rate": [0.1]}, params, cv=2, n_jobs=1000)
    assert wide == serial
    assert serial.best.scores == (1.0, 1.0)
