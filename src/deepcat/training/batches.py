"""Training inputs: integer pixels divided by a scale one mini-batch at a time.

The seeds divide the whole picture set by 255 before training, which turns one byte per pixel
into eight (float64). ``Network.fit(X, Y, input_scale=255)`` keeps integer ``X`` as it is and
divides only the examples of the current mini-batch, so memory grows with the uint8 data, not
with a float copy of it. Every reader of training inputs (the loop's batches, the Gram matrix,
the frozen layers' outputs) computes them the same way: cast to the network's dtype, then divide
by ``input_scale`` in that dtype, exactly as ``x.astype(dtype) / 255`` does.
"""

from __future__ import annotations

import numpy as np

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
    ndarray of dtype, same shape as ``X``
    """
    if input_scale is None:
        return X
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
