"""Reading arrays from an HDF5 file that may be hostile, checking before anything is read.

An ``.h5`` file of a few kilobytes can declare a dataset of gigabytes (a huge shape, or chunks
that were never written and read back as the fill value), can hold a link to another file, or
can be a "virtual" or "external" dataset whose bytes come from other files (``/etc/passwd``
read as pixels). :func:`stored_dataset` refuses the links and the foreign storage;
:func:`read_dataset` refuses, before reading, a dataset that would not fit in memory or that
declares far more bytes than the file stores for it.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from deepcat.core.memory import array_bytes, check_fits
from deepcat.data.files import open_regular_file
from deepcat.formatting import byte_text

MAX_EXPANSION = 100
"""The most a dataset may declare per byte it stores in the file. Photos compress two or three
times; one hundred times is only reached by pictures that are nearly one colour throughout."""

EXPANSION_CHECKED_FROM = 64 * 2**20
"""Datasets smaller than this (64 MiB) are read whatever they store: a small allocation is no
bomb, and tiny files with unwritten (fill-value) datasets stay readable."""


@contextmanager
def open_h5(path):
    """``with open_h5(path) as handle``: an ``h5py.File`` reading ``path``, or a ValueError
    naming the file (a folder, text, ...).

    The file is opened by :func:`~deepcat.data.files.open_regular_file` and h5py reads that
    open file, so a FIFO or a device is refused unopened and the file checked is the file
    read.
    """
    import h5py

    with open_regular_file(path, "HDF5 file") as raw:
        try:
            handle = h5py.File(raw, "r")
        except OSError as error:
            raise ValueError(f"{path} is not a readable HDF5 file ({error})") from None
        with handle:
            yield handle


def stored_dataset(handle, path, key):
    """The dataset ``key`` of an open file, if its data is stored in the file itself.

    Returns
    -------
    h5py.Dataset
        Not read yet: its ``shape`` and ``dtype`` can be checked first.

    Raises
    ------
    ValueError
        When ``key`` is missing, is a group, is a soft or external link, or is a virtual
        or external-storage dataset.
    """
    import h5py

    link = handle.get(key, getlink=True)
    if link is None:
        raise ValueError(f"{path} has no dataset {key!r}; is it the course's file?")
    if not isinstance(link, h5py.HardLink):
        raise ValueError(
            f"{path}: {key!r} is a link ({type(link).__name__}) to data elsewhere; deepcat "
            "reads only data stored in the file itself"
        )
    dataset = handle[key]
    if not isinstance(dataset, h5py.Dataset):
        raise ValueError(f"{path}: {key!r} is a group, not a dataset")
    if dataset.is_virtual or dataset.external:
        raise ValueError(
            f"{path}: dataset {key!r} takes its data from other files (a virtual or external "
            "dataset); deepcat reads only data stored in the file itself"
        )
    return dataset


def read_dataset(dataset, path, key):
    """The whole of ``dataset`` as an array, once its size has been found plausible.

    Raises
    ------
    NotEnoughMemoryError
        When the declared array would not fit in memory.
    ValueError
        When the array is at least :data:`EXPANSION_CHECKED_FROM` bytes and more than
        :data:`MAX_EXPANSION` times the bytes the file stores for it.
    """
    n_bytes = array_bytes(dataset.shape, dataset.dtype)
    what = f"{path}: dataset {key!r} of shape {dataset.shape}"
    check_fits(n_bytes, what)
    stored = dataset.id.get_storage_size()
    if n_bytes >= EXPANSION_CHECKED_FROM and n_bytes > MAX_EXPANSION * stored:
        raise ValueError(
            f"{what} declares {byte_text(n_bytes)} but the file stores {byte_text(stored)} "
            f"for it; deepcat refuses data that expands more than {MAX_EXPANSION} times"
        )
    return np.asarray(dataset[()])
