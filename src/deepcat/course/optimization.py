"""Course 2 week 2, "Optimization Methods" (and ``opt_utils_v1a.py``), on deepcat's optimizers.

The notebook trains a ``[2, 5, 2, 1]`` network on the moons with mini-batch gradient descent,
momentum and Adam, then with learning-rate decay. With
``from deepcat.course.optimization import *`` in place of the notebook's imports its cells run
unchanged and print the same lines.

The course passes the optimizers' state around as dicts (``v`` for momentum, ``v`` and ``s``
and the step count ``t`` for Adam); deepcat's :class:`~deepcat.core.optimizers.Momentum` and
:class:`~deepcat.core.optimizers.Adam` keep the same state, keyed the same way (``"dW1"``, ...),
in their own dicts. Each update below lends the course's dicts to a deepcat optimizer for one
step, so every update formula is written once, in :mod:`deepcat.core.optimizers`; the learning
rate schedules are :mod:`deepcat.core.schedules`'. As in the course, an update leaves the
caller's arrays unchanged and returns new ones in the same dicts.

The course reseeds NumPy's global generator in ``random_mini_batches`` (``seed``),
``initialize_parameters`` (3) and ``load_dataset`` (3); deepcat draws the same numbers from
private ``numpy.random.RandomState`` generators.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from deepcat.core import initializers, losses, optimizers, schedules
from deepcat.core.validation import check_in_range, check_positive_int
from deepcat.course.initialization import (
    backward_propagation,
    check_examples,
    check_parameters,
    compute_loss,
    flat_forward,
    forward_propagation,
    fresh_copies,
    layer_gradients,
    parameter_gradients,
    plot_decision_boundary,
    predict,
    predict_dec,
    relu,
    sigmoid,
    split_cache,
    update_parameters,
)
from deepcat.data import planar

__all__ = [
    "backward_propagation",
    "compute_cost",
    "forward_propagation",
    "initialize_adam",
    "initialize_parameters",
    "initialize_velocity",
    "load_dataset",
    "load_params_and_grads",
    "model",
    "plot_decision_boundary",
    "predict",
    "predict_dec",
    "random_mini_batches",
    "relu",
    "schedule_lr_decay",
    "sigmoid",
    "update_lr",
    "update_parameters_with_adam",
    "update_parameters_with_gd",
    "update_parameters_with_momentum",
]

SEED = 3
"""``opt_utils_v1a.initialize_parameters`` draws after ``np.random.seed(3)``."""
FIRST_SHUFFLE_SEED = 10
"""``model`` starts from ``seed = 10`` and adds 1 before each epoch's shuffle."""
PRINT_EVERY = 1000


def load_dataset():
    """``opt_utils_v1a.load_dataset``: the 300 moons, ``train_X`` ``(2, 300)`` and ``train_Y``
    ``(1, 300)``. The course also scatters them; deepcat draws nothing here."""
    return planar.moons()


def load_params_and_grads(seed=1):
    """``opt_utils_v1a.load_params_and_grads``: ``W1, b1, W2, b2, dW1, db1, dW2, db2``, standard
    normal draws of shapes ``(2, 3), (2, 1), (3, 3), (3, 1)`` (twice) from ``RandomState(seed)``."""
    rng = initializers.make_rng(seed)
    return tuple(rng.randn(*shape) for shape in [(2, 3), (2, 1), (3, 3), (3, 1)] * 2)


def initialize_parameters(layer_dims):
    """``opt_utils_v1a.initialize_parameters``: ``W[l]`` ``(n_l, n_{l-1})`` drawn by deepcat's
    ``"he"`` initializer from ``RandomState(3)``, ``b[l]`` zeros ``(n_l, 1)``."""
    return initializers.initialize_parameters(layer_dims, init="he", seed=SEED)


def compute_cost(a3, Y):
    """``opt_utils_v1a.compute_cost``: the cross-entropy of ``a3`` and ``Y`` (both ``(1, m)``)
    summed over the ``m`` examples, not averaged (``model`` divides the epoch's total by ``m``)."""
    return compute_loss(a3, Y) * np.shape(a3)[1]


def update_parameters_with_gd(parameters, grads, learning_rate):
    """Exercise 1: one step of gradient descent, ``W[l] = W[l] - alpha dW[l]`` (and ``b[l]``),
    :func:`deepcat.course.initialization.update_parameters`; returns ``parameters``."""
    return update_parameters(parameters, grads, learning_rate)


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """Exercise 2: shuffle the columns of ``(X, Y)`` and cut them into mini-batches.

    The permutation is ``RandomState(seed).permutation(m)``, the course's after
    ``np.random.seed(seed)``; the last batch holds the ``m mod mini_batch_size`` left over.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m)
    mini_batch_size : int, default 64
    seed : int, default 0

    Returns
    -------
    mini_batches : list of ``(mini_batch_X (n_x, k), mini_batch_Y (1, k))``
    """
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must have shape (n_x, m), got {X.shape}")
    m = X.shape[1]
    Y = np.asarray(Y)
    if Y.size != m or Y.ndim > 2 or (Y.ndim == 2 and Y.shape[0] != 1):
        raise ValueError(f"Y must have shape (1, m) = (1, {m}) to match X, got {Y.shape}")
    mini_batch_size = check_positive_int(mini_batch_size, "mini_batch_size")
    return _mini_batches(X, Y.reshape(1, m), mini_batch_size, initializers.make_rng(seed))


def _mini_batches(X, Y, mini_batch_size, rng):
    """The batches of :func:`random_mini_batches` shuffled by ``rng.permutation(m)``."""
    m = X.shape[1]
    permutation = rng.permutation(m)
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    return [
        (shuffled_X[:, k : k + mini_batch_size], shuffled_Y[:, k : k + mini_batch_size])
        for k in range(0, m, mini_batch_size)
    ]


def _zeros_like_gradients(parameters):
    """Zeros keyed ``"dW{l}"``, ``"db{l}"``, of the parameters' shapes."""
    checked, _ = check_parameters(parameters)
    return {f"d{key}": np.zeros(value.shape) for key, value in checked.items()}


def initialize_velocity(parameters):
    """Exercise 3: the velocity ``v``, zeros keyed ``"dW{l}"``, ``"db{l}"`` like the parameters."""
    return _zeros_like_gradients(parameters)


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    """Exercise 4: one step of momentum, :class:`deepcat.core.optimizers.Momentum`.

    ``v = beta v + (1 - beta) dW``, then ``W = W - alpha v`` (and the same for ``b``).

    Parameters
    ----------
    parameters : dict of ``"W{l}"``, ``"b{l}"``
    grads : dict with ``"dW{l}"``, ``"db{l}"``
    v : dict of velocities, as from :func:`initialize_velocity`
    beta : float in [0, 1)
    learning_rate : float

    Returns
    -------
    parameters, v : the same dicts, holding new arrays
    """
    momentum = optimizers.Momentum(beta)
    momentum.velocity = _lend(v, parameters, "v")
    momentum.update(parameters, _steps(parameters, grads), learning_rate)
    return parameters, v


def initialize_adam(parameters):
    """Exercise 5: Adam's ``v`` and ``s``, zeros keyed ``"dW{l}"``, ``"db{l}"``."""
    return _zeros_like_gradients(parameters), _zeros_like_gradients(parameters)


def update_parameters_with_adam(
    parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    """Exercise 6: Adam's step number ``t``, :class:`deepcat.core.optimizers.Adam`.

    ``v = beta1 v + (1 - beta1) dW``, ``s = beta2 s + (1 - beta2) dW^2``, then
    ``W = W - alpha v_corrected / (sqrt(s_corrected) + epsilon)`` with
    ``v_corrected = v / (1 - beta1^t)`` and ``s_corrected = s / (1 - beta2^t)``.

    Parameters
    ----------
    parameters : dict of ``"W{l}"``, ``"b{l}"``
    grads : dict with ``"dW{l}"``, ``"db{l}"``
    v, s : dicts from :func:`initialize_adam` or the previous step
    t : int >= 1, the step number (the course's "Adam counter")
    learning_rate, beta1, beta2, epsilon : float

    Returns
    -------
    parameters, v, s : the same dicts, holding new arrays
    v_corrected, s_corrected : dict
        The bias-corrected moments the step used.
    """
    t = check_positive_int(t, "t")
    adam = optimizers.Adam(beta1, beta2, epsilon)
    adam.velocity = _lend(v, parameters, "v")
    adam.squares = _lend(s, parameters, "s")
    adam.t = t - 1  # Adam.update counts this step
    adam.update(parameters, _steps(parameters, grads), learning_rate)
    # What the step divided by; Adam keeps no copy of them.
    v_corrected = {key: value / (1 - adam.beta1**t) for key, value in v.items()}
    s_corrected = {key: value / (1 - adam.beta2**t) for key, value in s.items()}
    return parameters, v, s, v_corrected, s_corrected


def _steps(parameters, grads):
    """The ``dW``/``db`` of ``grads`` for every parameter; ``parameters``' entries replaced by
    copies, which the optimizer then updates in place."""
    checked, _ = check_parameters(parameters)
    steps = parameter_gradients(checked, grads)
    for key, step in steps.items():
        if step.shape != checked[key[1:]].shape:
            raise ValueError(f"{key} must have {key[1:]}'s shape {checked[key[1:]].shape}")
    fresh_copies(parameters, checked)
    return steps


def _lend(state, parameters, name):
    """The course's state dict ``state`` with a float copy of each entry, for an optimizer."""
    if not hasattr(state, "keys"):
        raise TypeError(f"{name} must be a dict of dW1, db1, ..., got {type(state).__name__}")
    checked, _ = check_parameters(parameters)
    for key, value in checked.items():
        entry = state.get(f"d{key}")
        if entry is None or np.shape(entry) != value.shape:
            raise ValueError(
                f"{name}['d{key}'] must be an array of {key}'s shape {value.shape}, "
                f"got {None if entry is None else np.shape(entry)}"
            )
    return fresh_copies(state, [f"d{key}" for key in checked])


def update_lr(learning_rate0, epoch_num, decay_rate):
    """Exercise 7: ``alpha = alpha0 / (1 + decay_rate * epoch_num)``.

    :func:`deepcat.core.schedules.inverse_time` with one epoch per step.
    """
    learning_rate0, epoch_num, decay_rate = _schedule_inputs(learning_rate0, epoch_num, decay_rate)
    return schedules.inverse_time(learning_rate0, epoch_num, decay_rate, 1)


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    """Exercise 8: ``alpha = alpha0 / (1 + decay_rate * floor(epoch_num / time_interval))``.

    :func:`deepcat.core.schedules.staircase`: the rate steps down every ``time_interval`` epochs.
    """
    learning_rate0, epoch_num, decay_rate = _schedule_inputs(learning_rate0, epoch_num, decay_rate)
    time_interval = check_positive_int(time_interval, "time_interval")
    return schedules.staircase(learning_rate0, epoch_num, decay_rate, time_interval)


def _schedule_inputs(learning_rate0, epoch_num, decay_rate):
    if isinstance(learning_rate0, bool) or not isinstance(learning_rate0, numbers.Real):
        raise TypeError(f"learning_rate0 must be a number, got {learning_rate0!r}")
    epoch_num = check_positive_int(epoch_num, "epoch_num", minimum=0)
    decay_rate = check_in_range(decay_rate, "decay_rate", 0.0, math.inf, high_open=True)
    return float(learning_rate0), epoch_num, decay_rate


OPTIMIZERS = ("gd", "momentum", "adam")


def model(
    X,
    Y,
    layers_dims,
    optimizer,
    learning_rate=0.0007,
    mini_batch_size=64,
    beta=0.9,
    beta1=0.9,
    beta2=0.999,
    epsilon=1e-8,
    num_epochs=5000,
    print_cost=True,
    decay=None,
    decay_rate=1,
):
    """The notebook's ``model``: mini-batch training with ``"gd"``, ``"momentum"`` or ``"adam"``.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m), labels 0/1
    layers_dims : list of int, ``[n_x, ..., 1]``
    optimizer : {"gd", "momentum", "adam"}
    learning_rate : float, default 0.0007
    mini_batch_size : int, default 64
    beta : float, default 0.9 (momentum)
    beta1, beta2, epsilon : float, defaults 0.9, 0.999, 1e-8 (Adam)
    num_epochs : int, default 5000
    print_cost : bool, default True
        Prints ``Cost after epoch %i: %f`` every 1000 epochs, and with ``decay`` also
        ``learning rate after epoch %i: %f``.
    decay : callable ``(learning_rate0, epoch_num, decay_rate) -> rate``, optional
        E.g. :func:`update_lr` or :func:`schedule_lr_decay`, applied after each epoch.
    decay_rate : float, default 1

    Returns
    -------
    parameters : dict of ``"W{l}"``, ``"b{l}"``

    Notes
    -----
    Epoch ``i`` shuffles with ``random_mini_batches(X, Y, mini_batch_size, 11 + i)``. The cost
    printed is the epoch's summed cross-entropy divided by ``m``, computed from ``Z3`` (finite
    at saturation). The course also plots the costs; deepcat does not draw.
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(
            f"optimizer must be one of {', '.join(map(repr, OPTIMIZERS))}, got {optimizer!r}"
        )
    X, Y = check_examples(X, Y)
    parameters = initialize_parameters(layers_dims)
    if X.shape[0] != parameters["W1"].shape[1]:
        raise ValueError(
            f"X must have n_x = layers_dims[0] = {layers_dims[0]} rows, got shape {X.shape}"
        )
    m = X.shape[1]
    # One deepcat optimizer steps the whole run: the state the course carries in v, s and t
    # lives in it, and each step is what update_parameters_with_* does with those dicts.
    coefficients = {"gd": {}, "momentum": {"beta": beta}}.get(
        optimizer, {"beta1": beta1, "beta2": beta2, "epsilon": epsilon}
    )
    stepper = optimizers.make_optimizer(optimizer, **coefficients)
    mini_batch_size = check_positive_int(mini_batch_size, "mini_batch_size")
    shuffler = np.random.RandomState()  # reseeded below: cheaper than a new one per epoch
    seed = FIRST_SHUFFLE_SEED
    learning_rate0 = learning_rate
    for i in range(num_epochs):
        seed = seed + 1
        shuffler.seed(seed)  # random_mini_batches(X, Y, mini_batch_size, seed)'s shuffle
        cost_total = 0.0
        for minibatch_X, minibatch_Y in _mini_batches(X, Y, mini_batch_size, shuffler):
            _, cache = flat_forward(minibatch_X, parameters)
            cost_total += _summed_cost(cache[-4], minibatch_Y)
            grads = layer_gradients(minibatch_X, minibatch_Y, split_cache(cache))
            stepper.update(parameters, {f"d{k}": grads[f"d{k}"] for k in parameters}, learning_rate)
        cost_avg = cost_total / m
        if decay:
            learning_rate = decay(learning_rate0, i, decay_rate)
        if print_cost and i % PRINT_EVERY == 0:
            print(f"Cost after epoch {i}: {cost_avg:f}")
            if decay:
                print(f"learning rate after epoch {i}: {learning_rate:f}")
    return parameters


def _summed_cost(ZL, Y):
    """The batch's cross-entropy summed over its examples, from ``Z[L]``."""
    return losses.binary_cross_entropy_from_logits(ZL, Y) * Y.shape[1]
