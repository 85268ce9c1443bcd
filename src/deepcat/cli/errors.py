"""How the command line reports what went wrong: one or two plain lines and an exit status.

Exit status: 0 on success, 1 when the work failed (missing or broken files, a diverging run, a
picture that cannot be read, not enough memory, an --out that cannot be written), 2 for a
usage error (a bad option value), 130 when interrupted with Ctrl-C, and 128 + the signal's
number when stopped by SIGTERM (143) or SIGHUP (129). SIGTERM and SIGHUP are handled like
Ctrl-C (:func:`stop_on_signals`): the command cleans up what it was writing and says so.
"""

from __future__ import annotations

import errno
import re
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from deepcat.data.datasets import LOADER_OPTIONS
from deepcat.formatting import option_flag, printable
from deepcat.signals import STOPPING_SIGNALS
from deepcat.training.loop import DivergenceError
from deepcat.training.settings import FIT

INTERRUPTED = 130
"""Exit status after Ctrl-C, the shell's 128 + SIGINT."""

_OPTION_NAMES = re.compile(  # a name already written as an option (--lambd) is left alone
    r"(?<![-\w])({})\b".format(
        "|".join(sorted((*(s.name for s in FIT), *LOADER_OPTIONS), key=len, reverse=True))
    )
)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where Ctrl-C's KeyboardInterrupt would be, so that every
    ``except KeyboardInterrupt`` cleans up after them too."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def stop_on_signals():
    """Make SIGTERM and SIGHUP raise :class:`Stopped` (where they are not ignored, as under
    ``nohup``)."""

    def stop(signum, frame):
        raise Stopped(signum)

    for signum in STOPPING_SIGNALS:
        if signal.getsignal(signum) == signal.SIG_DFL:
            signal.signal(signum, stop)


def stop_status(error=None):
    """The exit status and the word for an interruption: ``(130, "interrupted")`` after
    Ctrl-C, ``(143, "interrupted by SIGTERM")`` after SIGTERM. ``error`` defaults to the
    exception being handled; its cause and context are looked at too (click wraps Ctrl-C
    in ``Abort``)."""
    if error is None:
        error = sys.exc_info()[1]
    while error is not None and not isinstance(error, Stopped):
        error = error.__cause__ or error.__context__
    if error is None:
        return INTERRUPTED, "interrupted"
    return 128 + error.signum, f"interrupted by {signal.Signals(error.signum).name}"


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
"""A staging folder of :class:`deepcat.cli.run_folder.StagedRunDir`: ``.NAME.<pid>@...partial``."""


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


@contextmanager
def failures(out=None):
    """Turn the library's errors about data, files, memory and training into one-line
    failures; ``out`` is the --out being written, if any (:func:`os_error_message`).

    The line is :func:`~deepcat.formatting.printable`: a file or class name it quotes cannot
    start a line of its own or send escape codes to the terminal.
    """
    try:
        yield
    except OSError as error:
        raise click.ClickException(printable(os_error_message(error, out))) from None
    except (ValueError, TypeError, DivergenceError) as error:
        raise click.ClickException(printable(str(error))) from None
    except MemoryError as error:
        raise click.ClickException(printable(memory_message(error))) from None


@contextmanager
def usage_errors(ctx):
    """Turn the library's complaints about option values into usage errors (exit 2)."""
    try:
        yield
    except (ValueError, TypeError, FileExistsError) as error:
        raise click.UsageError(option_names(printable(str(error))), ctx) from None


def option_names(message):
    """Write the library's argument names as the options a user typed (keep_prob: --keep-prob)."""
    return _OPTION_NAMES.sub(lambda match: option_flag(match.group(1)), message)


def interrupted(message):
    """Say what Ctrl-C (or SIGTERM) left behind, and leave with the interrupted status.

    Called while handling the KeyboardInterrupt, whose kind decides the status and wording.
    """
    status, word = stop_status()
    click.echo(f"{word}: {message}", err=True)
    raise click.exceptions.Exit(status)
