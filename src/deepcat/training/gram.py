"""The first layer through the Gram matrix ``Xᵀ X``: exact, and far cheaper when m < n_x.

Why it is exact. Gradient descent and momentum, with L2 weight decay and dropout, change
``W[1]`` by linear combinations of ``W[1]`` itself and of ``dW[1] = dZ[1] Xᵀ / m``, whose rows
are combinations of the training inputs. So at every iteration

    W[1] = s W[1]_init + C Xᵀ,      s a number, C of shape (n_1, m),

and the first layer's pre-activations need no product with ``W[1]``:

    Z[1] = s P + C G + b[1],        P = W[1]_init X  (n_1, m),  G = Xᵀ X  (m, m).

``P`` and ``G`` are computed once; an iteration then costs ``n_1 m m_batch`` multiply-adds instead
of ``2 n_1 n_x m_batch`` for ``W[1] X`` and ``dZ[1] Xᵀ``. For the course's cats (n_x = 12288,
m = 209) that is about 60 times less work.

The update. Written in the coordinates ``(s, C)``, the gradient of the cost is

    dJ/dW[1] = ds W[1]_init + dC Xᵀ,   ds = (lambd / m) s,   dC = (lambd / m) C + dZ[1] / m

(with mini-batches ``dZ[1] / m`` fills the batch's columns of ``dC`` and ``m`` is the batch
size): :func:`deepcat.core.losses.add_l2_gradient` gives the L2 parts, as for every other
layer. Because the map ``(s, C) -> s W[1]_init + C Xᵀ`` is linear, an optimizer whose step is
linear in the gradients (``linear_in_gradients``) updates ``W[1]`` exactly when it updates
``(s, C)`` with ``(ds, dC)``, so the one optimizer object of the fit steps ``s`` and ``C``
(keys ``"s1"``, ``"C1"``) with its own ``update``, together with the other layers. Momentum's
velocity is then ``v_s W[1]_init + V_C Xᵀ``. Adam and RMSprop are not linear: not here.

``||W[1]||² = s² ||W[1]_init||² + 2 s <P, C> + <C G, C>`` gives the L2 cost. ``W[1]`` itself is
written back by :meth:`GramInput.sync` when someone needs it: at the end of training, and when
validation data is evaluated. For m >= n_x ``G`` would be no smaller than ``X``.
"""

from __future__ import annotations

import numpy as np

from deepcat.core.losses import add_l2_gradient
from deepcat.training.batches import float_feature_chunks


class GramInput:
    """Layer 1 as ``Z[1] = s P + C G + b[1]`` (see the module docstring).

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
        Float of ``dtype``, or integer when ``config.input_scale`` is set.
    parameters : dict
        The live parameters; ``W1`` ``(n_1, n_x)`` is read now and written by :meth:`sync`,
        ``b1`` ``(n_1, 1)`` is read at every forward pass (and trained as usual).
    dtype : NumPy float type
    config : deepcat.training.settings.TrainingConfig
        Its optimizer must be ``linear_in_gradients`` (see
        :func:`deepcat.training.methods.why_not_gram`).

    Attributes
    ----------
    coordinates : dict
        ``{"s1": s, "C1": C}``, ``s`` a 0-d float64 array, ``C`` ``(n_1, m)`` of ``dtype``: what
        the optimizer updates in place of ``W1``.
    gradients : dict
        ``{"ds1": ds, "dC1": dC}``, shaped like them, written by :meth:`backward`.
    W_init : ndarray, shape (n_1, n_x)
        ``W[1]`` before the fit.
    """

    def __init__(self, X, parameters, dtype, config):
        self.X, self.input_scale, self.dtype = X, config.input_scale, dtype
        self.W, self.b = parameters["W1"], parameters["b1"]
        self.W_init = self.W.copy()
        self.W_init_square = float(np.vdot(self.W_init, self.W_init))
        n_1, m = self.W.shape[0], X.shape[1]
        self.G = np.zeros((m, m), dtype)
        self.P = np.zeros((n_1, m), dtype)
        for rows, X_rows in float_feature_chunks(X, self.input_scale, dtype):
            self.G += X_rows.T @ X_rows
            self.P += self.W_init[:, rows] @ X_rows
        self.s = np.array(1.0)
        self.C = np.zeros((n_1, m), dtype)
        self.coordinates = {"s1": self.s, "C1": self.C}
        self.gradients = {"ds1": np.zeros(()), "dC1": np.zeros((n_1, m), dtype)}
        self.scratch = {"s1": np.empty(()), "C1": np.empty((n_1, m), dtype)}
        self.lambd = config.lambd
        self.CG_dot_C = None

    def forward(self, batch, out):
        """``Z[1]`` ``(n_1, m_batch)`` of the examples ``batch`` (None: all) into ``out``."""
        s = float(self.s)
        if batch is None:
            np.matmul(self.C, self.G, out=out)
            # <C G, C> for the L2 cost, while out still holds C G.
            self.CG_dot_C = float(np.vdot(out, self.C)) if self.lambd else None
            P = self.P
        else:
            np.matmul(self.C, self.G[batch].T, out=out)
            self.CG_dot_C = None
            P = self.P[:, batch]
        if s == 1.0:
            out += P
        else:
            out += s * P
        out += self.b
        return out

    def squared_norm(self):
        """``||W[1]||_F²`` for the current ``(s, C)``, without forming ``W[1]``."""
        if self.CG_dot_C is None:
            self.CG_dot_C = float(np.vdot(self.C @ self.G, self.C))
        s = float(self.s)
        cross = float(np.vdot(self.P, self.C))
        return s * s * self.W_init_square + 2.0 * s * cross + self.CG_dot_C

    def backward(self, dZ, batch, lambd):
        """``(ds, dC)`` for ``dZ[1]`` ``(n_1, m_batch)`` of the examples ``batch`` (None: all).

        Returns :attr:`gradients`, to be stepped with :attr:`coordinates` by the optimizer.
        """
        count = dZ.shape[1]
        ds, dC = self.gradients["ds1"], self.gradients["dC1"]
        if batch is None:
            np.divide(dZ, count, out=dC)
        else:
            dC.fill(0.0)
            dC[:, batch] = dZ / count
        ds[...] = 0.0  # W[1]_init's component of dW[1] has no data term
        if lambd:
            add_l2_gradient(ds, self.s, lambd, count, self.scratch["s1"])
            add_l2_gradient(dC, self.C, lambd, count, self.scratch["C1"])
        return self.gradients

    def sync(self):
        """Write ``W[1] = s W[1]_init + C Xᵀ`` into the live parameters."""
        for rows, X_rows in float_feature_chunks(self.X, self.input_scale, self.dtype):
            self.W[:, rows] = self.C @ X_rows.T
        s = float(self.s)
        if s == 1.0:
            self.W += self.W_init
        else:
            self.W += s * self.W_init
