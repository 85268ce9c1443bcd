"""Which first-layer formulation a fit uses: ``"plain"`` or ``"gram"``.

Both run in the one training loop (:mod:`deepcat.training.loop`, arithmetic in
:mod:`deepcat.training.passes`); they differ only in how layer 1 is computed:

``"plain"``
    As the seeds write it, ``Z[1] = W[1] A[0] + b[1]`` and ``dW[1] = dZ[1] A[0]ᵀ / m``.
``"gram"``
    Through the Gram matrix ``Xᵀ X`` (:mod:`deepcat.training.gram`): exact for optimizers whose
    step is linear in the gradients (gradient descent, momentum, with L2 and dropout), and far
    cheaper when there are fewer examples than features.

:func:`choose_method` takes the one with fewer floating-point operations among those that
apply, on the examples a fit trains on; :func:`fit_method` says, before a fit, which one it will
take for its inputs. ``History.method`` records which one ran, and
``with use_method("plain"): ...`` forces one, for comparisons and benchmarks.
"""

from __future__ import annotations

import contextlib
import contextvars
import math

import numpy as np

from deepcat.core.streams import ExampleStream
from deepcat.training.settings import validation_count

METHODS = ("plain", "gram")
"""Every first-layer formulation, by the name ``History.method`` reports."""

_FORCED = contextvars.ContextVar("deepcat_training_method", default=None)


@contextlib.contextmanager
def use_method(method):
    """Train with ``method`` (one of :data:`METHODS`) inside the ``with`` block.

    ``fit`` then raises a ``ValueError`` saying why, if that formulation does not apply.
    """
    if method not in METHODS:
        raise ValueError(f"unknown training method {method!r}; expected one of {METHODS}")
    token = _FORCED.set(method)
    try:
        yield
    finally:
        _FORCED.reset(token)


def choose_method(network, X, config):
    """The cheaper exact formulation of layer 1 for this fit: ``"plain"`` or ``"gram"``.

    Parameters
    ----------
    network : deepcat.Network
    X : ndarray, shape (n_x, m)
    config : deepcat.training.settings.TrainingConfig
    """
    forced = _FORCED.get()
    if forced == "plain":
        return "plain"
    reason = why_not_gram(network, X, config)
    if forced == "gram":
        if reason:
            raise ValueError(f"the 'gram' training method does not apply: {reason}")
        return "gram"
    if reason is None and first_layer_flops("gram", network, X, config) < first_layer_flops(
        "plain", network, X, config
    ):
        return "gram"
    return "plain"


def fit_method(network, X, config):
    """The formulation ``network.fit(X, ...)`` with ``config`` will train layer 1 with.

    :func:`choose_method` on the examples the fit trains on: those left once it has held out
    :func:`~deepcat.training.settings.validation_count` of them for validation. The choice
    depends on their number, not on which ones they are.

    Parameters
    ----------
    network : deepcat.Network
    X : ndarray, shape (n_x, m)
        The inputs given to ``fit``, validation examples included.
    config : deepcat.training.settings.TrainingConfig
    """
    if isinstance(X, ExampleStream):
        return choose_method(network, X, config)  # always "plain" (see why_not_gram)
    m = X.shape[1]
    trained_on = m - validation_count(m, config.validation_fraction)
    return choose_method(network, X[:, :trained_on], config)


def why_not_gram(network, X, config):
    """Why the Gram formulation cannot train this fit exactly, or None when it can."""
    n_x, m = X.shape
    if isinstance(X, ExampleStream):
        return "X is read from disk one mini-batch at a time, and Xᵀ X would read all of it"
    optimizer = type(config.optimizer)
    if not getattr(optimizer, "linear_in_gradients", False):
        return f"{optimizer.__name__} steps are not linear in the gradients"
    if network.frozen:
        return "layer 1 is frozen, so its weights never change"
    if m >= n_x:
        return f"m = {m} examples >= n_x = {n_x} features: Xᵀ X would be no smaller than X"
    if m * m * np.dtype(network.dtype).itemsize > X.nbytes:
        return f"the Gram matrix of m = {m} examples would take more memory than X"
    return None


def first_layer_flops(method, network, X, config):
    """Multiply-adds layer 1 costs over the whole fit (the other layers cost the same)."""
    n_x, m = X.shape
    n_1 = network.layer_dims[1]
    batch = min(config.batch_size or m, m)
    iterations = config.iterations or config.epochs * math.ceil(m / batch)
    if method == "plain":
        return iterations * 2 * n_1 * n_x * batch
    # Mini-batches with L2 also pay for C G over all examples, for ||W[1]||² in the cost.
    per_iteration = n_1 * m * batch + (n_1 * m * m if config.lambd and batch < m else 0)
    return n_x * m * m / 2 + 2 * n_1 * n_x * m + iterations * per_iteration
