"""Fast exact training paths, chosen automatically by :func:`deepcat.training.train`.

The plain loop of :mod:`deepcat.training.loop` is written to be read next to the seed articles.
This module trains with the same mathematics and less work, in one of two formulations:

``"dense"``
    The first layer as the seeds write it, ``Z[1] = W[1] X + b[1]``, with every array of the hot
    loop allocated once; the parameters gathered into one flat vector that the optimizer
    updates in place with one call per operation (:mod:`deepcat.training.inplace`); no ``dA`` below the
    lowest trainable layer (never ``dA[0]``); each mini-batch read as contiguous rows and, for
    integer pixels, divided by ``input_scale`` batch by batch (:mod:`deepcat.training.batches`).
``"gram"``
    The same, with the first layer through the Gram matrix ``Xᵀ X`` (:mod:`deepcat.training.gram`):
    exact for updates linear in the gradients (gradient descent, momentum, L2).

:func:`choose_method` takes the formulation with the fewest floating-point operations among
those that apply, and ``"plain"`` (the readable loop) when none does: dropout, or an optimizer
without an in-place form. ``History.method`` records which one ran, and
``with use_method("plain"): ...`` forces one, for comparisons and benchmarks.

During a fast fit ``network.parameters`` holds views into the flat vector, so it stays live
for a ``callback``, except ``W1`` under ``"gram"``, which is brought up to date only when
validation data is evaluated and at the end. After the fit it holds the original arrays again.
"""

from __future__ import annotations

import contextlib
import contextvars
import math

import numpy as np

from deepcat.core.activations import get_activation, get_derivative
from deepcat.core.losses import get_loss
from deepcat.training.batches import BatchReader
from deepcat.training.gram import LINEAR_UPDATES, GramInput
from deepcat.training.inplace import IN_PLACE_UPDATES

METHODS = ("plain", "dense", "gram")
"""Every training formulation, by the name ``History.method`` reports."""

_FORCED = contextvars.ContextVar("deepcat_training_method", default=None)


@contextlib.contextmanager
def use_method(method):
    """Train with ``method`` (one of :data:`METHODS`) inside the ``with`` block.

    ``fit`` then raises a ``ValueError`` saying why, if that formulation does not apply.
    """
    if method not in METHODS:
        raise ValueError(f"unknown training method {method!r}; expected one of {METHODS}")
    token = _FORCED.set(method)
    try:
        yield
    finally:
        _FORCED.reset(token)


def choose_method(network, X, config):
    """The cheapest exact formulation for this fit: ``"plain"``, ``"dense"`` or ``"gram"``.

    Parameters
    ----------
    network : deepcat.Network
    X : ndarray, shape (n_x, m)
    config : deepcat.training.settings.TrainingConfig
    """
    forced = _FORCED.get()
    if forced == "plain":
        return "plain"
    reasons = {name: _why_not(name, network, X, config) for name in ("dense", "gram")}
    if forced is not None:
        if reasons[forced]:
            raise ValueError(f"the {forced!r} training method does not apply: {reasons[forced]}")
        return forced
    if reasons["dense"]:
        return "plain"
    if reasons["gram"] is None and _first_layer_flops("gram", network, X, config) < (
        _first_layer_flops("dense", network, X, config)
    ):
        return "gram"
    return "dense"


def _why_not(method, network, X, config):
    """Why ``method`` cannot train this fit exactly, or None when it can."""
    if config.keep_prob is not None:
        return "dropout draws its masks in the plain loop"
    if type(config.optimizer) not in IN_PLACE_UPDATES:
        return f"{type(config.optimizer).__name__} has no in-place update"
    if method == "dense":
        return None
    n_x, m = X.shape
    if type(config.optimizer) not in LINEAR_UPDATES:
        return f"{type(config.optimizer).__name__} steps are not linear in the gradients"
    if network.frozen:
        return "layer 1 is frozen, so its weights never change"
    if m >= n_x:
        return f"m = {m} examples >= n_x = {n_x} features: Xᵀ X would be no smaller than X"
    if m * m * np.dtype(network.dtype).itemsize > X.nbytes:
        return f"the Gram matrix of m = {m} examples would take more memory than X"
    return None


def _first_layer_flops(method, network, X, config):
    """Multiply-adds the first layer costs over the whole fit (the other layers are shared)."""
    n_x, m = X.shape
    n_1 = network.layer_dims[1]
    batch = min(config.batch_size or m, m)
    iterations = config.iterations or config.epochs * math.ceil(m / batch)
    if method == "dense":
        return iterations * 2 * n_1 * n_x * batch
    per_iteration = n_1 * m * batch + (n_1 * m * m if config.lambd and batch < m else 0)
    return n_x * m * m / 2 + 2 * n_1 * n_x * m + iterations * per_iteration


class DenseInput:
    """Layer 1 as the seeds write it: ``Z[1] = W[1] A[0] + b[1]``, ``dW[1] = dZ[1] A[0]ᵀ``.

    Parameters as for :class:`deepcat.gram.GramInput`. ``W[1]`` is trained with the other
    parameters, in the flat vector of :class:`FlatParameters`.
    """

    def __init__(self, X, parameters, dtype, config, batch_size):
        self.reader = BatchReader(X, config.input_scale, dtype, batch_size)
        self.W, self.b = parameters["W1"], parameters["b1"]
        self.A0 = None

    def forward(self, batch, out):
        """``Z[1]`` of the batch (None: all examples) into ``out`` ``(n_1, m_batch)``."""
        self.A0 = self.reader.read(batch)
        np.matmul(self.W, self.A0, out=out)
        out += self.b
        return out

    def squared_norm(self):
        """``||W[1]||_F²``."""
        return float(np.vdot(self.W, self.W))

    def backward(self, dZ, batch, count, learning_rate, lambd, dW):
        """``dZ[1] A[0]ᵀ`` into ``dW`` (the ``1/m`` is applied with the other gradients)."""
        np.matmul(dZ, self.A0.T, out=dW)

    def sync(self):
        """Nothing to do: ``W[1]`` is updated in place."""


FIRST_LAYERS = {"dense": DenseInput, "gram": GramInput}


class FlatParameters:
    """Parameters copied into one flat vector for the length of a ``fit``.

    The optimizer then updates every trainable parameter with one call per operation instead
    of one per array. While it lasts, ``network.parameters`` maps each name to a view into the
    vector, so the dict stays live; :meth:`release` copies the values back into the original
    arrays and puts those back in the dict, so callers holding them see the trained values.

    Parameters
    ----------
    parameters : dict
        ``network.parameters``, rebound in place.
    keys : list of str
        The names to move, in order (``"W1", "b1", "W2", ...``).
    dtype : NumPy float type
    """

    def __init__(self, parameters, keys, dtype):
        self.parameters = parameters
        self.originals = {key: parameters[key] for key in keys}
        self.offsets = {}
        total = 0
        for key in keys:
            self.offsets[key] = total
            total += parameters[key].size
        self.values = np.empty(total, dtype)
        self.views = {}
        for key in keys:
            view = self._view(self.values, key)
            view[...] = self.originals[key]
            self.views[key] = view
        parameters.update(self.views)

    def _view(self, vector, key):
        first = self.offsets[key]
        shape = self.originals[key].shape
        return vector[first : first + math.prod(shape)].reshape(shape)

    def views_into(self, vector):
        """``{key: view}`` of another vector laid out like :attr:`values` (e.g. gradients)."""
        return {key: self._view(vector, key) for key in self.offsets}

    def release(self):
        """Copy the values into the original arrays and put those back in the dict."""
        for key, original in self.originals.items():
            original[...] = self.views[key]
            self.parameters[key] = original


class FastNetwork:
    """Forward and backward passes over buffers allocated once, for one ``fit``.

    It offers the methods of :class:`deepcat.training.PlainPasses` (``cost``, ``step``,
    ``sync``, ``values_before_fit``, ``release``), so the training loop of
    :mod:`deepcat.training.loop` runs either without knowing which.

    Layer 1 is delegated to a :data:`FIRST_LAYERS` object; layers 2..L are computed as in
    :mod:`deepcat.core.propagation`, with the same operations in the same order. Gradients are
    written into one flat vector laid out like :class:`FlatParameters`, and the optimizer steps
    all trainable parameters at once.

    Parameters
    ----------
    network : deepcat.Network
    X : ndarray, shape (n_x, m)
    config : deepcat.training.settings.TrainingConfig
    method : "dense" or "gram"
    batch_size : int
    """

    def __init__(self, network, X, config, method, batch_size):
        dims, dtype, L = network.layer_dims, network.dtype, network.L
        self.dims, self.L = dims, L
        self.lowest_trainable = network.frozen + 1
        self.lambd = config.lambd
        keys = [f"{p}{l}" for l in range(1, L + 1) for p in "Wb"]
        if method == "gram":
            keys.remove("W1")  # trained through the Gram matrix, see deepcat.training.gram
        self.flat = FlatParameters(network.parameters, keys, dtype)
        try:
            self.first = FIRST_LAYERS[method](X, network.parameters, dtype, config, batch_size)
        except BaseException:  # e.g. MemoryError: leave the dict as it was found
            self.flat.release()
            raise
        self.updates = IN_PLACE_UPDATES[type(config.optimizer)](config.optimizer)
        self.loss = get_loss(network.activations[-1])
        self.output = get_activation(network.activations[-1])
        self.hidden = [None] + network.activations[:-1]
        self.W = [None] + [network.parameters[f"W{l}"] for l in range(1, L + 1)]
        self.b = [None] + [network.parameters[f"b{l}"] for l in range(1, L + 1)]
        # Gradients laid out like the parameters; the trainable ones are a tail of the vector.
        self.grad = np.empty_like(self.flat.values)
        self.scratch = np.empty_like(self.flat.values)
        gradients = self.flat.views_into(self.grad)
        self.dW = [None] + [gradients.get(f"W{l}") for l in range(1, L + 1)]
        self.db = [None] + [gradients[f"b{l}"] for l in range(1, L + 1)]
        self.W_scratch = self.flat.views_into(self.scratch)
        self.first_trainable = self.flat.offsets[
            f"b{self.lowest_trainable}"
            if self.lowest_trainable == 1 and method == "gram"
            else f"W{self.lowest_trainable}"
        ]
        # Flat buffers, viewed as (n_l, m_batch) for each batch size (the last batch may be
        # smaller).
        self.Z_buffers = [None] + [np.empty(n * batch_size, dtype) for n in dims[1:]]
        self.A_buffers = [None] + [np.empty(n * batch_size, dtype) for n in dims[1:-1]]
        widest = max(dims[1:-1], default=1) * batch_size
        self.dA_buffers = [np.empty(widest, dtype), np.empty(widest, dtype)]
        self.layouts = {}
        self.AL = None

    def _layout(self, count):
        """Views ``(Z, A, dA)`` of the buffers for a batch of ``count`` examples."""
        if count not in self.layouts:
            shapes = [(n, count) for n in self.dims]
            Z = [None] + [_view(self.Z_buffers[l], shapes[l]) for l in range(1, self.L + 1)]
            A = [None] + [_view(self.A_buffers[l], shapes[l]) for l in range(1, self.L)]
            # dA[l] receives W[l+1]ᵀ dZ[l+1]; consecutive layers alternate between two buffers.
            dA = [None] + [_view(self.dA_buffers[l % 2], shapes[l]) for l in range(1, self.L)]
            self.layouts[count] = (Z, A, dA)
        return self.layouts[count]

    def cost(self, batch, Y):
        """Forward pass for ``batch`` (None: all examples) and the cost J against ``Y``."""
        count = Y.shape[1]
        Z, A, _ = self._layout(count)
        self.first.forward(batch, Z[1])
        for l in range(2, self.L + 1):
            _activate(self.hidden[l - 1], Z[l - 1], A[l - 1])
            np.matmul(self.W[l], A[l - 1], out=Z[l])
            Z[l] += self.b[l]
        ZL = Z[self.L]
        self.AL = self.output(ZL)
        cost = self.loss(ZL, Y)
        if self.lambd:
            squares = [self.first.squared_norm()] + [float(np.vdot(W, W)) for W in self.W[2:]]
            cost += self.lambd / (2 * count) * sum(squares)
        return cost

    def step(self, batch, Y, learning_rate):
        """Backward pass after :meth:`cost`, then one optimizer step for all trainable layers.

        As :func:`deepcat.propagation.model_backward`: ``dZ[L] = AL - Y``,
        ``dW = dZ A_prevᵀ / m``, ``db = sum(dZ) / m``, then ``+ (lambd / m) W``; no ``dA``
        below the lowest trainable layer.
        """
        count = Y.shape[1]
        Z, A, dA = self._layout(count)
        lowest = self.lowest_trainable
        dZ = self.AL - Y
        for l in range(self.L, lowest - 1, -1):
            if l > 1:
                # dA[l-1] from W[l] before any update, as backpropagation requires.
                if l > lowest:
                    np.matmul(self.W[l].T, dZ, out=dA[l - 1])
                np.matmul(dZ, A[l - 1].T, out=self.dW[l])
            else:
                self.first.backward(dZ, batch, count, learning_rate, self.lambd, self.dW[1])
            np.add.reduce(dZ, axis=1, keepdims=True, out=self.db[l])
            if l > lowest:
                dZ = _multiply_derivative(self.hidden[l - 1], dA[l - 1], Z[l - 1])
        first = self.first_trainable
        gradient = self.grad[first:]
        gradient /= count
        if self.lambd:
            for l in range(lowest, self.L + 1):
                if self.dW[l] is not None:
                    np.multiply(self.W[l], self.lambd / count, out=self.W_scratch[f"W{l}"])
                    self.dW[l] += self.W_scratch[f"W{l}"]
        self.updates.begin_step()
        self.updates.apply(
            "parameters", self.flat.values[first:], gradient, learning_rate, self.scratch[first:]
        )

    def sync(self):
        """Bring ``network.parameters`` up to date (only ``W1`` under ``"gram"`` lags)."""
        self.first.sync()

    def values_before_fit(self):
        """Every parameter's value before training, without copying any of them again.

        The original arrays are left untouched until :meth:`release`, and the Gram path
        keeps ``W[1]``'s initial value anyway.
        """
        before = dict(self.flat.originals)
        if "W1" not in before:
            before["W1"] = self.first.W_init
        return before

    def release(self):
        """Give ``network.parameters`` its original arrays back, holding the current values."""
        self.flat.release()


def _view(buffer, shape):
    """The first elements of the flat ``buffer`` as a C-contiguous array of ``shape``."""
    return buffer[: math.prod(shape)].reshape(shape)


def _activate(name, Z, out):
    """``A = g(Z)`` into ``out``."""
    if name == "relu":
        return np.maximum(Z, 0, out=out)
    np.copyto(out, get_activation(name)(Z))
    return out


def _multiply_derivative(name, dA, Z):
    """``dZ = dA * g'(Z)``, computed in ``dA``'s buffer."""
    if name == "relu":
        return np.multiply(dA, Z > 0, out=dA)
    dA *= get_derivative(name)(Z)
    return dA
