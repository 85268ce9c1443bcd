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

CIRCLES_DRAWS = ((1, 300), (2, 100))
"""``(seed, n_samples)`` of the course's two ``make_circles`` draws (noise 0.05): its training
set, then its test set."""
CIRCLES_NOISE = 0.05
CIRCLES_FACTOR = 0.8
"""The inner circle's radius (the outer one's is 1): scikit-learn's default, the course's."""
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


def circles(noise=CIRCLES_NOISE, draws=CIRCLES_DRAWS):
    """Course 2 week 1's circles: ``(train_X, train_Y, test_X, test_Y)``.

    scikit-learn's ``make_circles``: an outer circle of radius 1 (class 0) and an inner one of
    radius :data:`CIRCLES_FACTOR` (class 1), each point moved by Gaussian noise.

    Parameters
    ----------
    noise : float, default 0.05
        The noise's standard deviation, the course's 0.05.
    draws : sequence of (seed, n_samples), default ((1, 300), (2, 100))
        One draw of ``n_samples`` points after each seed: the course's training set, then its
        test set.

    Returns
    -------
    X, Y for each draw in turn : ndarray, shape (2, n_samples), and ndarray of int64, shape
        (1, n_samples). By default ``train_X`` (2, 300), ``train_Y`` (1, 300), ``test_X``
        (2, 100) and ``test_Y`` (1, 100).
    """
    from sklearn.datasets import make_circles

    split = []
    for seed, n_samples in draws:
        rng = np.random.RandomState(seed)
        split += _columns(
            make_circles(n_samples=n_samples, noise=noise, factor=CIRCLES_FACTOR, random_state=rng)
        )
    return tuple(split)


def moons(n_samples=MOONS_SAMPLES, noise=MOONS_NOISE, seed=MOONS_SEED):
    """Course 2 week 2's moons: scikit-learn's ``make_moons``, two interleaving half circles.

    Parameters
    ----------
    n_samples : int, default 300
        ``m``; class 0 gets ``m // 2`` points on the upper half circle, class 1 the others.
    noise : float, default 0.2
        The noise's standard deviation.
    seed : int, default 3
        The course's seed.

    Returns
    -------
    X : ndarray, shape (2, n_samples)
    Y : ndarray of int64, shape (1, n_samples)
    """
    from sklearn.datasets import make_moons

    rng = np.random.RandomState(seed)
    return tuple(_columns(make_moons(n_samples=n_samples, noise=noise, random_state=rng)))


def _columns(pair):
    """scikit-learn's ``(x, y)``, one example a row, as ``X`` ``(2, m)`` and ``Y`` ``(1, m)``."""
    x, y = pair
    return [x.T, y.astype(np.int64).reshape(1, -1)]
