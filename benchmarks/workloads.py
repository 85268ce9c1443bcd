"""The benchmark's three workloads and their trainers.

(a) the course's L-layer cat model, full batch, float64: deepcat, the seed transcription,
    PyTorch; (b) one epoch of mini-batch Adam in float32 on uint8 images: deepcat, PyTorch;
(c) the same epoch for growing numbers of examples, in deepcat, with its peak memory.

Every trainer returns what it needs to be compared: the recorded costs, or the epoch's cost.
"""

from __future__ import annotations

import contextlib
import copy
import os

import numpy as np

import deepcat
from deepcat.core.kernels import use_numba
from deepcat.data import load_catvnoncat
from deepcat.training.methods import use_method

CAT_DIMS = [12288, 20, 7, 5, 1]
CAT_LEARNING_RATE = 0.0075
CAT_ITERATIONS = 2500

ADAM_DIMS = [3072, 256, 128, 1]
ADAM_BATCH = 256
ADAM_LEARNING_RATE = 0.001
ADAM_EXAMPLES = 20_000
ADAM_FIT = dict(
    learning_rate=ADAM_LEARNING_RATE,
    epochs=1,
    batch_size=ADAM_BATCH,
    optimizer="adam",
    input_scale=255,
)
"""``Network.fit``'s settings of the (b) epoch: uint8 pixels divided by 255 batch by batch."""
SCALING_SIZES = (10_000, 20_000, 50_000, 100_000, 200_000)


# -- (a) the cat model ------------------------------------------------------------------------


def cat_data(data_dir=None):
    """``(train_x (12288, 209) float64 / 255, train_y (1, 209), test_x, test_y)``."""
    data = load_catvnoncat(data_dir or os.environ.get("DEEPCAT_DATA") or None)
    return data.train_x, data.train_y, data.test_x, data.test_y


def recorded(iterations, every=100):
    """The iterations deepcat records: 0, every ``every``-th, and the last."""
    return set(range(0, iterations, every)) | {iterations - 1}


def cat_initial():
    """The course's initial parameters: ``lecun`` draws from ``RandomState(1)``."""
    return deepcat.initialize_parameters(CAT_DIMS, init="lecun", seed=1)


def cat_deepcat(X, Y, iterations, method=None):
    """deepcat's ``Network.fit``; ``method`` forces a first-layer formulation (None: automatic).

    Returns
    -------
    costs : dict iteration -> cost
    network : the trained deepcat.Network
    """
    network = deepcat.Network(CAT_DIMS, init="lecun", seed=1)
    if method is None:
        history = network.fit(X, Y, learning_rate=CAT_LEARNING_RATE, iterations=iterations)
    else:
        with use_method(method):
            history = network.fit(X, Y, learning_rate=CAT_LEARNING_RATE, iterations=iterations)
    return dict(history.costs), network, history.method


def cat_seed(X, Y, iterations):
    """The seed transcription from the same initial parameters; returns its recorded costs."""
    import seed_transcription

    with np.errstate(over="ignore"):
        _, costs = seed_transcription.L_layer_model(
            X, Y, cat_initial(), CAT_LEARNING_RATE, iterations, recorded(iterations)
        )
    return costs


def cat_torch(X, Y, iterations):
    """PyTorch float64 from the same initial parameters; returns its recorded costs."""
    import torch_peer

    return torch_peer.train_full_batch(
        X, Y, cat_initial(), CAT_LEARNING_RATE, iterations, recorded(iterations)
    )


# -- (b) and (c): mini-batch Adam on uint8 images ----------------------------------------------


def images(m, seed=0):
    """``m`` image-like examples: ``(m, 3072)`` uint8 pixels (32x32 RGB, HWC) and ``Y`` (1, m).

    Uniform noise whose red channel is shifted up (label 1) or down (label 0), written chunk
    by chunk into the uint8 array, so that making the data never needs a wider copy of it.
    """
    rng = np.random.default_rng(seed)
    pixels = np.empty((m, 3072), np.uint8)
    labels = rng.integers(0, 2, size=m)
    for first in range(0, m, 10_000):
        chunk = pixels[first : first + 10_000]
        chunk[...] = rng.integers(0, 256, size=chunk.shape, dtype=np.uint8)
        red = chunk[:, 0::3]
        red //= 2
        red[labels[first : first + 10_000] == 1] += 128
    return pixels, labels.reshape(1, m)


def adam_network():
    """The (b) network, float32, seed 1."""
    return deepcat.Network(ADAM_DIMS, init="lecun", seed=1, dtype="float32")


def adam_deepcat(pixels, Y, method=None, numba=None):
    """One epoch of ``Network.fit`` on ``pixels.T`` ``(3072, m)`` uint8; returns the epoch cost.

    ``numba``: True or False forces deepcat's compiled kernels on or off
    (:func:`deepcat.core.kernels.use_numba`); None leaves the choice to deepcat.
    """
    network = adam_network()
    with contextlib.ExitStack() as stack:
        if method is not None:
            stack.enter_context(use_method(method))
        if numba is not None:
            stack.enter_context(use_numba(numba))
        history = network.fit(pixels.T, Y, **ADAM_FIT)
    return history.costs[-1][1]


def adam_torch(pixels, Y, fused=False):
    """The same epoch in PyTorch: same initial weights, same shuffle; returns the epoch cost."""
    import torch_peer

    network = adam_network()
    order = copy.deepcopy(network.rng).permutation(pixels.shape[0])
    return torch_peer.train_adam_epoch(
        pixels, Y, network.parameters, order, ADAM_BATCH, ADAM_LEARNING_RATE, fused
    )


def adam_budget_bytes(m):
    """uint8 data + parameters + Adam's two moments + one batch's activations, in bytes.

    The batch's activations: its inputs as float32 ``(n_x, 256)`` and every layer's ``Z`` and
    ``A`` ``(n_l, 256)``. The labels (float32, ``(1, m)``) count with the data.
    """
    parameters = sum(n * p + n for p, n in zip(ADAM_DIMS[:-1], ADAM_DIMS[1:], strict=True))
    activations = ADAM_BATCH * (ADAM_DIMS[0] + 2 * sum(ADAM_DIMS[1:]))
    return m * ADAM_DIMS[0] + 4 * m + 4 * (3 * parameters + activations)
