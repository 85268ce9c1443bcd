"""``deepcat serve``: the web application (:mod:`deepcat.web`)."""

from __future__ import annotations

import os

import click

from deepcat.formatting import printable


@click.command()
@click.option(
    "--runs",
    "runs_dir",
    default="runs",
    show_default=True,
    metavar="DIR",
    help="Folder whose runs the pages list and take models from; runs trained in the "
    "browser are written here.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Any other than a loopback address lets other machines use "
    "the pages.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 lets the system choose a free one.",
)
@click.option(
    "--allow-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Another name of this machine the pages may be opened by, with --host other than "
    "a loopback address (its own address, its host name and localhost always are). "
    "Repeat for several.",
)
def serve(runs_dir, host, port, allowed_hosts):
    """Start deepcat's web application and print its address.

    Its pages: "Is it a cat?" (a run's model answers your pictures), Train (a run trained
    and watched live, written to --runs as train writes it), Playground (a small network
    learning 2-D points step by step) and Runs (the runs under --runs, compared).
    """
    from deepcat.web.server import serve as serve_forever

    if os.path.exists(runs_dir) and not os.path.isdir(runs_dir):
        raise click.ClickException(printable(f"--runs {runs_dir} is a file, not a folder"))
    try:
        serve_forever(runs_dir, host, port, click.echo, allowed_hosts)
    except OSError as error:
        reason = error.strerror or str(error)
        raise click.ClickException(printable(f"cannot listen on {host}:{port}: {reason}")) from None
