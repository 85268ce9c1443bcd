"""Inputs larger than memory: examples read from an on-disk array a few at a time.

An :class:`ExampleStream` presents an array that stores one example per row along its first
axis, as the course's ``.h5`` files store ``train_set_x`` ``(m, 64, 64, 3)``, as the inputs
``X`` ``(n_x, m)`` of course notation: example ``i`` is row ``i`` flattened in C order, which
is the course's ``x.reshape(m, -1).T``. Nothing is read until examples are asked for, and then
only those, through slices of the first axis, so that an ``h5py`` dataset, a NumPy memory map
or any array-like with ``shape``, ``dtype`` and slicing serves as training data however large
it is.

:meth:`deepcat.Network.fit` and the prediction methods take an ``h5py`` dataset or a zarr array
directly, and any other array of examples wrapped in an :class:`ExampleStream` (see
:func:`is_on_disk` and :func:`check_inputs`); reading is in :meth:`ExampleStream.take`.
"""

from __future__ import annotations

import math

import numpy as np

from deepcat.core.memory import check_array_fits
from deepcat.core.validation import check_positive_float, check_X

FORWARD_BYTES = 1 << 24
"""Inputs a forward pass over on-disk examples reads at a time (16 MiB)."""
MAX_DIMENSIONS = 8
"""Dimensions an on-disk array of examples may have (the course's pictures have 4)."""


class ExampleStream:
    """Examples ``(m, ...)`` on disk, read as columns of ``X`` ``(n_x, m)``.

    Parameters
    ----------
    source : h5py.Dataset, numpy.memmap or array-like, shape (m, ...)
        One example per row; ``shape``, ``dtype`` and ``source[start:stop]`` are all it uses.
    scale : float, optional
        Read examples come back divided by it, in ``dtype``, as ``x.astype(dtype) / scale``.
    dtype : NumPy float type, optional
        The type examples are read as when ``scale`` is set.

    Attributes
    ----------
    shape : (n_x, m)
        As ``X`` in course notation.
    dtype : numpy.dtype
        Of what :meth:`take` returns: the source's, or ``dtype`` with a scale.
    stored_dtype : numpy.dtype
        The source's.
    """

    ndim = 2

    def __init__(self, source, scale=None, dtype=None):
        shape = _stored_shape(source)
        self.source = source
        self.stored_dtype = _stored_dtype(source)
        if self.stored_dtype.kind not in "iuf":
            raise TypeError(
                f"X must hold numbers (integers or floats), got an on-disk array of dtype "
                f"{self.stored_dtype}"
            )
        self.shape = (math.prod(shape[1:]), shape[0])
        self.scale = None if scale is None else check_positive_float(scale, "scale")
        self.dtype = np.dtype(dtype) if scale is not None else self.stored_dtype

    def subset(self, positions):
        """The stream of this stream's examples at increasing ``positions``."""
        return ExampleStream(RowSubset(self.source, positions), self.scale, self.dtype)

    def scaled(self, scale, dtype):
        """The same examples, read divided by ``scale`` in ``dtype``."""
        return ExampleStream(self.source, scale, dtype)

    def raw(self):
        """The same examples, read as stored (no scale)."""
        return ExampleStream(self.source)

    def take(self, positions, out=None):
        """The examples at increasing ``positions``, one per row, ``(len(positions), n_x)``.

        Consecutive stored examples are read with one slice, so a run of neighbours costs
        one read however long it is; a gap costs another.

        Parameters
        ----------
        positions : ndarray of int, shape (k,), increasing
        out : ndarray of :attr:`dtype`, shape (k, n_x), optional

        Returns
        -------
        ndarray, shape (k, n_x)

        Raises
        ------
        ValueError
            When float examples hold NaN or infinity, naming the first such example.
        """
        raw = read_rows(self.source, positions).reshape(len(positions), -1)
        if self.stored_dtype.kind == "f" and not np.isfinite(raw).all():
            bad = int(positions[np.flatnonzero(~np.isfinite(raw).all(axis=1))[0]])
            raise ValueError(f"X contains NaN or infinity in example {bad}")
        if self.scale is None:
            if out is None:
                return raw
            out[...] = raw
            return out
        return np.divide(raw, self.dtype.type(self.scale), out=out, dtype=self.dtype)

    def __array__(self, dtype=None, copy=None):
        """All of ``X`` ``(n_x, m)`` in memory, for code that needs it whole (refused in
        words when it cannot fit)."""
        check_array_fits(self.shape, self.dtype, f"all {self.shape[1]:,} examples of X")
        X = self.rows(0, self.shape[1]).T
        return X if dtype is None else X.astype(dtype, copy=False)

    def __getitem__(self, key):
        """``X[:, positions]``: the stream of the examples at increasing ``positions``, as
        column selection does for ``X`` in memory (nothing is read)."""
        if not (isinstance(key, tuple) and len(key) == 2 and _is_whole(key[0])):
            raise TypeError("an on-disk X selects examples only, as X[:, positions]")
        positions = np.arange(self.shape[1])[key[1]]
        return self.subset(positions)

    def columns(self, max_bytes=FORWARD_BYTES):
        """Yield every example in order, as pieces of ``X`` ``(n_x, k)`` of at most
        ``max_bytes`` (at least one example each)."""
        step = max(1, max_bytes // (self.shape[0] * self.dtype.itemsize))
        for start in range(0, self.shape[1], step):
            yield self.rows(start, start + step).T

    def rows(self, start, stop):
        """Examples ``start..stop-1``, one per row: ndarray of :attr:`dtype`, (k, n_x)."""
        return self.take(np.arange(start, min(stop, self.shape[1])))


class RowSubset:
    """Some rows of an on-disk array, itself an array-like of examples ``(k, ...)``.

    A training or a test split of data on disk, without reading it: ``subset[a:b]`` reads the
    stored rows from ``indices[a]`` to ``indices[b - 1]`` in one slice and keeps those asked
    for, so splits drawn from the whole file (most rows in one, a few in the other) read
    little that they do not use.

    Parameters
    ----------
    source : array-like, shape (m, ...)
    indices : ndarray of int, shape (k,), increasing, within [0, m)
    """

    def __init__(self, source, indices):
        stored = _stored_shape(source)
        indices = np.asarray(indices, dtype=np.int64)
        if indices.ndim != 1 or (
            indices.size
            and (indices[0] < 0 or indices[-1] >= stored[0] or np.any(np.diff(indices) <= 0))
        ):
            raise ValueError(f"row indices must increase within [0, {stored[0]})")
        self.source, self.indices = source, indices
        self.shape = (len(indices), *stored[1:])
        self.dtype = _stored_dtype(source)
        self.ndim = len(self.shape)

    def __len__(self):
        return self.shape[0]

    def __array__(self, dtype=None, copy=None):
        """All the rows in memory (refused in words when they cannot fit)."""
        check_array_fits(self.shape, self.dtype, f"all {self.shape[0]:,} examples")
        rows = self[:]
        return rows if dtype is None else rows.astype(dtype, copy=False)

    def __getitem__(self, key):
        """``subset[key]`` as for an ndarray: the rows the first index picks are read (in
        few slices), and the rest of the index applies to them."""
        rows_key, rest = (key[0], key[1:]) if isinstance(key, tuple) and key else (key, ())
        if rows_key is Ellipsis:
            rows_key, rest = slice(None), key
        if isinstance(rows_key, slice):
            positions = np.arange(*rows_key.indices(self.shape[0]))
        else:
            positions = np.arange(self.shape[0])[rows_key]
        single = positions.ndim == 0
        wanted, inverse = np.unique(positions, return_inverse=True)
        rows = read_rows(self.source, self.indices[wanted])[inverse.reshape(-1)]
        return rows[0][rest] if single else rows[(slice(None), *rest)]


def read_rows(source, rows):
    """``source[rows]`` for increasing ``rows``, in few slices.

    Each read costs a call into the file's library (about 0.2 ms for an ``h5py`` dataset)
    besides its bytes, so neighbouring rows are read together: one slice covers rows whose
    gaps are under :data:`GAP_BYTES`, and the rows in the gaps are read and dropped. No slice
    is longer than :data:`SLICE_BYTES`, which bounds the memory a read takes.

    Parameters
    ----------
    source : array-like, shape (m, ...)
    rows : ndarray of int, shape (k,), increasing

    Returns
    -------
    ndarray of the source's dtype, shape (k, ...)
    """
    rows = np.asarray(rows, dtype=np.int64)
    if isinstance(source, RowSubset):
        return read_rows(source.source, source.indices[rows])
    shape = _stored_shape(source)
    out = np.empty((len(rows), *shape[1:]), np.dtype(source.dtype))
    row_bytes = max(1, math.prod(shape[1:]) * out.itemsize)
    for first, last in _slices(rows, GAP_BYTES // row_bytes, max(1, SLICE_BYTES // row_bytes)):
        start = int(rows[first])
        block = np.asarray(source[start : int(rows[last - 1]) + 1])
        out[first:last] = block[rows[first:last] - start]
    return out


GAP_BYTES = 1 << 18
"""Rows closer than this (256 KiB) are read in one slice with the rows between them."""
SLICE_BYTES = 1 << 26
"""The longest slice :func:`read_rows` reads at once (64 MiB)."""


ON_DISK_LIBRARIES = ("h5py", "zarr")
"""Libraries whose arrays are read as examples on disk when given as ``X`` directly."""


def is_on_disk(X):
    """Whether ``X`` is read as stored examples ``(m, ...)`` rather than as an in-memory
    ``(n_x, m)`` array: an :class:`ExampleStream`, a :class:`RowSubset`, or an array of one of
    :data:`ON_DISK_LIBRARIES` (an ``h5py`` dataset, a zarr array).

    Anything else, a NumPy memory map included, is an array in course layout as ever (a memory
    map of examples is ``np.load(path, mmap_mode="r").T``, or ``ExampleStream(mapped)`` to read
    it by slices); any other array-like of examples is read through ``ExampleStream(it)``.
    """
    if isinstance(X, (ExampleStream, RowSubset)):
        return True
    return type(X).__module__.split(".")[0] in ON_DISK_LIBRARIES and hasattr(X, "shape")


def as_stream(X, n_x, name="X"):
    """``X`` as an :class:`ExampleStream` of examples of ``n_x`` features.

    Parameters
    ----------
    X : ExampleStream, numpy.memmap or array-like, shape (m, ...)
        Examples along the first axis, as the course's ``.h5`` files store them.
    n_x : int
        ``layer_dims[0]``: what one example must flatten to.
    """
    stream = X if isinstance(X, ExampleStream) else ExampleStream(X)
    if stream.shape[1] == 0:
        raise ValueError(f"{name} has no examples: an on-disk array of shape {_shape(X)}")
    if stream.shape[0] != n_x:
        hint = ""
        if len(_shape(X)) == 2 and _shape(X)[0] == n_x:
            hint = (
                "; an on-disk array holds one example per row, (m, n_x), and this one looks "
                "like (n_x, m)"
            )
        raise ValueError(
            f"{name} must hold examples of n_x = layer_dims[0] = {n_x} values each (one per "
            f"row, first axis the example), got an on-disk array of shape {_shape(X)}{hint}"
        )
    return stream


def check_inputs(X, n_x, dtype, keep_integers=False):
    """``X`` as :func:`~deepcat.core.validation.check_X` checks an in-memory ``(n_x, m)``
    array, or, for examples on disk (:func:`is_on_disk`), as :func:`check_stream` does: not
    read, only checked, and returned as an :class:`ExampleStream`.

    Returns
    -------
    ndarray, shape (n_x, m), or ExampleStream
    """
    if is_on_disk(X):
        return check_stream(X, n_x, dtype, keep_raw=keep_integers)
    return check_X(X, n_x, dtype, keep_integers)


def check_stream(X, n_x, dtype, keep_raw=False):
    """On-disk ``X`` as an :class:`ExampleStream` read in the network's ``dtype``.

    Parameters
    ----------
    X : ExampleStream, numpy.memmap or array-like, shape (m, ...)
    n_x : int
    dtype : NumPy float type
    keep_raw : bool
        For training with ``input_scale``: keep the examples as stored, to be divided batch
        by batch (a stream that divides by a scale of its own is refused then).
    """
    stream = as_stream(X, n_x)
    if keep_raw:
        if stream.scale is not None:
            raise ValueError(
                f"X already divides its examples by {stream.scale:g}; input_scale is for raw X"
            )
        return stream
    if stream.scale is None and stream.stored_dtype.kind in "iu":
        raise TypeError(
            f"X holds {stream.stored_dtype} examples on disk, but predict, score, cost and the "
            "estimator take inputs already divided: pass deepcat.ExampleStream(X, scale=255) "
            "(the input_scale the network was trained with)"
        )
    if stream.dtype == np.dtype(dtype):
        return stream
    # Dividing by 1 converts exactly, as astype(dtype) does.
    return stream.scaled(1.0 if stream.scale is None else stream.scale, dtype)


def _is_whole(key):
    return isinstance(key, slice) and key == slice(None)


def _stored_dtype(source):
    try:
        return np.dtype(source.dtype)
    except TypeError:
        raise TypeError(
            f"X must hold numbers as a NumPy dtype, got an array of {source.dtype!r}"
        ) from None


def _shape(X):
    return tuple(X.source.shape) if isinstance(X, ExampleStream) else tuple(X.shape)


def _stored_shape(source):
    try:
        shape = tuple(int(n) for n in source.shape)
    except (TypeError, ValueError, AttributeError):
        raise TypeError(f"X must be an array with a shape, got {type(source).__name__}") from None
    if not 2 <= len(shape) <= MAX_DIMENSIONS:
        raise ValueError(
            f"an on-disk X must have 2 to {MAX_DIMENSIONS} dimensions, (m, n_x) or "
            f"(m, height, width, channels), got shape {shape}"
        )
    return shape


def _slices(rows, max_gap, max_rows):
    """``(first, last)`` ranges of ``rows`` to read as one slice each: a new slice starts where
    more than ``max_gap`` rows are skipped, or where the slice would span more than
    ``max_rows`` stored rows."""
    if len(rows) == 0:
        return
    first = 0
    gaps = np.diff(rows) - 1
    for i in np.flatnonzero(gaps > max_gap).tolist() + [len(rows) - 1]:
        last = i + 1  # rows[first:last] need no gap larger than max_gap
        while rows[last - 1] - rows[first] >= max_rows:
            cut = first + int(np.searchsorted(rows[first:last], rows[first] + max_rows))
            yield first, cut
            first = cut
        yield first, last
        first = last
