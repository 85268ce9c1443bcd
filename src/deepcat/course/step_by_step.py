"""Course 1 week 4, "Building your Deep Neural Network: Step by Step", under the course's names.

The newest published notebook (the 2021 revision, assignment W4A1, ten exercises) and the
helpers it imports from ``dnn_utils``: ``sigmoid``, ``relu``, ``sigmoid_backward`` and
``relu_backward``. ``from deepcat.course.step_by_step import *`` gives a learner's notebook
every function it calls, with the course's signatures, caches and dictionary keys; each one is
deepcat's building block (:mod:`deepcat.core`) behind the course's interface.

Where deepcat departs from the notebook, and why:

* ``initialize_parameters`` and ``initialize_parameters_deep`` draw the course's numbers
  (seeds 1 and 3, ``randn * 0.01``) from a private ``np.random.RandomState``; NumPy's global
  generator, which the course reseeds, is left alone.
* ``sigmoid`` never overflows (deepcat's split on the sign of ``Z``) and ``compute_cost`` keeps
  ``AL`` within ``[1e-15, 1 - 1e-15]`` before taking logs, so a saturated prediction gives a
  large finite cost instead of ``inf``.
* ``L_model_backward`` starts, as the course does, from
  ``dAL = -(Y / AL - (1 - Y) / (1 - AL))`` and the cached ``Z[L]`` through ``sigmoid_backward``
  (the course's test case hands it an ``AL`` that is not ``sigmoid(Z[L])``, so the shortcut
  ``dZ[L] = AL - Y`` would give other gradients). Where ``AL`` is exactly 0 or 1 and equals
  ``sigmoid(Z[L])`` that route divides by zero; there it takes its limit, ``AL - Y``.
* ``update_parameters`` reads only ``dW{l}`` and ``db{l}`` (the course's gradients hold the
  ``dA{l}`` too) and returns new arrays, leaving ``params`` as it was, as the notebook's
  ``params.copy()`` does.

The ``initialize_parameters_deep`` of "Deep Neural Network - Application" (``dnn_app_utils``)
is another function under the same name: see :mod:`deepcat.course.application`.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np

from deepcat.core import activations as core
from deepcat.core.initializers import initialize_parameters as draw_parameters
from deepcat.core.losses import compute_cost as core_compute_cost
from deepcat.core.optimizers import update_parameters as gradient_step
from deepcat.core.propagation import linear_activation_backward as core_activation_backward
from deepcat.core.propagation import linear_activation_forward as core_activation_forward
from deepcat.core.propagation import linear_backward as core_linear_backward
from deepcat.core.propagation import linear_forward as core_linear_forward
from deepcat.core.propagation import model_forward
from deepcat.core.validation import check_parameters, check_positive_int

COURSE_ACTIVATIONS = ("sigmoid", "relu")
"""The activations the course's functions take by name."""

__all__ = [
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
]


# dnn_utils.sigmoid and dnn_utils.relu: (A, cache) with cache = Z, the pair deepcat.sigmoid
# and deepcat.relu also return.
sigmoid = core.with_cache("sigmoid")
relu = core.with_cache("relu")


def sigmoid_backward(dA, cache):
    """``dnn_utils.sigmoid_backward``: ``dZ = dA * s (1 - s)``, ``s = sigmoid(Z)``, ``cache = Z``;
    ``dA``, ``Z`` and ``dZ`` have one shape ``(n_l, m)``."""
    return core.sigmoid_backward(dA, cache)


def relu_backward(dA, cache):
    """``dnn_utils.relu_backward``: ``dZ = dA`` where ``Z > 0``, else 0 (shapes as above)."""
    return core.relu_backward(dA, cache)


def initialize_parameters(n_x, n_h, n_y):
    """Exercise 1: the parameters of LINEAR -> RELU -> LINEAR -> SIGMOID.

    ``n_x, n_h, n_y`` (ints) are the sizes of the input, hidden and output layers. Returns
    ``{"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}``: weights
    ``randn * 0.01``, the course's seed-1 numbers drawn from a private ``RandomState(1)`` (the
    course calls ``np.random.seed(1)``), and zero biases.
    """
    sizes = [check_positive_int(n, name) for n, name in ((n_x, "n_x"), (n_h, "n_h"), (n_y, "n_y"))]
    return draw_parameters(sizes, init="small", seed=1)


def initialize_parameters_deep(layer_dims):
    """Exercise 2: the parameters of an L-layer network, ``layer_dims = [n_x, n_1, ..., n_L]``.

    Returns ``W{l}`` ``(n_l, n_{l-1})``, ``randn * 0.01`` drawn from a private ``RandomState(3)``
    (the course calls ``np.random.seed(3)``), and zero ``b{l}`` ``(n_l, 1)``, ``l = 1..L``.
    """
    return draw_parameters(layer_dims, init="small", seed=3)


def linear_forward(A, W, b):
    """Exercise 3: ``Z = W A + b``.

    ``A`` is ``(n_{l-1}, m)``, ``W`` ``(n_l, n_{l-1})``, ``b`` ``(n_l, 1)``. Returns ``Z``
    ``(n_l, m)`` and the cache ``(A, W, b)``.
    """
    A, W, b = _linear_inputs(A, W, b)
    return core_linear_forward(A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    """Exercise 4: ``A = g(W A_prev + b)`` for ``activation`` "sigmoid" or "relu".

    Shapes as for :func:`linear_forward`. Returns ``A`` ``(n_l, m)`` and the cache
    ``((A_prev, W, b), Z)``, the course's ``(linear_cache, activation_cache)``.
    """
    _check_activation(activation)
    A_prev, W, b = _linear_inputs(A_prev, W, b)
    return core_activation_forward(A_prev, W, b, activation)


def L_model_forward(X, parameters):
    """Exercise 5: [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID.

    ``X`` is ``(n_x, m)``; ``parameters`` holds ``W{l}`` ``(n_l, n_{l-1})`` and ``b{l}``
    ``(n_l, 1)``, ``l = 1..L``. Returns ``AL`` ``(n_L, m)`` and the list of the L caches
    ``((A_prev, W, b), Z)``, ``caches[l-1]`` for layer ``l``.
    """
    parameters = checked_parameters(parameters)
    X = _matrix(X, "X", "(n_x, m)")
    n_x = parameters["W1"].shape[1]
    if X.shape[0] != n_x:
        raise ValueError(
            f"X must have shape (n_x, m) with n_x = {n_x} (W1 is (n_1, n_x)), got {X.shape}"
        )
    return model_forward(X, parameters)


def compute_cost(AL, Y):
    """Exercise 6: ``J = -(1/m) sum(Y log(AL) + (1 - Y) log(1 - AL))``, a ``numpy.float64``.

    ``AL`` (probabilities) and ``Y`` (labels) are ``(1, m)``. This is
    :func:`deepcat.core.losses.compute_cost`, which keeps ``AL`` within ``[1e-15, 1 - 1e-15]``
    so that a saturated prediction costs a large finite amount, not ``inf``.
    """
    AL, Y = _matrix(AL, "AL", "(1, m)"), _matrix(Y, "Y", "(1, m)")
    if AL.shape != Y.shape:
        raise ValueError(f"AL and Y must have one shape (1, m), got {AL.shape} and {Y.shape}")
    return np.float64(core_compute_cost(AL, Y))


def linear_backward(dZ, cache):
    """Exercise 7: ``dW = dZ A_prevᵀ / m``, ``db = sum(dZ, axis=1) / m``, ``dA_prev = Wᵀ dZ``.

    ``dZ`` is ``(n_l, m)``; ``cache = (A_prev, W, b)`` as for :func:`linear_forward`. Returns
    ``dA_prev`` ``(n_{l-1}, m)``, ``dW`` ``(n_l, n_{l-1})`` and ``db`` ``(n_l, 1)``.
    """
    dZ, cache = _backward_inputs(dZ, "dZ", (cache, None))
    return core_linear_backward(dZ, cache[0])


def linear_activation_backward(dA, cache, activation):
    """Exercise 8: ``dZ = dA * g'(Z)`` for ``activation`` "sigmoid" or "relu", then
    :func:`linear_backward`.

    ``dA`` is ``(n_l, m)``; ``cache = ((A_prev, W, b), Z)`` from
    :func:`linear_activation_forward`. Returns ``(dA_prev, dW, db)`` as :func:`linear_backward`.
    """
    _check_activation(activation)
    dA, cache = _backward_inputs(dA, "dA", _layer_cache(cache, "cache"))
    return core_activation_backward(dA, cache, activation)


def L_model_backward(AL, Y, caches):
    """Exercise 9: the gradients of [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID.

    ``AL`` ``(1, m)`` and ``caches`` come from :func:`L_model_forward`; ``Y`` holds the ``m``
    labels (reshaped to AL's shape, as the course does). Returns ``grads`` with ``dA{l-1}``
    ``(n_{l-1}, m)``, ``dW{l}`` ``(n_l, n_{l-1})`` and ``db{l}`` ``(n_l, 1)``, ``l = 1..L``.
    The output layer's ``dZ[L]`` is ``sigmoid_backward(dAL, Z[L])`` with the course's
    ``dAL = -(Y / AL - (1 - Y) / (1 - AL))``: see :func:`sigmoid_output_dZ`.
    """
    return model_gradients(AL, Y, caches, need_dA0=True)


def update_parameters(params, grads, learning_rate):
    """Exercise 10: ``W[l] = W[l] - alpha dW[l]``, ``b[l] = b[l] - alpha db[l]``.

    ``params`` holds ``W{l}`` ``(n_l, n_{l-1})`` and ``b{l}`` ``(n_l, 1)``; ``grads`` holds
    ``dW{l}`` and ``db{l}`` of the same shapes (its other keys, such as the ``dA{l}`` of
    :func:`L_model_backward`, are not read); ``learning_rate`` is ``alpha``. Returns a new dict
    of new arrays; ``params`` is left as it was.
    """
    return stepped_parameters(params, grads, learning_rate)


def sigmoid_output_dZ(AL, Y, ZL):
    """``dZ[L]`` ``(1, m)`` of a sigmoid output from the course's ``dAL``, finite at saturation.

    ``AL``, ``Y`` and ``ZL`` have one shape ``(1, m)``. ``dZ = sigmoid_backward(dAL, ZL)`` with
    ``dAL = -(Y / AL - (1 - Y) / (1 - AL))``, the course's route; where that is not finite,
    because ``AL`` is 0 or 1 (or so near that ``Y / AL`` overflows) while it is ``sigmoid(ZL)``,
    its limit ``AL - Y``. Raises ValueError where ``dAL`` is infinite and ``AL`` is not
    ``sigmoid(ZL)``: there is no finite gradient. (Not a course function: L_model_backward and
    the application's two_layer_model share it.)
    """
    # Division by zero and overflow are expected here and mended below, so they are not
    # reported; every other array operation keeps the caller's floating-point settings.
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
        dZ = core.sigmoid_backward(dAL, ZL)
    stuck = ~np.isfinite(dZ)
    if stuck.any():
        s = core.sigmoid(ZL[stuck])
        limit = np.isclose(AL[stuck], s, rtol=1e-12, atol=np.finfo(np.float64).tiny)
        if not limit.all():
            k = int(np.flatnonzero(stuck.ravel())[np.argmin(limit)])
            raise ValueError(
                f"dAL = -(Y/AL - (1-Y)/(1-AL)) is not finite at example {k}, where AL = "
                f"{float(AL.ravel()[k])!r} but sigmoid(Z[L]) = "
                f"{float(core.sigmoid(ZL.ravel()[k]))!r}; AL must lie strictly between 0 and 1 "
                "unless it is sigmoid(Z[L])"
            )
        # d/dZ of the cost is dAL * s (1 - s) = s - Y when AL = s: the course's route, summed.
        dZ[stuck] = (AL - Y)[stuck]
    return dZ


def model_gradients(AL, Y, caches, need_dA0=True):
    """:func:`L_model_backward`, with ``dA0`` (the gradient on ``X``) left out when not needed.

    Training never uses ``dA0``; skipping it saves a product as large as the first layer's.
    """
    if isinstance(caches, (str, bytes)) or not hasattr(caches, "__len__") or not caches:
        raise TypeError(f"caches must be the list of L caches of L_model_forward, got {caches!r}")
    caches = [_layer_cache(cache, f"caches[{l}]") for l, cache in enumerate(caches)]
    L = len(caches)
    AL = _matrix(AL, "AL", "(1, m)")
    Y = np.asarray(Y, dtype=np.float64)
    if Y.size != AL.size:
        raise ValueError(f"Y must hold one label per example, AL's shape {AL.shape}; got {Y.shape}")
    Y = Y.reshape(AL.shape)
    (linear_cache, ZL) = _backward_inputs(AL, "AL", caches[-1])[1]
    dZ = sigmoid_output_dZ(AL, Y, ZL)
    grads = {}
    dA_prev, grads[f"dW{L}"], grads[f"db{L}"] = core_linear_backward(
        dZ, linear_cache, need_dA_prev=need_dA0 or L > 1
    )
    for l in range(L - 1, 0, -1):
        grads[f"dA{l}"] = dA_prev
        dA, cache = _backward_inputs(dA_prev, f"dA{l}", caches[l - 1])
        dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = core_activation_backward(
            dA, cache, "relu", need_dA_prev=need_dA0 or l > 1
        )
    if need_dA0:
        grads["dA0"] = dA_prev
    return grads


def stepped_parameters(params, grads, learning_rate):
    """New arrays ``W{l} - alpha dW{l}``, ``b{l} - alpha db{l}``, keyed as in ``params``."""
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real):
        raise TypeError(f"learning_rate must be a number, got {learning_rate!r}")
    if not isinstance(grads, Mapping):
        raise TypeError(f"grads must be a dict of dW1, db1, ..., got {type(grads).__name__}")
    params = checked_parameters(params, name="params")
    steps = {}
    for key, value in params.items():
        grad = grads.get("d" + key)
        if grad is None:
            raise ValueError(f"grads lacks d{key}, the gradient of {key}")
        grad = np.asarray(grad)
        if grad.shape != value.shape:
            raise ValueError(
                f"grads['d{key}'] must have {key}'s shape {value.shape}, got {grad.shape}"
            )
        steps["d" + key] = grad
    # Core steps in place: it gets copies, so that params (and the caller's arrays) stay.
    stepped = {
        key: np.array(value, dtype=np.result_type(value, steps["d" + key]))
        for key, value in params.items()
    }
    return gradient_step(stepped, steps, learning_rate)


def checked_parameters(parameters, name="parameters"):
    """``W1, b1, ..., WL, bL`` as finite float64 arrays whose shapes chain, L = len // 2."""
    if not isinstance(parameters, Mapping):
        raise TypeError(
            f"{name} must be a dict of W1, b1, ..., WL, bL, got {type(parameters).__name__}"
        )
    L = len(parameters) // 2
    weights = [parameters.get(f"W{l}") for l in range(1, L + 1)]
    if L < 1 or any(W is None or np.ndim(W) != 2 for W in weights):
        raise ValueError(
            f"{name} must hold W1, b1, ..., WL, bL with each W{{l}} of shape "
            f"(n_l, n_{{l-1}}); got the keys {sorted(map(str, parameters))}"
        )
    layer_dims = [np.shape(weights[0])[1]] + [np.shape(W)[0] for W in weights]
    return check_parameters(parameters, layer_dims, np.float64)


def _check_activation(activation):
    if activation not in COURSE_ACTIVATIONS:
        raise ValueError(f'activation must be "sigmoid" or "relu", got {activation!r}')


def _matrix(value, name, notation):
    """``value`` as a 2-D float array (the array itself when it already is one)."""
    array = np.asarray(value)
    if array.dtype.kind not in "fiub":
        raise TypeError(
            f"{name} must be an array of numbers of shape {notation}, got {array.dtype} values"
        )
    if array.ndim != 2:
        raise ValueError(f"{name} must have shape {notation}, got {array.shape}")
    return array if array.dtype.kind == "f" else array.astype(np.float64)


def _linear_inputs(A, W, b):
    A = _matrix(A, "A_prev", "(n_{l-1}, m)")
    W = _matrix(W, "W", "(n_l, n_{l-1})")
    b = _matrix(b, "b", "(n_l, 1)")
    if W.shape[1] != A.shape[0]:
        raise ValueError(
            f"W must have shape (n_l, n_{{l-1}}) with n_{{l-1}} = {A.shape[0]} "
            f"(A_prev is {A.shape}), got {W.shape}"
        )
    if b.shape != (W.shape[0], 1):
        raise ValueError(f"b must have shape (n_l, 1) = {(W.shape[0], 1)}, got {b.shape}")
    return A, W, b


def _layer_cache(cache, name):
    if not isinstance(cache, tuple) or len(cache) != 2 or not isinstance(cache[0], tuple):
        raise TypeError(f"{name} must be a layer's cache ((A_prev, W, b), Z), got {cache!r}")
    return cache


def _backward_inputs(d, d_name, cache):
    """``d`` (``dZ`` or ``dA``) and the cache, checked against each other."""
    linear_cache, Z = cache
    if not isinstance(linear_cache, tuple) or len(linear_cache) != 3:
        raise TypeError(f"the linear cache must be (A_prev, W, b), got {linear_cache!r}")
    A_prev, W, b = _linear_inputs(*linear_cache)
    d = _matrix(d, d_name, "(n_l, m)")
    if d.shape != (W.shape[0], A_prev.shape[1]):
        raise ValueError(
            f"{d_name} must have shape (n_l, m) = {(W.shape[0], A_prev.shape[1])} "
            f"for the cached W {W.shape} and A_prev {A_prev.shape}, got {d.shape}"
        )
    if Z is not None:
        Z = _matrix(Z, "Z", "(n_l, m)")
        if Z.shape != d.shape:
            raise ValueError(f"the cached Z must have {d_name}'s shape {d.shape}, got {Z.shape}")
    return d, ((A_prev, W, b), Z)
