"""Course 2 week 1, "Initialization" (and its ``init_utils.py``), on deepcat's building blocks.

The notebook trains the same three-layer network (LINEAR -> RELU -> LINEAR -> RELU -> LINEAR
-> SIGMOID, ``layers_dims = [2, 10, 5, 1]``) on the circles three times, once per way of
drawing the weights. With ``from deepcat.course.initialization import *`` in place of the
notebook's ``from init_utils import ...`` its cells run unchanged and print the same lines.

The course reseeds NumPy's global generator (seed 3) inside ``initialize_parameters_random``
and ``initialize_parameters_he``; deepcat draws the same numbers from a private
``numpy.random.RandomState(3)`` and leaves the caller's random state alone.

The course's cost is ``inf`` where the sigmoid rounds to exactly 0 or 1 (the random run
prints ``Cost after iteration 0: inf``); deepcat's, from the output layer's ``Z``, is finite.

This module also holds the course's flat caches, ``(Z1, A1, W1, b1, ..., ZL, AL, WL, bL)``,
and their gradients (:func:`layer_gradients`), which the Regularization, Gradient Checking and
Optimization notebooks share.
"""

from __future__ import annotations

import numpy as np

from deepcat.core import (
    activations,
    initializers,
    losses,
    metrics,
    optimizers,
    propagation,
    validation,
)
from deepcat.core.registry import lookup
from deepcat.course.planar import plot_decision_boundary
from deepcat.data import planar

__all__ = [
    "backward_propagation",
    "compute_loss",
    "forward_propagation",
    "initialize_parameters_he",
    "initialize_parameters_random",
    "initialize_parameters_zeros",
    "load_dataset",
    "model",
    "plot_decision_boundary",
    "predict",
    "predict_dec",
    "relu",
    "sigmoid",
    "update_parameters",
]

# init_utils.plot_decision_boundary is planar_utils' figure, unchanged.
sigmoid = activations.sigmoid
"""``init_utils.sigmoid(x)``: the plain ``s = 1 / (1 + e^{-x})``, computed without overflow."""
relu = activations.relu
"""``init_utils.relu(x)``: ``max(0, x)``."""

SEED = 3
"""The seed the notebook's ``initialize_parameters_random`` and ``_he`` give NumPy."""
RANDOM_SCALE = 10.0
"""``initialize_parameters_random`` multiplies standard normal draws by 10 ("large" weights)."""
HIDDEN_LAYERS = (10, 5)
"""The notebook's ``model`` uses ``layers_dims = [n_x, 10, 5, 1]``."""
PRINT_EVERY = 1000


def load_dataset():
    """``init_utils.load_dataset()``'s circles: ``train_X`` ``(2, 300)``, ``train_Y`` ``(1, 300)``,
    ``test_X`` ``(2, 100)``, ``test_Y`` ``(1, 100)`` (int64 labels). The course also scatters
    the training points; deepcat draws nothing here."""
    return planar.circles()


def initialize_parameters_zeros(layers_dims):
    """Exercise 1: ``W[l]`` zeros ``(n_l, n_{l-1})`` and ``b[l]`` zeros ``(n_l, 1)`` for
    ``layers_dims = [n_x, n_1, ..., n_L]`` (deepcat's ``"zeros"`` initializer)."""
    return initializers.initialize_parameters(layers_dims, init="zeros")


def initialize_parameters_random(layers_dims):
    """Exercise 2: ``W[l] = randn(n_l, n_{l-1}) * 10``, ``b[l]`` zeros ``(n_l, 1)``.

    The draws come from ``RandomState(3)``, layer by layer, as the course's after
    ``np.random.seed(3)``; ``layers_dims`` is ``[n_x, n_1, ..., n_L]``.
    """
    dims = validation.check_layer_dims(layers_dims)
    rng = initializers.make_rng(SEED)
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.randn(dims[l], dims[l - 1]) * RANDOM_SCALE
        parameters[f"b{l}"] = np.zeros((dims[l], 1))
    return parameters


def initialize_parameters_he(layers_dims):
    """Exercise 3: ``W[l] = randn(n_l, n_{l-1}) sqrt(2 / n_{l-1})``, ``b[l]`` zeros ``(n_l, 1)``:
    deepcat's ``"he"`` initializer drawing from ``RandomState(3)`` (the course's seed 3)."""
    return initializers.initialize_parameters(layers_dims, init="he", seed=SEED)


INITIALIZATIONS = {
    "zeros": initialize_parameters_zeros,
    "random": initialize_parameters_random,
    "he": initialize_parameters_he,
}


# -- the course's flat caches, shared by the Course 2 notebooks --------------------------------


def check_parameters(parameters):
    """``(checked, L)``: ``W1, b1, ..., WL, bL`` of chained shapes as finite float64 arrays
    (:func:`deepcat.core.validation.check_parameters`), and the number of layers ``L``."""
    if not hasattr(parameters, "keys"):
        raise TypeError(f"parameters must be a dict of W1, b1, ..., got {type(parameters)}")
    L = len(parameters) // 2
    try:
        if L == 0:
            raise KeyError("W1")
        layer_dims = [np.shape(parameters["W1"])[1]]
        layer_dims += [np.shape(parameters[f"W{l}"])[0] for l in range(1, L + 1)]
    except (KeyError, IndexError):
        raise ValueError(
            f"parameters must hold W1, b1, ..., WL, bL, W[l] of shape (n_l, n_(l-1)); "
            f"got {sorted(map(str, parameters))}"
        ) from None
    return validation.check_parameters(parameters, layer_dims, np.float64), L


def check_examples(X, Y):
    """``X`` ``(n_x, m)`` finite and labels ``Y`` ``(1, m)`` (``(m,)`` too) of 0/1, as floats."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must have shape (n_x, m), one column per example; got {X.shape}")
    X = validation.check_X(X, X.shape[0], np.float64)
    return X, validation.check_binary_Y(Y, X.shape[1], np.float64)


def check_inputs(X, Y, parameters):
    """``(X, Y, parameters)`` checked: ``X`` ``(n_x, m)`` with ``W1``'s ``n_x``, ``Y`` ``(1, m)``
    or None."""
    parameters, _ = check_parameters(parameters)
    X = validation.check_X(X, parameters["W1"].shape[1], np.float64)
    Y = None if Y is None else validation.check_binary_Y(Y, X.shape[1], np.float64)
    return X, Y, parameters


def check_backward_inputs(X, Y, layers):
    """``X`` ``(n_x, m)`` with the ``n_x`` of the cache's ``W1``, and ``Y`` ``(1, m)``."""
    X, Y = check_examples(X, Y)
    n_x = layers[0][2].shape[1]
    if X.shape[0] != n_x:
        raise ValueError(f"X must have n_x = {n_x} rows to match W1 in the cache, got {X.shape}")
    return X, Y


def flat_forward(X, parameters, keep_prob=None, rng=None):
    """:func:`deepcat.core.propagation.model_forward` (ReLU hidden layers, sigmoid output) with
    the course's flat cache.

    ``X`` is ``(n_x, m)``; ``keep_prob`` (optional) is inverted dropout on the hidden layers,
    masks drawn from ``rng``. Returns ``AL`` ``(1, m)`` and ``(Z1, A1, W1, b1, ..., ZL, AL, WL,
    bL)``, or with dropout ``(Z1, D1, A1, W1, b1, ..., ZL, AL, WL, bL)``, ``D[l]`` of 0/1 ints
    as the course's and ``A[l]`` the layer's output after dropout.
    """
    dropout = keep_prob is not None
    AL, caches = propagation.model_forward(
        X, parameters, keep_prob=keep_prob if dropout and keep_prob < 1 else None, rng=rng
    )
    L = len(caches)
    flat = []
    for l, cache in enumerate(caches, start=1):
        (_, W, b), Z = cache[0], cache[1]
        A = caches[l][0][0] if l < L else AL  # the next layer's input
        if dropout and l < L:
            # keep_prob = 1 keeps every unit: the course's mask is then all ones.
            D = cache[2] if len(cache) == 3 else np.ones(Z.shape, dtype=bool)
            flat += [Z, D.astype(int), A, W, b]
        else:
            flat += [Z, A, W, b]
    return AL, tuple(flat)


def split_cache(cache, dropout=False):
    """The layers ``[(Z, A, W, b, D), ...]`` of a flat course cache (``D`` None without dropout);
    a ValueError for anything else."""
    items = list(cache) if isinstance(cache, (tuple, list)) else []
    per_hidden = 5 if dropout else 4
    if len(items) < 4 or (len(items) - 4) % per_hidden:
        layout = "(Z1, D1, A1, W1, b1, ..., ZL, AL, WL, bL)" if dropout else "(Z1, A1, W1, b1, ...)"
        raise ValueError(f"cache must be the course's tuple {layout}, got {type(cache).__name__}")
    items = [np.asarray(item, dtype=float) for item in items]
    layers = []
    while len(items) > 4:
        Z, D, A, W, b = items[:5] if dropout else (items[0], None, *items[1:4])
        layers.append((Z, A, W, b, D))
        items = items[per_hidden:]
    return [*layers, (*items, None)]


def layer_gradients(X, Y, layers, keep_prob=None, lambd=0.0):
    """Backward propagation through :func:`split_cache`'s layers, by deepcat's building blocks.

    ``X`` is ``(n_x, m)``, ``Y`` ``(1, m)``. Returns ``"dZ{L}", "dW{L}", "db{L}", "dA{L-1}",
    "dZ{L-1}", ...`` in the Regularization notebook's order and scale: ``dZ[L] = A[L] - Y``,
    ``dA[l-1] = W[l]ᵀ dZ[l]`` (through the dropout mask, divided by ``keep_prob``),
    ``dZ[l] = dA[l] * (A[l] > 0)`` (the course reads the ReLU mask from ``A``),
    ``dW[l] = dZ[l] A[l-1]ᵀ / m + (lambd / m) W[l]`` and ``db[l] = sum(dZ[l]) / m``.
    """
    m, L = X.shape[1], len(layers)
    gradients = {}
    dZ = layers[-1][1] - Y  # sigmoid with cross-entropy: the course's dZ3 = A3 - Y
    for l in range(L, 0, -1):
        W, b = layers[l - 1][2:4]
        A_prev = X if l == 1 else layers[l - 2][1]
        dA_prev, dW, db = propagation.linear_backward(dZ, (A_prev, W, b), need_dA_prev=l > 1)
        if lambd:
            dW = losses.add_l2_gradient(dW, W, lambd, m)
        gradients[f"dZ{l}"], gradients[f"dW{l}"], gradients[f"db{l}"] = dZ, dW, db
        if l > 1:
            D = layers[l - 2][4]
            if D is not None:
                dA_prev = propagation.dropout_backward(dA_prev, D, keep_prob)
            gradients[f"dA{l - 1}"] = dA_prev
            dZ = activations.relu_backward(dA_prev, layers[l - 2][1])
    return gradients


def gradient_descent_step(X, Y, parameters, learning_rate, lambd=0.0, keep_prob=None, rng=None):
    """One iteration of the notebooks' ``model``s, updating ``parameters`` in place; the cost.

    The cost is the cross-entropy of ``Z[L]`` (finite at saturation) plus the L2 term; the step
    is :func:`deepcat.core.optimizers.descend` of :func:`layer_gradients`' ``dW[l]``, ``db[l]``.
    """
    _, cache = flat_forward(X, parameters, keep_prob, rng)
    cost = losses.binary_cross_entropy_from_logits(cache[-4], Y)
    cost += losses.l2_regularization_cost(parameters, lambd, X.shape[1])
    layers = split_cache(cache, dropout=keep_prob is not None)
    grads = layer_gradients(X, Y, layers, keep_prob=keep_prob, lambd=lambd)
    optimizers.descend(parameters, {f"d{k}": grads[f"d{k}"] for k in parameters}, learning_rate)
    return cost


def fresh_copies(store, keys):
    """``store`` with ``store[key]`` replaced by a float copy for each key: deepcat's in-place
    updates then leave the caller's arrays as they were, like the course's ``W = W - ...``."""
    for key in keys:
        store[key] = np.array(store[key], dtype=float)
    return store


def parameter_gradients(parameters, grads):
    """The ``"dW{l}"``, ``"db{l}"`` of ``grads`` for every parameter, as float arrays."""
    if not hasattr(grads, "keys"):
        raise TypeError(f"grads must be a dict of dW1, db1, ..., got {type(grads).__name__}")
    missing = [f"d{key}" for key in parameters if f"d{key}" not in grads]
    if missing:
        raise ValueError(f"grads has no {', '.join(missing)}; it needs one per parameter")
    return {f"d{key}": np.asarray(grads[f"d{key}"], dtype=float) for key in parameters}


# -- init_utils ---------------------------------------------------------------------------------


def forward_propagation(X, parameters):
    """``init_utils.forward_propagation`` (and reg_utils', opt_utils'): LINEAR -> RELU -> ...
    -> LINEAR -> SIGMOID on ``X`` ``(n_x, m)``.

    Returns ``a3`` ``(1, m)`` and the cache ``(z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3)``.
    """
    X, _, parameters = check_inputs(X, None, parameters)
    return flat_forward(X, parameters)


def backward_propagation(X, Y, cache):
    """``init_utils.backward_propagation`` (and opt_utils_v1a's), for ``X`` ``(n_x, m)``,
    ``Y`` ``(1, m)`` and :func:`forward_propagation`'s cache.

    Returns ``"dz3", "dW3", "db3", "da2", "dz2", "dW2", "db2", "da1", "dz1", "dW1", "db1"``.
    As in the course, ``dz[l]`` and ``da[l]`` carry the cost's ``1/m`` (``dz3 = (a3 - Y) / m``),
    so that ``dW[l] = dz[l] a[l-1]ᵀ``.
    """
    layers = split_cache(cache)
    X, Y = check_backward_inputs(X, Y, layers)
    return course_scale(layer_gradients(X, Y, layers), X.shape[1])


def course_scale(gradients, m):
    """init_utils' names and scale: ``dZ``/``dA`` entries become ``dz``/``da``, divided by ``m``."""
    scaled = {}
    for key, value in gradients.items():
        if key[:2] in ("dZ", "dA"):
            scaled[key[:2].lower() + key[2:]] = value * (1.0 / m)
        else:
            scaled[key] = value
    return scaled


def compute_loss(a3, Y):
    """``init_utils.compute_loss``: ``-(1/m) sum(Y log(a3) + (1 - Y) log(1 - a3))`` for ``a3``
    and ``Y`` of shape ``(1, m)``; finite where ``a3`` is exactly 0 or 1
    (:func:`deepcat.core.losses.compute_cost` keeps it 1e-15 away), where the course's is inf."""
    a3 = np.asarray(a3, dtype=float)
    if a3.ndim != 2 or a3.shape[0] != 1:
        raise ValueError(f"a3 must have shape (1, m), got {a3.shape}")
    Y = validation.check_binary_Y(Y, a3.shape[1], np.float64)
    return losses.compute_cost(a3, Y)


def update_parameters(parameters, grads, learning_rate):
    """``init_utils.update_parameters``: ``W[l] -= alpha dW[l]``, ``b[l] -= alpha db[l]``
    (:func:`deepcat.core.optimizers.update_parameters`).

    ``grads`` holds ``"dW{l}"``, ``"db{l}"`` of the parameters' shapes (other entries are
    ignored). The dict ``parameters`` receives new arrays and is returned; the old arrays are
    left unchanged, as the course's ``W = W - ...`` leaves them.
    """
    checked, _ = check_parameters(parameters)
    steps = parameter_gradients(checked, grads)
    fresh_copies(parameters, checked)
    return optimizers.update_parameters(parameters, steps, learning_rate)


def predict(X, y, parameters):
    """``init_utils.predict``: labels ``p`` ``(1, m)`` of ints, 1 where ``aL > 0.5``, for ``X``
    ``(n_x, m)``; prints ``"Accuracy: " + str(mean(p == y))`` for the true labels ``y``."""
    X, y, parameters = check_inputs(X, y, parameters)
    p = propagation.predict(X, parameters)
    print("Accuracy: " + str(metrics.accuracy(y.astype(np.int64), p)))
    return p


def predict_dec(parameters, X):
    """``init_utils.predict_dec``: ``aL > 0.5`` as booleans ``(1, m)`` for ``X`` ``(n_x, m)``
    (the course's decision-boundary lambda passes ``x.T`` of a grid)."""
    a3, _ = forward_propagation(X, parameters)
    return a3 > 0.5


def model(X, Y, learning_rate=0.01, num_iterations=15000, print_cost=True, initialization="he"):
    """The notebook's ``model``: a ``[n_x, 10, 5, 1]`` network trained by gradient descent.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m), labels 0/1
    learning_rate : float, default 0.01
    num_iterations : int, default 15000
    print_cost : bool, default True
        Prints ``Cost after iteration {i}: {cost}`` every 1000 iterations.
    initialization : {"zeros", "random", "he"}, default "he"

    Returns
    -------
    parameters : dict of ``"W{l}"`` ``(n_l, n_{l-1})``, ``"b{l}"`` ``(n_l, 1)``

    Notes
    -----
    The cost comes from ``Z3`` (:func:`deepcat.core.losses.binary_cross_entropy_from_logits`):
    a saturated sigmoid costs a large finite number where the course prints ``inf``, and the
    values agree with the course's elsewhere to rounding. The course also plots the costs;
    deepcat draws nothing.
    """
    init = lookup(INITIALIZATIONS, initialization, "initialization")
    X, Y = check_examples(X, Y)
    parameters = init([X.shape[0], *HIDDEN_LAYERS, 1])
    for i in range(num_iterations):
        cost = gradient_descent_step(X, Y, parameters, learning_rate)
        if print_cost and i % PRINT_EVERY == 0:
            print(f"Cost after iteration {i}: {cost}")
    return parameters
