"""deepcat.core.memory: the memory a process can have, read from the kernel's real limits."""

import os
import subprocess
import sys

import numpy as np
import pytest

from deepcat.core.memory import (
    NotEnoughMemoryError,
    array_bytes,
    check_array_fits,
    check_fits,
)
from deepcat.formatting import byte_text


def test_byte_text_uses_powers_of_1000():
    assert [byte_text(n) for n in (512, 3800, 9.6e9, 9.8e13)] == [
        "512 B",
        "3.8 KB",
        "9.6 GB",
        "98.0 TB",
    ]


def test_a_petabyte_is_refused_in_words_and_a_kilobyte_is_not():
    check_fits(1000, "a small array")
    with pytest.raises(NotEnoughMemoryError, match=r"W1 of shape \(10, 10\) needs 1000.0 TB"):
        check_fits(10**15, "W1 of shape (10, 10)")
    assert issubclass(NotEnoughMemoryError, MemoryError)


def test_the_address_space_limit_counts():
    """Under ``ulimit -v`` of 2 GB, what is left is below 2 GB, whatever the machine has."""
    script = "from deepcat.core.memory import available_bytes; print(available_bytes())"
    limited = subprocess.run(
        ["bash", "-c", f"ulimit -v 2000000 && {sys.executable} -c '{script}'"],
        capture_output=True,
        text=True,
        check=True,
        # OpenBLAS starts a thread per core, each with its own buffers: under a low cap on a
        # many-core machine that alone can fail before Python runs a line.
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
    )
    assert 0 < int(limited.stdout) < 2000000 * 1024


def test_array_bytes_are_exact_where_int64_overflows():
    # 10**12 x 10**12 bytes: np.prod of int64 wraps around; Python integers do not.
    assert array_bytes((10**12, 10**12), np.uint8) == 10**24
    assert array_bytes((3, 4), np.float32, copies=2) == 96
    with pytest.raises(NotEnoughMemoryError, match=r"X of shape \(1000000, 1000000\) needs 8.0 TB"):
        check_array_fits((10**6, 10**6), np.float64, "X of shape (1000000, 1000000)")
