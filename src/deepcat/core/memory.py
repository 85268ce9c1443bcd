"""Whether this process can have the memory an array needs, asked before allocating it.

A hostile model header or ``.h5`` file of a few kilobytes can claim arrays of many gigabytes;
so can a typo such as ``--hidden 1000000000``. Every place that allocates from a size it was
told (a network's parameters, a data set read from a file, pictures decoded into an array)
calls :func:`check_fits` first, so the answer is a sentence instead of the machine swapping or
a bare ``MemoryError``.

The memory a process can have is the smallest of: what the kernel reports as available
(``MemAvailable``), the room left under the address-space limit (``ulimit -v``), and the room
left in the process's cgroup (``memory.max``, as set by containers and ``systemd-run``).
"""

from __future__ import annotations

import math
import os
import resource
from pathlib import Path

import numpy as np

from deepcat.formatting import byte_text


class NotEnoughMemoryError(MemoryError):
    """An array would need more memory than this process can have."""


def available_bytes():
    """The bytes this process can still allocate (an estimate, from the kernel's figures).

    Returns
    -------
    int
    """
    limits = [_meminfo_available(), _address_space_left(), _cgroup_left()]
    return min(limit for limit in limits if limit is not None)


def array_bytes(shape, dtype, copies=1):
    """The exact bytes of ``copies`` arrays of ``shape`` and ``dtype``, as a Python int.

    Integer arithmetic, so a hostile shape such as ``(10**12, 10**12)`` gives its true size
    instead of overflowing as ``np.prod`` of int64 would.

    Parameters
    ----------
    shape : tuple of int
    dtype : NumPy dtype or anything ``np.dtype`` accepts
    copies : int, default 1

    Returns
    -------
    int
    """
    return copies * math.prod(int(n) for n in shape) * np.dtype(dtype).itemsize


def check_array_fits(shape, dtype, what, copies=1):
    """:func:`check_fits` for ``copies`` arrays of ``shape`` and ``dtype`` (see
    :func:`array_bytes`)."""
    check_fits(array_bytes(shape, dtype, copies), what)


def check_fits(n_bytes, what):
    """Refuse, in words, an allocation of ``n_bytes`` that cannot fit.

    Parameters
    ----------
    n_bytes : int
    what : str
        What the memory is for, as the user knows it (``"W1 of shape (1000000000, 12288)"``).

    Raises
    ------
    NotEnoughMemoryError
        Saying what needs how much, and how much is available.
    """
    available = available_bytes()
    if n_bytes > available:
        raise NotEnoughMemoryError(
            f"{what} needs {byte_text(n_bytes)} of memory, but only {byte_text(available)} "
            "is available"
        )


def _meminfo_available():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return None


def _address_space_left():
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return max(0, soft - int(line.split()[1]) * 1024)
    except OSError:
        pass
    return soft


def _cgroup_left():
    """Room under the cgroup's limit: v2 (``memory.max``) or v1 (``memory.limit_in_bytes``)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, group = line.split(":", 2)
        if controllers == "":
            folder, limit_name, usage_name = Path("/sys/fs/cgroup"), "memory.max", "memory.current"
        elif "memory" in controllers.split(","):
            folder = Path("/sys/fs/cgroup/memory")
            limit_name, usage_name = "memory.limit_in_bytes", "memory.usage_in_bytes"
        else:
            continue
        folder = folder / group.lstrip("/")
        try:
            limit = (folder / limit_name).read_text().strip()
            usage = int((folder / usage_name).read_text())
        except (OSError, ValueError):
            continue
        if limit.isdigit() and int(limit) < 2**62:
            return max(0, int(limit) - usage)
    return None
