"""Forward and backward propagation through an L-layer network, as in the seed articles.

Notation: ``A[0] = X`` has shape ``(n_x, m)``; layer ``l`` computes
``Z[l] = W[l] A[l-1] + b[l]`` and ``A[l] = g[l](Z[l])``, both ``(n_l, m)``.
``activations`` lists ``g[1], ..., g[L]`` by name; the default is the
course's: ReLU on every hidden layer and sigmoid on the output.

Each layer leaves a cache ``((A_prev, W, b), Z)``, the course's
``(linear_cache, activation_cache)``. With inverted dropout on a hidden layer
the cache gains the layer's mask ``D``: ``((A_prev, W, b), Z, D)``.

These functions favour clarity; :class:`deepcat.Network` trains with the same
formulas.
"""

from __future__ import annotations

import numpy as np

from deepcat.core.activations import get_activation, get_derivative
from deepcat.core.losses import get_loss


def default_activations(L: int) -> list[str]:
    """The course's choice for ``L`` layers: ``["relu"] * (L - 1) + ["sigmoid"]``."""
    return ["relu"] * (L - 1) + ["sigmoid"]


def linear_forward(A_prev, W, b):
    """The linear part of layer ``l``: ``Z = W A_prev + b``.

    Parameters
    ----------
    A_prev : ndarray, shape (n_{l-1}, m)
    W : ndarray, shape (n_l, n_{l-1})
    b : ndarray, shape (n_l, 1)

    Returns
    -------
    Z : ndarray, shape (n_l, m)
    linear_cache : tuple ``(A_prev, W, b)`` for :func:`linear_backward`.
    """
    Z = W @ A_prev + b
    return Z, (A_prev, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    """One whole layer: ``Z = W A_prev + b``, then ``A = g(Z)``.

    Parameters
    ----------
    A_prev : ndarray, shape (n_{l-1}, m)
    W : ndarray, shape (n_l, n_{l-1})
    b : ndarray, shape (n_l, 1)
    activation : str
        A name in :data:`deepcat.activations.ACTIVATIONS`.

    Returns
    -------
    A : ndarray, shape (n_l, m)
    cache : tuple ``((A_prev, W, b), Z)``
    """
    g = get_activation(activation)
    Z, linear_cache = linear_forward(A_prev, W, b)
    return g(Z), (linear_cache, Z)


def model_forward(X, parameters, activations=None, keep_prob=None, rng=None):
    """Forward propagation through all L layers (the course's ``L_model_forward``).

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    parameters : dict
        ``"W{l}"``: ``(n_l, n_{l-1})``, ``"b{l}"``: ``(n_l, 1)`` for ``l = 1..L``.
    activations : list of str, length L, optional
        ``g[1], ..., g[L]``; default :func:`default_activations`.
    keep_prob : list of float, length L - 1, optional
        Inverted dropout (Course 2): hidden layer ``l`` keeps each unit with
        probability ``keep_prob[l-1]`` and divides the survivors by it, so the
        expected activation is unchanged. ``None`` or 1.0 means no dropout.
    rng : numpy.random.RandomState, required when dropout is on.

    Returns
    -------
    AL : ndarray, shape (n_L, m)
    caches : list of L caches, ``caches[l-1]`` for layer ``l``.
    """
    L = len(parameters) // 2
    activations = activations or default_activations(L)
    caches = []
    A = X
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(
            A, parameters[f"W{l}"], parameters[f"b{l}"], activations[l - 1]
        )
        if l < L and keep_prob is not None and keep_prob[l - 1] < 1:
            D = rng.rand(*A.shape) < keep_prob[l - 1]
            A = A * D / A.dtype.type(keep_prob[l - 1])
            cache = (*cache, D)
        caches.append(cache)
    return A, caches


def linear_backward(dZ, linear_cache, need_dA_prev=True):
    """Gradients of the linear part of layer ``l``.

    Parameters
    ----------
    dZ : ndarray, shape (n_l, m)
        ``dJ/dZ[l]`` times ``m`` (the ``1/m`` of the cost is applied here).
    linear_cache : tuple ``(A_prev, W, b)`` from :func:`linear_forward`.
    need_dA_prev : bool
        ``False`` skips ``dA_prev``, which nobody needs for the input layer.

    Returns
    -------
    dA_prev : ndarray, shape (n_{l-1}, m), or None
    dW : ndarray, shape (n_l, n_{l-1})
    db : ndarray, shape (n_l, 1)

    Notes
    -----
    ``dW = dZ A_prevᵀ / m``, ``db = sum(dZ, axis=1) / m``, ``dA_prev = Wᵀ dZ``.
    """
    A_prev, W, _ = linear_cache
    m = A_prev.shape[1]
    dW = (dZ @ A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ if need_dA_prev else None
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation, need_dA_prev=True):
    """Backward through one hidden layer: ``dZ = dA * g'(Z)``, then :func:`linear_backward`.

    Parameters
    ----------
    dA : ndarray, shape (n_l, m)
    cache : tuple ``((A_prev, W, b), Z)`` from :func:`linear_activation_forward`.
    activation : str
        A name in :data:`deepcat.activations.DERIVATIVES`.

    Returns
    -------
    dA_prev : ndarray, shape (n_{l-1}, m), or None when ``need_dA_prev`` is False
    dW : ndarray, shape (n_l, n_{l-1})
    db : ndarray, shape (n_l, 1)
    """
    linear_cache, Z = cache[0], cache[1]
    dZ = dA * get_derivative(activation)(Z)
    return linear_backward(dZ, linear_cache, need_dA_prev)


def model_backward(AL, Y, caches, activations=None, keep_prob=None, lambd=0.0):
    """Backward propagation through all L layers (the course's ``L_model_backward``).

    Parameters
    ----------
    AL : ndarray, shape (n_L, m)
        Output of :func:`model_forward`.
    Y : ndarray, shape (n_L, m)
        Labels: 0/1 for a sigmoid output, one-hot for softmax.
    caches : list of L caches from :func:`model_forward`.
    activations : list of str, length L, optional
        As given to :func:`model_forward`.
    keep_prob : list of float, length L - 1, optional
        As given to :func:`model_forward`; the masks come from the caches.
    lambd : float, default 0
        L2 strength: adds ``(lambd / m) W[l]`` to each ``dW[l]``.

    Returns
    -------
    gradients : dict
        ``"dW{l}"``: ``(n_l, n_{l-1})`` and ``"db{l}"``: ``(n_l, 1)`` for ``l = 1..L``.

    Notes
    -----
    The output layer uses ``dZ[L] = AL - Y``. It is what the course's route
    ``dAL = -(Y/AL - (1-Y)/(1-AL))``, ``dZ[L] = dAL * g'(Z[L])`` simplifies to
    for sigmoid with binary cross-entropy (and softmax with categorical
    cross-entropy), without dividing by ``AL`` or ``1 - AL``, which can be 0.
    """
    L = len(caches)
    activations = activations or default_activations(L)
    get_loss(activations[-1])  # only outputs paired with a loss have the dZ = AL - Y shortcut
    m = AL.shape[1]
    gradients = {}
    dZ = AL - Y
    dA_prev, dW, db = linear_backward(dZ, caches[L - 1][0], need_dA_prev=L > 1)
    gradients[f"dW{L}"], gradients[f"db{L}"] = dW, db
    for l in range(L - 1, 0, -1):
        cache = caches[l - 1]
        if len(cache) == 3:
            dA_prev = dA_prev * cache[2] / dA_prev.dtype.type(keep_prob[l - 1])
        dA_prev, dW, db = linear_activation_backward(
            dA_prev, cache, activations[l - 1], need_dA_prev=l > 1
        )
        gradients[f"dW{l}"], gradients[f"db{l}"] = dW, db
    if lambd:
        for l in range(1, L + 1):
            W = caches[l - 1][0][1]
            gradients[f"dW{l}"] = gradients[f"dW{l}"] + (lambd / m) * W
    return gradients


def predict(X, parameters, activations=None):
    """Predicted labels ``(1, m)`` of 0/1 from a forward pass (the course's ``predict``).

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    parameters : dict of ``"W{l}"``, ``"b{l}"``
    activations : list of str, optional
        As for :func:`model_forward`; default ReLU hidden layers and a sigmoid output.

    Returns
    -------
    p : ndarray of int, shape (1, m)
        1 where the output probability is > 0.5, else 0.
    """
    probabilities, _ = model_forward(X, parameters, activations)
    return (probabilities > 0.5).astype(int)
