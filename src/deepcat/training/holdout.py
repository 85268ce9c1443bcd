"""The validation hold-out of ``Network.fit(validation_fraction=...)``: which examples."""

from __future__ import annotations

import numpy as np

from deepcat.training.settings import validation_count


def hold_out(X, Y, fraction, rng):
    """Split ``(X, Y)`` into training and validation examples, drawn from ``rng``.

    Parameters
    ----------
    X : ndarray, shape (n_x, m), or ExampleStream (its examples are selected, not read)
    Y : ndarray, shape (n_L, m)
    fraction : float in (0, 1)
    rng : numpy.random.Generator

    Returns
    -------
    X_train, Y_train, (X_val, Y_val)
        ``validation_count(m, fraction)`` examples for validation, the others for training,
        each in their original order.
    """
    m = X.shape[1]
    n_val = validation_count(m, fraction)
    if not 1 <= n_val < m:
        raise ValueError(
            f"validation_fraction={fraction} of m = {m} examples leaves no "
            "validation or no training example"
        )
    order = rng.permutation(m)
    val, keep = np.sort(order[:n_val]), np.sort(order[n_val:])
    return X[:, keep], Y[:, keep], (X[:, val], Y[:, val])
