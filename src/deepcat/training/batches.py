"""Training inputs: integer pixels divided by a scale one mini-batch at a time.

The seeds divide the whole picture set by 255 before training, which turns one byte per pixel
into eight (float64). ``Network.fit(X, Y, input_scale=255)`` keeps integer ``X`` as it is and
divides only the examples of the current mini-batch, so memory grows with the uint8 data, not
with a float copy of it. Every reader of training inputs (the loop's batches, the Gram matrix,
the frozen layers' outputs) computes them the same way: cast to the network's dtype, then divide
by ``input_scale`` in that dtype, exactly as ``x.astype(dtype) / 255`` does.

Inputs on disk (:mod:`deepcat.core.streams`: an ``h5py`` dataset, an ``ExampleStream``) are read one
*window* at a time: :data:`WINDOW_BATCHES` batches' worth of examples, in a few long reads.
For them an epoch's order is drawn in two stages (:func:`epoch_order`): the blocks of
``batch_size`` consecutive stored examples are shuffled, their examples are dealt out in that
order into windows of ``WINDOW_BATCHES * batch_size``, and each window's examples are
shuffled. So a mini-batch mixes examples from up to 16 places in the file rather than from
anywhere in it; every example is still seen once per epoch, and the order is still drawn from
the network's seed alone. Data that fits in one window is shuffled exactly as in memory.
"""

from __future__ import annotations

import math

import numpy as np

from deepcat.core.streams import ExampleStream

WINDOW_BATCHES = 16
"""Batches of on-disk examples read, and shuffled among themselves, at a time."""

CHUNK_BYTES = 1 << 22
"""Size of the float pieces :func:`float_feature_chunks` converts at a time (4 MiB)."""


def scale_inputs(X, input_scale, dtype, out=None):
    """``X`` cast to ``dtype`` and divided by ``input_scale``; ``X`` itself when that is None.

    Parameters
    ----------
    X : ndarray, shape (n_x, m) or (m, n_x)
        Integer or float inputs, any layout.
    input_scale : float or None
    dtype : NumPy float type
    out : ndarray of dtype, same shape as ``X``, optional
        Where to write the result (a preallocated batch buffer).

    Returns
    -------
    ndarray of dtype, same shape as ``X``; for ``X`` on disk, the stream that reads it so
    """
    if input_scale is None:
        return X
    if isinstance(X, ExampleStream):
        return X.scaled(input_scale, dtype)
    # dtype= makes the ufunc cast X to dtype first, as astype does, then divide in dtype.
    return np.divide(X, dtype(input_scale), out=out, dtype=dtype)


def float_feature_chunks(X, input_scale, dtype):
    """Yield ``(rows, X[rows] / input_scale)`` over slices of features, a few MiB at a time.

    For precomputations over the whole training set (the Gram matrix ``Xᵀ X``) without a
    float copy of all of ``X``. When ``X`` needs no conversion, one chunk holds all of it.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)

    Yields
    ------
    rows : slice of feature indices
    X_rows : ndarray of dtype, shape (rows, m)
    """
    if input_scale is None and X.dtype == dtype:
        yield slice(None), X
        return
    n_x, m = X.shape
    step = max(1, CHUNK_BYTES // (m * np.dtype(dtype).itemsize))
    for first in range(0, n_x, step):
        rows = slice(first, min(first + step, n_x))
        yield rows, scale_inputs(X[rows], 1.0 if input_scale is None else input_scale, dtype)


def batch_reader(X, input_scale, dtype, batch_size):
    """The reader of ``X``'s mini-batches: a :class:`StreamReader` for examples on disk (an
    :class:`~deepcat.core.streams.ExampleStream`), else a :class:`BatchReader`."""
    kind = StreamReader if isinstance(X, ExampleStream) else BatchReader
    return kind(X, input_scale, dtype, batch_size)


def epoch_order(rng, m, batch_size, window=None):
    """The order in which one epoch visits the ``m`` examples, drawn from ``rng``.

    Parameters
    ----------
    rng : numpy.random.Generator
    m : int
    batch_size : int
    window : int, optional
        Examples read at a time (:attr:`BatchReader.window`); None for data in memory.

    Returns
    -------
    ndarray of int, shape (m,)
        ``rng.permutation(m)`` when ``window`` is None or holds all ``m``; otherwise the
        two-stage shuffle of the module's docstring.
    """
    if window is None or m <= window:
        return rng.permutation(m)
    blocks = rng.permutation(math.ceil(m / batch_size))
    dealt = (blocks[:, None] * batch_size + np.arange(batch_size)).ravel()
    dealt = dealt[dealt < m]
    order = np.empty(m, dtype=np.int64)
    for first in range(0, m, window):
        members = dealt[first : first + window]
        order[first : first + len(members)] = members[rng.permutation(len(members))]
    return order


class BatchReader:
    """Reads the inputs of one mini-batch into a buffer allocated once.

    ``X`` is ``(n_x, m)`` in course notation. When it is the transpose of an ``(m, n_x)``
    C-ordered array, which is what ``images.reshape(m, -1).T`` gives, each example's features
    are contiguous and a batch is a gather of whole rows; otherwise the batch's columns are
    gathered. Either way the result is ``A[0]`` for the batch, ``(n_x, m_batch)``.

    Parameters
    ----------
    X : ndarray, shape (n_x, m), float of ``dtype``, or integer when ``input_scale`` is set
    input_scale : float or None
    dtype : NumPy float type
    batch_size : int
        The largest batch :meth:`read` will be asked for.
    """

    window = None
    """Examples read at a time from disk (see :func:`epoch_order`); None for data in memory."""

    def __init__(self, X, input_scale, dtype, batch_size):
        self.X = X
        self.input_scale = input_scale
        self.n_x, m = X.shape
        self.by_rows = X.T.flags.c_contiguous
        self.buffer = np.empty(self.n_x * batch_size, dtype)
        self.gathered = np.empty(self.n_x * batch_size, X.dtype) if input_scale else None
        self.whole = scale_inputs(X, input_scale, dtype) if batch_size >= m else None

    def read(self, batch):
        """``A[0]`` for the examples ``batch`` (sorted indices), or all of them for None.

        Returns
        -------
        ndarray of dtype, shape (n_x, len(batch)); a view into the buffer, valid until the
        next call.
        """
        if batch is None:
            return self.whole
        count = len(batch)
        shape = (count, self.n_x) if self.by_rows else (self.n_x, count)
        axis = 0 if self.by_rows else 1
        source = self.X.T if self.by_rows else self.X
        out = self.buffer[: count * self.n_x].reshape(shape)
        # mode="clip": with the default "raise", take() fills a temporary copy of out first.
        # The indices come from a permutation of range(m), so clipping never changes one.
        if self.input_scale is None:
            np.take(source, batch, axis=axis, out=out, mode="clip")
        else:
            raw = self.gathered[: count * self.n_x].reshape(shape)
            np.take(source, batch, axis=axis, out=raw, mode="clip")
            scale_inputs(raw, self.input_scale, out.dtype.type, out=out)
        return out.T if self.by_rows else out


class StreamReader(BatchReader):
    """A :class:`BatchReader` of examples on disk (an :class:`~deepcat.core.streams.ExampleStream`).

    It keeps one window of stored examples, ``(window, n_x)`` as stored: the examples
    :func:`epoch_order` put together, read when a batch first needs them, in as few slices
    as their places in the file allow. A batch is then gathered from the window and divided
    by the scale as in memory. Peak memory is the window, one batch of floats and the order.

    Parameters
    ----------
    X : ExampleStream, shape (n_x, m)
        Examples divided by ``input_scale`` when it is set, else by the stream's own scale.
    """

    def __init__(self, X, input_scale, dtype, batch_size):
        self.stream = X.raw()
        self.input_scale = input_scale if input_scale is not None else X.scale
        self.n_x, m = X.shape
        self.window = WINDOW_BATCHES * batch_size
        self.buffer = np.empty(self.n_x * batch_size, dtype)
        self.gathered = np.empty((batch_size, self.n_x), self.stream.stored_dtype)
        self.whole = self._convert(self.stream.take(np.arange(m))) if batch_size >= m else None
        self.window_of = None  # window_of[i]: which window of the epoch holds example i
        self.loaded = None  # (window number, its examples' positions, their rows as stored)

    @staticmethod
    def extra_bytes(X, batch_size):
        """What a reader of ``X`` holds besides the float batch: the window ``(window, n_x)``
        and a batch ``(batch_size, n_x)`` as stored, the epoch's order ``(m,)`` and windows
        ``(m,)``, or all of ``X`` as stored and in floats when one batch is all of it."""
        n_x, m = X.shape
        stored = X.stored_dtype.itemsize
        if batch_size >= m:
            return n_x * m * (stored + X.dtype.itemsize)
        window = min(m, WINDOW_BATCHES * batch_size)
        return n_x * (window + batch_size) * stored + m * (8 + 4) + window * 8

    def start_epoch(self, order):
        """Group the epoch's ``order`` ``(m,)`` into windows, as :func:`epoch_order` drew it."""
        self.window_of = np.empty(len(order), dtype=np.int32)
        for number, first in enumerate(range(0, len(order), self.window)):
            self.window_of[order[first : first + self.window]] = number
        self.order, self.loaded = order, None

    def read(self, batch):
        """``A[0]`` ``(n_x, len(batch))`` for the examples ``batch`` (increasing), or all."""
        if batch is None:
            return self.whole
        if self.window_of is None:  # not in an epoch: read just these
            return self._convert(self.stream.take(batch), len(batch))
        number = int(self.window_of[batch[0]])
        if self.loaded is None or self.loaded[0] != number:
            first = number * self.window
            members = np.sort(self.order[first : first + self.window])
            self.loaded = (number, members, self.stream.take(members))
        _, members, stored = self.loaded
        rows = np.searchsorted(members, batch)
        if rows[-1] >= len(members) or not np.array_equal(members[rows], batch):
            return self._convert(self.stream.take(batch), len(batch))
        gathered = np.take(stored, rows, axis=0, out=self.gathered[: len(batch)], mode="clip")
        return self._convert(gathered, len(batch))

    def _convert(self, rows, count=None):
        """Stored rows ``(k, n_x)`` to ``A[0]`` ``(n_x, k)`` in the network's dtype."""
        count = len(rows) if count is None else count
        if count * self.n_x > self.buffer.size:
            out = np.empty((count, self.n_x), self.buffer.dtype)
        else:
            out = self.buffer[: count * self.n_x].reshape(count, self.n_x)
        if self.input_scale is None:
            out[...] = rows
        else:
            scale_inputs(rows, self.input_scale, out.dtype.type, out=out)
        return out.T
