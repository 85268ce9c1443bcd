"""Reading the arrays of an ``.npz`` (a zip of ``.npy`` files) without trusting the file.

A hostile ``.npz`` can claim any size in its zip directory or in its ``.npy`` headers, inflate a
few kilobytes into gigabytes, repeat a member name, hide pickles, or not be a file at all (a
FIFO, a folder, ``/dev/zero``). :class:`NpzArchive` therefore

- opens regular files only, and without blocking;
- reads the zip directory and, for each member asked for, its ``.npy`` header (at most
  :data:`MAX_NPY_HEADER` bytes), so that the caller compares shapes and types with what it
  expects before anything is allocated;
- refuses a member whose uncompressed size in the directory is not exactly its ``.npy`` header
  plus the bytes its shape and type need (a zip64 or a deflate size lie);
- reads a member's data only when asked, in chunks of :data:`CHUNK` bytes, straight into the
  array, and never more than its declared size (the zip module stops there and checks the
  CRC-32), so a member that inflates beyond its declared size fails instead of filling memory.
"""

from __future__ import annotations

import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass

import numpy as np

from deepcat.core.memory import array_bytes

NPY_SUFFIX = ".npy"
MAX_NPY_HEADER = 10_000
"""The largest ``.npy`` header read (NumPy's own default limit)."""
CHUNK = 1 << 24
"""Bytes decompressed at a time: 16 MiB."""
COMPRESSIONS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
"""What ``numpy.savez`` and ``savez_compressed`` write; others decompress without a bound."""
_NPY_HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}
READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError)


class ArchiveError(ValueError):
    """The file is not a sound ``.npz``; the message says what is wrong, without the path."""


@dataclass(frozen=True)
class Member:
    """One ``.npy`` member of the archive, as its headers describe it (nothing read yet)."""

    name: str
    info: zipfile.ZipInfo
    shape: tuple
    dtype: np.dtype
    fortran_order: bool
    offset: int

    @property
    def nbytes(self) -> int:
        """The bytes of its data: the product of the shape times the item size."""
        return array_bytes(self.shape, self.dtype)


class NpzArchive:
    """The members of an open ``.npz`` file, read on request.

    Parameters
    ----------
    handle : binary file open for reading (from :func:`deepcat.data.files.open_regular_file`)

    Raises
    ------
    ArchiveError
        If it is not a zip file, or two members share a name.
    """

    def __init__(self, handle):
        try:
            self.zip = zipfile.ZipFile(handle)
        except READ_ERRORS as error:
            raise ArchiveError(f"it is truncated or of another format ({error})") from None
        self.infos = {info.filename: info for info in self.zip.infolist()}
        repeated = [name for name, count in Counter(self.zip.namelist()).items() if count > 1]
        if repeated:
            raise ArchiveError(f"it holds two members named {repeated[0]!r}")

    def __contains__(self, name):
        """Whether the archive holds the array ``name`` (the member ``name.npy``)."""
        return name + NPY_SUFFIX in self.infos

    @property
    def filenames(self):
        """The names of all its members, as the zip directory gives them."""
        return list(self.infos)

    def member(self, name) -> Member:
        """The ``.npy`` header of the array ``name``, checked against the zip directory.

        Raises
        ------
        ArchiveError
            If the member is encrypted or compressed by another method than numpy's, its
            ``.npy`` header is malformed, or its declared size is not what the header needs.
        """
        info = self.infos[name + NPY_SUFFIX]
        if info.flag_bits & 0x1:
            raise ArchiveError(f"its member {info.filename!r} is encrypted")
        if info.compress_type not in COMPRESSIONS:
            raise ArchiveError(
                f"its member {info.filename!r} uses zip compression method "
                f"{info.compress_type}; numpy writes {' or '.join(COMPRESSIONS.values())}"
            )
        try:
            with self.zip.open(info) as stream:
                version = np.lib.format.read_magic(stream)
                if version not in _NPY_HEADER_READERS:
                    raise ArchiveError(
                        f"its member {info.filename!r} is of .npy version {version}, "
                        f"not one of {sorted(_NPY_HEADER_READERS)}"
                    )
                shape, fortran_order, dtype = _NPY_HEADER_READERS[version](
                    stream, max_header_size=MAX_NPY_HEADER
                )
                offset = stream.tell()
        except ArchiveError:
            raise
        except (*READ_ERRORS, ValueError) as error:
            raise ArchiveError(
                f"its member {info.filename!r} is not a .npy array ({error})"
            ) from None
        if dtype.hasobject:
            raise ArchiveError(
                f"its member {info.filename!r} holds pickled Python objects ({dtype}), which "
                "are never read: they could run code"
            )
        member = Member(name, info, tuple(shape), dtype, bool(fortran_order), offset)
        if info.file_size != offset + member.nbytes:
            raise ArchiveError(
                f"its member {info.filename!r} declares {info.file_size:,} bytes, but an "
                f".npy array of shape {member.shape} of {dtype} takes {offset + member.nbytes:,}"
            )
        return member

    def read(self, member: Member) -> np.ndarray:
        """The data of ``member``, of shape ``member.shape``, read in bounded chunks.

        The caller has checked the shape, the dtype (never ``object``) and the memory needed.

        Raises
        ------
        ArchiveError
            If the data is shorter than declared or its CRC-32 is wrong.
        """
        shape = member.shape[::-1] if member.fortran_order else member.shape
        array = np.empty(shape, dtype=member.dtype)
        buffer = memoryview(array.reshape(-1).view(np.uint8))
        done = 0
        try:
            with self.zip.open(member.info) as stream:
                stream.read(member.offset)
                while done < member.nbytes:
                    chunk = stream.read(min(CHUNK, member.nbytes - done))
                    if not chunk:
                        break
                    buffer[done : done + len(chunk)] = chunk
                    done += len(chunk)
        except READ_ERRORS as error:
            raise ArchiveError(
                f"its member {member.info.filename!r} is corrupt ({error})"
            ) from None
        if done < member.nbytes:
            raise ArchiveError(
                f"its member {member.info.filename!r} ends after {done:,} of its "
                f"{member.nbytes:,} bytes"
            )
        return array.T if member.fortran_order else array

    def close(self):
        self.zip.close()
