"""Course 2 week 1, "Regularization" (and its ``reg_utils.py``), on deepcat's building blocks.

The notebook trains a ``[2, 20, 3, 1]`` network (LINEAR -> RELU -> LINEAR -> RELU -> LINEAR
-> SIGMOID) on the French football corporation's 2-D data set three times: without
regularization, with L2 regularization (``lambd = 0.7``) and with inverted dropout
(``keep_prob = 0.86``). With ``from deepcat.course.regularization import *`` in place of the
notebook's ``from reg_utils import ...`` and ``from testCases import *`` its cells run
unchanged, and its four exercises print the notebook's expected values.

The data set, ``datasets/data.mat``, ships with the course and cannot be made here:
:func:`load_2D_dataset` reads a copy the learner supplies. The three training figures
(costs and accuracies) need that file; deepcat's tests check the exercises and the training
loop on other data.

The course's ``forward_propagation_with_dropout`` reseeds NumPy's global generator with 1 at
every call, so every iteration of ``model`` drops the same units; deepcat draws the same masks
from a private ``numpy.random.RandomState(1)``, made afresh at every call.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from deepcat.core import initializers, losses
from deepcat.core.validation import check_binary_Y, check_in_range
from deepcat.course.initialization import (
    check_backward_inputs,
    check_examples,
    check_inputs,
    check_parameters,
    flat_forward,
    forward_propagation,
    gradient_descent_step,
    layer_gradients,
    plot_decision_boundary,
    predict,
    predict_dec,
    relu,
    sigmoid,
    split_cache,
    update_parameters,
)

__all__ = [
    "backward_propagation",
    "backward_propagation_with_dropout",
    "backward_propagation_with_regularization",
    "compute_cost",
    "compute_cost_with_regularization",
    "forward_propagation",
    "forward_propagation_with_dropout",
    "initialize_parameters",
    "load_2D_dataset",
    "model",
    "plot_decision_boundary",
    "predict",
    "predict_dec",
    "relu",
    "sigmoid",
    "update_parameters",
]

SEED = 3
"""``reg_utils.initialize_parameters`` draws after ``np.random.seed(3)``."""
DROPOUT_SEED = 1
"""``forward_propagation_with_dropout`` draws its masks after ``np.random.seed(1)``."""
HIDDEN_LAYERS = (20, 3)
DATA_PATH = Path("datasets") / "data.mat"
"""Where the course's notebook reads the data set from (relative to the notebook)."""
PRINT_EVERY = 10000


def load_2D_dataset(path=DATA_PATH):
    """``reg_utils.load_2D_dataset``: the course's ``data.mat``, read from ``path``.

    Parameters
    ----------
    path : str or Path, default ``"datasets/data.mat"``
        A copy of the course's file (it holds ``X``, ``y``, ``Xval`` and ``yval``).

    Returns
    -------
    train_X : ndarray, shape (2, 211)
    train_Y : ndarray, shape (1, 211)
    test_X : ndarray, shape (2, 200)
    test_Y : ndarray, shape (1, 200)

    Raises
    ------
    FileNotFoundError
        When there is no file at ``path``: the data set comes with the course and is not part
        of deepcat.
    ValueError
        When the file lacks one of the four arrays.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"the Regularization notebook's data set is not at {str(path)!r}: data.mat comes "
            "with the course's notebook (its datasets/ folder) and is not part of deepcat; "
            "pass load_2D_dataset(path=...) the location of your copy"
        )
    from scipy.io import loadmat

    data = loadmat(path)
    missing = [key for key in ("X", "y", "Xval", "yval") if key not in data]
    if missing:
        raise ValueError(f"{path} is not the course's data.mat: it has no {', '.join(missing)}")
    return data["X"].T, data["y"].T, data["Xval"].T, data["yval"].T


def initialize_parameters(layer_dims):
    """``reg_utils.initialize_parameters``: ``W[l] = randn(n_l, n_{l-1}) / sqrt(n_{l-1})``.

    deepcat's ``"lecun"`` initializer drawing from ``RandomState(3)``; every ``b[l]`` is zero.

    Parameters
    ----------
    layer_dims : list of int, ``[n_x, n_1, ..., n_L]``

    Returns
    -------
    parameters : dict of ``"W{l}"`` ``(n_l, n_{l-1})`` and ``"b{l}"`` ``(n_l, 1)``
    """
    return initializers.initialize_parameters(layer_dims, init="lecun", seed=SEED)


def compute_cost(a3, Y):
    """``reg_utils.compute_cost``: the cross-entropy ``-(1/m) sum(Y log a3 + (1-Y) log(1-a3))``.

    Parameters
    ----------
    a3 : ndarray, shape (1, m), probabilities
    Y : ndarray, shape (1, m), labels 0/1

    Returns
    -------
    cost : float
        Finite where ``a3`` is exactly 0 or 1 (probabilities are kept 1e-15 away from them).
    """
    a3 = np.asarray(a3, dtype=float)
    if a3.ndim != 2 or a3.shape[0] != 1:
        raise ValueError(f"A3 must have shape (1, m), got {a3.shape}")
    Y = check_binary_Y(Y, a3.shape[1], np.float64)
    return losses.compute_cost(a3, Y)


def compute_cost_with_regularization(A3, Y, parameters, lambd):
    """Exercise 1: the cross-entropy plus ``(1/m) (lambd/2) sum_l ||W[l]||_F^2``.

    Parameters
    ----------
    A3 : ndarray, shape (1, m)
    Y : ndarray, shape (1, m)
    parameters : dict of ``"W{l}"`` ``(n_l, n_{l-1})``, ``"b{l}"``
    lambd : float >= 0

    Returns
    -------
    cost : float
        :func:`compute_cost` plus :func:`deepcat.core.losses.l2_regularization_cost`.
    """
    checked, _ = check_parameters(parameters)
    lambd = check_in_range(lambd, "lambd", 0.0, float("inf"))
    cross_entropy_cost = compute_cost(A3, Y)
    return cross_entropy_cost + losses.l2_regularization_cost(checked, lambd, np.shape(A3)[1])


def backward_propagation(X, Y, cache):
    """``reg_utils.backward_propagation``: the gradients of the unregularized cost.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m)
    cache : tuple ``(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)``

    Returns
    -------
    gradients : dict
        ``"dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"``,
        with ``dZ3 = A3 - Y`` and ``dW[l] = dZ[l] A[l-1]ᵀ / m``.
    """
    return backward_propagation_with_regularization(X, Y, cache, 0.0)


def backward_propagation_with_regularization(X, Y, cache, lambd):
    """Exercise 2: backward propagation with the L2 term ``(lambd / m) W[l]`` in each ``dW[l]``.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m)
    cache : tuple ``(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)``
    lambd : float >= 0

    Returns
    -------
    gradients : dict, keys as :func:`backward_propagation`'s
    """
    lambd = check_in_range(lambd, "lambd", 0.0, float("inf"))
    layers = split_cache(cache)
    X, Y = check_backward_inputs(X, Y, layers)
    return layer_gradients(X, Y, layers, lambd=lambd)


def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
    """Exercise 3: LINEAR -> RELU + DROPOUT -> LINEAR -> RELU + DROPOUT -> LINEAR -> SIGMOID.

    Each hidden unit is kept with probability ``keep_prob`` and the kept ones are divided by
    it (inverted dropout, :func:`deepcat.core.propagation.dropout_forward`). The masks are
    ``RandomState(1).rand(...) < keep_prob``, ``D1`` then ``D2``, as the course's after
    ``np.random.seed(1)``: the same masks at every call.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    parameters : dict of ``"W{l}"``, ``"b{l}"``
    keep_prob : float in (0, 1], default 0.5

    Returns
    -------
    A3 : ndarray, shape (1, m)
    cache : tuple ``(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)``
        ``D[l]`` holds 0/1 ints; ``A[l]`` is the layer's output after dropout.
    """
    keep_prob = check_in_range(keep_prob, "keep_prob", 0.0, 1.0, low_open=True)
    X, _, parameters = check_inputs(X, None, parameters)
    return flat_forward(X, parameters, keep_prob=keep_prob, rng=np.random.RandomState(DROPOUT_SEED))


def backward_propagation_with_dropout(X, Y, cache, keep_prob):
    """Exercise 4: backward propagation through :func:`forward_propagation_with_dropout`'s masks.

    ``dA[l]`` is multiplied by ``D[l]`` and divided by ``keep_prob``
    (:func:`deepcat.core.propagation.dropout_backward`) before ``dZ[l]`` is formed.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m)
    cache : tuple ``(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)``
    keep_prob : float in (0, 1]

    Returns
    -------
    gradients : dict, keys as :func:`backward_propagation`'s
    """
    keep_prob = check_in_range(keep_prob, "keep_prob", 0.0, 1.0, low_open=True)
    layers = split_cache(cache, dropout=True)
    X, Y = check_backward_inputs(X, Y, layers)
    return layer_gradients(X, Y, layers, keep_prob=keep_prob)


def model(X, Y, learning_rate=0.3, num_iterations=30000, print_cost=True, lambd=0, keep_prob=1):
    """The notebook's ``model``: a ``[n_x, 20, 3, 1]`` network trained by gradient descent.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m), labels 0/1
    learning_rate : float, default 0.3
    num_iterations : int, default 30000
    print_cost : bool, default True
        Prints ``Cost after iteration {i}: {cost}`` every 10000 iterations.
    lambd : float, default 0
        L2 strength; 0 means no L2 regularization.
    keep_prob : float in (0, 1], default 1
        Dropout on both hidden layers when below 1.

    Returns
    -------
    parameters : dict of ``"W{l}"``, ``"b{l}"``

    Raises
    ------
    ValueError
        For ``lambd != 0`` together with ``keep_prob < 1``: the notebook uses one or the other.

    Notes
    -----
    The published runs (``lambd=0``: train accuracy 0.948, test 0.915; ``lambd=0.7``: 0.938
    and 0.93; ``keep_prob=0.86``: 0.929 and 0.95) need the course's ``data.mat``. The cost is
    computed from ``Z3``, finite at saturation; the course also plots it, deepcat does not.
    """
    lambd = check_in_range(lambd, "lambd", 0.0, float("inf"))
    keep_prob = check_in_range(keep_prob, "keep_prob", 0.0, 1.0, low_open=True)
    if lambd and keep_prob < 1:
        raise ValueError(
            f"use L2 regularization or dropout, not both: got lambd={lambd} and "
            f"keep_prob={keep_prob} (the notebook's model asserts lambd == 0 or keep_prob == 1)"
        )
    X, Y = check_examples(X, Y)
    parameters = initialize_parameters([X.shape[0], *HIDDEN_LAYERS, 1])
    dropout = keep_prob if keep_prob < 1 else None
    rng = np.random.RandomState()
    for i in range(num_iterations):
        rng.seed(DROPOUT_SEED)  # the course reseeds at every iteration: the same masks
        cost = gradient_descent_step(X, Y, parameters, learning_rate, lambd, dropout, rng)
        if print_cost and i % PRINT_EVERY == 0:
            print(f"Cost after iteration {i}: {cost}")
    return parameters
