"""Parameter updates: gradient descent and the Course-2 optimizers.

Every optimizer updates the arrays of ``parameters`` in place, one entry per
gradient it is given (``"dW1"`` updates ``"W1"``), so frozen layers are simply
left out of the gradients. Each optimizer owns its state (velocities, squared
averages, step count), keyed like the parameters.
"""

from __future__ import annotations

import numpy as np

from deepcat.core.registry import lookup
from deepcat.core.validation import check_in_range, check_positive_float


def update_parameters(parameters, gradients, learning_rate):
    """One step of gradient descent, the course's ``update_parameters``.

    Parameters
    ----------
    parameters : dict
        ``"W{l}"``: ``(n_l, n_{l-1})``, ``"b{l}"``: ``(n_l, 1)``; updated in place.
    gradients : dict
        ``"dW{l}"`` and ``"db{l}"`` with the same shapes.
    learning_rate : float
        ``alpha``.

    Returns
    -------
    parameters : the same dict.

    Notes
    -----
    ``W[l] = W[l] - alpha dW[l]``, ``b[l] = b[l] - alpha db[l]``.
    """
    for key, grad in gradients.items():
        param = parameters[key[1:]]
        param -= param.dtype.type(learning_rate) * grad
    return parameters


class GradientDescent:
    """Plain gradient descent: ``theta = theta - alpha d_theta``."""

    coefficients: tuple[str, ...] = ()

    def update(self, parameters, gradients, learning_rate):
        """Apply one step to ``parameters`` in place; see :func:`update_parameters`."""
        update_parameters(parameters, gradients, learning_rate)


class Momentum:
    """Gradient descent with momentum.

    Notes
    -----
    ``v = beta v + (1 - beta) d_theta``; ``theta = theta - alpha v``; ``v`` starts at 0.
    """

    coefficients = ("beta",)

    def __init__(self, beta=0.9):
        self.beta = check_in_range(beta, "beta", 0.0, 1.0, high_open=True)
        self.velocity = {}

    def update(self, parameters, gradients, learning_rate):
        for key, grad in gradients.items():
            v = self.velocity.setdefault(key, np.zeros_like(grad))
            v *= self.beta
            v += (1 - self.beta) * grad
            param = parameters[key[1:]]
            param -= param.dtype.type(learning_rate) * v


class RMSprop:
    """Root-mean-square propagation.

    Notes
    -----
    ``s = beta s + (1 - beta) d_theta^2``; ``theta = theta - alpha d_theta / (sqrt(s) + epsilon)``.
    """

    coefficients = ("beta", "epsilon")

    def __init__(self, beta=0.999, epsilon=1e-8):
        self.beta = check_in_range(beta, "beta", 0.0, 1.0, high_open=True)
        self.epsilon = check_positive_float(epsilon, "epsilon")
        self.squares = {}

    def update(self, parameters, gradients, learning_rate):
        for key, grad in gradients.items():
            s = self.squares.setdefault(key, np.zeros_like(grad))
            s *= self.beta
            s += (1 - self.beta) * grad * grad
            param = parameters[key[1:]]
            param -= param.dtype.type(learning_rate) * grad / (np.sqrt(s) + self.epsilon)


class Adam:
    """Adam: momentum and RMSprop with bias correction (Kingma and Ba 2015).

    Notes
    -----
    With step count ``t`` starting at 1:
    ``v = beta1 v + (1 - beta1) d_theta``, ``s = beta2 s + (1 - beta2) d_theta^2``,
    ``v_hat = v / (1 - beta1^t)``, ``s_hat = s / (1 - beta2^t)``,
    ``theta = theta - alpha v_hat / (sqrt(s_hat) + epsilon)``.
    """

    coefficients = ("beta1", "beta2", "epsilon")

    def __init__(self, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.beta1 = check_in_range(beta1, "beta1", 0.0, 1.0, high_open=True)
        self.beta2 = check_in_range(beta2, "beta2", 0.0, 1.0, high_open=True)
        self.epsilon = check_positive_float(epsilon, "epsilon")
        self.t = 0
        self.velocity = {}
        self.squares = {}

    def update(self, parameters, gradients, learning_rate):
        self.t += 1
        v_correction = 1 - self.beta1**self.t
        s_correction = 1 - self.beta2**self.t
        for key, grad in gradients.items():
            v = self.velocity.setdefault(key, np.zeros_like(grad))
            s = self.squares.setdefault(key, np.zeros_like(grad))
            v *= self.beta1
            v += (1 - self.beta1) * grad
            s *= self.beta2
            s += (1 - self.beta2) * grad * grad
            step = (v / v_correction) / (np.sqrt(s / s_correction) + self.epsilon)
            param = parameters[key[1:]]
            param -= param.dtype.type(learning_rate) * step


OPTIMIZERS = {
    "gd": GradientDescent,
    "momentum": Momentum,
    "rmsprop": RMSprop,
    "adam": Adam,
}


def make_optimizer(name, **coefficients):
    """Build the optimizer registered under ``name`` from the coefficients it uses.

    Coefficients given as ``None`` take the optimizer's default; one that the
    optimizer does not use (``beta1`` for ``"momentum"``) is an error.
    """
    cls = lookup(OPTIMIZERS, name, "optimizer")
    given = {k: v for k, v in coefficients.items() if v is not None}
    unused = sorted(set(given) - set(cls.coefficients))
    if unused:
        takes = ", ".join(cls.coefficients) or "no coefficients"
        raise ValueError(f"optimizer {name!r} takes {takes}; got {', '.join(unused)}")
    return cls(**given)
