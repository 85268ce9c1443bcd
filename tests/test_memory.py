"""deepcat.core.memory: the memory a process can have, read from the kernel's real limits."""

import subprocess
import sys

import pytest

from deepcat.core.memory import NotEnoughMemoryError, available_bytes, check_fits
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
    )
    assert 0 < int(limited.stdout) < 2000000 * 1024 < available_bytes()
