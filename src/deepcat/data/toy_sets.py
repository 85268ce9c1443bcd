"""The playground's two-dimensional data sets, by name, of any size and noise.

Each set is drawn from ``(m, noise, seed)``: ``m`` examples, Gaussian noise of standard
deviation ``noise`` (in the units of the points), and a seed for a private
``numpy.random.RandomState``, so that the same three give the same points and the caller's
global random state is left alone. Every set returns ``X`` of shape ``(2, m)`` (float64) and
``Y`` of shape ``(1, m)`` (int64 labels 0/1), the course's layout.

- ``flower``: the course's planar flower (:func:`deepcat.data.planar.flower`); ``m = 400``,
  noise 0.2 and seed 1 give the course's 400 points exactly.
- ``moons``, ``circles``: the course's (:func:`deepcat.data.planar.moons`,
  :func:`deepcat.data.planar.circles`), scikit-learn's ``make_moons`` and ``make_circles``;
  ``moons`` at ``(300, 0.2, 3)`` and ``circles`` at ``(300, 0.05, 1)`` are the course's
  training sets.
- ``blobs``: scikit-learn's ``make_blobs``, centred on (-1, -1) and (1, 1).
- ``xor``: points uniform in the square [-1, 1]², labelled 1 where exactly one coordinate is
  positive; the noise moves a point after its label is given.

The limits of ``m``, ``noise`` and ``seed`` are declared once (:data:`SIZE_LIMITS`,
:data:`NOISE_LIMITS`, :data:`SEED_LIMITS`) and refused in the words of every other setting of
deepcat (:mod:`deepcat.core.validation`); the web application's playground states them from
here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from deepcat.core.registry import lookup
from deepcat.core.validation import check_in_range, check_int_in_range
from deepcat.data import planar
from deepcat.data.model_header import SEED_LIMIT

SIZE_LIMITS = (20, 1000)
"""``m``, the number of examples, both ends included: enough for a train/test split, few
enough to draw."""
NOISE_LIMITS = (0.0, 1.0)
"""The noise's standard deviation, both ends included: at 1 every set is about as wide as its
noise."""
SEED_LIMITS = (0, SEED_LIMIT - 1)
"""What ``numpy.random.RandomState`` accepts, as every seed of deepcat."""
SEED_HIGH_TEXT = "2**32 - 1"
DEFAULT_SIZE = 200
DEFAULT_SEED = 1
"""The course's seed of the flower (and ``deepcat train``'s seed)."""
BLOB_CENTRES = ((-1.0, -1.0), (1.0, 1.0))
"""The centres of class 0 and class 1 in ``blobs``."""


@dataclass(frozen=True)
class ToySet:
    """One playground data set.

    Attributes
    ----------
    draw : callable(m, noise, seed) -> (X, Y)
        ``X`` ``(2, m)``, ``Y`` ``(1, m)``.
    summary : str
        One line for the page.
    noise : float
        The noise the set starts with (the course's where the course draws it).
    """

    draw: Callable
    summary: str
    noise: float


def _flower(m, noise, seed):
    # planar.flower draws N points a class; an odd m keeps all of class 0 and N - 1 of class 1.
    X, Y = planar.flower(points_per_class=(m + 1) // 2, seed=seed, noise=noise)
    return X[:, :m], Y[:, :m]


def _circles(m, noise, seed):
    return planar.circles(noise=noise, draws=[(seed, m)])


def _blobs(m, noise, seed):
    from sklearn.datasets import make_blobs

    rng = np.random.RandomState(seed)
    centres = np.array(BLOB_CENTRES)
    x, y = make_blobs(n_samples=m, centers=centres, cluster_std=noise, random_state=rng)
    return x.T, y.reshape(1, -1)


def _xor(m, noise, seed):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1.0, 1.0, size=(2, m))
    Y = ((X[0] > 0) != (X[1] > 0)).astype(np.int64).reshape(1, -1)
    return X + noise * rng.randn(2, m), Y


TOY_SETS = {
    "flower": ToySet(
        _flower, "the course's planar flower (C1 W3): two classes on 8 petals", planar.FLOWER_NOISE
    ),
    "moons": ToySet(
        planar.moons,
        "two interleaving half circles (the course's moons, C2 W2)",
        planar.MOONS_NOISE,
    ),
    "circles": ToySet(
        _circles, "a circle inside another (the course's circles, C2 W1)", planar.CIRCLES_NOISE
    ),
    "blobs": ToySet(_blobs, "two Gaussian blobs around (-1, -1) and (1, 1)", 0.5),
    "xor": ToySet(_xor, "the four quadrants: class 1 where the coordinates' signs differ", 0.1),
}
"""The playground's data sets by name, in the order the page lists them."""


def make_toy_set(name, m=DEFAULT_SIZE, noise=None, seed=DEFAULT_SEED):
    """Draw the data set ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`TOY_SETS`.
    m : int in [20, 1000]
    noise : float in [0, 1], optional
        Default: the set's own (:attr:`ToySet.noise`).
    seed : int in [0, 2**32 - 1]

    Returns
    -------
    X : ndarray of float64, shape (2, m)
    Y : ndarray of int64, shape (1, m)
        Labels 0 and 1.

    Raises
    ------
    ValueError, TypeError
        For an unknown name or a value out of its limits, naming it and its limits.
    """
    toy_set = lookup(TOY_SETS, name, "toy data set")
    m = check_int_in_range(m, "m", *SIZE_LIMITS)
    if noise is None:
        noise = toy_set.noise
    noise = check_in_range(noise, "noise", *NOISE_LIMITS)
    seed = check_int_in_range(seed, "seed", *SEED_LIMITS, high_text=SEED_HIGH_TEXT)
    X, Y = toy_set.draw(m, noise, seed)
    return np.ascontiguousarray(X, dtype=np.float64), np.asarray(Y, dtype=np.int64)
