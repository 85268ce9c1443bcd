"""Seed 000's binary-classification network, under the seed's own names.

Seed 000 ("二元分類神經網路", a walk through a binary classification neural network) writes
an L-layer network whose activations are chosen per layer by name, in a list whose first
entry stands for the input layer and is unused: ``['none', 'relu', 'relu', 'relu',
'sigmoid']``. Every function it defines is here (:data:`__all__`), with its signature.

Names shared with the course. ``nn_model`` here is seed 000's, which takes the initial
parameters and the activation list and returns ``(parameters, costs)`` without printing; Course
1 week 3's ``nn_model`` is :func:`deepcat.course.planar.nn_model` and seed 001's is
:func:`deepcat.course.seed_001.nn_model`. The other functions follow seed 000 where it differs
from the course's namesakes (:mod:`deepcat.course.step_by_step`): the activation list, the
``1/m`` carried by ``dAL`` rather than by ``linear_backward``, gradients that include every
``dA{l-1}``, and an ``update_parameters`` that returns new arrays.

Where deepcat departs from the seed's listings, it follows the seed's own text:

* ReLU and leaky ReLU have derivative 1 at ``z = 0`` ("慣例上,當 z 等於 0 時,導數設為 1"), as
  the seed's ``relu_backward`` (``dZ[Z < 0] = 0``) has it; deepcat.core takes 0 there.
  ``relu_derivative`` returns 1 for ``z >= 0``, where the seed's listing returns ``z`` itself.
* ``leaky_relu_backward`` gives ``dA * negative_slope`` for ``z < 0``; the seed's listing
  writes the slope alone (``dZ[Z < 0] = negative_slope``), dropping ``dA``.
* ``sigmoid`` and ``tanh`` are deepcat's overflow-free ones; ``compute_cost`` keeps ``AL``
  inside (0, 1); ``model_backward`` uses ``dZ[L] = (AL - Y) / m`` for the sigmoid output, what
  the seed's ``dAL = -(1/m) (Y / AL - (1 - Y) / (1 - AL))`` becomes, without dividing by
  ``AL`` or ``1 - AL``.
* The seed's ``initialize_parameters`` draws from NumPy's global generator, unseeded; deepcat's
  takes an optional ``seed`` and draws from a private ``np.random.RandomState(seed)``.

The seed's worked example trains ``layer_dims = [12288, 20, 7, 10, 1]`` with learning rate
0.0075 for 3000 iterations on a set of 100 pictures it loads with a ``load_data()`` it does not
show, and prints nothing but array shapes; that set is not available.
"""

from __future__ import annotations

import numpy as np

from deepcat.core import activations as core
from deepcat.core.initializers import initialize_parameters as draw_parameters
from deepcat.core.losses import compute_cost as cross_entropy
from deepcat.core.optimizers import update_parameters as gradient_step
from deepcat.core.propagation import linear_forward as core_linear_forward
from deepcat.core.validation import check_binary_Y, check_positive_float, check_positive_int

LEAKY_RELU_SLOPE = core.LEAKY_RELU_SLOPE
RECORD_EVERY = 100

ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu")

__all__ = [
    *ACTIVATION_NAMES,
    *(f"{name}_derivative" for name in ACTIVATION_NAMES),
    *(f"{name}_backward" for name in ACTIVATION_NAMES),
    "compute_cost",
    "initialize_parameters",
    "linear_forward",
    "linear_activation_forward",
    "model_forward",
    "linear_backward",
    "linear_activation_backward",
    "model_backward",
    "update_parameters",
    "nn_model",
    "nn_model_predict",
]


# Activations: seed 000 defines each twice, first returning A, then (A, Z) for the caches; the
# second set is the one its network uses, and the one kept here (deepcat.core has the first).


sigmoid = core.with_cache("sigmoid")
tanh = core.with_cache("tanh")
relu = core.with_cache("relu")


def leaky_relu(Z, negative_slope=LEAKY_RELU_SLOPE):
    """Seed 000's ``leaky_relu``: ``max(0, Z) + negative_slope * min(0, Z)``; returns ``(A, Z)``."""
    return core.leaky_relu(Z, negative_slope), Z


def sigmoid_derivative(Z):
    """Seed 000's ``sigmoid_derivative``: ``g(Z) (1 - g(Z))``, of ``Z``'s shape."""
    return core.sigmoid_derivative(Z)


def tanh_derivative(Z):
    """Seed 000's ``tanh_derivative``: ``1 - tanh(Z)^2``, of ``Z``'s shape."""
    return core.tanh_derivative(Z)


def relu_derivative(Z):
    """Seed 000's ``relu_derivative``: 1 where ``Z >= 0``, 0 where ``Z < 0``; ``Z``'s shape."""
    Z = np.asarray(Z)
    return (Z >= 0).astype(np.float64)


def leaky_relu_derivative(Z, negative_slope=LEAKY_RELU_SLOPE):
    """Seed 000's ``leaky_relu_derivative``: 1 where ``Z >= 0``, ``negative_slope`` elsewhere."""
    Z = np.asarray(Z)
    return np.where(Z < 0, negative_slope, 1.0)


def sigmoid_backward(dA, cache):
    """Seed 000's ``sigmoid_backward``: ``dZ = dA * g'(Z)``; ``dA`` and ``cache = Z`` one shape."""
    return core.sigmoid_backward(dA, cache)


def tanh_backward(dA, cache):
    """Seed 000's ``tanh_backward``: ``dZ = dA * (1 - tanh(Z)^2)``; ``cache`` is ``Z``."""
    return core.tanh_backward(dA, cache)


def relu_backward(dA, cache):
    """Seed 000's ``relu_backward``: ``dZ = dA`` where ``Z >= 0``, 0 where ``Z < 0``."""
    return np.multiply(dA, np.asarray(cache) >= 0)


def leaky_relu_backward(dA, cache, negative_slope=LEAKY_RELU_SLOPE):
    """Seed 000's ``leaky_relu_backward``: ``dZ = dA * leaky_relu_derivative(Z)``."""
    return np.multiply(dA, leaky_relu_derivative(cache, negative_slope))


FORWARDS = {
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
}
BACKWARDS = {
    "sigmoid": sigmoid_backward,
    "tanh": tanh_backward,
    "relu": relu_backward,
    "leaky_relu": leaky_relu_backward,
}


def compute_cost(AL, Y):
    """Seed 000's ``compute_cost``: the cross-entropy of ``AL`` ``(1, m)`` against ``Y`` ``(1, m)``.

    Returns a 0-d ndarray (the seed's ``np.squeeze``), computed by
    :func:`deepcat.core.losses.compute_cost`, which clips ``AL`` into (0, 1) so that a saturated
    prediction gives a large finite cost.
    """
    AL = np.asarray(AL)
    if AL.ndim != 2 or AL.shape[0] != 1:
        raise ValueError(f"AL must have shape (1, m), got {AL.shape}")
    Y = check_binary_Y(Y, AL.shape[1], np.float64)
    return np.array(cross_entropy(AL, Y))


def initialize_parameters(layer_dims, seed=None):
    """Seed 000's ``initialize_parameters``: ``W[l] = randn / sqrt(n_{l-1})``, ``b[l] = 0``.

    ``layer_dims`` is ``[n_x, n_1, ..., n_L]``; returns ``"W{l}"`` ``(n_l, n_{l-1})`` and
    ``"b{l}"`` ``(n_l, 1)`` for ``l = 1..L``. ``seed`` (None, an int or a RandomState; not in
    the seed) is the source of the draws: the seed draws from NumPy's global generator, deepcat
    from a private ``RandomState(seed)``, fresh entropy when None. ``seed=1`` gives the course's
    ``initialize_parameters_deep``.
    """
    return draw_parameters(layer_dims, init="lecun", seed=seed)


def linear_forward(A_prev, W, b):
    """Seed 000's ``linear_forward``: ``Z = W A_prev + b`` and the cache ``(A_prev, W, b)``.

    ``A_prev`` ``(n_{l-1}, m)``, ``W`` ``(n_l, n_{l-1})``, ``b`` ``(n_l, 1)``; ``Z`` ``(n_l, m)``.
    """
    A_prev, W, b = np.asarray(A_prev), np.asarray(W), np.asarray(b)
    n_l = W.shape[0] if W.ndim == 2 else None
    if A_prev.ndim != 2 or n_l is None or A_prev.shape[0] != W.shape[1] or b.shape != (n_l, 1):
        raise ValueError(
            "linear_forward expects A_prev (n_{l-1}, m), W (n_l, n_{l-1}) and b (n_l, 1); got "
            f"A_prev {A_prev.shape}, W {W.shape}, b {b.shape}"
        )
    return core_linear_forward(A_prev, W, b)


def linear_activation_forward(A_prev, W, b, activation_function):
    """Seed 000's ``linear_activation_forward``: one layer, ``A = g(W A_prev + b)``.

    ``A_prev`` ``(n_{l-1}, m)``, ``W`` ``(n_l, n_{l-1})``, ``b`` ``(n_l, 1)``,
    ``activation_function`` one of "sigmoid", "tanh", "relu", "leaky_relu"; returns ``A``
    ``(n_l, m)`` and the cache ``((A_prev, W, b), Z)``.
    """
    g = _lookup(FORWARDS, activation_function)
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = g(Z)
    return A, (linear_cache, activation_cache)


def model_forward(X, parameters, activation_functions):
    """Seed 000's ``model_forward``: every layer, ``activation_functions[l]`` on layer ``l``.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    parameters : dict of ``"W{l}"`` ``(n_l, n_{l-1})``, ``"b{l}"`` ``(n_l, 1)``, ``l = 1..L``
    activation_functions : list of str, length L + 1
        The first entry (the input layer) is unused.

    Returns
    -------
    AL : ndarray, shape (n_L, m)
    caches : list of L caches ``((A_prev, W, b), Z)``
    """
    L = _check_layers(parameters, activation_functions)
    caches = []
    A = np.asarray(X)
    if A.ndim != 2:
        raise ValueError(f"X must have shape (n_x, m), one column per example, got {A.shape}")
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(
            A, parameters[f"W{l}"], parameters[f"b{l}"], activation_functions[l]
        )
        caches.append(cache)
    return A, caches


def linear_backward(dZ, cache):
    """Seed 000's ``linear_backward``, where ``dZ`` already carries the cost's ``1/m``.

    ``dZ`` is ``dJ/dZ[l]`` ``(n_l, m)`` and ``cache`` ``(A_prev, W, b)``; returns ``dA_prev``
    ``(n_{l-1}, m)``, ``dW`` ``(n_l, n_{l-1})`` and ``db`` ``(n_l, 1)``.

    Notes
    -----
    ``dW = dZ A_prevᵀ``, ``db = sum(dZ, axis=1)``, ``dA_prev = Wᵀ dZ``: no ``1/m`` here, unlike
    :func:`deepcat.core.propagation.linear_backward`, since seed 000 puts it into ``dAL``.
    """
    A_prev, W, _ = cache
    return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True)


def linear_activation_backward(dA, cache, activation_function):
    """Seed 000's ``linear_activation_backward``: ``dZ = dA * g'(Z)``, then the linear part.

    ``dA`` ``(n_l, m)``, ``cache`` ``((A_prev, W, b), Z)``; returns ``(dA_prev, dW, db)`` shaped
    as in :func:`linear_backward`.
    """
    backward = _lookup(BACKWARDS, activation_function)
    linear_cache, activation_cache = cache
    return linear_backward(backward(dA, activation_cache), linear_cache)


def model_backward(AL, Y, caches, activation_functions):
    """Seed 000's ``model_backward``: the gradients of every layer.

    Parameters
    ----------
    AL : ndarray, shape (1, m)
    Y : ndarray, shape (1, m)
    caches : list of L caches from :func:`model_forward`
    activation_functions : list of str, length L + 1, the last one "sigmoid"

    Returns
    -------
    gradients : dict
        For ``l = L..1``: ``"dA{l-1}"`` ``(n_{l-1}, m)``, ``"dW{l}"`` ``(n_l, n_{l-1})``,
        ``"db{l}"`` ``(n_l, 1)``.

    Notes
    -----
    ``dZ[L] = (AL - Y) / m`` for the sigmoid output with cross-entropy, then
    :func:`linear_activation_backward` down to layer 1.
    """
    L = len(activation_functions) - 1
    if len(caches) != L:
        raise ValueError(
            f"caches holds {len(caches)} layers but activation_functions names L = {L} "
            "(its first entry is the unused input layer)"
        )
    if activation_functions[-1] != "sigmoid":
        raise ValueError(
            "the output layer's activation must be 'sigmoid' (binary cross-entropy), got "
            f"{activation_functions[-1]!r}"
        )
    AL = np.asarray(AL)
    Y = check_binary_Y(Y, AL.shape[1], np.float64)
    m = AL.shape[1]
    gradients = {}
    # Sigmoid with cross-entropy: dJ/dZ[L] = (AL - Y) / m, no division by AL or 1 - AL.
    dA_prev, dW, db = linear_backward((AL - Y) / m, caches[L - 1][0])
    gradients[f"dA{L - 1}"], gradients[f"dW{L}"], gradients[f"db{L}"] = dA_prev, dW, db
    for l in reversed(range(1, L)):
        dA_prev, dW, db = linear_activation_backward(
            dA_prev, caches[l - 1], activation_functions[l]
        )
        gradients[f"dA{l - 1}"], gradients[f"dW{l}"], gradients[f"db{l}"] = dA_prev, dW, db
    return gradients


def update_parameters(parameters, gradients, learning_rate):
    """Seed 000's ``update_parameters``: a new dict of ``W - alpha dW``, ``b - alpha db``.

    ``parameters`` (``"W{l}"``, ``"b{l}"``) is left unchanged, as in the seed, which copies it;
    the ``"dA{l}"`` entries of ``gradients`` are ignored.
    """
    learning_rate = check_positive_float(learning_rate, "learning_rate")
    wanted = [f"d{key}" for key in parameters]
    missing = [key for key in wanted if key not in gradients]
    if missing:
        raise ValueError(f"gradients lacks {', '.join(missing)} for the parameters given")
    updated = {key: np.array(value, dtype=np.float64) for key, value in parameters.items()}
    gradient_step(updated, {key: gradients[key] for key in wanted}, learning_rate)
    return updated


def nn_model(X, Y, init_parameters, layer_activation_functions, learning_rate, num_iterations):
    """Seed 000's ``nn_model``: gradient descent from the parameters given.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m), labels 0 or 1
    init_parameters : dict of ``"W{l}"``, ``"b{l}"``; left unchanged
    layer_activation_functions : list of str, length L + 1
        First entry unused, last ``"sigmoid"``.
    learning_rate : float
    num_iterations : int

    Returns
    -------
    parameters : dict
        The trained ``"W{l}"``, ``"b{l}"``.
    costs : list of 0-d ndarray
        The cost before the updates of iterations 0, 100, 200, ... (the seed's ``or i ==
        num_iterations`` never holds inside its loop, so nothing more is recorded).
    """
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] == 0:
        raise ValueError(f"X must have shape (n_x, m), one column per example, got {X.shape}")
    Y = check_binary_Y(Y, X.shape[1], np.float64)
    _check_layers(init_parameters, layer_activation_functions)
    num_iterations = check_positive_int(num_iterations, "num_iterations")
    parameters = init_parameters
    costs = []
    for i in range(num_iterations):
        AL, caches = model_forward(X, parameters, layer_activation_functions)
        gradients = model_backward(AL, Y, caches, layer_activation_functions)
        if i % RECORD_EVERY == 0:
            costs.append(compute_cost(AL, Y))
        parameters = update_parameters(parameters, gradients, learning_rate)
    return parameters, costs


def nn_model_predict(X, parameters, activation_functions):
    """Seed 000's ``nn_model_predict``: 1.0 where the output is > 0.5, else 0.0, shape (1, m)."""
    probabilities, _ = model_forward(X, parameters, activation_functions)
    return (probabilities > 0.5).astype(np.float64)


def _lookup(registry, name):
    if not isinstance(name, str):
        raise TypeError(f"activation_function must be a name (str), got {name!r}")
    if name not in registry:
        valid = ", ".join(repr(key) for key in registry)
        raise ValueError(f"Activation function {name} not supported; expected one of {valid}")
    return registry[name]


def _check_layers(parameters, activation_functions):
    """The layer count L, when ``activation_functions`` names one activation per layer + 1."""
    if not isinstance(parameters, dict):
        raise TypeError(
            f"parameters must be a dict of W1, b1, ..., got {type(parameters).__name__}"
        )
    if isinstance(activation_functions, str) or not hasattr(activation_functions, "__len__"):
        raise TypeError(
            "activation_functions must be a list such as ['none', 'relu', 'sigmoid'], got "
            f"{activation_functions!r}"
        )
    L = len(activation_functions) - 1
    keys = {f"{kind}{l}" for l in range(1, L + 1) for kind in "Wb"}
    if L < 1 or set(parameters) != keys:
        raise ValueError(
            f"activation_functions lists {len(activation_functions)} entries, the first for the "
            f"input layer, so L = {L}; parameters must hold W1 to W{L} and b1 to b{L}, got "
            f"{', '.join(sorted(parameters)) or 'none'}"
        )
    return L
