"""The ``deepcat`` command: ``train``, ``tune``, ``evaluate``, ``predict``, ``inspect``, ``serve``.

Built on click. The commands live in :mod:`deepcat.cli.training_commands` and
:mod:`deepcat.cli.model_commands`; each reads its options (generated from the settings'
declaration by :mod:`deepcat.cli.options`), calls the library and prints. Errors are printed
as one or two plain lines on stderr, never as a traceback, with the exit statuses of
:mod:`deepcat.cli.errors`; SIGTERM and SIGHUP stop a command as Ctrl-C does.
"""

from __future__ import annotations

import errno
import os
import sys

import click

from deepcat import __version__
from deepcat.cli.errors import stop_on_signals, stop_status
from deepcat.cli.model_commands import evaluate, export, inspect, predict
from deepcat.cli.serve_command import serve
from deepcat.cli.training_commands import train, tune
from deepcat.runs.messages import memory_message


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    invoke_without_command=True,
)
@click.version_option(__version__, prog_name="deepcat")
@click.pass_context
def cli(ctx):
    """Train, evaluate and use L-layer neural networks: the cat classifier of the
    deeplearning.ai course, from NumPy."""
    if ctx.invoked_subcommand is None:
        # Bare ``deepcat`` asks what there is: the help, on stdout, with status 0 (click's own
        # no_args_is_help prints it on stderr as a usage error, status 2).
        click.echo(ctx.get_help())
        return
    check_current_folder()


def check_current_folder():
    """Refuse to run in a current folder that was deleted: every relative path (the data
    sets, ``--out``, ``runs/``) would fail later, somewhere, with the system's words."""
    try:
        os.getcwd()
    except FileNotFoundError:
        raise click.ClickException(
            "the current folder no longer exists; cd to another one"
        ) from None


for command in (train, tune, evaluate, predict, inspect, export, serve):
    cli.add_command(command)


def main(args=None):
    """Entry point of the ``deepcat`` console script and ``python -m deepcat``."""
    stop_on_signals()
    try:
        status = cli.main(args=args, prog_name="deepcat", standalone_mode=False)
    except click.UsageError as error:
        click.echo(f"Error: {error.format_message()}", err=True)
        command = error.ctx.command_path if error.ctx else "deepcat"
        click.echo(f"Run '{command} --help' for the options.", err=True)
        status = error.exit_code
    except click.ClickException as error:
        click.echo(f"Error: {error.format_message()}", err=True)
        status = error.exit_code
    except (click.Abort, KeyboardInterrupt) as error:
        status, word = stop_status(error)
        click.echo(word, err=True)
    except MemoryError as error:
        click.echo(f"Error: {memory_message(error)}", err=True)
        status = 1
    except OSError as error:  # the output itself failed: stdout on a full disk, a closed pipe
        _quiet_output()
        if error.errno != errno.EPIPE:
            click.echo(f"Error: cannot write the output: {error.strerror}", err=True)
        status = 1
    sys.exit(status or 0)


def _quiet_output():
    """Point stdout at /dev/null, so that Python's last flush of what could not be written
    does not fail again with a traceback of its own at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
