"""The first layer through the Gram matrix ``Xᵀ X``: exact, and far cheaper when m < n_x.

Why it is exact. Gradient descent, momentum and L2 weight decay change ``W[1]`` by linear
combinations of ``W[1]`` itself and of ``dW[1] = dZ[1] Xᵀ / m``, whose rows are combinations of
the training inputs. So at every iteration

    W[1] = s W[1]_init + C Xᵀ,      s a number, C of shape (n_1, m),

and the first layer's pre-activations need no product with ``W[1]``:

    Z[1] = s P + C G + b[1],        P = W[1]_init X  (n_1, m),  G = Xᵀ X  (m, m).

``P`` and ``G`` are computed once; an iteration then costs ``n_1 m m_batch`` multiply-adds instead
of ``2 n_1 n_x m_batch`` for ``W[1] X`` and ``dZ[1] Xᵀ``. For the course's cats (n_x = 12288,
m = 209) that is about 60 times less work. The updates act on ``(s, C)``:

    gradient descent:  s <- (1 - alpha lambd / m) s,
                       C <- (1 - alpha lambd / m) C - (alpha / m) dZ[1]
    momentum:          a <- beta a + (1 - beta)(lambd / m) s,
                       V <- beta V + (1 - beta)((lambd / m) C + dZ[1] / m),
                       s <- s - alpha a,   C <- C - alpha V

(with mini-batches, ``dZ[1] / m`` lands in the batch's columns of ``C``, and ``m`` is the batch
size). ``||W[1]||² = s² ||W[1]_init||² + 2 s <P, C> + <C G, C>`` gives the L2 cost. ``W[1]``
itself is written back by :meth:`GramInput.sync` when someone needs it: at the end of
training, and when validation data is evaluated.

It does not hold for Adam or RMSprop, whose steps are not linear in the gradients; dropout
stays in the plain loop; and for m >= n_x ``G`` would be no smaller than ``X``.
"""

from __future__ import annotations

import numpy as np

from deepcat.core.optimizers import GradientDescent, Momentum
from deepcat.training.batches import float_feature_chunks


class GramInput:
    """Layer 1 as ``Z[1] = s P + C G + b[1]`` (see the module docstring).

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
        Float of ``dtype``, or integer when ``config.input_scale`` is set.
    parameters : dict
        The live parameters; ``W1`` ``(n_1, n_x)`` is read now and written by :meth:`sync`,
        ``b1`` ``(n_1, 1)`` is read at every forward pass.
    dtype : NumPy float type
    config : deepcat.training.settings.TrainingConfig
        Its optimizer must be in :data:`LINEAR_UPDATES`.
    batch_size : int
    """

    def __init__(self, X, parameters, dtype, config, batch_size):
        self.X, self.input_scale, self.dtype = X, config.input_scale, dtype
        self.W, self.b = parameters["W1"], parameters["b1"]
        self.W_init = self.W.copy()
        self.W_init_square = float(np.vdot(self.W_init, self.W_init))
        n_1, m = self.W.shape[0], X.shape[1]
        self.full_batch = batch_size >= m
        self.G = np.zeros((m, m), dtype)
        self.P = np.zeros((n_1, m), dtype)
        for rows, X_rows in float_feature_chunks(X, self.input_scale, dtype):
            self.G += X_rows.T @ X_rows
            self.P += self.W_init[:, rows] @ X_rows
        self.s = 1.0
        self.C = np.zeros((n_1, m), dtype)
        self.scratch = np.empty((n_1, m), dtype)
        self.rule = LINEAR_UPDATES[type(config.optimizer)](config.optimizer, self.C.shape, dtype)
        self.lambd = config.lambd
        self.CG_dot_C = None

    def forward(self, batch, out):
        """``Z[1]`` of the batch (None: all examples) into ``out`` ``(n_1, m_batch)``."""
        if batch is None:
            np.matmul(self.C, self.G, out=out)
            # <C G, C> for the L2 cost, while out still holds C G.
            self.CG_dot_C = float(np.vdot(out, self.C)) if self.lambd else None
            P = self.P
        else:
            np.matmul(self.C, self.G[batch].T, out=out)
            self.CG_dot_C = None
            P = self.P[:, batch]
        if self.s == 1.0:
            out += P
        else:
            out += self.s * P
        out += self.b
        return out

    def squared_norm(self):
        """``||W[1]||_F²`` for the current ``(s, C)``, without forming ``W[1]``."""
        if self.CG_dot_C is None:
            self.CG_dot_C = float(np.vdot(self.C @ self.G, self.C))
        cross = float(np.vdot(self.P, self.C))
        return self.s * self.s * self.W_init_square + 2.0 * self.s * cross + self.CG_dot_C

    def backward(self, dZ, batch, count, learning_rate, lambd, dW=None):
        """Apply one step for ``dZ[1]`` ``(n_1, count)`` of the examples ``batch``.

        ``W[1]`` itself is not touched (``dW`` is unused): the step goes into ``(s, C)``.
        """
        self.s = self.rule.step(self, dZ, batch, count, learning_rate, lambd)

    def sync(self):
        """Write ``W[1] = s W[1]_init + C Xᵀ`` into the live parameters."""
        for rows, X_rows in float_feature_chunks(self.X, self.input_scale, self.dtype):
            self.W[:, rows] = self.C @ X_rows.T
        if self.s == 1.0:
            self.W += self.W_init
        else:
            self.W += self.s * self.W_init


class GradientDescentRule:
    """Gradient descent on ``(s, C)``."""

    def __init__(self, optimizer, shape, dtype):
        pass

    def step(self, layer, dZ, batch, count, learning_rate, lambd):
        s, C = layer.s, layer.C
        if lambd:
            shrink = 1.0 - learning_rate * lambd / count
            s *= shrink
            C *= shrink
        _add_to_columns(C, batch, dZ, -learning_rate / count, layer.scratch)
        return s


class MomentumRule:
    """Momentum on ``(s, C)``: the velocity is ``a W[1]_init + V Xᵀ``."""

    def __init__(self, optimizer, shape, dtype):
        self.beta = optimizer.beta
        self.a = 0.0
        self.V = np.zeros(shape, dtype)

    def step(self, layer, dZ, batch, count, learning_rate, lambd):
        beta, V = self.beta, self.V
        self.a *= beta
        V *= beta
        if lambd:
            self.a += (1 - beta) * (lambd / count) * layer.s
            np.multiply(layer.C, (1 - beta) * (lambd / count), out=layer.scratch)
            V += layer.scratch
        _add_to_columns(V, batch, dZ, (1 - beta) / count, layer.scratch)
        np.multiply(V, learning_rate, out=layer.scratch)
        layer.C -= layer.scratch
        return layer.s - learning_rate * self.a


LINEAR_UPDATES = {
    GradientDescent: GradientDescentRule,
    Momentum: MomentumRule,
}
"""Optimizers whose updates are linear in the gradients, with their rule on ``(s, C)``."""


def _add_to_columns(target, batch, dZ, factor, scratch):
    """``target[:, batch] += factor * dZ`` (all columns when ``batch`` is None)."""
    if batch is None:
        np.multiply(dZ, factor, out=scratch)
        target += scratch
    else:
        target[:, batch] += factor * dZ
