"""The training loop: forward, cost, backward, update, repeated.

:meth:`deepcat.Network.fit` validates its arguments into a
:class:`~deepcat.training.settings.TrainingConfig` and calls :func:`train`. One *iteration* is one
parameter update; one *epoch* is one pass over the training set, which is one
iteration when ``batch_size`` is the whole set (the seeds' batch gradient
descent).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from deepcat.core.schedules import get_schedule
from deepcat.training.methods import choose_method
from deepcat.training.passes import Passes


class DivergenceError(FloatingPointError):
    """The cost became NaN or infinite during training."""


@dataclass
class History:
    """What :meth:`Network.fit` recorded.

    Attributes
    ----------
    costs : list of (iteration, cost)
        Full batch: the cost before the update of iteration 0, of every
        ``record_every``-th iteration and of the last one, as in the seeds.
        Mini-batches: one entry per epoch, the mean of that epoch's mini-batch
        costs, at the epoch's last iteration.
    val_costs, val_accuracies : list of (iteration, value)
        On the validation set, at the same iterations as ``costs`` (empty without one).
    best_iteration : int or None
        With early stopping, the iteration whose parameters were kept.
    stopped_early : bool
    iterations : int
        Parameter updates made.
    fit_seconds : float
        Wall-clock seconds spent in :meth:`Network.fit`.
    method : str
        How layer 1 was computed: ``"plain"`` (``W[1] X``, as the seeds write it) or ``"gram"``
        (through ``Xᵀ X``); see :mod:`deepcat.training.methods`.
    """

    costs: list = field(default_factory=list)
    val_costs: list = field(default_factory=list)
    val_accuracies: list = field(default_factory=list)
    best_iteration: int | None = None
    stopped_early: bool = False
    iterations: int = 0
    fit_seconds: float = 0.0
    method: str = "plain"


def train(network, X, Y, config, validation=None, callback=None):
    """Train ``network`` in place on ``X`` ``(n_x, m)`` and ``Y`` ``(n_L, m)``.

    The loop is the seeds' (forward, cost, backward, update) over mini-batches; the arithmetic
    of each batch is :class:`~deepcat.training.passes.Passes`', which computes the first layer
    as chosen by :func:`~deepcat.training.methods.choose_method`.

    Parameters
    ----------
    network : deepcat.Network
    X : ndarray, shape (n_x, m), in the network's dtype (integer with ``input_scale``)
    Y : ndarray, shape (n_L, m): 0/1 for sigmoid, one-hot for softmax
    config : TrainingConfig
    validation : (X_val, Y_val) or None, shaped like ``X`` and ``Y``
    callback : callable(iteration, cost) or None
        Called after every update, e.g. to drive a progress bar.

    Returns
    -------
    History
        With ``method`` naming the first-layer formulation that ran.
    """
    start = time.perf_counter()
    method = choose_method(network, X, config)
    batch_size = min(config.batch_size or X.shape[1], X.shape[1])
    passes = Passes(network, X, config, method, batch_size)
    try:
        history = _loop(network, Y, config, validation, callback, passes, batch_size)
    finally:
        passes.release()
    history.method = method
    history.fit_seconds = time.perf_counter() - start
    return history


def _loop(network, Y, config, validation, callback, passes, batch_size):
    """Epochs of reshuffled mini-batches (or the whole set), with records, validation,
    early stopping and divergence checks; the arithmetic is left to ``passes``."""
    parameters = network.parameters
    schedule = get_schedule(config.decay)
    rng = network.rng
    m = Y.shape[1]
    full_batch = batch_size == m
    total = config.iterations or config.epochs * math.ceil(m / batch_size)
    history = History()
    before_fit = passes.values_before_fit()
    best = _EarlyStopping(config.patience) if validation is not None else None

    def record(iteration, cost):
        history.costs.append((iteration, cost))
        if validation is None:
            return False
        passes.sync()
        X_val, Y_val = validation
        history.val_costs.append((iteration, network.cost(X_val, Y_val, lambd=config.lambd)))
        history.val_accuracies.append((iteration, network.score(X_val, Y_val)))
        return best.observe(iteration, history.val_costs[-1][1], parameters)

    iteration = epoch = 0
    stop = False
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        while iteration < total and not stop:
            order = None if full_batch else rng.permutation(m)
            learning_rate = schedule(
                config.learning_rate, epoch, config.decay_rate, config.decay_every
            )
            epoch_cost = 0.0
            epoch_examples = 0
            for first in range(0, m, batch_size):
                if iteration == total:
                    break
                batch = None if full_batch else np.sort(order[first : first + batch_size])
                Y_batch = Y if full_batch else Y[:, batch]
                cost = passes.cost(batch, Y_batch)
                if not math.isfinite(cost):
                    _diverged(parameters, before_fit, iteration, cost, config.learning_rate)
                if full_batch and (iteration % config.record_every == 0 or iteration == total - 1):
                    stop = record(iteration, cost)
                    if stop:
                        break
                passes.step(batch, Y_batch, learning_rate)
                if callback is not None:
                    callback(iteration, cost)
                epoch_cost += cost * Y_batch.shape[1]
                epoch_examples += Y_batch.shape[1]
                iteration += 1
            if not full_batch and epoch_examples:
                stop = record(iteration - 1, epoch_cost / epoch_examples)
            epoch += 1

    passes.sync()
    if not all(np.isfinite(value).all() for value in parameters.values()):
        _diverged(parameters, before_fit, iteration - 1, math.nan, config.learning_rate)
    history.iterations = iteration
    if best is not None and best.best_parameters is not None and config.patience is not None:
        for key, value in best.best_parameters.items():
            parameters[key][...] = value
        history.best_iteration = best.best_iteration
        history.stopped_early = stop
    return history


class _EarlyStopping:
    """Remembers the parameters with the lowest validation cost seen so far."""

    def __init__(self, patience):
        self.patience = patience
        self.best_cost = math.inf
        self.best_iteration = None
        self.best_parameters = None
        self.evaluations_without_improvement = 0

    def observe(self, iteration, cost, parameters):
        """Return True when ``patience`` evaluations in a row brought no improvement."""
        if self.patience is None:
            return False
        if cost < self.best_cost:
            self.best_cost = cost
            self.best_iteration = iteration
            self.best_parameters = {key: value.copy() for key, value in parameters.items()}
            self.evaluations_without_improvement = 0
            return False
        self.evaluations_without_improvement += 1
        return self.evaluations_without_improvement >= self.patience


def _diverged(parameters, before_fit, iteration, cost, learning_rate):
    for key, value in before_fit.items():
        parameters[key][...] = value
    raise DivergenceError(
        f"training diverged at iteration {iteration}: the cost became {cost}. "
        f"Try a smaller learning rate than {learning_rate:g}. "
        "The parameters were restored to their values before fit()."
    )
