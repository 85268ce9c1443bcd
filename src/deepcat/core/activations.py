"""Activation functions g(Z) and their derivatives g'(Z), looked up by name.

Every function takes ``Z`` of any shape, usually ``(n_l, m)`` for layer ``l``,
and returns an array of the same shape. The derivative functions are what
backward propagation multiplies into ``dA`` to get ``dZ = dA * g'(Z)``.

``softmax`` is only used on the output layer, where it is paired with the
categorical cross-entropy and differentiated through the shortcut
``dZ = A - Y`` (see :mod:`deepcat.core.losses`), so it has no entry in
:data:`DERIVATIVES`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from deepcat.core.registry import lookup

LEAKY_RELU_SLOPE = 0.01


def sigmoid(Z):
    """Logistic function ``1 / (1 + exp(-Z))``, computed without overflow.

    Parameters
    ----------
    Z : ndarray of any shape

    Returns
    -------
    A : ndarray of the same shape as ``Z``, values in [0, 1].

    Notes
    -----
    ``exp(-|Z|)`` never exceeds 1, so neither branch can overflow:
    ``1 / (1 + e^{-z})`` for ``z >= 0`` and ``e^{z} / (1 + e^{z})`` for ``z < 0``.
    """
    Z = np.asarray(Z)
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0 / (1.0 + E), E / (1.0 + E))


def sigmoid_derivative(Z):
    """``g'(Z) = g(Z) (1 - g(Z))`` for the sigmoid; same shape as ``Z``."""
    A = sigmoid(Z)
    return A * (1.0 - A)


def tanh(Z):
    """Hyperbolic tangent, values in [-1, 1]; same shape as ``Z``.

    NumPy's ``tanh`` is used rather than ``(e^z - e^-z) / (e^z + e^-z)``,
    which overflows to ``inf / inf`` for ``|z|`` above about 710.
    """
    return np.tanh(Z)


def tanh_derivative(Z):
    """``g'(Z) = 1 - tanh(Z)^2``; same shape as ``Z``."""
    A = np.tanh(Z)
    return 1.0 - A * A


def relu(Z):
    """Rectified linear unit ``max(0, Z)``; same shape as ``Z``."""
    return np.maximum(Z, 0)


def relu_derivative(Z):
    """1 where ``Z > 0``, else 0; same shape and dtype as ``Z``.

    At ``z = 0`` the derivative is undefined; like the course's
    ``relu_backward`` (``dZ[Z <= 0] = 0``) and PyTorch, deepcat takes 0.
    """
    Z = np.asarray(Z)
    return (Z > 0).astype(Z.dtype if Z.dtype.kind == "f" else np.float64)


def leaky_relu(Z, negative_slope=LEAKY_RELU_SLOPE):
    """``Z`` where ``Z > 0``, ``negative_slope * Z`` elsewhere; same shape as ``Z``."""
    Z = np.asarray(Z)
    return np.where(Z > 0, Z, negative_slope * Z)


def leaky_relu_derivative(Z, negative_slope=LEAKY_RELU_SLOPE):
    """1 where ``Z > 0``, ``negative_slope`` elsewhere (so at ``z = 0`` too, as for ReLU)."""
    Z = np.asarray(Z)
    dtype = Z.dtype if Z.dtype.kind == "f" else np.float64
    return np.where(Z > 0, 1.0, negative_slope).astype(dtype, copy=False)


def softmax(Z):
    """Column-wise softmax of ``Z`` with shape ``(n_classes, m)``.

    Returns ``A`` of shape ``(n_classes, m)`` whose columns sum to 1.

    Notes
    -----
    ``softmax(Z) = softmax(Z - max_k Z_k)``: subtracting each column's maximum
    keeps every exponent <= 0, so nothing overflows.
    """
    Z = np.asarray(Z)
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


ACTIVATIONS: dict[str, Callable] = {
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "softmax": softmax,
}

DERIVATIVES: dict[str, Callable] = {
    "sigmoid": sigmoid_derivative,
    "tanh": tanh_derivative,
    "relu": relu_derivative,
    "leaky_relu": leaky_relu_derivative,
}

HIDDEN_ACTIVATIONS = tuple(DERIVATIVES)
"""Names usable on hidden layers: every activation with a derivative."""


def get_activation(name: str) -> Callable:
    """Return the activation function registered under ``name``."""
    return lookup(ACTIVATIONS, name, "activation")


def get_derivative(name: str) -> Callable:
    """Return ``g'`` for the activation registered under ``name``."""
    return lookup(DERIVATIVES, name, "hidden-layer activation")
