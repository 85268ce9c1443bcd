"""The course's two-dimensional data sets, made on the spot: no files, no network.

Each function returns ``X`` of shape ``(2, m)`` (float64) and ``Y`` of shape ``(1, m)``
(int64 labels 0/1), the course's layout, and gives the same points every call. The course
seeds NumPy's global generator before drawing; these functions draw from a private
``numpy.random.RandomState`` seeded the same way, which yields the same numbers without
changing the caller's global random state.

- :func:`flower`: Course 1 week 3, "Planar data classification with one hidden layer"
  (``load_planar_dataset``): 400 points on the eight petals of ``r = 4 sin(4 t)``.
- :func:`circles`: Course 2 week 1, "Initialization" (``load_dataset``): scikit-learn's
  ``make_circles``, 300 training points drawn after seed 1 and 100 test points after seed 2.
- :func:`moons`: Course 2 week 2, "Optimization methods" (``load_dataset``): scikit-learn's
  ``make_moons``, 300 points drawn after seed 3.
"""

from __future__ import annotations

import numpy as np

FLOWER_SEED = 1
FLOWER_POINTS_PER_CLASS = 200
FLOWER_RADIUS = 4.0
"""``a``, the longest petal of ``r = a sin(4 t)``."""
FLOWER_NOISE = 0.2
"""Standard deviation of the noise added to each angle ``t`` and radius ``r``."""
FLOWER_SPAN = 3.12
"""Each class sweeps this many radians of angle: class ``j`` covers ``[3.12 j, 3.12 (j+1)]``."""

CIRCLES = {"train": (1, 300), "test": (2, 100)}
"""``(seed, n_samples)`` of the course's two ``make_circles`` draws (noise 0.05)."""
CIRCLES_NOISE = 0.05
MOONS_SEED, MOONS_SAMPLES, MOONS_NOISE = 3, 300, 0.2


def flower(points_per_class=FLOWER_POINTS_PER_CLASS, seed=FLOWER_SEED, noise=FLOWER_NOISE):
    """The planar "flower": two classes of points on alternate petals.

    Class ``j`` (0 then 1) takes angles ``t = linspace(3.12 j, 3.12 (j+1), N) + s n_t``
    and radii ``r = 4 sin(4 t) + s n_r``, with ``n_t`` and ``n_r`` standard normal draws
    (``N`` each, in that order) and ``s`` the noise, and places its points at
    ``(r sin t, r cos t)``.

    Parameters
    ----------
    points_per_class : int, default 200
        ``N``; the course uses 200, so ``m = 400``.
    seed : int, default 1
        The course's seed.
    noise : float, default 0.2
        ``s``, the course's 0.2; with 0 every point lies on its petal.

    Returns
    -------
    X : ndarray, shape (2, 2 N)
    Y : ndarray of int64, shape (1, 2 N)
        Class ``j`` holds columns ``j N .. (j + 1) N - 1``.
    """
    rng = np.random.RandomState(seed)
    n = points_per_class
    X = np.empty((2, 2 * n))
    Y = np.repeat(np.arange(2, dtype=np.int64), n).reshape(1, -1)
    for j in range(2):
        t = np.linspace(j * FLOWER_SPAN, (j + 1) * FLOWER_SPAN, n) + rng.randn(n) * noise
        r = FLOWER_RADIUS * np.sin(4 * t) + rng.randn(n) * noise
        X[:, j * n : (j + 1) * n] = r * np.sin(t), r * np.cos(t)
    return X, Y


def circles():
    """Course 2 week 1's circles: ``(train_X, train_Y, test_X, test_Y)``.

    Returns
    -------
    train_X : ndarray, shape (2, 300)
    train_Y : ndarray of int64, shape (1, 300)
    test_X : ndarray, shape (2, 100)
    test_Y : ndarray of int64, shape (1, 100)
    """
    from sklearn.datasets import make_circles

    split = []
    for seed, n_samples in CIRCLES.values():
        x, y = make_circles(
            n_samples=n_samples, noise=CIRCLES_NOISE, random_state=np.random.RandomState(seed)
        )
        split += [x.T, y.astype(np.int64).reshape(1, -1)]
    return tuple(split)


def moons():
    """Course 2 week 2's moons: ``(train_X, train_Y)`` of shapes ``(2, 300)`` and ``(1, 300)``."""
    from sklearn.datasets import make_moons

    x, y = make_moons(
        n_samples=MOONS_SAMPLES, noise=MOONS_NOISE, random_state=np.random.RandomState(MOONS_SEED)
    )
    return x.T, y.astype(np.int64).reshape(1, -1)
