"""Course 1 week 2, "Logistic Regression with a Neural Network mindset", and its lr_utils.

A learner's notebook runs with ``from deepcat.course.logistic_regression import *`` in place
of its ``lr_utils`` import and exercise cells: the functions keep the course's names,
arguments, defaults, dict keys and printed lines. The model is logistic regression seen as a
one-unit network: ``A = sigmoid(wᵀ X + b)``, the cross-entropy cost, gradient descent from
zeros.

The version reproduced is the newest published one (notebook "v1.2" of the W2A2 folder, with
its ``public_tests.py``). Nothing here is random: the weights start at zero, so no result
depends on NumPy's random state (the course's ``model_test`` seeds the global generator only
to make its input data).
"""

from __future__ import annotations

import numbers

import numpy as np

from deepcat.core import activations
from deepcat.core.losses import binary_cross_entropy_from_logits
from deepcat.core.propagation import linear_backward, linear_forward


def sigmoid(z):
    """Exercise 3, ``sigmoid``: ``s = 1 / (1 + e^{-z})`` of a scalar or an array of any shape.

    Returns ``s`` only, as the notebook's does, computed by
    :func:`deepcat.core.activations.sigmoid`, which never overflows (``sigmoid(-1000)`` is 0
    without a warning).
    """
    return activations.sigmoid(z)


def load_dataset(data_dir=None):
    """lr_utils' ``load_dataset``: the course's cat / non-cat pictures, unscaled.

    Parameters
    ----------
    data_dir : str or Path, optional
        The folder with ``train_catvnoncat.h5`` and ``test_catvnoncat.h5``; by default
        ``$DEEPCAT_DATA``, else ``./datasets`` (see :func:`deepcat.data.find_catvnoncat`).
        The course's function takes no argument and reads ``datasets/``.

    Returns
    -------
    train_set_x_orig : ndarray of uint8, shape (209, 64, 64, 3)
    train_set_y : ndarray of int64, shape (1, 209)
    test_set_x_orig : ndarray of uint8, shape (50, 64, 64, 3)
    test_set_y : ndarray of int64, shape (1, 50)
    classes : ndarray of bytes, shape (2,)
        ``[b'non-cat', b'cat']``, bytes as the course's files store them, so that the
        notebook's ``classes[k].decode("utf-8")`` works.
    """
    from deepcat.data.course import load_catvnoncat

    data = load_catvnoncat(data_dir)
    classes = np.array([name.encode("utf-8") for name in data.classes])
    return data.train_x_orig, data.train_y, data.test_x_orig, data.test_y, classes


def initialize_with_zeros(dim):
    """Exercise 4, ``initialize_with_zeros``: ``w`` of zeros ``(dim, 1)`` and ``b = 0.0``.

    Returns
    -------
    w : ndarray of float64, shape (dim, 1)
    b : float
    """
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral) or dim < 1:
        raise ValueError(f"dim must be an int >= 1 (the number of features n_x), got {dim!r}")
    return np.zeros((dim, 1)), 0.0


def propagate(w, b, X, Y):
    """Exercise 5, ``propagate``: the cost and its gradients, forward then backward.

    Parameters
    ----------
    w : ndarray, shape (n_x, 1)
    b : float
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m)
        Labels 0/1.

    Returns
    -------
    grads : dict
        ``dw`` ``(n_x, 1)`` and ``db`` a ``numpy.float64``.
    cost : numpy.float64
        The course returns a 0-d array (``np.squeeze(np.array(cost))``); the NumPy scalar
        prints the same digits and compares the same.

    Notes
    -----
    ``A = sigmoid(wᵀ X + b)``, ``J = -(1/m) sum(Y log A + (1 - Y) log(1 - A))``,
    ``dw = X (A - Y)ᵀ / m``, ``db = sum(A - Y) / m``. The cost is computed from ``Z = wᵀ X + b``
    (:func:`deepcat.core.losses.binary_cross_entropy_from_logits`), the same number to
    rounding, and finite where ``A`` rounds to exactly 0 or 1.
    """
    w, b, X, Y = _checked(w, b, X, Y)
    return _propagate(w, b, X, Y)


def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    """Exercise 6, ``optimize``: gradient descent on ``w`` and ``b``.

    Parameters
    ----------
    w : ndarray, shape (n_x, 1)
    b : float
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m)
    num_iterations : int, default 100
    learning_rate : float, default 0.009
    print_cost : bool, default False
        Print ``Cost after iteration %i: %f`` every 100 iterations, as the course does.

    Returns
    -------
    params : dict of ``w`` ``(n_x, 1)`` and ``b``, after the last step (the arrays given are
        not changed).
    grads : dict of ``dw``, ``db``: the gradients of the last iteration, taken before its step.
    costs : list of numpy.float64
        The cost at iterations 0, 100, 200, ...

    Notes
    -----
    ``w = w - alpha dw``, ``b = b - alpha db``. :func:`deepcat.core.optimizers.update_parameters`
    is not used: it updates arrays in place by ``dW{l}`` keys, and the course's ``b`` is a
    scalar under the key ``db``.
    """
    w, b, X, Y = _checked(w, b, X, Y)
    if isinstance(num_iterations, bool) or not isinstance(num_iterations, numbers.Integral):
        raise TypeError(f"num_iterations must be an int >= 0, got {num_iterations!r}")
    costs = []
    grads = {"dw": None, "db": None}
    for i in range(num_iterations):
        grads, cost = _propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print(f"Cost after iteration {i}: {cost:f}")  # the course's "%i: %f"
    return {"w": w, "b": b}, grads, costs


def predict(w, b, X):
    """Exercise 7, ``predict``: label 1 where ``sigmoid(wᵀ X + b) > 0.5``, else 0.

    Parameters
    ----------
    w : ndarray with ``n_x`` elements, reshaped to ``(n_x, 1)`` as the course does
    b : float
    X : ndarray, shape (n_x, m)

    Returns
    -------
    Y_prediction : ndarray of float64, shape (1, m)
        0.0 and 1.0, as the course's.
    """
    X = _features(X)
    w = np.asarray(w, dtype=float)
    if w.size != X.shape[0]:
        raise ValueError(
            f"w must have n_x = {X.shape[0]} elements, one per row of X {X.shape}; got {w.shape}"
        )
    Z, _ = linear_forward(X, w.reshape(1, -1), _bias(b))
    return (activations.sigmoid(Z) > 0.5).astype(float)


def model(
    X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False
):
    """Exercise 8, ``model``: train from zeros, then predict both sets.

    Parameters
    ----------
    X_train : ndarray, shape (n_x, m_train)
    Y_train : ndarray, shape (1, m_train)
    X_test : ndarray, shape (n_x, m_test)
    Y_test : ndarray, shape (1, m_test) (or ``(m_test,)``, which an older public test passes)
    num_iterations : int, default 2000
    learning_rate : float, default 0.5
    print_cost : bool, default False
        Print the costs every 100 iterations, then ``train accuracy: ... %`` and
        ``test accuracy: ... %``, as the course does.

    Returns
    -------
    d : dict
        ``costs`` (every 100 iterations), ``Y_prediction_test`` ``(1, m_test)``,
        ``Y_prediction_train`` ``(1, m_train)``, ``w`` ``(n_x, 1)``, ``b``,
        ``learning_rate``, ``num_iterations``.
    """
    X_train = _features(X_train, "X_train")
    X_test = _features(X_test, "X_test")
    Y_test = _labels(np.asarray(Y_test).reshape(1, -1), X_test.shape[1], "Y_test", "X_test")
    if X_test.shape[0] != X_train.shape[0]:
        raise ValueError(
            f"X_test must have as many rows n_x as X_train: got {X_test.shape} and {X_train.shape}"
        )
    w, b = initialize_with_zeros(X_train.shape[0])
    params, _, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate, print_cost)
    w, b = params["w"], params["b"]
    Y_prediction_test = predict(w, b, X_test)
    Y_prediction_train = predict(w, b, X_train)
    if print_cost:
        # The course's expression, so that the digits printed are the course's.
        train = 100 - np.mean(np.abs(Y_prediction_train - np.asarray(Y_train))) * 100
        test = 100 - np.mean(np.abs(Y_prediction_test - Y_test)) * 100
        print(f"train accuracy: {train} %")
        print(f"test accuracy: {test} %")
    return {
        "costs": costs,
        "Y_prediction_test": Y_prediction_test,
        "Y_prediction_train": Y_prediction_train,
        "w": w,
        "b": b,
        "learning_rate": learning_rate,
        "num_iterations": num_iterations,
    }


def _propagate(w, b, X, Y):
    Z, linear_cache = linear_forward(X, w.T, b)  # wᵀ plays W[1] of a one-unit layer
    cost = np.float64(binary_cross_entropy_from_logits(Z, Y))
    dZ = activations.sigmoid(Z) - Y  # the sigmoid + cross-entropy pair's dJ/dZ (times m)
    _, dW, db = linear_backward(dZ, linear_cache, need_dA_prev=False)
    return {"dw": dW.T, "db": db[0, 0]}, cost


def _checked(w, b, X, Y):
    X = _features(X)
    w = np.asarray(w, dtype=float) if np.asarray(w).dtype.kind in "biuf" else None
    if w is None or w.shape != (X.shape[0], 1):
        found = "non-numeric" if w is None else w.shape
        raise ValueError(
            f"w must have shape (n_x, 1) = ({X.shape[0]}, 1), one weight per row of X "
            f"{X.shape}; got {found}"
        )
    return w, _bias(b), X, _labels(Y, X.shape[1], "Y", "X")


def _features(X, name="X"):
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a numeric array of shape (n_x, m), got dtype {X.dtype}")
    if X.ndim != 2 or X.shape[1] == 0:
        raise ValueError(
            f"{name} must be 2-D with shape (n_x, m), one column per example; got {X.shape}"
        )
    X = X.astype(float, copy=False)
    if not np.isfinite(X).all():
        raise ValueError(f"{name} contains NaN or infinity; every feature must be finite")
    return X


def _labels(Y, m, name, x_name):
    Y = np.asarray(Y)
    if Y.dtype.kind not in "biuf" or Y.shape != (1, m):
        raise ValueError(
            f"{name} must have shape (1, m) = (1, {m}) to match {x_name}, one 0/1 label per "
            f"example; got {Y.shape} {Y.dtype}"
        )
    if not ((Y == 0) | (Y == 1)).all():
        raise ValueError(f"{name} must hold labels 0 or 1, found {np.unique(Y)[:5].tolist()}")
    return Y.astype(float, copy=False)


def _bias(b):
    value = np.asarray(b)
    if value.dtype.kind not in "biuf" or value.size != 1 or not np.isfinite(value).all():
        raise ValueError(f"b must be one finite number (a scalar bias); got {b!r}")
    return np.float64(value.reshape(()))
