"""The seeded, stratified train/test split of the data sets that do not come split."""

from __future__ import annotations

import numpy as np

from deepcat.core.validation import check_in_range, check_positive_int

DEFAULT_TEST_FRACTION = 0.2


def split_indices(labels, test_fraction, seed):
    """A seeded train/test split that keeps each class's share (stratified).

    Parameters
    ----------
    labels : ndarray of int, shape (m,)
    test_fraction : float in (0, 1)
    seed : int

    Returns
    -------
    train, test : ndarray of int
        Sorted example indices; each class gives ``round(m_k * test_fraction)`` examples
        to the test split, but always keeps one for training.
    """
    test_fraction = check_in_range(
        test_fraction, "test_fraction", 0.0, 1.0, low_open=True, high_open=True
    )
    rng = np.random.default_rng(check_positive_int(seed, "split_seed", minimum=0))
    labels = np.asarray(labels).reshape(-1)
    test = []
    for k in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == k))
        n_test = min(int(round(len(members) * test_fraction)), len(members) - 1)
        test.extend(members[:n_test])
    test = np.sort(np.asarray(test, dtype=np.int64))
    if test.size == 0:
        raise ValueError(
            f"test_fraction={test_fraction} of m = {labels.size} examples leaves the test "
            "split empty; use a larger fraction or more data"
        )
    train = np.setdiff1d(np.arange(labels.size), test)
    return train, test
