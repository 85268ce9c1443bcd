"""The arithmetic of the training loop: forward, cost, backward and update for one batch.

:class:`Passes` computes exactly what :func:`~deepcat.core.propagation.model_forward`,
:func:`~deepcat.core.propagation.model_backward` and the optimizer's ``update`` compute, by
calling the same functions of :mod:`deepcat.core` layer by layer, with their ``out=`` buffers:
every array of a step is allocated once per batch size, at the first batch of that size (with
ReLU hidden layers nothing else is; sigmoid, tanh and leaky ReLU still make temporaries inside
their formulas). It also does no work that cannot change the result:

- no ``dA`` below the lowest trainable layer (never ``dA[0]``);
- each mini-batch's inputs read as contiguous rows when ``X`` is the transpose of an
  ``(m, n_x)`` array, integer pixels divided by ``input_scale`` batch by batch
  (:class:`~deepcat.training.batches.BatchReader`);
- frozen leading layers (``network.frozen = k``) are computed once for the whole training set
  before the first iteration: their output ``A[k]`` cannot change, so layers ``k+1..L`` train
  on it, batch by batch, as if it were the input (not when dropout draws masks on those layers,
  which would change ``A[k]`` at every step: then as many leading layers as have no dropout);
- with ``method="gram"``, layer 1 through the Gram matrix (:mod:`deepcat.training.gram`).
"""

from __future__ import annotations

import numpy as np

from deepcat.core.activations import get_activation, get_backward
from deepcat.core.losses import add_l2_gradient, get_loss, l2_regularization_cost
from deepcat.core.memory import array_bytes
from deepcat.core.propagation import (
    bias_gradient,
    dropout_backward,
    dropout_forward,
    linear_activation_forward,
    linear_backward,
)
from deepcat.core.streams import ExampleStream
from deepcat.training.batches import CHUNK_BYTES, StreamReader, batch_reader
from deepcat.training.gram import GramInput


class Passes:
    """Forward and backward passes of one ``fit``, over buffers allocated once.

    Parameters
    ----------
    network : deepcat.Network
        ``network.parameters`` is updated in place (``W1`` under ``"gram"`` only at
        :meth:`sync`).
    X : ndarray, shape (n_x, m)
        In the network's dtype, or integer with ``config.input_scale``.
    config : deepcat.training.settings.TrainingConfig
    method : "plain" or "gram" (see :mod:`deepcat.training.methods`)
    batch_size : int, the largest batch :meth:`cost` will be given.
    """

    def __init__(self, network, X, config, method, batch_size):
        L, dims, dtype = network.L, network.layer_dims, network.dtype
        self.network, self.config, self.L, self.dims = network, config, L, dims
        self.parameters = network.parameters
        self.keep_prob = config.keep_prob or [1.0] * (L - 1)
        self.lowest = network.frozen + 1  # the lowest trainable layer
        # Layers 1..first-1 are computed once (frozen, no dropout); first..L at every batch.
        self.first = 1 + _constant_layers(min(network.frozen, L - 1), self.keep_prob)
        self.gram = GramInput(X, self.parameters, dtype, config) if method == "gram" else None
        self.reader = None  # under "gram", X is read once, into the Gram matrix
        if self.gram is None:
            inputs = X if self.first == 1 else frozen_outputs(network, X, config, self.first - 1)
            scale = config.input_scale if self.first == 1 else None
            self.reader = batch_reader(inputs, scale, dtype, batch_size)
        self.forward_of = [None] + [get_activation(name) for name in network.activations]
        self.backward_of = [None] + [
            get_backward(name) if l < L else None for l, name in enumerate(network.activations, 1)
        ]
        self.loss = get_loss(network.activations[-1])
        # Squared norms of weights that do not change during the fit, for the L2 cost.
        self.fixed_norms = {
            f"W{l}": float(np.vdot(self.parameters[f"W{l}"], self.parameters[f"W{l}"]))
            for l in range(1, self.lowest)
        }
        # The optimizer steps these arrays, keyed as the gradients are ("dW2" steps "W2").
        self.trainable = {
            f"{p}{l}": self.parameters[f"{p}{l}"] for l in range(self.lowest, L + 1) for p in "Wb"
        }
        self.gradients = {f"d{key}": np.empty_like(value) for key, value in self.trainable.items()}
        # Room for (lambd / m) W[l] when L2 is on: one array per trainable weight, none without.
        self.l2_scratch = {
            key: np.empty_like(self.trainable[key[1:]])
            for key in self.gradients
            if key.startswith("dW") and config.lambd
        }
        if self.gram is not None:  # W1 is stepped through its coordinates (s, C) instead
            del self.trainable["W1"], self.gradients["dW1"]
            self.l2_scratch.pop("dW1", None)
            self.trainable.update(self.gram.coordinates)
            self.gradients.update(self.gram.gradients)
        # Adam may take each dW as m dW and divide it in its own pass over it, one pass fewer;
        # not with L2, whose term is added to the divided dW.
        self.defer_division = not config.lambd and getattr(
            config.optimizer, "divides_gradients", False
        )
        self.layouts = {}
        self.dtype = dtype
        self.A_in = self.masks = None
        self.data_cost = None

    def _layout(self, count):
        """``(Z, A, dA)`` buffers for a batch of ``count`` examples, indexed by layer.

        ``Z[l]`` and ``A[l]`` ``(n_l, count)`` for the computed layers ``first..L``;
        ``dA[l]`` ``(n_l, count)`` for ``lowest..L-1``, where it also receives
        ``dZ[l] = dA[l] * g'(Z[l])``; ``dA[L]`` holds ``dZ[L] = AL - Y``.
        """
        if count not in self.layouts:
            L, dims = self.L, self.dims

            def buffers(layers):
                return {l: np.empty((dims[l], count), self.dtype) for l in layers}

            self.layouts[count] = (
                buffers(range(self.first, L + 1)),
                buffers(range(self.first, L + 1)),
                buffers(range(self.lowest, L + 1)),
            )
        return self.layouts[count]

    def cost(self, batch, Y):
        """Forward pass for the examples ``batch`` (None: all), then the cost J against ``Y``.

        ``Y`` is ``(n_L, count)``; the cost adds the L2 term of every layer, frozen or not.
        :attr:`data_cost` keeps the cross-entropy alone, without that term.
        """
        count = Y.shape[1]
        Z, A, _ = self._layout(count)
        P, network, L = self.parameters, self.network, self.L
        self.masks = {}
        if self.gram is not None:
            self.gram.forward(batch, Z[1])
            A_prev = self.forward_of[1](Z[1], out=A[1])
            start = 2
            self._dropout(1, A)
        else:
            self.A_in = A_prev = self.reader.read(batch)
            start = self.first
        for l in range(start, L + 1):
            A_prev, _ = linear_activation_forward(
                A_prev, P[f"W{l}"], P[f"b{l}"], network.activations[l - 1], out=(Z[l], A[l])
            )
            self._dropout(l, A)
        known = self.fixed_norms
        if self.gram is not None and self.config.lambd:
            known = {**known, "W1": self.gram.squared_norm()}
        self.data_cost = self.loss(Z[L], Y)
        return self.data_cost + l2_regularization_cost(P, self.config.lambd, count, known)

    def _dropout(self, l, A):
        """Inverted dropout on hidden layer ``l``'s ``A[l]``, in place, as model_forward does."""
        if l < self.L and self.keep_prob[l - 1] < 1:
            _, self.masks[l] = dropout_forward(
                A[l], self.keep_prob[l - 1], self.network.rng, out=A[l]
            )

    def step(self, batch, Y, learning_rate):
        """Backward pass after :meth:`cost`, then one optimizer step for every trainable layer.

        As :func:`~deepcat.core.propagation.model_backward`: ``dZ[L] = AL - Y``, then
        :func:`~deepcat.core.propagation.linear_backward` and the activations' backward for
        each layer down to the lowest trainable one, then the L2 term of each ``dW``.
        """
        count = Y.shape[1]
        Z, A, dA = self._layout(count)
        P, L, lowest, lambd = self.parameters, self.L, self.lowest, self.config.lambd
        dZ = np.subtract(A[L], Y, out=dA[L])
        for l in range(L, lowest - 1, -1):
            if l == 1 and self.gram is not None:
                self.gram.backward(dZ, batch, lambd)
                bias_gradient(dZ, out=self.gradients["db1"])
                break
            A_prev = A[l - 1] if l > self.first else self.A_in
            below = dA[l - 1] if l > lowest else None
            linear_backward(
                dZ,
                (A_prev, P[f"W{l}"], P[f"b{l}"]),
                need_dA_prev=l > lowest,
                out=(below, self.gradients[f"dW{l}"], self.gradients[f"db{l}"]),
                divide_dW=not self.defer_division,
            )
            if below is not None:
                if l - 1 in self.masks:
                    dropout_backward(below, self.masks[l - 1], self.keep_prob[l - 2], out=below)
                dZ = self.backward_of[l - 1](below, Z[l - 1], out=below)
        if lambd:
            for l in range(lowest, L + 1):
                key = f"dW{l}"
                if key in self.gradients:
                    add_l2_gradient(
                        self.gradients[key], P[f"W{l}"], lambd, count, self.l2_scratch[key]
                    )
        # The gradients are recomputed at every step, so the optimizer may use them as room.
        optimizer = self.config.optimizer
        if self.defer_division:
            divisors = {f"dW{l}": count for l in range(lowest, L + 1) if f"dW{l}" in self.gradients}
            optimizer.update(
                self.trainable,
                self.gradients,
                learning_rate,
                reuse_gradients=True,
                divisors=divisors,
            )
        else:
            optimizer.update(self.trainable, self.gradients, learning_rate, reuse_gradients=True)

    def sync(self):
        """Bring ``network.parameters`` up to date (only ``W1`` under ``"gram"`` lags)."""
        if self.gram is not None:
            self.gram.sync()

    def values_before_fit(self):
        """Every parameter's value before training, to restore if training diverges."""
        before = {key: value.copy() for key, value in self.parameters.items() if key != "W1"}
        # The Gram path keeps W[1]'s initial value anyway.
        before["W1"] = self.gram.W_init if self.gram is not None else self.parameters["W1"].copy()
        return before

    def release(self):
        """Drop the buffers; ``network.parameters`` holds the trained values already."""
        self.layouts.clear()


def bytes_needed(network, X, config, method, batch_size):
    """The bytes a :class:`Passes` for these arguments allocates, counted before it does.

    Every array ``Passes`` and its parts make once: the copy of the parameters kept in case
    of divergence, the gradients ``dW[l], db[l]`` of the trainable layers, their L2 scratch,
    the optimizer's state and scratch (its ``arrays_for(size, dtype)``, else its
    ``arrays_per_parameter``, per trainable array), the batch reader's buffers (or the frozen
    layers' outputs ``(m, n_k)``), the Gram path's ``G`` ``(m, m)``, ``P, C, dC`` and scratch
    ``(n_1, m)``, ``W[1]_init`` and the pieces it converts at a time, and ``Z[l], A[l], dA[l]``
    ``(n_l, count)`` for the full batch size and, when ``batch_size`` does not divide ``m``,
    for the last, smaller batch. The temporaries inside sigmoid or tanh formulas are not
    counted: this is a floor, exact for ReLU networks.

    Parameters
    ----------
    network : deepcat.Network
    X : ndarray, shape (n_x, m)
    config : deepcat.training.settings.TrainingConfig
    method : "plain" or "gram"
    batch_size : int, at most m

    Returns
    -------
    int
    """
    L, dims, dtype = network.L, network.layer_dims, network.dtype
    n_x, m = X.shape
    keep_prob = config.keep_prob or [1.0] * (L - 1)
    lowest = network.frozen + 1
    first = 1 + _constant_layers(min(network.frozen, L - 1), keep_prob)
    gram = method == "gram"
    on_disk = isinstance(X, ExampleStream)  # its reader's buffers are counted below
    shapes = {f"W{l}": (dims[l], dims[l - 1]) for l in range(1, L + 1)}
    shapes.update({f"b{l}": (dims[l], 1) for l in range(1, L + 1)})
    before_fit = [shape for key, shape in shapes.items() if not (gram and key == "W1")]
    trainable = [
        shapes[f"{p}{l}"]
        for l in range(lowest, L + 1)
        for p in "Wb"
        if not (gram and l == 1 and p == "W")
    ]
    arrays = before_fit + trainable  # the copy before the fit, and the gradients
    if config.lambd:  # room for (lambd / m) W[l], one per trainable weight
        arrays += [shapes[f"W{l}"] for l in range(max(lowest, 2 if gram else 1), L + 1)]
    n_1 = dims[1]
    if gram:
        trainable = trainable + [(n_1, m)]  # C, stepped by the optimizer in place of W1
        arrays += [(m, m), (n_1, n_x)] + [(n_1, m)] * 4  # G, W_init; P, C, dC, C's scratch
    for shape in trainable:
        arrays += [shape] * _optimizer_arrays(config.optimizer, shape, dtype)
    if not gram:
        n_in = n_x if first == 1 else dims[first - 1]
        arrays.append((n_in, batch_size))
        if first > 1:
            arrays.append((m, n_in))
        elif config.input_scale is not None and batch_size >= m and not on_disk:
            arrays.append((n_x, m))
    counts = {batch_size, m - (m // batch_size) * batch_size} - {0}
    for count in counts:
        arrays += [(dims[l], count) for l in range(first, L + 1)] * 2
        arrays += [(dims[l], count) for l in range(lowest, L + 1)]
    if gram:  # the pieces of X, and of W[1]_init, that building G and P converts at a time
        rows = max(1, min(n_x, CHUNK_BYTES // array_bytes((m,), dtype)))
        arrays += [(rows, m)] * 2 + [(n_1, rows), (n_1, m)]
    total = sum(array_bytes(shape, dtype) for shape in arrays)
    if not gram and first == 1 and on_disk:
        total += StreamReader.extra_bytes(X, batch_size)
    elif not gram and first == 1 and config.input_scale is not None:
        total += array_bytes((n_x, batch_size), X.dtype)  # the gathered integer pixels
    return total


def _optimizer_arrays(optimizer, shape, dtype):
    """Arrays of ``shape`` the optimizer keeps for one parameter (state and scratch)."""
    arrays_for = getattr(optimizer, "arrays_for", None)
    if arrays_for is not None:
        return arrays_for(int(np.prod(shape)), dtype)
    return getattr(optimizer, "arrays_per_parameter", 3)


def _constant_layers(frozen, keep_prob):
    """How many leading layers give the same output at every step: frozen, and no dropout."""
    constant = 0
    while constant < frozen and keep_prob[constant] >= 1:
        constant += 1
    return constant


def frozen_outputs(network, X, config, k):
    """``A[k]`` of the frozen layers ``1..k`` for all ``m`` examples, computed once.

    Parameters
    ----------
    network : deepcat.Network
    X : ndarray, shape (n_x, m), integer inputs divided by ``config.input_scale``
    config : deepcat.training.settings.TrainingConfig
    k : int, 1 <= k < L

    Returns
    -------
    ndarray of the network's dtype, shape (n_k, m)
        The transpose of a C-ordered ``(m, n_k)`` array, so that a mini-batch is a gather of
        contiguous rows. The examples go through in chunks of a few MiB of inputs, with the
        same functions as every other forward pass.
    """
    n_x, m = X.shape
    dtype = network.dtype
    chunk = min(m, max(1, CHUNK_BYTES // (n_x * np.dtype(dtype).itemsize)))
    reader = batch_reader(X, config.input_scale, dtype, chunk)
    out = np.empty((m, network.layer_dims[k]), dtype)
    P = network.parameters
    for first in range(0, m, chunk):
        columns = np.arange(first, min(first + chunk, m))
        A = reader.read(None if chunk >= m else columns)
        for l in range(1, k + 1):
            A, _ = linear_activation_forward(A, P[f"W{l}"], P[f"b{l}"], network.activations[l - 1])
        out[first : first + len(columns)] = A.T
    return out.T
