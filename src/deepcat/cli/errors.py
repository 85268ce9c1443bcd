"""How the command line reports what went wrong: one or two plain lines and an exit status.

Exit status: 0 on success, 1 when the work failed (missing or broken files, a diverging run, a
picture that cannot be read, not enough memory, an --out that cannot be written), 2 for a
usage error (a bad option value), 130 when interrupted with Ctrl-C, and 128 + the signal's
number when stopped by SIGTERM (143) or SIGHUP (129). SIGTERM and SIGHUP are handled like
Ctrl-C (:func:`stop_on_signals`): the command cleans up what it was writing and says so.
"""

from __future__ import annotations

import signal
import sys
from contextlib import contextmanager

import click

from deepcat.runs.messages import FAILURES, USAGE_ERRORS, failure_message, usage_message
from deepcat.signals import STOPPING_SIGNALS

INTERRUPTED = 130
"""Exit status after Ctrl-C, the shell's 128 + SIGINT."""


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


@contextmanager
def failures(out=None):
    """Turn the library's errors about data, files, memory and training into one-line
    failures (:func:`~deepcat.runs.messages.failure_message`); ``out`` is the --out being
    written, if any."""
    try:
        yield
    except FAILURES as error:
        raise click.ClickException(failure_message(error, out)) from None


@contextmanager
def usage_errors(ctx):
    """Turn the library's complaints about option values into usage errors (exit 2)."""
    try:
        yield
    except USAGE_ERRORS as error:
        raise click.UsageError(usage_message(error), ctx) from None


def interrupted(message):
    """Say what Ctrl-C (or SIGTERM) left behind, and leave with the interrupted status.

    Called while handling the KeyboardInterrupt, whose kind decides the status and wording.
    """
    status, word = stop_status()
    click.echo(f"{word}: {message}", err=True)
    raise click.exceptions.Exit(status)
