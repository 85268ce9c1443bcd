"""Parameter initialization: ``W[l]`` ``(n_l, n_{l-1})`` and ``b[l]`` ``(n_l, 1)``.

Each initializer draws one weight matrix from a ``numpy.random.RandomState``.
:func:`initialize_parameters` calls it layer by layer, ``W1`` first, and sets
every bias to zero, which is exactly the order of draws in the course's
``initialize_parameters`` / ``initialize_parameters_deep``: with ``seed=1``
the course's published runs are reproduced bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from deepcat.core.memory import array_bytes, check_fits
from deepcat.core.registry import lookup
from deepcat.core.validation import check_layer_dims, parameter_shapes, resolve_dtype


def zeros(rng, n_l, n_prev):
    """All-zero ``(n_l, n_prev)``: every unit of a layer stays identical (shows why not to)."""
    return np.zeros((n_l, n_prev))


def small(rng, n_l, n_prev):
    """``randn(n_l, n_prev) * 0.01``, as in the course's 2-layer network."""
    return rng.randn(n_l, n_prev) * 0.01


def lecun(rng, n_l, n_prev):
    """``randn(n_l, n_prev) / sqrt(n_prev)``, as in the course's L-layer network."""
    return rng.randn(n_l, n_prev) / np.sqrt(n_prev)


def he(rng, n_l, n_prev):
    """``randn(n_l, n_prev) * sqrt(2 / n_prev)`` (He et al. 2015), suited to ReLU layers."""
    return rng.randn(n_l, n_prev) * np.sqrt(2.0 / n_prev)


def xavier(rng, n_l, n_prev):
    """``randn(n_l, n_prev) * sqrt(2 / (n_prev + n_l))`` (Glorot and Bengio 2010), for tanh."""
    return rng.randn(n_l, n_prev) * np.sqrt(2.0 / (n_prev + n_l))


INITIALIZERS: dict[str, Callable] = {
    "zeros": zeros,
    "small": small,
    "lecun": lecun,
    "he": he,
    "xavier": xavier,
}


def get_initializer(name: str) -> Callable:
    """Return the initializer registered under ``name``."""
    return lookup(INITIALIZERS, name, "initializer")


def make_rng(seed) -> np.random.RandomState:
    """A private ``RandomState`` from ``seed`` (None, an int, or a RandomState to share).

    The global ``np.random`` state is never read or changed.
    """
    if isinstance(seed, np.random.RandomState):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise TypeError(f"seed must be None or a non-negative int, got {seed!r}")
    return np.random.RandomState(seed)


def check_parameters_fit(layer_dims, dtype, drawn=True):
    """Refuse, in words, a network whose parameters cannot fit in this process's memory.

    Parameters
    ----------
    layer_dims : list of int, ``[n_x, n_1, ..., n_L]``
    dtype : NumPy float type
    drawn : bool, default True
        The weights are drawn by an initializer: the largest ``W`` then briefly needs two more
        float64 arrays of its shape (the draw and its scaled copy) before the cast to ``dtype``.

    Raises
    ------
    deepcat.core.memory.NotEnoughMemoryError
        Naming the network and its largest weight matrix, with the bytes needed and available.
    """
    shapes = parameter_shapes(layer_dims)
    total = sum(math.prod(shape) for shape in shapes.values())
    name, largest = max(
        ((name, shape) for name, shape in shapes.items() if name.startswith("W")),
        key=lambda item: math.prod(item[1]),
    )
    draw = array_bytes(largest, np.float64, copies=2) if drawn else 0
    check_fits(
        array_bytes((total,), dtype) + draw,
        f"the network layer_dims = {list(layer_dims)} ({total:,} parameters; {name} of shape "
        f"{largest})",
    )


def initialize_parameters(layer_dims, init="lecun", seed=None, dtype="float64"):
    """Draw the parameters of an L-layer network.

    Parameters
    ----------
    layer_dims : sequence of int, length L + 1
        ``[n_x, n_1, ..., n_L]``: input size, then the size of each layer.
    init : str, default "lecun"
        A name in :data:`INITIALIZERS`.
    seed : None, int or numpy.random.RandomState
        Source of the draws; ``seed=1`` reproduces the course.
    dtype : "float64" or "float32"
        Draws are made in float64, then cast, so both dtypes see the same numbers.

    Returns
    -------
    parameters : dict
        ``"W{l}"``: ``(n_l, n_{l-1})`` and ``"b{l}"``: ``(n_l, 1)`` for ``l = 1..L``.
    """
    layer_dims = check_layer_dims(layer_dims)
    draw = get_initializer(init)
    dtype = resolve_dtype(dtype)
    rng = make_rng(seed)
    check_parameters_fit(layer_dims, dtype)
    parameters = {}
    for l in range(1, len(layer_dims)):
        n_l, n_prev = layer_dims[l], layer_dims[l - 1]
        parameters[f"W{l}"] = np.ascontiguousarray(draw(rng, n_l, n_prev), dtype=dtype)
        parameters[f"b{l}"] = np.zeros((n_l, 1), dtype=dtype)
    return parameters
