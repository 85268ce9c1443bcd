"""What the library's errors read as to a person, whichever front end shows them: the command
line prints these lines, and the web application shows the same ones."""

from __future__ import annotations

import errno
import re
from pathlib import Path

from deepcat.data.datasets import LOADER_OPTIONS
from deepcat.formatting import option_flag, printable
from deepcat.training.loop import DivergenceError
from deepcat.training.settings import FIT

_OPTION_NAMES = re.compile(  # a name already written as an option (--lambd) is left alone
    r"(?<![-\w])({})\b".format(
        "|".join(sorted((*(s.name for s in FIT), *LOADER_OPTIONS), key=len, reverse=True))
    )
)


def memory_message(error):
    """The one line a ``MemoryError`` becomes: its own words if it has some."""
    said = str(error).strip()
    if "memory" in said:
        return said
    if said:
        return f"not enough memory: {said}"
    return (
        "not enough memory for this run; try a smaller data set, --image-size, --hidden "
        "or --batch-size"
    )


WRITE_ERRNOS = frozenset(
    getattr(errno, name) for name in ("ENOSPC", "EFBIG", "EDQUOT", "EROFS") if hasattr(errno, name)
)
"""The system's errors that only writing meets: a full disk, a file-size limit, a quota, a
read-only mount."""

_STAGING = re.compile(r"^\..+\.partial$")
"""A staging folder of :class:`deepcat.runs.folder.StagedRunDir`: ``.NAME.<pid>@...partial``."""


def os_error_message(error, out=None):
    """The line an ``OSError`` becomes: ``cannot write FILE: No space left on device`` when
    writing failed, ``FILE: Permission denied`` otherwise, never with the ``[Errno N]`` of
    ``str(error)``. A file inside a staging folder is named by its place in ``out``, the
    --out the user gave; an error that names no file names ``out``.

    deepcat's own ``OSError``s (no ``errno``) already say everything in their words.
    """
    if error.errno is None or not error.strerror:
        return str(error)
    path = error.filename
    if path is not None and out is not None:
        parts = Path(path).parts
        for index, part in enumerate(parts):
            if _STAGING.match(part):
                path = Path(out, *parts[index + 1 :])
                break
    writing = error.errno in WRITE_ERRNOS
    if path is None:
        path = out if writing else None
    if path is None:
        return error.strerror
    return f"{'cannot write ' if writing else ''}{path}: {error.strerror}"


def option_names(message):
    """Write the library's argument names as the options a user typed (keep_prob: --keep-prob)."""
    return _OPTION_NAMES.sub(lambda match: option_flag(match.group(1)), message)


FAILURES = (OSError, ValueError, TypeError, DivergenceError, MemoryError)
"""The library's errors that end a command (or a web job) as a failure of one line: missing or
broken files, bad data, a diverging run, not enough memory."""
USAGE_ERRORS = (ValueError, TypeError, FileExistsError)
"""The library's complaints about the values a user gave (a usage error, exit 2)."""


def failure_message(error, out=None):
    """The line one of the :data:`FAILURES` becomes, ``out`` being the --out being written, if
    any (:func:`os_error_message`).

    The line is :func:`~deepcat.formatting.printable`: a file or class name it quotes cannot
    start a line of its own or send escape codes to the terminal.
    """
    if isinstance(error, OSError):
        return printable(os_error_message(error, out))
    if isinstance(error, MemoryError):
        return printable(memory_message(error))
    return printable(str(error))


def usage_message(error):
    """The line one of the :data:`USAGE_ERRORS` becomes, its argument names written as the
    options a user typed."""
    return option_names(printable(str(error)))
