"""The folder data set's pictures, decoded once into an on-disk uint8 cache.

Decoding and resizing a picture costs far more than reading its pixels back, and a folder of
200,000 photos does not fit in memory as floats. So the ``folder`` data set decodes every
picture once into an HDF5 file, ``(m, size, size, 3)`` uint8 in the order of the files, and
trains from it a window of mini-batches at a time (:mod:`deepcat.core.streams`).

The cache is reused while the pictures are unchanged: it records a fingerprint of the
folder, each picture's path, size in bytes and modification time, with the picture size and
the cache's format. When any of them changes (a picture added, removed, edited, renamed) the
cache is rebuilt. A picture rewritten with the same size and modification time (``cp -p`` of
other pixels) is not noticed; delete the cache file to force a rebuild.

Caches live in :func:`cache_folder`, one file per folder and picture size, named
``folder-<digest>.h5``; a rebuild is written to a temporary file and moved into place, so an
interrupted build leaves the previous cache (or none), never half of one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np

from deepcat.core.memory import array_bytes, check_array_fits
from deepcat.formatting import byte_text

CACHE_FORMAT = 1
"""Bumped when the layout of a cache file changes, which makes every older cache stale."""
CACHE_ENV = "DEEPCAT_CACHE"
"""The environment variable naming the cache folder."""
PIXELS = "pixels"
"""The cache file's dataset of pictures, ``(m, size, size, 3)`` uint8."""


def cache_folder():
    """Where picture caches are kept: ``$DEEPCAT_CACHE``, else ``$XDG_CACHE_HOME/deepcat``,
    else ``~/.cache/deepcat``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "deepcat"


def fingerprint(root, paths, image_size):
    """What the cache of these pictures depends on, as a hex digest.

    Parameters
    ----------
    root : Path
        The folder of class subfolders.
    paths : list of Path
        The pictures, in the order of the cache's rows.
    image_size : int
    """
    entries = []
    for path in paths:
        status = path.stat()
        entries.append([str(path.relative_to(root)), status.st_size, status.st_mtime_ns])
    text = json.dumps([CACHE_FORMAT, image_size, entries])
    return hashlib.sha256(text.encode()).hexdigest()


def cached_pictures(root, paths, image_size, progress=True):
    """The pictures ``paths``, decoded to ``image_size`` squares, from their on-disk cache.

    Parameters
    ----------
    root : Path
        The folder of class subfolders; its cache is found by its absolute path.
    paths : list of Path
        Every picture, in the order of the rows.
    image_size : int
    progress : bool
        Show a progress bar on stderr (when it is a terminal) while the cache is built.

    Returns
    -------
    h5py.Dataset, shape (len(paths), image_size, image_size, 3), uint8
        Open for reading; nothing is read until rows are asked for.

    Raises
    ------
    OSError
        When the cache folder cannot be written, saying which and what to do.
    ValueError
        When a picture cannot be decoded, naming it.
    """

    digest = fingerprint(Path(root), paths, image_size)  # the paths lie under root as given
    root = Path(root).resolve()
    name = hashlib.sha256(f"{root}\n{image_size}".encode()).hexdigest()[:16]
    path = cache_folder() / f"folder-{name}.h5"
    pixels = _open_if_current(path, digest)
    if pixels is None:
        _build(path, root, paths, image_size, digest, progress)
        pixels = _open_if_current(path, digest)
    if pixels is None:  # another deepcat replaced it in the meantime, from other pictures
        raise OSError(f"the picture cache {path} changed while it was built; run again")
    return pixels


def _open_if_current(path, digest):
    """The cache's pixels if ``path`` is a complete cache with this fingerprint, else None."""
    import h5py

    if not path.is_file():
        return None
    try:
        cache = h5py.File(path, "r")
    except OSError:
        return None  # not an HDF5 file, or a broken one: rebuilt
    if cache.attrs.get("fingerprint") != digest or PIXELS not in cache:
        cache.close()
        return None
    return cache[PIXELS]


def _build(path, root, paths, image_size, digest, progress):
    """Decode every picture into a new cache file at ``path``, atomically."""
    import h5py
    from tqdm import tqdm

    from deepcat.data.images import load_image

    folder = path.parent
    partial = folder / f".{path.name}.{os.getpid()}.partial"
    shape = (len(paths), image_size, image_size, 3)
    # Decoding holds one picture at a time, resized; the cache holds all of them on disk.
    check_array_fits(shape[1:], np.uint8, f"a picture of {shape[1:]}", copies=2)
    try:
        with _writing(folder):
            folder.mkdir(parents=True, exist_ok=True)
            cache = h5py.File(partial, "w")
        with cache:
            needed = array_bytes(shape, np.uint8)
            free = shutil.disk_usage(folder).free
            if needed > free:
                raise OSError(
                    f"the picture cache of {len(paths):,} pictures of {shape[1:]} needs "
                    f"{byte_text(needed)} in {folder}, which has {byte_text(free)} free; "
                    f"set {CACHE_ENV} to a folder with room"
                )
            with _writing(folder):
                pixels = cache.create_dataset(PIXELS, shape=shape, dtype=np.uint8)
            pictures = tqdm(
                paths,
                desc="decoding pictures",
                unit="picture",
                file=sys.stderr,
                disable=None if progress else True,
                leave=False,
            )
            for row, picture in enumerate(pictures):
                decoded = load_image(picture, (image_size, image_size), channels=3)
                with _writing(folder):
                    pixels[row] = decoded
            cache.attrs["fingerprint"] = digest
            cache.attrs["folder"] = str(root)
            cache.attrs["producer"] = "deepcat"
        with _writing(folder):
            os.replace(partial, path)
    finally:
        with contextlib.suppress(OSError):  # gone once moved; unreachable if never made
            partial.unlink()


@contextlib.contextmanager
def _writing(folder):
    """Say which cache folder could not be written, and what to do, for an ``OSError``."""
    try:
        yield
    except OSError as error:
        raise OSError(
            f"cannot write the picture cache in {folder}: {error.strerror or error}; "
            f"set {CACHE_ENV} to a folder you can write"
        ) from None
