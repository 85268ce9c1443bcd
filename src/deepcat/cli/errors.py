"""How the command line reports what went wrong: one or two plain lines and an exit status.

Exit status: 0 on success, 1 when the work failed (missing or broken files, a diverging run, a
picture that cannot be read), 2 for a usage error (a bad option value), 130 when interrupted.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import click

from deepcat.data.datasets import LOADER_OPTIONS
from deepcat.formatting import option_flag
from deepcat.training.loop import DivergenceError
from deepcat.training.settings import FIT

INTERRUPTED = 130
"""Exit status after Ctrl-C, the shell's 128 + SIGINT."""

_OPTION_NAMES = re.compile(
    r"\b({})\b".format(
        "|".join(sorted((*(s.name for s in FIT), *LOADER_OPTIONS), key=len, reverse=True))
    )
)


@contextmanager
def failures():
    """Turn the library's errors about data, files and training into one-line failures."""
    try:
        yield
    except (ValueError, TypeError, OSError, DivergenceError) as error:
        raise click.ClickException(str(error)) from None


@contextmanager
def usage_errors(ctx):
    """Turn the library's complaints about option values into usage errors (exit 2)."""
    try:
        yield
    except (ValueError, TypeError, FileExistsError) as error:
        raise click.UsageError(option_names(str(error)), ctx) from None


def option_names(message):
    """Write the library's argument names as the options a user typed (keep_prob: --keep-prob)."""
    return _OPTION_NAMES.sub(lambda match: option_flag(match.group(1)), message)


def interrupted(message):
    """Say what Ctrl-C left behind, and leave with the interrupted status."""
    click.echo(f"interrupted: {message}", err=True)
    raise click.exceptions.Exit(INTERRUPTED)
