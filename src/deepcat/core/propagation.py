"""Forward and backward propagation through an L-layer network, as in the seed articles.

Notation: ``A[0] = X`` has shape ``(n_x, m)``; layer ``l`` computes
``Z[l] = W[l] A[l-1] + b[l]`` and ``A[l] = g[l](Z[l])``, both ``(n_l, m)``.
``activations`` lists ``g[1], ..., g[L]`` by name; the default is the
course's: ReLU on every hidden layer and sigmoid on the output.

Each layer leaves a cache ``((A_prev, W, b), Z)``, the course's
``(linear_cache, activation_cache)``. With inverted dropout on a hidden layer
the cache gains the layer's mask ``D``: ``((A_prev, W, b), Z, D)``.

These functions favour clarity, and they are the ones :class:`deepcat.Network`
trains with: each takes optional ``out=`` buffers, so that the training loop
(:mod:`deepcat.training.passes`) reuses its arrays from one mini-batch to the next
instead of allocating new ones. With or without them the values are the same.
"""

from __future__ import annotations

import numpy as np

from deepcat.core.activations import get_activation, get_backward
from deepcat.core.initializers import make_rng
from deepcat.core.losses import add_l2_gradient, get_loss
from deepcat.core.validation import check_in_range


def default_activations(L: int) -> list[str]:
    """The course's choice for ``L`` layers: ``["relu"] * (L - 1) + ["sigmoid"]``."""
    return ["relu"] * (L - 1) + ["sigmoid"]


def linear_forward(A_prev, W, b, out=None):
    """The linear part of layer ``l``: ``Z = W A_prev + b``.

    Parameters
    ----------
    A_prev : ndarray, shape (n_{l-1}, m)
    W : ndarray, shape (n_l, n_{l-1})
    b : ndarray, shape (n_l, 1)
    out : ndarray, shape (n_l, m), optional
        Where to write ``Z`` (C-contiguous, of ``W``'s dtype).

    Returns
    -------
    Z : ndarray, shape (n_l, m)
    linear_cache : tuple ``(A_prev, W, b)`` for :func:`linear_backward`.
    """
    Z = np.matmul(W, A_prev, out=out)
    Z += b  # the same sums as W @ A_prev + b, without a second (n_l, m) array
    return Z, (A_prev, W, b)


def linear_activation_forward(A_prev, W, b, activation, out=None):
    """One whole layer: ``Z = W A_prev + b``, then ``A = g(Z)``.

    Parameters
    ----------
    A_prev : ndarray, shape (n_{l-1}, m)
    W : ndarray, shape (n_l, n_{l-1})
    b : ndarray, shape (n_l, 1)
    activation : str
        A name in :data:`deepcat.core.activations.ACTIVATIONS`.
    out : pair ``(Z_out, A_out)`` of ndarrays, shape (n_l, m), optional
        Where to write ``Z`` and ``A``.

    Returns
    -------
    A : ndarray, shape (n_l, m)
    cache : tuple ``((A_prev, W, b), Z)``
    """
    Z_out, A_out = out if out is not None else (None, None)
    g = get_activation(activation)
    Z, linear_cache = linear_forward(A_prev, W, b, out=Z_out)
    return g(Z, out=A_out), (linear_cache, Z)


def dropout_forward(A, keep_prob, rng=None, out=None):
    """Inverted dropout on a hidden layer's ``A`` ``(n_l, m)`` (Course 2).

    Each unit is kept with probability ``keep_prob``, and the survivors are divided by it, so
    the expected activation is unchanged.

    Parameters
    ----------
    A : ndarray, shape (n_l, m)
    keep_prob : float in (0, 1]
    rng : numpy.random.RandomState or int, optional
        Draws ``rng.rand(n_l, m)``, one number per unit, as the course does; an int seeds a
        new generator, and None makes an unseeded one.
    out : ndarray, shape (n_l, m), optional
        Where to write the result; may be ``A`` itself.

    Returns
    -------
    A_dropped : ndarray, shape (n_l, m)
        ``A * D / keep_prob``.
    D : ndarray of bool, shape (n_l, m)
        The mask, for :func:`dropout_backward`.
    """
    keep_prob = _keep_probability(keep_prob)
    D = make_rng(rng).rand(*A.shape) < keep_prob
    dropped = np.multiply(A, D, out=out)
    dropped /= A.dtype.type(keep_prob)
    return dropped, D


def dropout_backward(dA, D, keep_prob, out=None):
    """``dA * D / keep_prob``: the gradient through :func:`dropout_forward`'s mask ``D``.

    ``dA`` and ``D`` have shape ``(n_l, m)``; ``out`` (that shape, and it may be ``dA``)
    receives the result.
    """
    masked = np.multiply(dA, D, out=out)
    # keep_prob is the one dropout_forward checked when it drew D.
    masked /= dA.dtype.type(keep_prob)
    return masked


def _keep_probability(keep_prob):
    """``keep_prob`` as a float in (0, 1], or a ValueError/TypeError saying what it got."""
    return check_in_range(keep_prob, "keep_prob", 0.0, 1.0, low_open=True)


def hidden_keep_probs(keep_prob, L):
    """``keep_prob`` as a list of ``L - 1`` values, one per hidden layer, or None.

    A single float applies to every hidden layer, as in the course's
    ``forward_propagation_with_dropout(X, parameters, keep_prob=0.5)``.
    """
    if keep_prob is None:
        return None
    if not isinstance(keep_prob, (list, tuple, np.ndarray)):
        return [_keep_probability(keep_prob)] * (L - 1)
    values = [_keep_probability(p) for p in keep_prob]
    if len(values) != L - 1:
        raise ValueError(
            f"keep_prob needs one value per hidden layer (L - 1 = {L - 1}), got {len(values)}"
        )
    return values


def model_forward(X, parameters, activations=None, keep_prob=None, rng=None):
    """Forward propagation through all L layers (the course's ``L_model_forward``).

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    parameters : dict
        ``"W{l}"``: ``(n_l, n_{l-1})``, ``"b{l}"``: ``(n_l, 1)`` for ``l = 1..L``.
    activations : list of str, length L, optional
        ``g[1], ..., g[L]``; default :func:`default_activations`.
    keep_prob : float or list of float (length L - 1), optional
        Inverted dropout (Course 2): hidden layer ``l`` keeps each unit with
        probability ``keep_prob[l-1]`` and divides the survivors by it, so the
        expected activation is unchanged. A float applies to every hidden layer;
        ``None`` or 1.0 means no dropout.
    rng : numpy.random.RandomState or int, optional
        Draws the dropout masks, layer 1 first; None makes an unseeded generator.

    Returns
    -------
    AL : ndarray, shape (n_L, m)
    caches : list of L caches, ``caches[l-1]`` for layer ``l``.
    """
    L = len(parameters) // 2
    activations = activations or default_activations(L)
    keep_prob = hidden_keep_probs(keep_prob, L)
    if keep_prob is not None and min(keep_prob, default=1.0) < 1:
        # One generator for every layer: a seed handed to each dropout_forward would redraw
        # the same mask pattern in every layer.
        rng = make_rng(rng)
    caches = []
    A = X
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(
            A, parameters[f"W{l}"], parameters[f"b{l}"], activations[l - 1]
        )
        if l < L and keep_prob is not None and keep_prob[l - 1] < 1:
            A, D = dropout_forward(A, keep_prob[l - 1], rng)
            cache = (*cache, D)
        caches.append(cache)
    return A, caches


def linear_backward(dZ, linear_cache, need_dA_prev=True, out=None, divide_dW=True):
    """Gradients of the linear part of layer ``l``.

    Parameters
    ----------
    dZ : ndarray, shape (n_l, m)
        ``dJ/dZ[l]`` times ``m`` (the ``1/m`` of the cost is applied here).
    linear_cache : tuple ``(A_prev, W, b)`` from :func:`linear_forward`.
    need_dA_prev : bool
        ``False`` skips ``dA_prev``, which nobody needs below the lowest trainable layer.
    out : triple ``(dA_prev_out, dW_out, db_out)``, optional
        Where to write the results, shaped as below (``dA_prev_out`` may be None when
        ``need_dA_prev`` is False).
    divide_dW : bool, default True
        False returns ``m dW = dZ A_prevᵀ``, for a caller that divides by ``m`` later in a
        pass of its own (the training loop leaves it to Adam's step, which reads ``dW`` anyway).

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
    dA_prev_out, dW_out, db_out = out if out is not None else (None, None, None)
    m = A_prev.shape[1]
    dW = np.matmul(dZ, A_prev.T, out=dW_out)
    if divide_dW:
        dW /= m
    db = bias_gradient(dZ, out=db_out)
    dA_prev = np.matmul(W.T, dZ, out=dA_prev_out) if need_dA_prev else None
    return dA_prev, dW, db


def bias_gradient(dZ, out=None):
    """``db = sum(dZ, axis=1) / m`` for ``dZ`` of shape ``(n_l, m)``; ``db`` is ``(n_l, 1)``.

    Part of :func:`linear_backward`, on its own for layers whose ``dW`` is formed differently
    (the Gram-matrix first layer of :mod:`deepcat.training.gram`). ``out`` receives ``db``.
    """
    # np.add.reduce is what np.sum runs, without its Python wrapper (called once a layer).
    db = np.add.reduce(dZ, axis=1, keepdims=True, out=out)
    db /= dZ.shape[1]
    return db


def linear_activation_backward(dA, cache, activation, need_dA_prev=True):
    """Backward through one hidden layer: ``dZ = dA * g'(Z)``, then :func:`linear_backward`.

    Parameters
    ----------
    dA : ndarray, shape (n_l, m)
    cache : tuple ``((A_prev, W, b), Z)`` from :func:`linear_activation_forward`.
    activation : str
        A name in :data:`deepcat.core.activations.DERIVATIVES`.

    Returns
    -------
    dA_prev : ndarray, shape (n_{l-1}, m), or None when ``need_dA_prev`` is False
    dW : ndarray, shape (n_l, n_{l-1})
    db : ndarray, shape (n_l, 1)
    """
    linear_cache, Z = cache[0], cache[1]
    dZ = get_backward(activation)(dA, Z)
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
    keep_prob : float or list of float (length L - 1), optional
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
    keep_prob = hidden_keep_probs(keep_prob, L)
    get_loss(activations[-1])  # only outputs paired with a loss have the dZ = AL - Y shortcut
    m = AL.shape[1]
    gradients = {}
    dZ = AL - Y
    dA_prev, dW, db = linear_backward(dZ, caches[L - 1][0], need_dA_prev=L > 1)
    gradients[f"dW{L}"], gradients[f"db{L}"] = dW, db
    for l in range(L - 1, 0, -1):
        cache = caches[l - 1]
        if len(cache) == 3:
            dA_prev = dropout_backward(dA_prev, cache[2], keep_prob[l - 1])
        dA_prev, dW, db = linear_activation_backward(
            dA_prev, cache, activations[l - 1], need_dA_prev=l > 1
        )
        gradients[f"dW{l}"], gradients[f"db{l}"] = dW, db
    if lambd:
        for l in range(1, L + 1):
            W = caches[l - 1][0][1]
            gradients[f"dW{l}"] = add_l2_gradient(gradients[f"dW{l}"], W, lambd, m)
    return gradients


DECISION_THRESHOLD = 0.5
"""The seeds' decision rule for a sigmoid output: class 1 where ``P(class 1)`` is above it."""


def sigmoid_labels(probabilities, threshold=DECISION_THRESHOLD):
    """Labels ``(1, m)`` of 0/1 from a sigmoid output ``(1, m)``: 1 where ``P > threshold``.

    At exactly the threshold the label is 0, as in the course's ``predict``.
    """
    return (probabilities > threshold).astype(np.int64)


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
        :func:`sigmoid_labels` of the output: 1 where it is > 0.5, else 0.
    """
    probabilities, _ = model_forward(X, parameters, activations)
    return sigmoid_labels(probabilities)
