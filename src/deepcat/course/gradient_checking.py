"""Course 2 week 1, "Gradient Checking" (v2.0, and its ``gc_utils.py`` and ``testCases.py``).

The notebook checks backpropagation twice against centred differences: for the 1-D model
``J(theta) = theta x``, then for the fraud-detection network ``[4, 5, 3, 1]`` (LINEAR -> RELU
-> LINEAR -> RELU -> LINEAR -> SIGMOID) of ``gradient_check_n_test_case``. With
``from deepcat.course.gradient_checking import *`` in place of the notebook's imports its cells
run unchanged and print its lines.

The notebook's ``backward_propagation_n`` has two planted mistakes (``dW2`` is doubled and
``db1`` multiplied by 4) for the learner to find; its check prints ``There is a mistake in the
backward propagation! difference = 0.2850931567761623``, and the corrected code gives
``1.1890913024229996e-07``. Here :func:`backward_propagation_n` is the corrected one and
:func:`backward_propagation_n_buggy` keeps the notebook's mistakes; both figures come out.

Both figures depend on the rounding of the cost: ``(J+ - J-) / 2 epsilon`` multiplies its
last-bit errors by ``5e6``. :func:`forward_propagation_n` therefore evaluates the cost the way
the notebook writes it, from the logs of ``A3`` and ``1 - A3``; deepcat's cost from ``Z3``
(:func:`deepcat.core.losses.binary_cross_entropy_from_logits`) is more accurate, and with it the
corrected check gives about ``1.1e-09``.
"""

from __future__ import annotations

import numbers

import numpy as np

from deepcat.core import activations
from deepcat.core import gradient_check as core_check
from deepcat.core.validation import check_positive_float, parameter_shapes
from deepcat.course.initialization import (
    check_backward_inputs,
    check_inputs,
    check_parameters,
    flat_forward,
    layer_gradients,
    split_cache,
)

__all__ = [
    "backward_propagation",
    "backward_propagation_n",
    "backward_propagation_n_buggy",
    "dictionary_to_vector",
    "forward_propagation",
    "forward_propagation_n",
    "gradient_check",
    "gradient_check_n",
    "gradient_check_n_test_case",
    "gradients_to_vector",
    "relu",
    "sigmoid",
    "vector_to_dictionary",
]

sigmoid = activations.sigmoid
"""``gc_utils.sigmoid(x)``: ``1 / (1 + e^{-x})``, without overflow."""
relu = activations.relu
"""``gc_utils.relu(x)``: ``max(0, x)``."""

NOTEBOOK_LAYERS = (4, 5, 3, 1)
"""``gc_utils.vector_to_dictionary`` unrolls ``theta`` into this network's parameters."""
THRESHOLD = 2e-7
"""The notebook calls a difference above this a mistake in backpropagation."""
MISTAKE = "\033[93mThere is a mistake in the backward propagation! difference = {}\033[0m"
FINE = "\033[92mYour backward propagation works perfectly fine! difference = {}\033[0m"


def _real(value, name):
    """``value`` as a finite real number (a Python or NumPy scalar)."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.ndarray)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if np.ndim(value) != 0 or not np.isfinite(value):
        raise ValueError(f"{name} must be one finite real number, got {value!r}")
    return value


def forward_propagation(x, theta):
    """Exercise 1: ``J(theta) = theta x`` for real numbers ``x`` and ``theta``."""
    return _real(theta, "theta") * _real(x, "x")


def backward_propagation(x, theta):
    """Exercise 2: ``dJ/dtheta = x`` (``theta`` is checked, not used)."""
    _real(theta, "theta")
    return _real(x, "x")


def centred_difference(J, theta, epsilon):
    """``(J(theta + epsilon) - J(theta - epsilon)) / (2 epsilon)``, formula (1) of the notebook."""
    return (J(theta + epsilon) - J(theta - epsilon)) / (2 * epsilon)


def relative_difference(grad, gradapprox):
    """``||grad - gradapprox||_2 / (||grad||_2 + ||gradapprox||_2)``, formulas (2) and (3).

    Arrays of any shape (the norm is the 2-norm of all entries); 0.0 when both are zero.
    """
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    if denominator == 0:
        return 0.0
    return np.linalg.norm(grad - gradapprox) / denominator


def _report(difference, print_msg):
    """The notebook's verdict line, coloured as it prints it."""
    if print_msg:
        print((MISTAKE if difference > THRESHOLD else FINE).format(difference))
    return difference


def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    """Exercise 3: :func:`backward_propagation` against a centred difference of ``J``.

    Parameters
    ----------
    x, theta : real numbers
    epsilon : float, default 1e-7
    print_msg : bool, default False
        Prints the notebook's verdict (``... works perfectly fine! difference = ...`` below
        ``2e-7``, ``There is a mistake ...`` above).

    Returns
    -------
    difference : float
        ``7.814075313343006e-11`` for the notebook's ``x, theta = 3, 4``.
    """
    epsilon = check_positive_float(epsilon, "epsilon")
    x, theta = _real(x, "x"), _real(theta, "theta")
    gradapprox = centred_difference(lambda t: forward_propagation(x, t), theta, epsilon)
    grad = backward_propagation(x, theta)
    return _report(relative_difference(grad, gradapprox), print_msg)


# -- gc_utils -----------------------------------------------------------------------------------


def _layer_order(L):
    return [f"{kind}{l}" for l in range(1, L + 1) for kind in "Wb"]


def dictionary_to_vector(parameters):
    """``gc_utils.dictionary_to_vector``: ``W1, b1, ..., WL, bL`` rolled into one column.

    Parameters
    ----------
    parameters : dict of ``"W{l}"`` ``(n_l, n_{l-1})``, ``"b{l}"`` ``(n_l, 1)``

    Returns
    -------
    theta : ndarray, shape (n, 1)
        Each array flattened row by row (:func:`deepcat.core.gradient_check.parameters_to_vector`).
    keys : list of str, length n
        The name of the parameter each entry of ``theta`` comes from.
    """
    checked, L = check_parameters(parameters)
    ordered = {key: checked[key] for key in _layer_order(L)}
    theta = core_check.parameters_to_vector(ordered).reshape(-1, 1)
    keys = [key for key, value in ordered.items() for _ in range(value.size)]
    return theta, keys


def vector_to_dictionary(theta, layer_dims=NOTEBOOK_LAYERS):
    """``gc_utils.vector_to_dictionary``: ``theta`` unrolled into ``W1, b1, ..., WL, bL``.

    Parameters
    ----------
    theta : array-like, shape (n, 1) or (n,)
    layer_dims : sequence of int, default ``(4, 5, 3, 1)``
        The course's function knows only its network (``n = 47``); other networks pass theirs.

    Returns
    -------
    parameters : dict of views into ``theta``
        (:func:`deepcat.core.gradient_check.vector_to_parameters`).
    """
    shapes = parameter_shapes(list(layer_dims))
    like = {key: np.broadcast_to(0.0, shape) for key, shape in shapes.items()}
    theta = np.asarray(theta, dtype=float).reshape(-1)
    size = sum(value.size for value in like.values())
    if theta.size != size:
        raise ValueError(
            f"theta must hold the {size} parameters of layer_dims = {list(layer_dims)}, "
            f"got {theta.size} values"
        )
    return core_check.vector_to_parameters(theta, like)


def gradients_to_vector(gradients):
    """``gc_utils.gradients_to_vector``: ``dW1, db1, ..., dWL, dbL`` rolled into one column.

    Parameters
    ----------
    gradients : dict with ``"dW{l}"``, ``"db{l}"`` (other entries, like ``"dZ3"``, are ignored)

    Returns
    -------
    grad : ndarray, shape (n, 1)
    """
    if not hasattr(gradients, "keys"):
        raise TypeError(f"gradients must be a dict of dW1, db1, ..., got {type(gradients)}")
    L = sum(1 for key in gradients if key.startswith("dW"))
    order = [f"d{key}" for key in _layer_order(L)]
    missing = [key for key in order if key not in gradients]
    if L == 0 or missing:
        raise ValueError(f"gradients must hold dW1, db1, ..., dWL, dbL; missing {missing}")
    ordered = {key: np.asarray(gradients[key], dtype=float) for key in order}
    return core_check.parameters_to_vector(ordered).reshape(-1, 1)


def gradient_check_n_test_case():
    """``testCases.gradient_check_n_test_case``: the notebook's ``X, Y, parameters``.

    ``X = randn(4, 3)``, ``Y = [1, 1, 0]`` (shape ``(3,)``, as the course's), then ``W1``
    ``(5, 4)``, ``b1``, ``W2`` ``(3, 5)``, ``b2``, ``W3`` ``(1, 3)``, ``b3``, drawn in that order
    from ``RandomState(1)`` (the course's ``np.random.seed(1)``).
    """
    rng = np.random.RandomState(1)
    X = rng.randn(4, 3)
    Y = np.array([1, 1, 0])
    shapes = parameter_shapes(list(NOTEBOOK_LAYERS))
    parameters = {key: rng.randn(*shape) for key, shape in shapes.items()}
    return X, Y, parameters


# -- the fraud-detection network ----------------------------------------------------------------


def forward_propagation_n(X, Y, parameters):
    """The notebook's ``forward_propagation_n``: the network's cost and its cache.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m) or (m,), labels 0/1
    parameters : dict of ``"W{l}"``, ``"b{l}"``

    Returns
    -------
    cost : float
        ``(1/m) sum(-log(A3) Y - log(1 - A3) (1 - Y))``, evaluated in that order (the
        checks' published figures depend on its rounding). Where ``A3`` rounds to exactly 0
        or 1, the log is taken from ``Z3`` instead (``log sigmoid(z) = -log(1 + e^{-z})``), so
        the cost stays finite and nothing warns.
    cache : tuple ``(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)``
    """
    X, Y, parameters = check_inputs(X, Y, parameters)
    A3, cache = flat_forward(X, parameters)
    Z3 = cache[-4]
    log_A3 = np.log(A3, out=_log_sigmoid(Z3), where=A3 > 0)
    log_1_minus_A3 = np.log(1 - A3, out=_log_sigmoid(-Z3), where=A3 < 1)
    log_probs = np.multiply(-log_A3, Y) + np.multiply(-log_1_minus_A3, 1 - Y)
    return float(1.0 / X.shape[1] * np.sum(log_probs)), cache


def _log_sigmoid(Z):
    """``log sigmoid(Z) = -(max(-Z, 0) + log(1 + e^{-|Z|}))``, finite for every finite ``Z``."""
    return -(np.maximum(-Z, 0) + np.log1p(np.exp(-np.abs(Z))))


def backward_propagation_n(X, Y, cache):
    """The notebook's ``backward_propagation_n`` with its two mistakes corrected.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m) or (m,)
    cache : tuple from :func:`forward_propagation_n`

    Returns
    -------
    gradients : dict
        ``"dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"``
        (:func:`deepcat.course.initialization.layer_gradients`).
    """
    layers = split_cache(cache)
    X, Y = check_backward_inputs(X, Y, layers)
    return layer_gradients(X, Y, layers)


def backward_propagation_n_buggy(X, Y, cache):
    """``backward_propagation_n`` as the notebook gives it: ``dW2`` doubled, ``db1`` times 4.

    For reproducing the notebook's ``difference = 0.2850931567761623``; the other entries
    are :func:`backward_propagation_n`'s.
    """
    gradients = backward_propagation_n(X, Y, cache)
    gradients["dW2"] = gradients["dW2"] * 2
    gradients["db1"] = gradients["db1"] * 4
    return gradients


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
    """Exercise 4: backpropagation's ``gradients`` against centred differences of the cost.

    For each of the ``n`` parameters in turn, ``theta_i`` is moved by ``+-epsilon`` and the
    cost :func:`forward_propagation_n` evaluated at both points.

    Parameters
    ----------
    parameters : dict of ``"W{l}"``, ``"b{l}"``
    gradients : dict with ``"dW{l}"``, ``"db{l}"`` (e.g. from :func:`backward_propagation_n`)
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m) or (m,)
    epsilon : float, default 1e-7
    print_msg : bool, default False
        Prints the notebook's verdict line.

    Returns
    -------
    difference : float
        Formula (3); the notebook's test case gives ``0.2850931567761623`` with the
        notebook's mistakes and ``1.1890913024229996e-07`` without them.
    """
    epsilon = check_positive_float(epsilon, "epsilon")
    parameters_values, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    if grad.shape != parameters_values.shape:
        raise ValueError(
            f"gradients hold {grad.shape[0]} values for {parameters_values.shape[0]} parameters"
        )
    layer_dims = [parameters["W1"].shape[1]] + [
        np.shape(parameters[f"W{l}"])[0] for l in range(1, len(parameters) // 2 + 1)
    ]
    gradapprox = np.zeros(parameters_values.shape)
    for i in range(parameters_values.shape[0]):

        def J(theta_i, i=i):
            theta = np.copy(parameters_values)
            theta[i] = theta_i
            return forward_propagation_n(X, Y, vector_to_dictionary(theta, layer_dims))[0]

        gradapprox[i] = centred_difference(J, parameters_values[i, 0], epsilon)
    return _report(relative_difference(grad, gradapprox), print_msg)
