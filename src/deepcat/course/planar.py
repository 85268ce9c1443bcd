"""Course 1 week 3, "Planar data classification with one hidden layer", and its planar_utils.

A learner's notebook runs with ``from deepcat.course.planar import *`` in place of its
``planar_utils`` and exercise cells: the functions keep the course's names, arguments,
defaults, dict keys and printed lines. The network is the notebook's: ``n_h`` tanh units, one
sigmoid output, weights drawn as ``randn * 0.01``, plain gradient descent at ``alpha = 1.2``.

The version reproduced is the newest published one (the W3A1 folder's notebook, with its
``public_tests.py`` and ``testCases_v2.py``). Where the course seeds NumPy's global
generator, deepcat draws the same numbers from a private ``numpy.random.RandomState`` and
leaves the caller's random state alone:

- :func:`load_planar_dataset`: the course's function seeds 1 itself;
  :func:`deepcat.data.planar.flower` does the same privately.
- :func:`initialize_parameters` draws from whatever state the global generator is in; the
  notebook and its public test call ``np.random.seed(2)`` first, so deepcat's ``seed`` argument
  defaults to 2.
- :func:`nn_model` calls ``np.random.seed(3)`` before initializing (an older notebook also
  reseeded 2 inside ``initialize_parameters``, which is why older copies print a first cost of
  0.693048 where the newest prints 0.693162); deepcat's ``seed`` defaults to 3.
"""

from __future__ import annotations

import numbers

import numpy as np

from deepcat.core import activations
from deepcat.core.initializers import initialize_parameters as _draw_parameters
from deepcat.core.losses import compute_cost as _cross_entropy
from deepcat.core.optimizers import update_parameters as _gradient_step
from deepcat.core.propagation import linear_activation_forward, linear_backward

HIDDEN_UNITS = 4
"""``n_h`` as :func:`layer_sizes` returns it: the exercise fixes it at 4."""
LEARNING_RATE = 1.2
INIT_SEED = 2
"""The seed the notebook sets before :func:`initialize_parameters`."""
MODEL_SEED = 3
"""The seed the course's :func:`nn_model` sets before initializing."""
PARAMETER_KEYS = ("W1", "b1", "W2", "b2")


def sigmoid(x):
    """planar_utils' ``sigmoid``: ``1 / (1 + e^{-x})`` of a scalar or an array of any shape.

    Computed by :func:`deepcat.core.activations.sigmoid`, which never overflows.
    """
    return activations.sigmoid(x)


def load_planar_dataset():
    """planar_utils' ``load_planar_dataset``: the "flower", 400 points on eight petals.

    Returns
    -------
    X : ndarray of float64, shape (2, 400)
    Y : ndarray of int64, shape (1, 400)
        Labels 0 (red) and 1 (blue). The course's are uint8; int64 keeps the notebook's
        accuracy expression ``np.dot(Y, predictions.T) + ...`` from overflowing at 256.

    Notes
    -----
    The course seeds NumPy's global generator with 1 here; :func:`deepcat.data.planar.flower`
    draws the same numbers from a private generator.
    """
    from deepcat.data.planar import flower

    return flower()


def layer_sizes(X, Y):
    """Exercise 2, ``layer_sizes``: ``(n_x, n_h, n_y)`` with ``n_h`` fixed at 4.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (n_y, m)

    Returns
    -------
    tuple of int ``(n_x, 4, n_y)``
    """
    X, Y = _matrix(X, "X", "(n_x, m)"), _matrix(Y, "Y", "(n_y, m)")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"X (n_x, m) and Y (n_y, m) must have the same number of examples m; got X of "
            f"shape {X.shape} and Y of shape {Y.shape}"
        )
    return (X.shape[0], HIDDEN_UNITS, Y.shape[0])


def initialize_parameters(n_x, n_h, n_y, seed=INIT_SEED):
    """Exercise 3, ``initialize_parameters``: small random weights, zero biases.

    Parameters
    ----------
    n_x, n_h, n_y : int >= 1
        Sizes of the input, hidden and output layers.
    seed : int, None or numpy.random.RandomState, default 2
        The course draws from NumPy's global generator after the notebook's
        ``np.random.seed(2)``; deepcat draws the same numbers from a private generator.

    Returns
    -------
    parameters : dict
        ``W1`` ``(n_h, n_x)`` and ``W2`` ``(n_y, n_h)`` drawn as ``randn * 0.01`` in that order,
        ``b1`` ``(n_h, 1)`` and ``b2`` ``(n_y, 1)`` zeros.
    """
    for value, name in ((n_x, "n_x"), (n_h, "n_h"), (n_y, "n_y")):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name} must be an int >= 1 (a layer size), got {value!r}")
    return _draw_parameters([n_x, n_h, n_y], init="small", seed=seed)


def forward_propagation(X, parameters):
    """Exercise 4, ``forward_propagation``: the tanh hidden layer, then the sigmoid output.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    parameters : dict of ``W1`` ``(n_h, n_x)``, ``b1`` ``(n_h, 1)``, ``W2`` ``(n_y, n_h)``,
        ``b2`` ``(n_y, 1)``

    Returns
    -------
    A2 : ndarray, shape (n_y, m)
        The output probabilities.
    cache : dict of ``Z1``, ``A1`` ``(n_h, m)`` and ``Z2``, ``A2`` ``(n_y, m)``

    Notes
    -----
    ``Z1 = W1 X + b1``, ``A1 = tanh(Z1)``, ``Z2 = W2 A1 + b2``, ``A2 = sigmoid(Z2)``.
    """
    X = np.asarray(_matrix(X, "X", "(n_x, m)"), dtype=float)
    _check_parameters(parameters, X.shape[0])
    return _forward(X, {key: np.asarray(parameters[key], dtype=float) for key in PARAMETER_KEYS})


def compute_cost(A2, Y):
    """Exercise 5, ``compute_cost``: the cross-entropy cost ``J`` as a float.

    Parameters
    ----------
    A2 : ndarray, shape (1, m)
        Output probabilities.
    Y : ndarray, shape (1, m)
        Labels 0/1 (bools too).

    Returns
    -------
    cost : float
        ``J = -(1/m) sum(Y log(A2) + (1 - Y) log(1 - A2))``, by
        :func:`deepcat.core.losses.compute_cost`, which keeps ``A2`` a hair from 0 and 1 so
        that a saturated prediction costs a large finite amount rather than ``inf``.
    """
    A2, Y = _matrix(A2, "A2", "(1, m)"), _matrix(Y, "Y", "(1, m)")
    if A2.shape != Y.shape:
        raise ValueError(f"A2 and Y must have the same shape (1, m); got {A2.shape} and {Y.shape}")
    return _cross_entropy(A2, Y)


def backward_propagation(parameters, cache, X, Y):
    """Exercise 6, ``backward_propagation``: the gradients of the cost.

    Parameters
    ----------
    parameters : dict with ``W1`` ``(n_h, n_x)`` and ``W2`` ``(n_y, n_h)``
    cache : dict with ``A1`` ``(n_h, m)`` and ``A2`` ``(n_y, m)`` (``Z1`` and ``Z2`` are
        not read, as in the course)
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (n_y, m)

    Returns
    -------
    grads : dict of ``dW1`` ``(n_h, n_x)``, ``db1`` ``(n_h, 1)``, ``dW2`` ``(n_y, n_h)``,
        ``db2`` ``(n_y, 1)``

    Notes
    -----
    ``dZ2 = A2 - Y``, ``dW2 = dZ2 A1ᵀ / m``, ``db2 = sum(dZ2) / m``,
    ``dZ1 = W2ᵀ dZ2 * (1 - A1²)``, ``dW1 = dZ1 Xᵀ / m``, ``db1 = sum(dZ1) / m``.
    """
    X = _matrix(X, "X", "(n_x, m)")
    Y = _matrix(Y, "Y", "(n_y, m)")
    n_h = _check_parameters(parameters, X.shape[0], keys=("W1", "W2"))
    for key, shape in {"A1": (n_h, X.shape[1]), "A2": Y.shape}.items():
        if key not in cache or np.shape(cache[key]) != shape:
            found = np.shape(cache[key]) if key in cache else "missing"
            raise ValueError(f"cache[{key!r}] must have shape {shape}, got {found}")
    if np.shape(parameters["W2"])[0] != Y.shape[0]:
        raise ValueError(
            f"W2 must have n_y = {Y.shape[0]} rows, one per row of Y; "
            f"got {np.shape(parameters['W2'])}"
        )
    return _backward(parameters, cache, X, Y)


def update_parameters(parameters, grads, learning_rate=LEARNING_RATE):
    """Exercise 7, ``update_parameters``: one gradient-descent step, ``theta -= alpha dtheta``.

    Parameters
    ----------
    parameters : dict of ``W1``, ``b1``, ``W2``, ``b2``
    grads : dict of ``dW1``, ``db1``, ``dW2``, ``db2`` with the same shapes
    learning_rate : float, default 1.2

    Returns
    -------
    parameters : a new dict of new arrays; the one given is left unchanged, as the course's
        ``copy.deepcopy`` leaves it.
    """
    for key in PARAMETER_KEYS:
        if key not in parameters or f"d{key}" not in grads:
            raise ValueError(
                f"parameters must hold {', '.join(PARAMETER_KEYS)} and grads their d-keys; "
                f"got parameters {sorted(parameters)} and grads {sorted(grads)}"
            )
        if np.shape(grads[f"d{key}"]) != np.shape(parameters[key]):
            raise ValueError(
                f"grads['d{key}'] must have the shape of parameters['{key}'], "
                f"{np.shape(parameters[key])}; got {np.shape(grads[f'd{key}'])}"
            )
    return _update(parameters, grads, learning_rate)


def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False, seed=MODEL_SEED):
    """Exercise 8, ``nn_model``: train the one-hidden-layer network by gradient descent.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (n_y, m)
        Labels 0/1.
    n_h : int
        Hidden units.
    num_iterations : int, default 10000
    print_cost : bool, default False
        Print ``Cost after iteration %i: %f`` every 1000 iterations, as the course does.
    seed : int, None or numpy.random.RandomState, default 3
        The course's ``nn_model`` calls ``np.random.seed(3)`` before drawing the weights;
        deepcat draws the same numbers from a private generator.

    Returns
    -------
    parameters : dict of ``W1`` ``(n_h, n_x)``, ``b1`` ``(n_h, 1)``, ``W2`` ``(n_y, n_h)``,
        ``b2`` ``(n_y, 1)``, after training at the learning rate 1.2 of
        :func:`update_parameters`.
    """
    n_x, _, n_y = layer_sizes(X, Y)
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinity; every feature must be finite")
    if not ((Y == 0) | (Y == 1)).all():
        raise ValueError(f"Y must hold labels 0 or 1, found {np.unique(Y)[:5].tolist()}")
    bad = isinstance(num_iterations, bool) or not isinstance(num_iterations, numbers.Integral)
    if bad or num_iterations < 0:
        raise ValueError(f"num_iterations must be an int >= 0, got {num_iterations!r}")
    parameters = initialize_parameters(n_x, n_h, n_y, seed=seed)
    for i in range(num_iterations):
        A2, cache = _forward(X, parameters)
        cost = _cross_entropy(A2, Y)
        grads = _backward(parameters, cache, X, Y)
        parameters = _update(parameters, grads, LEARNING_RATE)
        if print_cost and i % 1000 == 0:
            print(f"Cost after iteration {i}: {cost:f}")  # the course's "%i: %f"
    return parameters


def predict(parameters, X):
    """Exercise 9, ``predict``: ``A2 > 0.5`` for each example.

    Parameters
    ----------
    parameters : dict of ``W1``, ``b1``, ``W2``, ``b2``
    X : ndarray, shape (n_x, m)

    Returns
    -------
    predictions : ndarray of bool, shape (n_y, m)
        True (blue, 1) where the output probability exceeds 0.5, as the course returns them.
    """
    A2, _ = forward_propagation(X, parameters)
    return A2 > 0.5


def plot_decision_boundary(model, X, y):
    """planar_utils' ``plot_decision_boundary``, drawn on pyplot's current figure.

    Parameters
    ----------
    model : callable
        Takes points as **rows**, shape ``(k, 2)``, as the course's does (hence the
        notebook's ``lambda x: predict(parameters, x.T)``), and returns ``k`` labels.
    X : ndarray, shape (2, m)
    y : ndarray, shape (1, m) or (m,)

    Notes
    -----
    The drawing is :func:`deepcat.plots.draw_decision_boundary` on ``plt.gca()``: a grid of
    step 0.01 reaching 1 beyond the data, filled with ``contourf`` in the Spectral colours,
    and the points scattered over it.
    """
    from deepcat.plots import current_axes, draw_decision_boundary

    draw_decision_boundary(current_axes(), lambda points: model(points.T), X, y)


def _forward(X, parameters):
    A1, (_, Z1) = linear_activation_forward(X, parameters["W1"], parameters["b1"], "tanh")
    A2, (_, Z2) = linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def _backward(parameters, cache, X, Y):
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y  # the sigmoid + cross-entropy pair's dJ/dZ2 (times m)
    dA1, dW2, db2 = linear_backward(dZ2, (A1, parameters["W2"], None))
    # tanh' from the cache's A1 (1 - A1²), as the course does; its Z1 is not consulted.
    dZ1 = dA1 * (1 - A1 * A1)
    _, dW1, db1 = linear_backward(dZ1, (X, parameters["W1"], None), need_dA_prev=False)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def _update(parameters, grads, learning_rate):
    updated = {key: np.array(parameters[key], dtype=float) for key in PARAMETER_KEYS}
    return _gradient_step(
        updated, {f"d{key}": grads[f"d{key}"] for key in PARAMETER_KEYS}, learning_rate
    )


def _matrix(value, name, shape):
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a numeric array of shape {shape}, got dtype {array.dtype}")
    if array.ndim != 2 or array.shape[1] == 0:
        raise ValueError(
            f"{name} must be 2-D with shape {shape}, one column per example; got {array.shape}"
        )
    return array


def _check_parameters(parameters, n_x, keys=PARAMETER_KEYS):
    """``n_h``, once the ``keys`` of ``parameters`` are checked to have a network's shapes."""
    if not isinstance(parameters, dict) or any(k not in parameters for k in keys):
        found = sorted(parameters) if isinstance(parameters, dict) else type(parameters).__name__
        raise ValueError(f"parameters must be a dict of {', '.join(keys)}; got {found}")
    W1, W2 = np.shape(parameters["W1"]), np.shape(parameters["W2"])
    if len(W1) != 2 or len(W2) != 2:
        raise ValueError(f"W1 and W2 must be 2-D matrices, got shapes {W1} and {W2}")
    n_h, n_y = W1[0], W2[0]
    expected = {"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}
    for key in keys:
        if np.shape(parameters[key]) != expected[key]:
            raise ValueError(
                f"parameters[{key!r}] must have shape {expected[key]} for X with n_x = {n_x} "
                f"and W1 of shape {W1}; got {np.shape(parameters[key])}"
            )
    return n_h
