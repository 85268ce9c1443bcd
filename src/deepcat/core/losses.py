"""Cost functions J, each paired with the output activation it belongs to.

The network computes its cost from the output layer's ``Z`` (the logits)
rather than from ``A = g(Z)``: ``log(sigmoid(z))`` written as
``-log(1 + e^{-z})`` stays finite when the prediction saturates at exactly 0
or 1, where ``np.log(A)`` would give ``-inf``. The formulas are the course's,
rearranged; the values agree to rounding.

For both pairs below (sigmoid + binary cross-entropy, softmax + categorical
cross-entropy) the derivative of the cost with respect to the output layer's
``Z`` simplifies to ``dZ[L] = A[L] - Y`` (per example, before the ``1/m`` of
``dW``), which is what backward propagation uses.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from deepcat.core.registry import lookup

PROBABILITY_EPSILON = 1e-15
"""How far :func:`compute_cost` keeps probabilities from 0 and 1 before taking logs."""


def compute_cost(AL, Y):
    """Binary cross-entropy of probabilities, the course's ``compute_cost``.

    Parameters
    ----------
    AL : ndarray, shape (1, m)
        Output-layer activations, the predicted probabilities of class 1.
    Y : ndarray, shape (1, m)
        True labels, 0 or 1.

    Returns
    -------
    cost : float
        ``J = -(1/m) sum(Y log(AL) + (1 - Y) log(1 - AL))``.

    Notes
    -----
    ``AL`` is clipped to ``[1e-15, 1 - 1e-15]`` so a saturated prediction gives a
    large finite cost, not ``inf``. Training uses
    :func:`binary_cross_entropy_from_logits`, which needs no clipping.
    """
    AL = np.clip(AL, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON)
    m = Y.shape[1]
    # (-1/m) times the sum, in the course's order: dividing the sum by m instead changes the last
    # digit of the course's compute_cost test case (0.2797765635793422).
    return float((-1 / m) * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))


def binary_cross_entropy_from_logits(ZL, Y):
    """Binary cross-entropy of ``sigmoid(ZL)``, computed from ``ZL`` itself.

    Parameters
    ----------
    ZL : ndarray, shape (1, m)
        Output-layer ``Z``.
    Y : ndarray, shape (1, m)
        Labels 0 or 1.

    Returns
    -------
    cost : float

    Notes
    -----
    Per example, ``-y log(a) - (1-y) log(1-a) = max(z, 0) - z y + log(1 + e^{-|z|})``
    with ``a = sigmoid(z)``; no term can overflow.
    """
    m = Y.shape[1]
    loss = np.maximum(ZL, 0) - ZL * Y + np.log1p(np.exp(-np.abs(ZL)))
    return float(np.sum(loss) / m)


def categorical_cross_entropy_from_logits(ZL, Y):
    """Categorical cross-entropy of ``softmax(ZL)``, computed from ``ZL``.

    Parameters
    ----------
    ZL : ndarray, shape (n_classes, m)
    Y : ndarray, shape (n_classes, m), one-hot

    Returns
    -------
    cost : float
        ``J = -(1/m) sum(Y log softmax(ZL))``.

    Notes
    -----
    ``log softmax(z) = (z - max z) - log(sum(e^{z - max z}))``: shifting by the
    column maximum keeps every exponent <= 0.
    """
    m = Y.shape[1]
    shifted = ZL - ZL.max(axis=0, keepdims=True)
    log_probabilities = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
    return float(-np.sum(Y * log_probabilities) / m)


def l2_regularization_cost(parameters, lambd, m, squared_norms=None):
    """``(lambd / 2m) * sum_l ||W[l]||_F^2``, the L2 term added to the cost (Course 2).

    Parameters
    ----------
    parameters : dict with ``"W{l}"`` of shape ``(n_l, n_{l-1})``
    lambd : float >= 0
    m : int, number of examples the data term averages over.
    squared_norms : dict, optional
        ``{"W{l}": ||W[l]||_F^2}`` for weights whose norm is already known, used instead of
        reading the array: a frozen layer's (it never changes), or ``W1`` on the Gram path,
        where the array lags behind (:mod:`deepcat.training.gram`).
    """
    if lambd == 0:
        return 0.0
    known = squared_norms or {}
    squares = sum(
        known[key] if key in known else float(np.vdot(W, W))
        for key, W in parameters.items()
        if key[0] == "W"
    )
    return lambd / (2 * m) * squares


def add_l2_gradient(dW, W, lambd, m, scratch=None):
    """``dW + (lambd / m) W``: the L2 term's part of ``dJ/dW[l]``, added to the data term's.

    Parameters
    ----------
    dW : ndarray, shape (n_l, n_{l-1})
        The data term's gradient.
    W : ndarray, same shape
    lambd : float >= 0
    m : int, number of examples in the batch.
    scratch : ndarray of W's shape and dtype, optional
        Given, the sum is written into ``dW`` itself and nothing is allocated; otherwise a new
        array is returned and ``dW`` is left as it was.

    Returns
    -------
    ndarray, shape (n_l, n_{l-1})
    """
    decay = np.multiply(W, lambd / m, out=scratch)
    if scratch is None:
        return dW + decay
    dW += decay
    return dW


LOSSES: dict[str, Callable] = {
    "sigmoid": binary_cross_entropy_from_logits,
    "softmax": categorical_cross_entropy_from_logits,
}
"""Cost from logits, keyed by the output activation it is paired with."""

OUTPUT_ACTIVATIONS = tuple(LOSSES)


def get_loss(output: str) -> Callable:
    """Return the cost-from-logits function paired with the output activation ``output``."""
    return lookup(LOSSES, output, "output activation")
