"""The training loop: forward, cost, backward, update, repeated.

:meth:`deepcat.Network.fit` validates its arguments into a
:class:`TrainingConfig` and calls :func:`train`. One *iteration* is one
parameter update; one *epoch* is one pass over the training set, which is one
iteration when ``batch_size`` is the whole set (the seeds' batch gradient
descent).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from deepcat.inputs import scale_inputs
from deepcat.losses import get_loss, l2_regularization_cost
from deepcat.optimizers import make_optimizer
from deepcat.propagation import model_backward, model_forward
from deepcat.schedules import get_schedule
from deepcat.validation import check_in_range, check_positive_float, check_positive_int


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
        Which loop trained: ``"plain"`` (this module's), or ``"dense"`` or ``"gram"``, the
        fast exact formulations of :mod:`deepcat.fast`.
    """

    costs: list = field(default_factory=list)
    val_costs: list = field(default_factory=list)
    val_accuracies: list = field(default_factory=list)
    best_iteration: int | None = None
    stopped_early: bool = False
    iterations: int = 0
    fit_seconds: float = 0.0
    method: str = "plain"


@dataclass
class TrainingConfig:
    """Validated settings of one :meth:`Network.fit` call (see its docstring)."""

    learning_rate: float
    iterations: int | None
    epochs: int | None
    batch_size: int | None
    optimizer: object
    decay: str | None
    decay_rate: float
    decay_every: float
    lambd: float
    keep_prob: list | None
    patience: int | None
    record_every: int
    input_scale: float | None = None


def train(network, X, Y, config, validation=None, callback=None):
    """Train ``network`` in place on ``X`` ``(n_x, m)`` and ``Y`` ``(n_L, m)``.

    Parameters
    ----------
    network : deepcat.Network
    X : ndarray, shape (n_x, m), in the network's dtype
    Y : ndarray, shape (n_L, m): 0/1 for sigmoid, one-hot for softmax
    config : TrainingConfig
    validation : (X_val, Y_val) or None, shaped like ``X`` and ``Y``
    callback : callable(iteration, cost) or None
        Called after every update, e.g. to drive a progress bar.

    Returns
    -------
    History
    """
    # Lazy import: deepcat.fast builds on this module.
    from deepcat.fast import choose_method, train_fast

    method = choose_method(network, X, config)
    if method != "plain":
        return train_fast(network, X, Y, config, validation, callback, method)
    start = time.perf_counter()
    parameters = network.parameters
    activations = network.activations
    loss = get_loss(activations[-1])
    schedule = get_schedule(config.decay)
    rng = network.rng
    m = X.shape[1]
    batch_size = min(config.batch_size or m, m)
    full_batch = batch_size == m
    batches_per_epoch = math.ceil(m / batch_size)
    total = config.iterations or config.epochs * batches_per_epoch
    trainable = {f"d{p}{l}" for l in range(network.frozen + 1, network.L + 1) for p in "Wb"}

    history = History()
    before_fit = {key: value.copy() for key, value in parameters.items()}
    best = _EarlyStopping(config.patience) if validation is not None else None

    def record(iteration, cost):
        history.costs.append((iteration, cost))
        if validation is None:
            return False
        X_val, Y_val = validation
        history.val_costs.append((iteration, network.cost(X_val, Y_val, lambd=config.lambd)))
        history.val_accuracies.append((iteration, network.score(X_val, Y_val)))
        return best.observe(iteration, history.val_costs[-1][1], parameters)

    if full_batch:
        X = scale_inputs(X, config.input_scale, network.dtype)
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
                if full_batch:
                    X_batch, Y_batch = X, Y
                else:
                    batch = np.sort(order[first : first + batch_size])
                    X_batch = scale_inputs(X[:, batch], config.input_scale, network.dtype)
                    Y_batch = Y[:, batch]
                AL, caches = model_forward(X_batch, parameters, activations, config.keep_prob, rng)
                cost = loss(caches[-1][1], Y_batch) + l2_regularization_cost(
                    parameters, config.lambd, X_batch.shape[1]
                )
                if not math.isfinite(cost):
                    _diverged(parameters, before_fit, iteration, cost, config.learning_rate)
                if full_batch and (iteration % config.record_every == 0 or iteration == total - 1):
                    stop = record(iteration, cost)
                    if stop:
                        break
                gradients = model_backward(
                    AL, Y_batch, caches, activations, config.keep_prob, config.lambd
                )
                config.optimizer.update(
                    parameters,
                    {k: g for k, g in gradients.items() if k in trainable},
                    learning_rate,
                )
                if callback is not None:
                    callback(iteration, cost)
                epoch_cost += cost * X_batch.shape[1]
                epoch_examples += X_batch.shape[1]
                iteration += 1
            if not full_batch and epoch_examples:
                stop = record(iteration - 1, epoch_cost / epoch_examples)
            epoch += 1

    if not all(np.isfinite(value).all() for value in parameters.values()):
        _diverged(parameters, before_fit, iteration - 1, math.nan, config.learning_rate)
    history.iterations = iteration
    if best is not None and best.best_parameters is not None and config.patience is not None:
        for key, value in best.best_parameters.items():
            parameters[key][...] = value
        history.best_iteration = best.best_iteration
        history.stopped_early = stop
    history.fit_seconds = time.perf_counter() - start
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


def build_config(
    *,
    learning_rate,
    iterations,
    epochs,
    batch_size,
    optimizer,
    beta,
    beta1,
    beta2,
    epsilon,
    decay,
    decay_rate,
    decay_every,
    lambd,
    keep_prob,
    patience,
    record_every,
    n_hidden,
    input_scale=None,
):
    """Validate :meth:`Network.fit`'s settings into a :class:`TrainingConfig`."""
    learning_rate = check_positive_float(learning_rate, "learning_rate")
    if iterations is not None and epochs is not None:
        raise ValueError("give iterations or epochs, not both")
    if iterations is None and epochs is None:
        iterations = 2500
    if iterations is not None:
        iterations = check_positive_int(iterations, "iterations")
    else:
        epochs = check_positive_int(epochs, "epochs")
    if batch_size is not None:
        batch_size = check_positive_int(batch_size, "batch_size")
    get_schedule(decay)
    decay_rate = check_in_range(decay_rate, "decay_rate", 0.0, math.inf, high_open=True)
    decay_every = check_positive_float(decay_every, "decay_every")
    lambd = check_in_range(lambd, "lambd", 0.0, math.inf, high_open=True)
    keep_prob = _check_keep_prob(keep_prob, n_hidden)
    if patience is not None:
        patience = check_positive_int(patience, "patience")
    if input_scale is not None:
        input_scale = check_positive_float(input_scale, "input_scale")
    return TrainingConfig(
        learning_rate=learning_rate,
        iterations=iterations,
        epochs=epochs,
        batch_size=batch_size,
        optimizer=make_optimizer(optimizer, beta=beta, beta1=beta1, beta2=beta2, epsilon=epsilon),
        decay=decay,
        decay_rate=decay_rate,
        decay_every=decay_every,
        lambd=lambd,
        keep_prob=keep_prob,
        patience=patience,
        record_every=check_positive_int(record_every, "record_every"),
        input_scale=input_scale,
    )


def _check_keep_prob(keep_prob, n_hidden):
    """One value for every hidden layer, or one per hidden layer; None when all are 1."""
    values = list(keep_prob) if isinstance(keep_prob, (list, tuple, np.ndarray)) else None
    if values is None:
        values = [keep_prob] * n_hidden
    elif len(values) != n_hidden:
        raise ValueError(
            f"keep_prob needs one value per hidden layer (L - 1 = {n_hidden}), got {len(values)}"
        )
    values = [
        check_in_range(p, f"keep_prob for layer {l}", 0.0, 1.0, low_open=True)
        for l, p in enumerate(values, start=1)
    ]
    return values if any(p < 1 for p in values) else None
