"""The optimizers' updates written in place, for the fast training paths.

Each class here performs the update of one optimizer of :mod:`deepcat.core.optimizers`, with the
same arithmetic in the same order, but into buffers allocated once instead of a new array per
operation, and one parameter at a time, so that a layer can be updated as soon as its gradient
is known. The state (velocities, squared averages, step count) is kept in the optimizer object
itself, under the same keys, so it ends exactly where :meth:`update` would have left it.

``apply(key, param, grad, learning_rate, scratch)`` may overwrite ``grad``; ``scratch`` is a
buffer of ``param``'s shape and dtype.
"""

from __future__ import annotations

import numpy as np

from deepcat.core.optimizers import Adam, GradientDescent, Momentum, RMSprop


class GradientDescentInPlace:
    """``theta -= alpha d_theta``."""

    def __init__(self, optimizer):
        self.optimizer = optimizer

    def begin_step(self):
        """Called once per iteration, before the first :meth:`apply`."""

    def apply(self, key, param, grad, learning_rate, scratch):
        np.multiply(grad, param.dtype.type(learning_rate), out=scratch)
        param -= scratch


class MomentumInPlace(GradientDescentInPlace):
    """``v = beta v + (1 - beta) d_theta``; ``theta -= alpha v``."""

    def apply(self, key, param, grad, learning_rate, scratch):
        beta = self.optimizer.beta
        v = _state(self.optimizer.velocity, key, grad)
        v *= beta
        np.multiply(grad, 1 - beta, out=scratch)
        v += scratch
        np.multiply(v, param.dtype.type(learning_rate), out=scratch)
        param -= scratch


class RMSpropInPlace(GradientDescentInPlace):
    """``s = beta s + (1 - beta) d_theta^2``; ``theta -= alpha d_theta / (sqrt(s) + epsilon)``."""

    def apply(self, key, param, grad, learning_rate, scratch):
        beta = self.optimizer.beta
        s = _state(self.optimizer.squares, key, grad)
        s *= beta
        np.multiply(grad, 1 - beta, out=scratch)
        scratch *= grad
        s += scratch
        np.sqrt(s, out=scratch)
        scratch += self.optimizer.epsilon
        grad *= param.dtype.type(learning_rate)
        grad /= scratch
        param -= grad


class AdamInPlace(GradientDescentInPlace):
    """Adam with bias correction; see :class:`deepcat.optimizers.Adam`."""

    def begin_step(self):
        self.optimizer.t += 1
        self.v_correction = 1 - self.optimizer.beta1**self.optimizer.t
        self.s_correction = 1 - self.optimizer.beta2**self.optimizer.t

    def apply(self, key, param, grad, learning_rate, scratch):
        adam = self.optimizer
        v = _state(adam.velocity, key, grad)
        s = _state(adam.squares, key, grad)
        v *= adam.beta1
        np.multiply(grad, 1 - adam.beta1, out=scratch)
        v += scratch
        s *= adam.beta2
        np.multiply(grad, 1 - adam.beta2, out=scratch)
        scratch *= grad
        s += scratch
        # grad is no longer needed: it holds the denominator sqrt(s_hat) + epsilon.
        np.divide(s, self.s_correction, out=grad)
        np.sqrt(grad, out=grad)
        grad += adam.epsilon
        np.divide(v, self.v_correction, out=scratch)
        scratch /= grad
        scratch *= param.dtype.type(learning_rate)
        param -= scratch


IN_PLACE_UPDATES = {
    GradientDescent: GradientDescentInPlace,
    Momentum: MomentumInPlace,
    RMSprop: RMSpropInPlace,
    Adam: AdamInPlace,
}
"""In-place form of each optimizer class; an optimizer missing here trains in the plain loop."""


def _state(store, key, grad):
    if key not in store:
        store[key] = np.zeros(grad.shape, grad.dtype)
    return store[key]
