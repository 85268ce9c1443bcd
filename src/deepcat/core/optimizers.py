"""Parameter updates: gradient descent and the Course-2 optimizers.

Every optimizer updates the arrays of ``parameters`` in place, one entry per
gradient it is given (``"dW1"`` updates ``"W1"``), so frozen layers are simply
left out of the gradients. Each optimizer owns its state (velocities, squared
averages, step count), keyed like the gradients, and the scratch arrays its
arithmetic needs, allocated on the first update of each key and reused after
that: from the second step on, :meth:`update` allocates nothing, which is what
the training loop relies on. The operations and their order are the formulas'
as written in each docstring, so the results do not depend on the buffers.

``update(..., reuse_gradients=True)`` lets RMSprop and Adam hold their denominator
``sqrt(s) + epsilon`` in the gradient arrays once they have read them, instead of in one more
scratch array per parameter: the training loop, which computes fresh gradients at every step,
saves that much memory (for a large first layer, the size of the layer). The results are the
same to the bit.

:class:`Adam` runs its step on large arrays as one compiled pass when Numba is installed
(:mod:`deepcat.core.kernels`): the same operations in the same order, with the same results to
the bit, and no scratch arrays.

Any array shape works, including 0-d arrays: the Gram-matrix first layer
(:mod:`deepcat.training.gram`) updates a scalar coefficient with these same
optimizers.
"""

from __future__ import annotations

import re

import numpy as np

from deepcat.core import kernels
from deepcat.core.registry import lookup
from deepcat.core.validation import check_in_range, check_positive_float

PARAMETER_GRADIENT = re.compile(r"d([Wb][1-9][0-9]*)")
"""The gradient keys :func:`update_parameters` steps: ``dW{l}`` and ``db{l}``."""


def update_parameters(parameters, gradients, learning_rate):
    """One step of gradient descent, the course's ``update_parameters``.

    Parameters
    ----------
    parameters : dict
        ``"W{l}"``: ``(n_l, n_{l-1})``, ``"b{l}"``: ``(n_l, 1)``; updated in place.
    gradients : dict
        ``"dW{l}"`` and ``"db{l}"`` with the same shapes. Other entries, such as the
        ``"dA{l}"`` that the course's ``L_model_backward`` also returns, are not parameter
        gradients and are left alone.
    learning_rate : float
        ``alpha``, cast to each parameter's dtype.

    Returns
    -------
    parameters : the same dict.

    Raises
    ------
    ValueError
        When a ``dW{l}`` or ``db{l}`` has no parameter to update, or another shape.

    Notes
    -----
    ``W[l] = W[l] - alpha dW[l]``, ``b[l] = b[l] - alpha db[l]``.
    """
    steps = {}
    for key, grad in gradients.items():
        match = PARAMETER_GRADIENT.fullmatch(key)
        if match is None:
            continue
        name = match.group(1)
        if name not in parameters:
            raise ValueError(f"gradients hold {key} but parameters have no {name}")
        shape, expected = np.shape(grad), np.shape(parameters[name])
        if shape != expected:
            raise ValueError(f"{key} must have {name}'s shape {expected}, got {shape}")
        steps[key] = grad
    return descend(parameters, steps, learning_rate)


def descend(parameters, gradients, learning_rate, buffers=None):
    """``theta = theta - alpha d_theta`` for every entry ``"d{theta}"`` of ``gradients``.

    The step of :func:`update_parameters` and :class:`GradientDescent`, for any key: the
    Gram-matrix first layer steps its ``"ds1"`` and ``"dC1"`` with it.

    Parameters
    ----------
    parameters : dict of ndarray
        Updated in place; ``gradients[key]`` steps ``parameters[key[1:]]``, of its shape.
    gradients : dict of ndarray
    learning_rate : float
        ``alpha``, cast to each parameter's dtype.
    buffers : dict, optional
        Scratch arrays by gradient key, filled on first use; given, the step allocates
        nothing after the first call.

    Returns
    -------
    parameters : the same dict.
    """
    rates = {}  # alpha in each parameter dtype, cast once per step
    for key, grad in gradients.items():
        param = parameters[key[1:]]
        rate = rates.get(param.dtype)
        if rate is None:
            rate = rates[param.dtype] = param.dtype.type(learning_rate)
        scratch = None if buffers is None else _scratch(buffers, key, grad, 1)[0]
        param -= np.multiply(grad, rate, out=scratch)
    return parameters


class GradientDescent:
    """Plain gradient descent: ``theta = theta - alpha d_theta``.

    Attributes
    ----------
    buffers : dict
        One scratch array per gradient key, of the gradient's shape.
    """

    coefficients: tuple[str, ...] = ()
    linear_in_gradients = True
    """The step is a fixed linear combination of the gradients (what the Gram path needs)."""
    arrays_per_parameter = 1
    """Arrays of each parameter's shape the optimizer keeps (state and scratch) when the
    training loop lets it reuse the gradients: for the memory estimate of a fit."""

    def __init__(self):
        self.buffers = {}

    def update(self, parameters, gradients, learning_rate, reuse_gradients=False):
        """Apply one step to ``parameters`` in place; see :func:`descend`."""
        descend(parameters, gradients, learning_rate, self.buffers)


class Momentum:
    """Gradient descent with momentum.

    Notes
    -----
    ``v = beta v + (1 - beta) d_theta``; ``theta = theta - alpha v``; ``v`` starts at 0.
    """

    coefficients = ("beta",)
    linear_in_gradients = True
    arrays_per_parameter = 2

    def __init__(self, beta=0.9):
        self.beta = check_in_range(beta, "beta", 0.0, 1.0, high_open=True)
        self.velocity = {}
        self.buffers = {}

    def update(self, parameters, gradients, learning_rate, reuse_gradients=False):
        """Apply one step to ``parameters`` in place, for every key of ``gradients``."""
        for key, grad in gradients.items():
            param = parameters[key[1:]]
            v = _state(self.velocity, key, grad)
            (scratch,) = _scratch(self.buffers, key, grad, 1)
            v *= self.beta
            v += np.multiply(grad, 1 - self.beta, out=scratch)
            param -= np.multiply(v, param.dtype.type(learning_rate), out=scratch)


class RMSprop:
    """Root-mean-square propagation.

    Notes
    -----
    ``s = beta s + (1 - beta) d_theta^2``; ``theta = theta - alpha d_theta / (sqrt(s) + epsilon)``.
    """

    coefficients = ("beta", "epsilon")
    linear_in_gradients = False
    arrays_per_parameter = 2

    def __init__(self, beta=0.999, epsilon=1e-8):
        self.beta = check_in_range(beta, "beta", 0.0, 1.0, high_open=True)
        self.epsilon = check_positive_float(epsilon, "epsilon")
        self.squares = {}
        self.buffers = {}

    def update(self, parameters, gradients, learning_rate, reuse_gradients=False):
        """Apply one step to ``parameters`` in place, for every key of ``gradients``."""
        for key, grad in gradients.items():
            param = parameters[key[1:]]
            s = _state(self.squares, key, grad)
            buffers = _scratch(self.buffers, key, grad, 1 if reuse_gradients else 2)
            step = buffers[0]
            s *= self.beta
            np.multiply(grad, 1 - self.beta, out=step)
            step *= grad  # (1 - beta) d_theta d_theta, in that order
            s += step
            np.multiply(grad, param.dtype.type(learning_rate), out=step)
            # grad is not read after this line: with reuse_gradients it holds the denominator.
            denominator = grad if reuse_gradients else buffers[1]
            np.sqrt(s, out=denominator)
            denominator += self.epsilon
            step /= denominator
            param -= step


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
    linear_in_gradients = False
    arrays_per_parameter = 3
    """``v``, ``s`` and one scratch array; the compiled kernel needs no scratch (see
    :meth:`arrays_for`)."""
    divides_gradients = True
    """:meth:`update` takes ``divisors``: gradients still to be divided by ``m``."""

    def __init__(self, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.beta1 = check_in_range(beta1, "beta1", 0.0, 1.0, high_open=True)
        self.beta2 = check_in_range(beta2, "beta2", 0.0, 1.0, high_open=True)
        self.epsilon = check_positive_float(epsilon, "epsilon")
        self.t = 0
        self.velocity = {}
        self.squares = {}
        self.buffers = {}

    def arrays_for(self, size, dtype):
        """Arrays of a parameter's shape this optimizer keeps for one of ``size`` elements,
        when the training loop lets it reuse the gradients: 2 under the compiled kernel."""
        return 2 if kernels.covers(size, dtype) else self.arrays_per_parameter

    def update(self, parameters, gradients, learning_rate, reuse_gradients=False, divisors=None):
        """One step (``t += 1``) for every key of ``gradients``, in place.

        Large arrays go through the compiled one-pass kernel when Numba is active
        (:mod:`deepcat.core.kernels`), the others through NumPy's passes: the same operations
        in the same order, so the results are identical either way.

        ``divisors``, a dict by gradient key (with ``reuse_gradients`` only): that gradient
        array holds ``m dW``, still to be divided by ``m``, as the training loop leaves it
        (:func:`~deepcat.core.propagation.linear_backward` with ``divide_dW=False``). The step
        divides first, with the results of a division done before, one pass fewer.
        """
        if divisors and not reuse_gradients:
            raise ValueError(
                "Adam.update divides gradients in place: divisors need reuse_gradients"
            )
        self.t += 1
        v_correction = 1 - self.beta1**self.t
        s_correction = 1 - self.beta2**self.t
        active = kernels.numba_active()
        by_dtype = {}  # the coefficients in each parameter dtype, cast once per step
        for key, grad in gradients.items():
            param = parameters[key[1:]]
            v = _state(self.velocity, key, grad)
            s = _state(self.squares, key, grad)
            coefficients = by_dtype.get(param.dtype)
            if coefficients is None:
                # As NumPy casts a Python float operand to the array's dtype.
                cast = param.dtype.type
                coefficients = by_dtype[param.dtype] = (
                    cast(self.beta1),
                    cast(1 - self.beta1),
                    cast(self.beta2),
                    cast(1 - self.beta2),
                    cast(v_correction),
                    cast(s_correction),
                    cast(self.epsilon),
                    cast(learning_rate),
                )
            divisor = None if divisors is None else divisors.get(key)
            arrays = (param, grad, v, s)
            compiled = kernels.compiled() if kernels.applies(arrays, active) else None
            if compiled is not None:
                flat = (a.reshape(-1) for a in arrays)
                scale = param.dtype.type(1 if divisor is None else divisor)
                compiled.adam_step(*flat, scale, *coefficients)
                continue
            if divisor is not None:
                grad /= divisor  # as linear_backward's dW /= m
            buffers = _scratch(self.buffers, key, grad, 1 if reuse_gradients else 2)
            # grad is not read after s: with reuse_gradients it holds the denominator.
            denominator = grad if reuse_gradients else buffers[1]
            _adam_passes(param, grad, v, s, buffers[0], denominator, *coefficients)


def _adam_passes(
    param, grad, v, s, step, denominator, beta1, c1, beta2, c2, v_correction, s_correction, eps, lr
):
    """Adam's step as 14 NumPy passes over arrays of one shape; ``step`` and ``denominator``
    are scratch (``denominator`` may be ``grad``, which is not read after ``s``). The scalars
    are in the arrays' dtype; ``c1 = 1 - beta1``, ``c2 = 1 - beta2``."""
    v *= beta1
    v += np.multiply(grad, c1, out=step)
    s *= beta2
    np.multiply(grad, c2, out=step)
    step *= grad
    s += step
    np.divide(s, s_correction, out=denominator)
    np.sqrt(denominator, out=denominator)
    denominator += eps  # sqrt(s_hat) + epsilon
    np.divide(v, v_correction, out=step)
    step /= denominator
    step *= lr
    param -= step


def _state(store, key, grad):
    """``store[key]``, created as zeros of ``grad``'s shape and dtype on first use."""
    if key not in store:
        store[key] = np.zeros(grad.shape, grad.dtype)
    return store[key]


def _scratch(store, key, grad, count):
    """``count`` scratch arrays of ``grad``'s shape and dtype, made once per key.

    A later gradient of another shape under the same key makes the ``out=`` of the caller's
    ufuncs raise, rather than give a wrong result.
    """
    buffers = store.get(key, ())
    if len(buffers) < count:
        more = tuple(np.empty(grad.shape, grad.dtype) for _ in range(count - len(buffers)))
        buffers = store[key] = buffers + more
    return buffers


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
