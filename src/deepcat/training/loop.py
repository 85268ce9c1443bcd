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

from deepcat.core.memory import check_fits
from deepcat.core.schedules import get_schedule
from deepcat.signals import DeferredSignals
from deepcat.training.batches import epoch_order
from deepcat.training.methods import choose_method
from deepcat.training.passes import Passes, bytes_needed
from deepcat.training.records import check_record_count


class DivergenceError(FloatingPointError):
    """Training diverged: the cost became NaN or infinite, or rose far beyond its start.

    See :func:`divergence_limit` for "far". The network's parameters are back to their values
    before :meth:`~deepcat.Network.fit` when this is raised.
    """


DIVERGENCE_FACTOR = 10
"""The cross-entropy may rise to this many times its start (see :func:`divergence_limit`)."""
DIVERGENCE_PATIENCE = 10
"""Consecutive iterations above :func:`divergence_limit` that make a fit diverged."""


def divergence_limit(first_cost, n_classes):
    """The cross-entropy above which a fit diverges although its cost is still finite.

    A fit has diverged when its cross-entropy is above this limit at
    :data:`DIVERGENCE_PATIENCE` (10) consecutive iterations, or at the end of training (the
    last full-batch cost, or the last epoch's mean cost with mini-batches), and of course when
    a cost or a parameter is NaN or infinite.

    The limit is :data:`DIVERGENCE_FACTOR` (10) times the larger of the first cross-entropy
    and ``log(n_classes)``, the cost of a network that gives every class the same probability:
    a freshly initialised network costs about that (0.69 for a sigmoid output), and training
    lowers it. Ten times it is ``6.9`` for a sigmoid output: the network gives the true label
    a probability of about ``1e-3`` on average, confidently wrong about the very data it is
    trained on, which is what a learning rate far too large does (the logits grow with every
    update and the cost with them). The floor keeps the limit sensible when training starts
    from a network that already fits well (a tiny first cost). A momentum overshoot raises
    the cost a little; RMSprop's first steps can throw it past the limit for two or three
    iterations, from which a legitimate run recovers: hence the patience.

    Only the cross-entropy is compared: the L2 term ``(lambd / 2m) sum ||W||²`` depends on
    ``lambd`` and on the batch size (a last mini-batch of 1 example carries it ``m`` times),
    and weights that blow up blow up the cross-entropy too.

    Parameters
    ----------
    first_cost : float
        The cross-entropy before the first update (of the first mini-batch).
    n_classes : int
        2 for a sigmoid output, ``n_L`` for softmax.
    """
    return DIVERGENCE_FACTOR * max(first_cost, math.log(n_classes))


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
    iterations_per_epoch : int
        ``ceil(m / batch_size)``; 1 for full batches (see :func:`position_text`).
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
    iterations_per_epoch: int = 1


def train(network, X, Y, config, validation=None, callback=None):
    """Train ``network`` in place on ``X`` ``(n_x, m)`` and ``Y`` ``(n_L, m)``.

    The loop is the seeds' (forward, cost, backward, update) over mini-batches; the arithmetic
    of each batch is :class:`~deepcat.training.passes.Passes`', which computes the first layer
    as chosen by :func:`~deepcat.training.methods.choose_method`.

    Whatever ends it (the last iteration, early stopping, divergence, an exception raised by
    ``callback``, Ctrl-C or SIGTERM), every parameter comes from the same iteration: all of
    them after the same number of updates (the last one made, or the kept one of early
    stopping), or all of them as before the call when it diverged. Signals wait for the end of
    the iteration they arrive in (:mod:`deepcat.signals`).

    Parameters
    ----------
    network : deepcat.Network
    X : ndarray, shape (n_x, m), in the network's dtype (integer with ``input_scale``)
    Y : ndarray, shape (n_L, m): 0/1 for sigmoid, one-hot for softmax
    config : TrainingConfig
    validation : (X_val, Y_val) or None, shaped like ``X`` and ``Y``
    callback : callable(iteration, cost) or None
        Called after every update: ``callback(k, cost)`` sees the parameters after ``k + 1``
        updates (``cost`` is the one computed before the last of them), but for ``W1`` under
        the ``"gram"`` method, which is written back only when the loop ends (computing it
        at every update would undo the method's saving). If it raises, ``fit`` raises the
        same exception with the parameters, ``W1`` included, of those ``k + 1`` updates.

    Returns
    -------
    History
        With ``method`` naming the first-layer formulation that ran.

    Raises
    ------
    DivergenceError
        See :func:`divergence_limit`; the parameters are restored first.
    ValueError
        When the plan would record more costs than
        :data:`~deepcat.training.records.MAX_RECORDS`.
    """
    if callback is not None and not callable(callback):
        raise TypeError(
            f"callback must be a function callback(iteration, cost), got {type(callback).__name__}"
        )
    start = time.perf_counter()
    m = X.shape[1]
    batch_size = min(config.batch_size or m, m)
    check_record_count(config, math.ceil(m / batch_size))
    method = choose_method(network, X, config)
    check_fits(
        bytes_needed(network, X, config, method, batch_size),
        f"training the network layer_dims = {list(network.layer_dims)} on batches of "
        f"{batch_size} examples (m = {m}; activations, gradients and optimizer state)",
    )
    passes = Passes(network, X, config, method, batch_size)
    before_fit = passes.values_before_fit()
    with DeferredSignals() as signals:
        try:
            history = _loop(network, Y, config, validation, callback, passes, batch_size, signals)
        except DivergenceError:
            for key, value in before_fit.items():
                network.parameters[key][...] = value
            raise
        except BaseException:
            passes.sync()  # under "gram", W1 joins the other layers' iteration
            raise
        finally:
            passes.release()
    history.method = method
    history.fit_seconds = time.perf_counter() - start
    return history


def position_text(iteration, iterations_per_epoch=1):
    """Where a record lies, for people: ``iteration 7``, or ``epoch 2 (iteration 87)`` when an
    epoch is several mini-batch iterations (iterations count from 0)."""
    if iterations_per_epoch <= 1:
        return f"iteration {iteration}"
    return f"epoch {iteration // iterations_per_epoch + 1} (iteration {iteration})"


def _loop(network, Y, config, validation, callback, passes, batch_size, signals):
    """Epochs of reshuffled mini-batches (or the whole set), with records, validation,
    early stopping and divergence checks; the arithmetic is left to ``passes``."""
    parameters = network.parameters
    schedule = get_schedule(config.decay)
    rng = network.rng
    m = Y.shape[1]
    full_batch = batch_size == m
    per_epoch = math.ceil(m / batch_size)
    total = config.iterations or config.epochs * per_epoch
    history = History(iterations_per_epoch=per_epoch)
    reader = passes.reader
    window = None if reader is None else reader.window
    best = _EarlyStopping(config.patience) if validation is not None else None
    watch = _DivergenceWatch(network.n_classes, config.learning_rate, per_epoch)

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
    final = None  # (iteration, cross-entropy) of the last full batch, or of the last epoch
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        while iteration < total and not stop:
            order = None if full_batch else epoch_order(rng, m, batch_size, window)
            if window is not None and order is not None:
                reader.start_epoch(order)
            learning_rate = schedule(
                config.learning_rate, epoch, config.decay_rate, config.decay_every
            )
            epoch_cost = epoch_data_cost = 0.0
            epoch_examples = 0
            for first in range(0, m, batch_size):
                if iteration == total:
                    break
                batch = None if full_batch else np.sort(order[first : first + batch_size])
                Y_batch = Y if full_batch else Y[:, batch]
                cost = passes.cost(batch, Y_batch)
                watch.observe(iteration, cost, passes.data_cost)
                if full_batch:
                    final = (iteration, passes.data_cost)
                    if iteration % config.record_every == 0 or iteration == total - 1:
                        stop = record(iteration, cost)
                        if stop:
                            break
                passes.step(batch, Y_batch, learning_rate)
                if callback is not None:
                    callback(iteration, cost)
                epoch_cost += cost * Y_batch.shape[1]
                epoch_data_cost += passes.data_cost * Y_batch.shape[1]
                epoch_examples += Y_batch.shape[1]
                iteration += 1
                signals.deliver()
            if not full_batch and epoch_examples:
                final = (iteration - 1, epoch_data_cost / epoch_examples)
                stop = record(iteration - 1, epoch_cost / epoch_examples)
            epoch += 1

    passes.sync()
    watch.check_parameters(iteration - 1, parameters)
    if not stop:  # early stopping keeps the parameters of its best validation cost instead
        watch.check_final(*final)
    history.iterations = iteration
    if best is not None and best.best_parameters is not None and config.patience is not None:
        for key, value in best.best_parameters.items():
            parameters[key][...] = value
        history.best_iteration = best.best_iteration
        history.stopped_early = stop
    return history


class _DivergenceWatch:
    """Raises :class:`DivergenceError` by the rule of :func:`divergence_limit`."""

    def __init__(self, n_classes, learning_rate, per_epoch):
        self.n_classes, self.learning_rate, self.per_epoch = n_classes, learning_rate, per_epoch
        self.first = self.limit = None
        self.above = 0  # consecutive iterations above the limit

    def observe(self, iteration, cost, data_cost):
        """Check the cost (with its L2 term) and the cross-entropy of one iteration."""
        if not math.isfinite(cost):
            self._diverged(iteration, f"the cost became {cost}")
        if self.first is None:
            self.first = data_cost
            self.limit = divergence_limit(data_cost, self.n_classes)
        self.above = self.above + 1 if data_cost > self.limit else 0
        if self.above >= DIVERGENCE_PATIENCE:
            self._rose(iteration, data_cost, f" and stayed there for {self.above} iterations")

    def check_final(self, iteration, data_cost):
        """The last cross-entropy of the fit (an epoch's mean with mini-batches)."""
        if data_cost > self.limit:
            self._rose(iteration, data_cost, " by the end of training")

    def check_parameters(self, iteration, parameters):
        if not all(np.isfinite(value).all() for value in parameters.values()):
            self._diverged(iteration, "a parameter became NaN or infinite")

    def _rose(self, iteration, data_cost, how):
        self._diverged(
            iteration,
            f"the cost rose from {self.first:.6g} to {data_cost:.6g}, more than "
            f"{DIVERGENCE_FACTOR} times its start,{how}",
        )

    def _diverged(self, iteration, what):
        where = position_text(iteration, self.per_epoch)
        # The first sentence says what happened (deepcat tune shows it alone, in its table).
        raise DivergenceError(
            f"training diverged at {where}: {what}. "
            f"Try a smaller learning rate than {self.learning_rate:g}. "
            "The network's parameters are back to their values before training."
        )


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
