"""The seed articles' L-layer algorithm, transcribed plainly: the benchmark's baseline.

This is what deepcat is measured against, so it keeps every habit of the articles' code:
parameters and gradients in dicts keyed ``"W1"``, ``"dW1"``...; a cache per layer holding
``(A_prev, W, b)`` and ``Z``; float64 throughout; the sigmoid evaluated from ``np.exp`` again in
the backward pass; the output gradient through ``dAL = -(Y / AL - (1 - Y) / (1 - AL))`` and the
sigmoid's derivative; ``dA`` computed for every layer, the input layer included; new arrays
for every intermediate result and a new parameters dict at every update. Activation names are
dispatched with ``if``/``elif`` as the articles do. Nothing here is tuned.

Notation as in the articles: ``X`` is ``(n_x, m)``, ``W{l}`` is ``(n_l, n_{l-1})``, ``b{l}`` is
``(n_l, 1)``.
"""

from __future__ import annotations

import numpy as np


def sigmoid(Z):
    """``A = 1 / (1 + e^{-Z})`` and the cache ``Z``; same shape as ``Z``."""
    return 1 / (1 + np.exp(-Z)), Z


def relu(Z):
    """``A = max(0, Z)`` and the cache ``Z``; same shape as ``Z``."""
    return np.maximum(0, Z), Z


def sigmoid_backward(dA, Z):
    """``dZ = dA * s (1 - s)`` with ``s = sigmoid(Z)`` computed afresh; shape of ``Z``."""
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def relu_backward(dA, Z):
    """``dZ = dA`` where ``Z > 0``, else 0; shape of ``Z``."""
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def linear_forward(A_prev, W, b):
    """``Z = W A_prev + b`` ``(n_l, m)`` and the linear cache ``(A_prev, W, b)``."""
    Z = np.dot(W, A_prev) + b
    return Z, (A_prev, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    """One layer: ``A = g(Z)`` ``(n_l, m)`` and the cache ``((A_prev, W, b), Z)``."""
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        A, activation_cache = relu(Z)
    else:
        raise ValueError(f"activation {activation!r} is not one of the articles' L-layer ones")
    return A, (linear_cache, activation_cache)


def L_model_forward(X, parameters):
    """ReLU on layers 1..L-1, sigmoid on layer L; returns ``AL`` ``(1, m)`` and the caches."""
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(
            A, parameters["W" + str(l)], parameters["b" + str(l)], "relu"
        )
        caches.append(cache)
    AL, cache = linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid"
    )
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    """Cross-entropy ``-(1/m) sum(Y log AL + (1 - Y) log(1 - AL))`` as a float."""
    m = Y.shape[1]
    cost = (-1 / m) * np.sum(np.multiply(Y, np.log(AL)) + np.multiply(1 - Y, np.log(1 - AL)))
    return float(np.squeeze(cost))


def linear_backward(dZ, cache):
    """``dA_prev = Wᵀ dZ``, ``dW = dZ A_prevᵀ / m``, ``db = sum(dZ) / m``."""
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    """One layer backwards: ``dZ = dA * g'(Z)``, then :func:`linear_backward`."""
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    else:
        raise ValueError(f"activation {activation!r} is not one of the articles' L-layer ones")
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches):
    """Gradients ``dA{l-1}``, ``dW{l}``, ``db{l}`` for every layer, starting from ``dAL``."""
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA_prev, dW, db = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA_prev, dW, db
    for l in reversed(range(1, L)):
        dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l)], caches[l - 1], "relu")
        grads["dA" + str(l - 1)], grads["dW" + str(l)], grads["db" + str(l)] = dA_prev, dW, db
    return grads


def update_parameters(parameters, grads, learning_rate):
    """A new dict with ``W{l} - alpha dW{l}`` and ``b{l} - alpha db{l}``."""
    updated = parameters.copy()
    L = len(parameters) // 2
    for l in range(1, L + 1):
        updated["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        updated["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return updated


def L_layer_model(X, Y, parameters, learning_rate, num_iterations, record):
    """Batch gradient descent from the given initial ``parameters``.

    Parameters
    ----------
    X : ndarray, shape (n_x, m), float64
    Y : ndarray, shape (1, m), 0/1
    parameters : dict of ``"W{l}"`` ``(n_l, n_{l-1})`` and ``"b{l}"`` ``(n_l, 1)``
    learning_rate : float
    num_iterations : int
    record : set of int
        Iterations whose cost (before that iteration's update) is returned.

    Returns
    -------
    parameters : dict, the trained parameters
    costs : dict mapping each recorded iteration to its cost
    """
    costs = {}
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        if i in record:
            costs[i] = cost
    return parameters, costs


def predict(X, parameters):
    """Labels ``(1, m)``: 1 where the network's output is above 0.5, else 0."""
    probabilities, _ = L_model_forward(X, parameters)
    return (probabilities > 0.5).astype(int)
