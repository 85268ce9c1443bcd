"""Seed 001's two-layer cat classifier, under the seed's own names.

Seed 001 ("Backpropagation(BP) 倒傳遞法 #2 貓貓分類器-2層類神經網路") trains
LINEAR -> RELU -> LINEAR -> SIGMOID on the course's 209 cat pictures with its own functions:
``initialize_parameters(n_x, n_h, n_y)``, ``forwardpass``, ``compute_cost(A2, Y, parameters)``,
``backwardpass``, ``update_parameters``, ``nn_model(X, Y, n_h, ...)`` and ``predict(X, y,
parameters)``. A learner following the seed writes ``from deepcat.course.seed_001 import *``.

Names shared with the course. ``nn_model`` here is seed 001's: a ReLU hidden layer of ``n_h``
units, defaults ``num_iterations=5000, learning_rate=0.08``, a cost printed every 500
iterations, the parameters returned and the cost curve drawn. Course 1 week 3's ``nn_model(X,
Y, n_h, num_iterations=10000, print_cost=False)`` (a tanh hidden layer, planar data) is
:func:`deepcat.course.planar.nn_model`. ``initialize_parameters``, ``update_parameters``,
``compute_cost`` and ``predict`` follow seed 001 too; the course's live in
:mod:`deepcat.course.planar`, :mod:`deepcat.course.step_by_step` and
:mod:`deepcat.course.application`.

Randomness. The seed's ``initialize_parameters`` (and its ``nn_model``) call
``np.random.seed(1)`` themselves; nothing depends on the ``np.random.seed(1)`` of the seed's
first cell. deepcat draws the same numbers, ``randn(n_h, n_x) * 0.01`` then ``randn(n_y, n_h) *
0.01``, from a private ``np.random.RandomState(1)`` and leaves NumPy's global generator alone.

Reproducing the seed's run. ``nn_model(train_x, train_y, 12, num_iterations=2500,
learning_rate=0.007, print_cost=True)`` prints the seed's costs, from
``Cost after iteration 0: 0.6933973875299138`` to ``Cost after iteration 2499:
0.030590797593466793``, and ``predict`` its accuracies, ``Accuracy: 0.9999999999999998`` on the
training set (the sum of 209 terms ``1/209``) and ``Accuracy: 0.74`` on the test set. The costs
are printed with all 16 or 17 digits of a float64, and the last one or two of those depend on
the order in which the BLAS library sums the 12288 products of each ``W1 X`` entry: the seed's
own code, run with OpenBLAS 0.3.31, agrees with its printout to 15 significant digits, not
16, and differently for each OpenBLAS kernel (Haswell, Sandybridge, Nehalem). deepcat matches
the printout exactly at iteration 0 (and, with OpenBLAS's Haswell kernel, at 2499 as well) and
to 15 significant digits everywhere.

Numerical safety. ``forwardpass`` uses deepcat's overflow-free sigmoid; ``compute_cost`` keeps
``A2`` a hair inside (0, 1) (:data:`deepcat.core.losses.PROBABILITY_EPSILON`) before its logs;
``backwardpass`` uses ``dZ2 = A2 - Y``, what the seed's ``dA2 = -(Y / A2 - (1 - Y) / (1 - A2))``
times ``sigmoid'(Z2)`` simplifies to, without dividing by ``A2`` or ``1 - A2``.
"""

from __future__ import annotations

import numpy as np

from deepcat.core.activations import relu, relu_backward, sigmoid
from deepcat.core.initializers import initialize_parameters as draw_parameters
from deepcat.core.losses import PROBABILITY_EPSILON
from deepcat.core.optimizers import update_parameters as gradient_step
from deepcat.core.propagation import linear_backward, linear_forward
from deepcat.core.validation import (
    check_binary_Y,
    check_positive_float,
    check_positive_int,
)

SEED = 1
"""What the seed's ``initialize_parameters`` passes to ``np.random.seed``."""
PRINT_EVERY = 500
PARAMETER_NAMES = ("W1", "b1", "W2", "b2")

__all__ = [
    "initialize_parameters",
    "forwardpass",
    "compute_cost",
    "backwardpass",
    "update_parameters",
    "nn_model",
    "predict",
]


def initialize_parameters(n_x, n_h, n_y):
    """Seed 001's ``initialize_parameters``: small random weights, zero biases.

    Parameters
    ----------
    n_x, n_h, n_y : int
        Sizes of the input, hidden and output layers.

    Returns
    -------
    parameters : dict
        ``"W1"`` ``(n_h, n_x)``, ``"b1"`` ``(n_h, 1)``, ``"W2"`` ``(n_y, n_h)``, ``"b2"``
        ``(n_y, 1)``.

    Notes
    -----
    ``W = randn * 0.01`` drawn from ``np.random.RandomState(1)``: the seed's
    ``np.random.seed(1)`` followed by its two ``randn`` calls, without the global generator.
    """
    n_x = check_positive_int(n_x, "n_x")
    n_h = check_positive_int(n_h, "n_h")
    n_y = check_positive_int(n_y, "n_y")
    return draw_parameters([n_x, n_h, n_y], init="small", seed=SEED)


def forwardpass(X, parameters):
    """Seed 001's ``forwardpass``: LINEAR -> RELU -> LINEAR -> SIGMOID.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    parameters : dict
        ``"W1"`` ``(n_h, n_x)``, ``"b1"`` ``(n_h, 1)``, ``"W2"`` ``(n_y, n_h)``, ``"b2"``
        ``(n_y, 1)``.

    Returns
    -------
    A2 : ndarray, shape (n_y, m)
        The sigmoid output.
    cache : dict
        ``"Z1"``, ``"A1"`` ``(n_h, m)`` and ``"Z2"``, ``"A2"`` ``(n_y, m)``.

    Notes
    -----
    ``Z1 = W1 X + b1``, ``A1 = relu(Z1)``, ``Z2 = W2 A1 + b2``, ``A2 = sigmoid(Z2)``.
    """
    parameters = _check_parameters(parameters)
    X = _check_X(X, parameters["W1"].shape[1])
    Z1, _ = linear_forward(X, parameters["W1"], parameters["b1"])
    A1 = relu(Z1)
    Z2, _ = linear_forward(A1, parameters["W2"], parameters["b2"])
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(A2, Y, parameters):
    """Seed 001's ``compute_cost``: the cross-entropy as two dot products.

    Parameters
    ----------
    A2 : ndarray, shape (1, m)
        Output of :func:`forwardpass`.
    Y : ndarray, shape (1, m)
        Labels 0 or 1.
    parameters : dict
        Unused, as in the seed.

    Returns
    -------
    cost : 0-d ndarray
        ``J = (1/m) (-Y log(A2)ᵀ - (1 - Y) log(1 - A2)ᵀ)``, squeezed as in the seed.

    Notes
    -----
    The formula is :func:`deepcat.core.losses.compute_cost`'s, but summed by two ``np.dot``
    calls, as the seed sums it, rather than by ``np.sum``: the seed prints its costs to 16
    digits, and the last one depends on the order of the sum (``np.sum`` prints
    ``0.6933973875299139`` at iteration 0, the seed ``0.6933973875299138``).
    """
    A2 = np.asarray(A2)
    if A2.ndim != 2 or A2.shape[0] != 1:
        raise ValueError(f"A2 must have shape (1, m), got {A2.shape}")
    Y = check_binary_Y(Y, A2.shape[1], np.float64)
    m = Y.shape[1]
    A2 = np.clip(A2, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON)
    cost = (1.0 / m) * (-np.dot(Y, np.log(A2).T) - np.dot(1 - Y, np.log(1 - A2).T))
    return np.squeeze(cost)


def backwardpass(parameters, cache, X, Y):
    """Seed 001's ``backwardpass``: the gradients of the cost.

    Parameters
    ----------
    parameters : dict
        ``"W1"`` ``(n_h, n_x)``, ``"b1"``, ``"W2"`` ``(n_y, n_h)``, ``"b2"``.
    cache : dict
        ``"Z1"``, ``"A1"``, ``"Z2"``, ``"A2"`` from :func:`forwardpass`.
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m)

    Returns
    -------
    grads : dict
        ``"dW1"`` ``(n_h, n_x)``, ``"db1"`` ``(n_h, 1)``, ``"dW2"`` ``(n_y, n_h)``, ``"db2"``
        ``(n_y, 1)``.

    Notes
    -----
    ``dZ2 = A2 - Y``; ``dW2 = dZ2 A1ᵀ / m``; ``db2 = sum(dZ2) / m``; ``dZ1 = W2ᵀ dZ2`` where
    ``Z1 > 0``, else 0 (the seed's ``dZ1[Z1 <= 0] = 0``); ``dW1 = dZ1 Xᵀ / m``;
    ``db1 = sum(dZ1) / m``.
    """
    parameters = _check_parameters(parameters)
    missing = [key for key in ("Z1", "A1", "Z2", "A2") if key not in cache]
    if missing:
        raise ValueError(
            f"cache must hold Z1, A1, Z2 and A2 from forwardpass; missing {', '.join(missing)}"
        )
    X = _check_X(X, parameters["W1"].shape[1])
    Y = check_binary_Y(Y, X.shape[1], np.float64)
    # Sigmoid output with cross-entropy: dJ/dZ2 is A2 - Y (per example), no division by A2.
    dZ2 = cache["A2"] - Y
    dA1, dW2, db2 = linear_backward(dZ2, (cache["A1"], parameters["W2"], parameters["b2"]))
    dZ1 = relu_backward(dA1, cache["Z1"])
    _, dW1, db1 = linear_backward(dZ1, (X, parameters["W1"], parameters["b1"]), need_dA_prev=False)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters, grads, learning_rate=1.2):
    """Seed 001's ``update_parameters``: one step of gradient descent.

    Parameters
    ----------
    parameters : dict
        ``"W1"``, ``"b1"``, ``"W2"``, ``"b2"``; left unchanged.
    grads : dict
        ``"dW1"``, ``"db1"``, ``"dW2"``, ``"db2"`` of the same shapes.
    learning_rate : float, default 1.2

    Returns
    -------
    parameters : dict
        New arrays ``W - learning_rate dW`` and ``b - learning_rate db``, as the seed builds
        a new dict of new arrays.
    """
    parameters = _check_parameters(parameters)
    learning_rate = check_positive_float(learning_rate, "learning_rate")
    missing = [f"d{key}" for key in PARAMETER_NAMES if f"d{key}" not in grads]
    if missing:
        raise ValueError(f"grads must hold dW1, db1, dW2 and db2; missing {', '.join(missing)}")
    updated = {key: np.array(parameters[key], dtype=np.float64) for key in PARAMETER_NAMES}
    gradient_step(updated, {f"d{key}": grads[f"d{key}"] for key in PARAMETER_NAMES}, learning_rate)
    return updated


def nn_model(X, Y, n_h, num_iterations=5000, learning_rate=0.08, print_cost=False, *, plot=True):
    """Seed 001's ``nn_model``: train the two-layer network by gradient descent.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m)
        Labels 0 or 1.
    n_h : int
        Hidden units.
    num_iterations : int, default 5000
    learning_rate : float, default 0.08
    print_cost : bool, default False
        Print ``Cost after iteration i: J`` every 500 iterations.
    plot : bool, default True (keyword only; not in the seed)
        Draw the seed's cost curve in matplotlib figure 1; ``False`` skips matplotlib.

    Returns
    -------
    parameters : dict
        ``"W1"`` ``(n_h, n_x)``, ``"b1"`` ``(n_h, 1)``, ``"W2"`` ``(1, n_h)``, ``"b2"``
        ``(1, 1)``.

    Notes
    -----
    As in the seed, the cost of the last iteration is printed after the loop even when
    ``print_cost`` is False, and the curve (costs every 500 iterations, then the last one) is
    drawn with ``plt.semilogy`` on ``plt.figure(num=1, figsize=(8, 5))``, titled
    ``"Learning Rate = " + str(learning_rate)``.
    """
    X = _check_X(X)
    Y = check_binary_Y(Y, X.shape[1], np.float64)
    n_h = check_positive_int(n_h, "n_h")
    num_iterations = check_positive_int(num_iterations, "num_iterations")
    learning_rate = check_positive_float(learning_rate, "learning_rate")
    parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0])
    costs = []
    for i in range(num_iterations):
        A2, cache = forwardpass(X, parameters)
        cost = compute_cost(A2, Y, parameters)
        grads = backwardpass(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads, learning_rate)
        if i % PRINT_EVERY == 0:
            costs.append(cost)
            if print_cost:
                print(f"Cost after iteration {i}: {cost}")
    print(f"Cost after iteration {i}: {cost}")
    costs.append(cost)
    if plot:
        _draw_costs(costs, learning_rate)
    return parameters


def predict(X, y, parameters):
    """Seed 001's ``predict``: labels from a forward pass, and the accuracy printed.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    y : array-like, shape (1, m), or a list such as ``[1]`` for one picture
        True labels.
    parameters : dict of ``"W1"``, ``"b1"``, ``"W2"``, ``"b2"``

    Returns
    -------
    p : ndarray of float, shape (1, m)
        1.0 where ``A2 > 0.5``, else 0.0.

    Notes
    -----
    Prints ``"Accuracy: " + str(np.sum((p == y) / m))``: summing 209 terms ``1/209`` prints
    ``0.9999999999999998`` for a perfect score, as in the seed.
    """
    probas, _ = forwardpass(X, parameters)
    m = probas.shape[1]
    y = np.asarray(y)
    if y.size != m:
        raise ValueError(f"y must hold m = {m} labels, one per column of X; got shape {y.shape}")
    p = (probas > 0.5).astype(np.float64)
    print("Accuracy: " + str(np.sum((p == y) / m)))
    return p


def _draw_costs(costs, learning_rate):
    """The seed's learning curve, on pyplot's figure 1 (shown inline in a notebook)."""
    import matplotlib.pyplot as plt

    plt.figure(num=1, figsize=(8, 5))
    plt.semilogy(costs)
    plt.xlabel("Iterations")
    plt.ylabel("Cost")
    plt.title("Learning Rate = " + str(learning_rate))


def _check_X(X, n_x=None):
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"X must be a numeric array of shape (n_x, m), got dtype {X.dtype}")
    if X.ndim != 2 or X.shape[1] == 0:
        raise ValueError(
            f"X must have shape (n_x, m), one column per example, got an array of shape {X.shape}"
        )
    if n_x is not None and X.shape[0] != n_x:
        raise ValueError(
            f"X must have n_x = {n_x} rows to match W1 of shape (n_h, {n_x}), got shape {X.shape}"
        )
    return X


def _check_parameters(parameters):
    if not isinstance(parameters, dict):
        raise TypeError(
            f"parameters must be a dict of W1, b1, W2, b2, got {type(parameters).__name__}"
        )
    missing = [key for key in PARAMETER_NAMES if key not in parameters]
    if missing:
        raise ValueError(f"parameters must hold W1, b1, W2 and b2; missing {', '.join(missing)}")
    shapes = {key: np.shape(parameters[key]) for key in PARAMETER_NAMES}
    if len(shapes["W1"]) != 2 or len(shapes["W2"]) != 2:
        raise ValueError(
            f"W1 must have shape (n_h, n_x) and W2 (n_y, n_h), got {shapes['W1']} and "
            f"{shapes['W2']}"
        )
    n_h, n_x = shapes["W1"]
    n_y = shapes["W2"][0]
    expected = {"b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}
    for key, shape in expected.items():
        if shapes[key] != shape:
            raise ValueError(
                f"{key} must have shape {shape} to match W1 of shape ({n_h}, {n_x}), "
                f"got {shapes[key]}"
            )
    return parameters
