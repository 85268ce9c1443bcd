"""Activation functions g(Z) and their derivatives g'(Z), looked up by name.

Every function takes ``Z`` of any shape, usually ``(n_l, m)`` for layer ``l``,
and returns an array of the same shape. The derivative functions give ``g'(Z)``;
the ``*_backward(dA, Z)`` functions (the course's ``relu_backward(dA, cache)``
and ``sigmoid_backward(dA, cache)``, whose cache is ``Z``) multiply it into
``dA`` to get ``dZ = dA * g'(Z)``, which is what backward propagation uses.

Each activation and each backward function takes an optional ``out=`` array of
``Z``'s shape and dtype to write its result into, so that a training loop can
reuse one buffer per layer; the values are the same with or without it.

``softmax`` is only used on the output layer, where it is paired with the
categorical cross-entropy and differentiated through the shortcut
``dZ = A - Y`` (see :mod:`deepcat.core.losses`), so it has no entry in
:data:`DERIVATIVES` or :data:`BACKWARDS`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from deepcat.core.registry import lookup

LEAKY_RELU_SLOPE = 0.01


def _into(out, values):
    """``values``, written into ``out`` when one is given."""
    if out is None:
        return values
    np.copyto(out, values)
    return out


def sigmoid(Z, out=None):
    """Logistic function ``1 / (1 + exp(-Z))``, computed without overflow.

    Parameters
    ----------
    Z : ndarray of any shape
    out : ndarray of Z's shape and dtype, optional

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
    return _into(out, np.where(Z >= 0, 1.0 / (1.0 + E), E / (1.0 + E)))


def sigmoid_derivative(Z):
    """``g'(Z) = g(Z) (1 - g(Z))`` for the sigmoid; same shape as ``Z``."""
    A = sigmoid(Z)
    return A * (1.0 - A)


def tanh(Z, out=None):
    """Hyperbolic tangent, values in [-1, 1]; same shape as ``Z`` (written into ``out`` if given).

    NumPy's ``tanh`` is used rather than ``(e^z - e^-z) / (e^z + e^-z)``,
    which overflows to ``inf / inf`` for ``|z|`` above about 710.
    """
    return np.tanh(Z, out=out)


def tanh_derivative(Z):
    """``g'(Z) = 1 - tanh(Z)^2``; same shape as ``Z``."""
    A = np.tanh(Z)
    return 1.0 - A * A


def relu(Z, out=None):
    """Rectified linear unit ``max(0, Z)``; same shape as ``Z`` (written into ``out`` if given)."""
    return np.maximum(Z, 0, out=out)


def _relu_mask(Z):
    """``Z > 0`` as booleans: where ReLU passes its input (and its gradient) through.

    At ``z = 0`` the derivative is undefined; like the course's
    ``relu_backward`` (``dZ[Z <= 0] = 0``) and PyTorch, deepcat takes 0.
    """
    return np.asarray(Z) > 0


def relu_derivative(Z):
    """1 where ``Z > 0``, else 0 (so 0 at ``z = 0``); same shape and dtype as ``Z``."""
    Z = np.asarray(Z)
    return _relu_mask(Z).astype(Z.dtype if Z.dtype.kind == "f" else np.float64)


def leaky_relu(Z, negative_slope=LEAKY_RELU_SLOPE, out=None):
    """``Z`` where ``Z > 0``, ``negative_slope * Z`` elsewhere; same shape as ``Z``."""
    Z = np.asarray(Z)
    return _into(out, np.where(Z > 0, Z, negative_slope * Z))


def leaky_relu_derivative(Z, negative_slope=LEAKY_RELU_SLOPE):
    """1 where ``Z > 0``, ``negative_slope`` elsewhere (so at ``z = 0`` too, as for ReLU)."""
    Z = np.asarray(Z)
    dtype = Z.dtype if Z.dtype.kind == "f" else np.float64
    return np.where(Z > 0, 1.0, negative_slope).astype(dtype, copy=False)


def softmax(Z, out=None):
    """Column-wise softmax of ``Z`` with shape ``(n_classes, m)``.

    Returns ``A`` of shape ``(n_classes, m)`` whose columns sum to 1 (written into
    ``out`` if given).

    Notes
    -----
    ``softmax(Z) = softmax(Z - max_k Z_k)``: subtracting each column's maximum
    keeps every exponent <= 0, so nothing overflows.
    """
    Z = np.asarray(Z)
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return np.divide(E, E.sum(axis=0, keepdims=True), out=out)


def sigmoid_backward(dA, Z, out=None):
    """``dZ = dA * g'(Z)`` for the sigmoid; ``dA`` and ``Z`` of one shape ``(n_l, m)``.

    ``out`` (that shape and dtype, and it may be ``dA`` itself) receives ``dZ``.
    """
    return np.multiply(dA, sigmoid_derivative(Z), out=out)


def tanh_backward(dA, Z, out=None):
    """``dZ = dA * (1 - tanh(Z)^2)``; shapes and ``out`` as for :func:`sigmoid_backward`."""
    return np.multiply(dA, tanh_derivative(Z), out=out)


def relu_backward(dA, Z, out=None):
    """``dZ = dA`` where ``Z > 0``, else 0; shapes and ``out`` as for :func:`sigmoid_backward`.

    Multiplying by the boolean mask gives exactly ``dA * relu_derivative(Z)``, without
    a float array of ones and zeros.
    """
    return np.multiply(dA, _relu_mask(Z), out=out)


def leaky_relu_backward(dA, Z, negative_slope=LEAKY_RELU_SLOPE, out=None):
    """``dZ = dA * leaky_relu_derivative(Z)``; shapes and ``out`` as for sigmoid_backward."""
    return np.multiply(dA, leaky_relu_derivative(Z, negative_slope), out=out)


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

BACKWARDS: dict[str, Callable] = {
    "sigmoid": sigmoid_backward,
    "tanh": tanh_backward,
    "relu": relu_backward,
    "leaky_relu": leaky_relu_backward,
}
"""``backward(dA, Z, out=None) -> dZ = dA * g'(Z)``, by activation name."""

HIDDEN_ACTIVATIONS = tuple(DERIVATIVES)
"""Names usable on hidden layers: every activation with a derivative."""


def get_activation(name: str) -> Callable:
    """Return the activation function registered under ``name``."""
    return lookup(ACTIVATIONS, name, "activation")


def get_derivative(name: str) -> Callable:
    """Return ``g'`` for the activation registered under ``name``."""
    return lookup(DERIVATIVES, name, "hidden-layer activation")


def get_backward(name: str) -> Callable:
    """Return ``backward(dA, Z, out=None)``, giving ``dA * g'(Z)``, for the activation ``name``."""
    return lookup(BACKWARDS, name, "hidden-layer activation")


def with_cache(name: str) -> Callable:
    """The activation ``name`` in the course's calling convention: ``A, cache = g(Z)``.

    The course's week-4 ``sigmoid(Z)`` and ``relu(Z)`` (and the seeds' propagation code)
    return the pair ``(A, activation_cache)`` with the cache ``Z``, which their
    ``*_backward(dA, cache)`` read back. The top-level ``deepcat.sigmoid``, ``tanh``,
    ``relu``, ``leaky_relu`` and ``softmax`` are made here, so that code written for the
    course unpacks what it expects. A plain ``A = g(Z)`` is :func:`sigmoid` and its
    neighbours in this module.

    Returns
    -------
    callable ``(Z) -> (A, Z)``
        ``Z`` of any shape (``(n_l, m)`` for layer ``l``) as an ndarray; ``A`` of its shape.
    """
    g = get_activation(name)

    def forward(Z):
        Z = np.asarray(Z)
        return g(Z), Z

    forward.__name__ = forward.__qualname__ = name
    forward.__doc__ = (
        f"``A, activation_cache = {name}(Z)``: ``A = {name}(Z)`` of ``Z``'s shape, and the "
        f"cache ``Z`` for ``{name}_backward``; see :func:`deepcat.core.activations.with_cache`."
    )
    return forward
