"""Course 1 week 4, "Deep Neural Network - Application", with its ``dnn_app_utils_v3`` helpers.

The newest published notebook (the 2021 revision, assignment W4A2): ``two_layer_model``
(exercise 1), ``L_layer_model`` (exercise 2) and ``plot_costs``, which the notebook defines,
and what it imports from ``dnn_app_utils_v3``: ``load_data``, the step-by-step functions,
``predict`` and ``print_mislabeled_images``. ``from deepcat.course.application import *``
replaces ``from dnn_app_utils_v3 import *``.

Three ``dnn_app_utils_v3`` functions are not the step-by-step notebook's
(:mod:`deepcat.course.step_by_step`) although they share its names, and each module keeps its
own notebook's:

* ``initialize_parameters_deep`` draws ``randn / sqrt(n_{l-1})`` from seed 1 (the step-by-step
  one draws ``randn * 0.01`` from seed 3); the L-layer model's published costs need it.
* ``compute_cost`` returns a 0-d array, the squeezed ``(1, 1)`` of its two dot products (the
  step-by-step one a NumPy float); the models' ``costs`` hold these arrays.
* ``update_parameters`` writes the new arrays into the dictionary it is given (and returns it);
  the step-by-step one returns a new dictionary.

The models print as the notebook does, ``Cost after iteration {i}: {cost}`` every 100
iterations when ``print_cost`` is true, and, through the notebook's condition
``print_cost and i % 100 == 0 or i == num_iterations - 1``, the last iteration's cost even
when it is false; ``costs`` records iterations 0, 100, 200, ... They train on the course's
numbers without reseeding NumPy's global generator (the notebook's ``np.random.seed(1)`` only
feeds the initializers, which draw from their own ``RandomState(1)``).
"""

from __future__ import annotations

import math

import numpy as np

from deepcat.core.initializers import initialize_parameters as draw_parameters
from deepcat.core.losses import PROBABILITY_EPSILON
from deepcat.core.propagation import linear_activation_backward as core_activation_backward
from deepcat.core.propagation import linear_activation_forward as core_activation_forward
from deepcat.core.propagation import linear_backward as core_linear_backward
from deepcat.core.propagation import model_forward
from deepcat.core.validation import check_layer_dims, check_positive_float, check_positive_int
from deepcat.course.logistic_regression import load_dataset
from deepcat.course.step_by_step import (
    L_model_backward,
    L_model_forward,
    initialize_parameters,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    model_gradients,
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    sigmoid_output_dZ,
    stepped_parameters,
)

__all__ = [
    "load_data",
    "sigmoid",
    "relu",
    "sigmoid_backward",
    "relu_backward",
    "initialize_parameters",
    "initialize_parameters_deep",
    "linear_forward",
    "linear_activation_forward",
    "L_model_forward",
    "compute_cost",
    "linear_backward",
    "linear_activation_backward",
    "L_model_backward",
    "update_parameters",
    "predict",
    "print_mislabeled_images",
    "two_layer_model",
    "L_layer_model",
    "plot_costs",
]

RECORD_EVERY = 100
"""The models print and record their cost every this many iterations."""


def load_data(data_dir=None):
    """``dnn_app_utils_v3.load_data``: the cat vs non-cat pictures, as the course returns them.

    Parameters
    ----------
    data_dir : str or Path, optional
        The folder of ``train_catvnoncat.h5`` and ``test_catvnoncat.h5``; by default
        ``$DEEPCAT_DATA``, else ``./datasets`` (where the course keeps them).

    Returns
    -------
    train_x_orig : ndarray of uint8, shape (209, 64, 64, 3)
    train_y : ndarray of int, shape (1, 209)
    test_x_orig : ndarray of uint8, shape (50, 64, 64, 3)
    test_y : ndarray of int, shape (1, 50)
    classes : ndarray of bytes, shape (2,)
        ``[b'non-cat', b'cat']``, as the files store them (the notebook calls ``.decode``).

    This is :func:`deepcat.course.logistic_regression.load_dataset`.
    """
    # lr_utils.load_dataset of week 2 and this function read the same two files the same way.
    return load_dataset(data_dir)


def initialize_parameters_deep(layer_dims):
    """``dnn_app_utils_v3.initialize_parameters_deep``: ``W{l} = randn / sqrt(n_{l-1})``.

    Parameters
    ----------
    layer_dims : sequence of int ``[n_x, n_1, ..., n_L]``

    Returns
    -------
    parameters : dict
        ``W{l}`` ``(n_l, n_{l-1})`` and ``b{l}`` ``(n_l, 1)`` (zeros), drawn from a private
        ``RandomState(1)`` (the course calls ``np.random.seed(1)``).
    """
    return draw_parameters(layer_dims, init="lecun", seed=1)


def compute_cost(AL, Y):
    """``dnn_app_utils_v3.compute_cost``: ``-(1/m) (Y log(AL)ᵀ + (1 - Y) log(1 - AL)ᵀ)``.

    Parameters
    ----------
    AL : ndarray, shape (1, m), probabilities
    Y : ndarray, shape (1, m), labels

    Returns
    -------
    cost : 0-d ndarray
        As the course's: its ``(1, 1)`` product, squeezed.

    Notes
    -----
    ``AL`` is kept within ``[1e-15, 1 - 1e-15]`` first, so a saturated prediction gives a large
    finite cost. The two sums are dot products, as in the course, so they are added in the
    course's order.
    """
    AL, Y = _row_pair(AL, "AL", Y, "Y")
    AL = np.clip(AL, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON)
    m = Y.shape[1]
    cost = (1.0 / m) * (-np.dot(Y, np.log(AL).T) - np.dot(1 - Y, np.log(1 - AL).T))
    return np.squeeze(cost)


def update_parameters(parameters, grads, learning_rate):
    """``dnn_app_utils_v3.update_parameters``: one step of gradient descent.

    Parameters
    ----------
    parameters : dict of ``W{l}`` ``(n_l, n_{l-1})`` and ``b{l}`` ``(n_l, 1)``
    grads : dict with ``dW{l}`` and ``db{l}`` of the same shapes (``dA{l}`` are not read)
    learning_rate : float

    Returns
    -------
    parameters : the same dict, holding new arrays ``W{l} - alpha dW{l}``,
        ``b{l} - alpha db{l}`` (the arrays it held are not changed).
    """
    parameters.update(stepped_parameters(parameters, grads, learning_rate))
    return parameters


def predict(X, y, parameters):
    """``dnn_app_utils_v3.predict``: labels from the L-layer model, printing its accuracy.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    y : ndarray, ``m`` true labels (``(1, m)``)
    parameters : dict of ``W{l}``, ``b{l}``

    Returns
    -------
    p : ndarray of float, shape (1, m)
        1 where the predicted probability is above 0.5, else 0.

    Prints ``Accuracy: {sum((p == y) / m)}``, the course's sum, whose rounding gives the
    published ``0.9999999999999998`` for 209 correct answers out of 209.
    """
    probabilities, _ = L_model_forward(X, parameters)
    if probabilities.shape[0] != 1:
        raise ValueError(
            f"predict needs one output unit (n_L = 1), got n_L = {probabilities.shape[0]}"
        )
    m = probabilities.shape[1]
    y = _labels(y, m, "y")
    p = (probabilities > 0.5).astype(np.float64)
    print("Accuracy: " + str(np.sum((p == y) / m)))
    return p


def print_mislabeled_images(classes, X, y, p):
    """``dnn_app_utils_v3.print_mislabeled_images``: the pictures whose prediction is wrong.

    Draws, on a new 40 x 40 inch matplotlib figure (the course's size; its global ``rcParams``
    are not changed), one picture per mislabeled example in the first of two rows, titled
    ``Prediction: {class} \\n Class: {class}``. Nothing is returned, as in the course; the
    figure is pyplot's current one.

    Parameters
    ----------
    classes : sequence of bytes or str, the class names (``load_data``'s ``classes``)
    X : ndarray, shape (n_x, m), with ``n_x = 3 num_px^2``: flattened RGB pictures in [0, 1]
    y : ndarray, shape (1, m), true labels
    p : ndarray, shape (1, m), predicted labels
    """
    import matplotlib.pyplot as plt

    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must have shape (n_x, m), got {X.shape}")
    num_px = math.isqrt(X.shape[0] // 3)
    if 3 * num_px * num_px != X.shape[0]:
        raise ValueError(f"X must hold RGB pictures, n_x = 3 num_px^2, got n_x = {X.shape[0]}")
    y = _labels(y, X.shape[1], "y")
    p = _labels(p, X.shape[1], "p")
    wrong = np.flatnonzero((p + y) == 1)  # the course's test: one of p, y is 1, the other 0
    figure = plt.figure(figsize=(40.0, 40.0))
    for i, index in enumerate(wrong):
        axes = figure.add_subplot(2, len(wrong), i + 1)
        axes.imshow(X[:, index].reshape(num_px, num_px, 3), interpolation="nearest")
        axes.axis("off")
        axes.set_title(
            "Prediction: "
            + _name(classes, p[0, index])
            + " \n Class: "
            + _name(classes, y[0, index])
        )


def plot_costs(costs, learning_rate=0.0075):
    """The notebook's ``plot_costs``: the recorded costs against iterations (per hundreds).

    Parameters
    ----------
    costs : list of the costs the models return, one every 100 iterations
    learning_rate : float, shown in the title ``Learning rate =0.0075``

    Draws on a new pyplot figure and calls ``plt.show()``, as the notebook does.
    """
    import matplotlib.pyplot as plt

    plt.figure()
    plt.plot(np.squeeze(costs))
    plt.ylabel("cost")
    plt.xlabel("iterations (per hundreds)")
    plt.title("Learning rate =" + str(learning_rate))
    plt.show()


def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    """Exercise 1: train LINEAR -> RELU -> LINEAR -> SIGMOID by gradient descent.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m), labels
    layers_dims : (n_x, n_h, n_y)
    learning_rate : float
    num_iterations : int
    print_cost : bool
        Print the cost every 100 iterations (the last iteration's is printed anyway).

    Returns
    -------
    parameters : dict of ``W1`` ``(n_h, n_x)``, ``b1`` ``(n_h, 1)``, ``W2`` ``(n_y, n_h)``,
        ``b2`` ``(n_y, 1)``, trained from :func:`initialize_parameters` (seed 1)
    costs : list of 0-d ndarrays, the cost at iterations 0, 100, 200, ...
    """
    dims = check_layer_dims(layers_dims)
    if len(dims) != 3:
        raise ValueError(f"layers_dims must be (n_x, n_h, n_y), got {tuple(layers_dims)}")
    X, Y = _training_inputs(X, Y, dims[0], learning_rate, num_iterations, print_cost)
    parameters = initialize_parameters(*dims)
    costs = []
    for i in range(num_iterations):
        W1, b1, W2, b2 = (parameters[key] for key in ("W1", "b1", "W2", "b2"))
        A1, cache1 = core_activation_forward(X, W1, b1, "relu")
        A2, cache2 = core_activation_forward(A1, W2, b2, "sigmoid")
        cost = compute_cost(A2, Y)
        dA1, dW2, db2 = core_linear_backward(sigmoid_output_dZ(A2, Y, cache2[1]), cache2[0])
        _, dW1, db1 = core_activation_backward(dA1, cache1, "relu", need_dA_prev=False)
        grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
        parameters = update_parameters(parameters, grads, learning_rate)
        _record(i, cost, num_iterations, print_cost, costs)
    return parameters, costs


def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    """Exercise 2: train [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID by gradient descent.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m), labels
    layers_dims : sequence of int ``[n_x, n_1, ..., n_L]``
    learning_rate : float
    num_iterations : int
    print_cost : bool
        Print the cost every 100 iterations (the last iteration's is printed anyway).

    Returns
    -------
    parameters : dict of ``W{l}`` ``(n_l, n_{l-1})``, ``b{l}`` ``(n_l, 1)``, trained from this
        module's :func:`initialize_parameters_deep` (seed 1)
    costs : list of 0-d ndarrays, the cost at iterations 0, 100, 200, ...
    """
    dims = check_layer_dims(layers_dims)
    X, Y = _training_inputs(X, Y, dims[0], learning_rate, num_iterations, print_cost)
    parameters = initialize_parameters_deep(dims)
    costs = []
    for i in range(num_iterations):
        AL, caches = model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = model_gradients(AL, Y, caches, need_dA0=False)
        parameters = update_parameters(parameters, grads, learning_rate)
        _record(i, cost, num_iterations, print_cost, costs)
    return parameters, costs


def _record(i, cost, num_iterations, print_cost, costs):
    """Print and keep the cost of iteration ``i`` as the notebook does."""
    # The notebook's `print_cost and i % 100 == 0 or i == num_iterations - 1` also prints the
    # last iteration when print_cost is False; its published outputs show that line.
    if (print_cost and i % RECORD_EVERY == 0) or i == num_iterations - 1:
        print(f"Cost after iteration {i}: {np.squeeze(cost)}")
    if i % RECORD_EVERY == 0:
        costs.append(cost)


def _training_inputs(X, Y, n_x, learning_rate, num_iterations, print_cost):
    check_positive_float(learning_rate, "learning_rate")
    check_positive_int(num_iterations, "num_iterations", minimum=0)
    if not isinstance(print_cost, (bool, np.bool_)):
        raise TypeError(f"print_cost must be True or False, got {print_cost!r}")
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] != n_x:
        raise ValueError(
            f"X must have shape (n_x, m) with n_x = layers_dims[0] = {n_x}, got {X.shape}"
        )
    Y = np.asarray(Y, dtype=np.float64)
    if Y.shape != (1, X.shape[1]):
        raise ValueError(
            f"Y must have shape (1, m) = {(1, X.shape[1])}, one label per column "
            f"of X, got {Y.shape}"
        )
    if not (np.isfinite(X).all() and np.isfinite(Y).all()):
        raise ValueError("X and Y must hold finite numbers (no NaN or infinity)")
    return X, Y


def _row_pair(AL, AL_name, Y, Y_name):
    AL = np.asarray(AL, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if AL.ndim != 2 or AL.shape[0] != 1 or Y.shape != AL.shape:
        raise ValueError(
            f"{AL_name} and {Y_name} must have one shape (1, m), got {AL.shape} and {Y.shape}"
        )
    return AL, Y


def _labels(values, m, name):
    values = np.asarray(values)
    if values.size != m:
        raise ValueError(f"{name} must hold m = {m} labels, shape (1, m), got {values.shape}")
    return values.reshape(1, m)


def _name(classes, label):
    name = classes[int(label)]
    return name.decode("utf-8") if isinstance(name, bytes) else str(name)
