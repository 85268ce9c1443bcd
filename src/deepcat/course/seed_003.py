"""Seed 003's deep network ``dnn_model``, with its helpers under the seed's names.

Seed 003 (深度網絡, "deep networks", with a 實作 section in seven steps) builds the course's
L-layer network, ReLU hidden layers and a sigmoid output: ``initialize_parameters_deep``,
``linear_forward``, ``linear_activation_forward``, ``L_model_forward``, ``compute_cost``,
``linear_backward``, ``linear_activation_backward``, ``L_model_backward``,
``update_parameters``, ``dnn_model(X, Y, layers_dims, learning_rate=0.0075,
num_iterations=3000, print_cost=False)`` and ``predict(X, parameters)``. A learner following the
seed writes ``from deepcat.course.seed_003 import *``.

Names shared with the course. ``dnn_model`` is the course's ``L_layer_model`` under seed 003's
name; it prints ``训练%i次后成本是: %f`` every 100 iterations from iteration 100 on (not at 0),
returns only the parameters and draws the cost curve. The course's ``L_layer_model`` (printing
``Cost after iteration %i: %f`` and returning ``(parameters, costs)`` in its latest version)
is in :mod:`deepcat.course.application`. ``predict(X, parameters)`` here takes no labels and
prints nothing; the course's ``predict(X, y, parameters)`` prints the accuracy. The other
helpers have the course's names and signatures (:mod:`deepcat.course.step_by_step`) and
behave as the course's, built on :mod:`deepcat.core`.

Randomness. ``dnn_model`` and ``initialize_parameters_deep`` both call ``np.random.seed(1)`` in
the seed; deepcat draws the same ``randn(n_l, n_{l-1}) / sqrt(n_{l-1})`` from a private
``np.random.RandomState(1)``, so the course's published costs come out (0.771749 at iteration
0, 0.672053 at 100 for ``layers_dims = [12288, 20, 7, 5, 1]``) and the caller's global
generator is left alone.

Numerical safety. The sigmoid is deepcat's overflow-free one, ``compute_cost`` keeps ``AL``
inside (0, 1), and ``L_model_backward`` starts from ``dZ[L] = AL - Y``, what the seed's
``dAL = -(Y / AL - (1 - Y) / (1 - AL))`` times ``sigmoid'(Z[L])`` simplifies to, without
dividing by ``AL`` or ``1 - AL``.
"""

from __future__ import annotations

import numpy as np

from deepcat.core.initializers import initialize_parameters as draw_parameters
from deepcat.core.losses import compute_cost as cross_entropy
from deepcat.core.optimizers import update_parameters as gradient_step
from deepcat.core.propagation import linear_activation_backward as core_layer_backward
from deepcat.core.propagation import linear_activation_forward as core_layer_forward
from deepcat.core.propagation import linear_backward as core_linear_backward
from deepcat.core.propagation import linear_forward as core_linear_forward
from deepcat.core.propagation import model_forward
from deepcat.core.validation import (
    check_binary_Y,
    check_layer_dims,
    check_positive_float,
    check_positive_int,
)

SEED = 1
"""What the seed's ``dnn_model`` and ``initialize_parameters_deep`` pass to ``np.random.seed``."""
PRINT_EVERY = 100
ACTIVATIONS = ("sigmoid", "relu")

__all__ = [
    "initialize_parameters_deep",
    "linear_forward",
    "linear_activation_forward",
    "L_model_forward",
    "compute_cost",
    "linear_backward",
    "linear_activation_backward",
    "L_model_backward",
    "update_parameters",
    "dnn_model",
    "predict",
]


def initialize_parameters_deep(layer_dims):
    """Seed 003's ``initialize_parameters_deep`` (step 1, 初始化w和b).

    Parameters
    ----------
    layer_dims : list of int, ``[n_x, n_1, ..., n_L]``

    Returns
    -------
    parameters : dict
        ``"W{l}"`` ``(n_l, n_{l-1})``, ``randn / sqrt(n_{l-1})`` from ``RandomState(1)``, and
        ``"b{l}"`` ``(n_l, 1)`` zeros, for ``l = 1..L``.
    """
    return draw_parameters(layer_dims, init="lecun", seed=SEED)


def linear_forward(A, W, b):
    """Seed 003's ``linear_forward`` (step 2): ``Z = W A + b``, cache ``(A, W, b)``.

    ``A`` ``(n_{l-1}, m)``, ``W`` ``(n_l, n_{l-1})``, ``b`` ``(n_l, 1)``; ``Z`` ``(n_l, m)``.
    """
    A, W, b = np.asarray(A), np.asarray(W), np.asarray(b)
    if W.ndim != 2 or A.ndim != 2 or A.shape[0] != W.shape[1] or b.shape != (W.shape[0], 1):
        raise ValueError(
            "linear_forward expects A (n_{l-1}, m), W (n_l, n_{l-1}) and b (n_l, 1); got A "
            f"{A.shape}, W {W.shape}, b {b.shape}"
        )
    return core_linear_forward(A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    """Seed 003's ``linear_activation_forward`` (step 2): ``A = g(W A_prev + b)``.

    Parameters
    ----------
    A_prev : ndarray, shape (n_{l-1}, m)
    W : ndarray, shape (n_l, n_{l-1})
    b : ndarray, shape (n_l, 1)
    activation : {"sigmoid", "relu"}

    Returns
    -------
    A : ndarray, shape (n_l, m)
    cache : tuple ``((A_prev, W, b), Z)``, the seed's ``(linear_cache, Z)``
    """
    _check_activation(activation)
    linear_forward(A_prev, W, b)  # the shape checks, in the seed's terms
    return core_layer_forward(A_prev, W, b, activation)


def L_model_forward(X, parameters):
    """Seed 003's ``L_model_forward`` (step 2): ReLU on layers 1..L-1, sigmoid on layer L.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    parameters : dict of ``"W{l}"``, ``"b{l}"``, ``l = 1..L``

    Returns
    -------
    AL : ndarray, shape (1, m)
    caches : list of L caches ``((A_prev, W, b), Z)``
    """
    L = _check_parameters(parameters)
    X = np.asarray(X)
    n_x = np.shape(parameters["W1"])[1]
    if X.ndim != 2 or X.shape[0] != n_x:
        raise ValueError(f"X must have shape (n_x, m) = ({n_x}, m) to match W1, got {X.shape}")
    if np.shape(parameters[f"W{L}"])[0] != 1:
        raise ValueError(
            f"the output layer must have 1 unit (AL of shape (1, m)); W{L} has shape "
            f"{np.shape(parameters[f'W{L}'])}"
        )
    return model_forward(X, parameters)


def compute_cost(AL, Y):
    """Seed 003's ``compute_cost`` (step 3): cross-entropy of ``AL`` ``(1, m)``, ``Y`` ``(1, m)``.

    Returns a 0-d ndarray (``cost.shape == ()``, as the seed asserts), computed by
    :func:`deepcat.core.losses.compute_cost`, which clips ``AL`` into (0, 1).
    """
    AL = np.asarray(AL)
    if AL.ndim != 2 or AL.shape[0] != 1:
        raise ValueError(f"AL must have shape (1, m), got {AL.shape}")
    Y = check_binary_Y(Y, AL.shape[1], np.float64)
    return np.array(cross_entropy(AL, Y))


def linear_backward(dZ, cache):
    """Seed 003's ``linear_backward`` (step 4): ``dW = dZ A_prevᵀ / m``, ``db``, ``dA_prev``.

    ``dZ`` ``(n_l, m)``, ``cache`` ``(A_prev, W, b)``; returns ``dA_prev`` ``(n_{l-1}, m)``,
    ``dW`` ``(n_l, n_{l-1})``, ``db`` ``(n_l, 1)``.
    """
    return core_linear_backward(dZ, cache)


def linear_activation_backward(dA, cache, activation):
    """Seed 003's ``linear_activation_backward`` (step 4): ``dZ = dA * g'(Z)``, then linear.

    ``dA`` ``(n_l, m)``, ``cache`` ``((A_prev, W, b), Z)``, ``activation`` "sigmoid" or "relu"
    (ReLU's derivative taken as 0 at ``z = 0``, as in the course's ``relu_backward``).
    """
    _check_activation(activation)
    return core_layer_backward(dA, cache, activation)


def L_model_backward(AL, Y, caches):
    """Seed 003's ``L_model_backward`` (step 4): every layer's gradients.

    Parameters
    ----------
    AL : ndarray, shape (1, m)
    Y : array-like, reshaped to ``AL``'s shape as in the seed
    caches : list of L caches from :func:`L_model_forward`

    Returns
    -------
    grads : dict
        ``"dA{l-1}"`` ``(n_{l-1}, m)``, ``"dW{l}"`` ``(n_l, n_{l-1})``, ``"db{l}"``
        ``(n_l, 1)`` for ``l = L..1``.
    """
    AL = np.asarray(AL)
    if AL.ndim != 2 or AL.shape[0] != 1 or np.size(Y) != AL.size:
        raise ValueError(
            f"AL must have shape (1, m) and Y hold m labels; got AL {AL.shape}, Y {np.shape(Y)}"
        )
    Y = check_binary_Y(np.reshape(Y, AL.shape), AL.shape[1], np.float64)
    L = len(caches)
    grads = {}
    # Sigmoid output with cross-entropy: dJ/dZ[L] = AL - Y per example, no division by AL.
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = core_linear_backward(
        AL - Y, caches[-1][0]
    )
    for c in reversed(range(1, L)):
        grads[f"dA{c - 1}"], grads[f"dW{c}"], grads[f"db{c}"] = core_layer_backward(
            grads[f"dA{c}"], caches[c - 1], "relu"
        )
    return grads


def update_parameters(parameters, grads, learning_rate):
    """Seed 003's ``update_parameters`` (step 5): ``W[l] -= alpha dW[l]``, ``b[l] -= alpha db[l]``.

    As in the seed, the entries of ``parameters`` are replaced by new arrays (arrays the caller
    kept are not changed) and the same dict is returned; the ``"dA{l}"`` of ``grads`` are
    ignored.
    """
    L = _check_parameters(parameters)
    learning_rate = check_positive_float(learning_rate, "learning_rate")
    wanted = [f"d{kind}{l}" for l in range(1, L + 1) for kind in "Wb"]
    missing = [key for key in wanted if key not in grads]
    if missing:
        raise ValueError(f"grads lacks {', '.join(missing)} for the parameters given")
    fresh = {key[1:]: np.array(parameters[key[1:]], dtype=np.float64) for key in wanted}
    gradient_step(fresh, {key: grads[key] for key in wanted}, learning_rate)
    parameters.update(fresh)
    return parameters


def dnn_model(
    X,
    Y,
    layers_dims,
    learning_rate=0.0075,
    num_iterations=3000,
    print_cost=False,
    *,
    plot=True,
):
    """Seed 003's ``dnn_model`` (step 6, 構建模型): train the L-layer network.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m), labels 0 or 1
    layers_dims : list of int, ``[n_x, n_1, ..., n_L]`` with ``n_L = 1``
    learning_rate : float, default 0.0075
    num_iterations : int, default 3000
    print_cost : bool, default False
        Print ``训练%i次后成本是: %f`` ("cost after training i times") at iterations 100, 200, ...
    plot : bool, default True (keyword only; not in the seed)
        Draw the seed's cost curve with pyplot and call ``plt.show()``; ``False`` skips it.

    Returns
    -------
    parameters : dict of ``"W{l}"`` ``(n_l, n_{l-1})``, ``"b{l}"`` ``(n_l, 1)``

    Notes
    -----
    The costs of iterations 0, 100, 200, ... are recorded (iteration 0 too, though not printed)
    and drawn with ``plt.plot``, ylabel ``'cost'``, xlabel ``'iterations (per tens)'`` and title
    ``"Learning rate =" + str(learning_rate)``, as in the seed.
    """
    layers_dims = check_layer_dims(layers_dims)
    if layers_dims[-1] != 1:
        raise ValueError(
            f"layers_dims must end with 1 (one sigmoid output unit), got {layers_dims}"
        )
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[0] != layers_dims[0] or X.shape[1] == 0:
        raise ValueError(
            f"X must have shape (n_x, m) = ({layers_dims[0]}, m) with n_x = layers_dims[0], "
            f"got {X.shape}"
        )
    Y = check_binary_Y(Y, X.shape[1], np.float64)
    learning_rate = check_positive_float(learning_rate, "learning_rate")
    num_iterations = check_positive_int(num_iterations, "num_iterations", minimum=0)
    costs = []
    parameters = initialize_parameters_deep(layers_dims)
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        if i % PRINT_EVERY == 0:
            if print_cost and i > 0:
                print(f"训练{i}次后成本是: {float(cost):f}")
            costs.append(cost)
    if plot:
        _draw_costs(costs, learning_rate)
    return parameters


def predict(X, parameters):
    """Seed 003's ``predict`` (step 7): 1.0 where ``AL > 0.5``, else 0.0, shape ``(1, m)``.

    ``X`` ``(n_x, m)``; no labels are taken and nothing is printed, as in the seed.
    """
    probas, _ = L_model_forward(X, parameters)
    return (probas > 0.5).astype(np.float64)


def _draw_costs(costs, learning_rate):
    import matplotlib.pyplot as plt

    plt.plot(np.squeeze(costs))
    plt.ylabel("cost")
    plt.xlabel("iterations (per tens)")
    plt.title("Learning rate =" + str(learning_rate))
    plt.show()


def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(
            f'activation must be "sigmoid" or "relu" (seed 003 defines those two), got '
            f"{activation!r}"
        )


def _check_parameters(parameters):
    """The layer count L of ``parameters`` ``{"W1", "b1", ..., "WL", "bL"}``."""
    if not isinstance(parameters, dict):
        raise TypeError(
            f"parameters must be a dict of W1, b1, ..., got {type(parameters).__name__}"
        )
    L = len(parameters) // 2
    keys = {f"{kind}{l}" for l in range(1, L + 1) for kind in "Wb"}
    if L < 1 or set(parameters) != keys:
        raise ValueError(
            "parameters must hold W1, b1, ..., WL, bL for some L >= 1; got "
            f"{', '.join(sorted(parameters)) or 'none'}"
        )
    return L
