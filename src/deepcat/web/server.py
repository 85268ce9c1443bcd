"""``deepcat serve``'s server: uvicorn running :func:`deepcat.web.app.create_app`.

The socket is bound before anything is printed, so the address printed is one that answers
(``--port 0`` prints the port the system chose), and a port in use is an error before the
server starts. Ctrl-C and SIGTERM tell the training job to stop at once and stop the server as
uvicorn stops it (open connections get :data:`GRACE_SECONDS` to end; a second Ctrl-C ends them
now); :func:`serve` then waits for the job, whose staged files are removed, and uvicorn
re-raises the signal, so the command ends as any deepcat command stopped by it.
"""

from __future__ import annotations

import ipaddress
import socket
import warnings

import uvicorn

from deepcat.web.app import create_app

GRACE_SECONDS = 3
"""How long open connections (a page watching a training run) may take to end at shutdown."""


def is_loopback(host):
    """Whether ``host`` names this machine only (``127.0.0.1``, ``::1``, ``localhost``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host, port):
    """A listening TCP socket on ``host``:``port`` (IPv6 for an address with colons).

    Raises
    ------
    OSError
        When the address cannot be listened on (a port in use, an address not of this
        machine).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
        sock.set_inheritable(True)
    except BaseException:
        sock.close()
        raise
    return sock


def address(sock):
    """``http://HOST:PORT/`` of a bound socket, as a browser takes it."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def exposure_note(host):
    """What to tell a user who serves on ``host``, when it is not this machine only."""
    if is_loopback(host):
        return None
    return (
        f"note: listening on {host}, not on 127.0.0.1: anyone who can reach this machine can "
        "use these pages, upload pictures and start training runs"
    )


def serve(runs_dir, host, port, say, allowed_hosts=()):
    """Serve the application until stopped.

    Parameters
    ----------
    runs_dir : str or Path
    host : str
    port : int
        0 lets the system choose a free port.
    say : callable(str)
        Prints a line for the user (the address, and a warning off loopback).
    allowed_hosts : sequence of str
        Further names of this machine the pages may be opened by.
    """
    sock = bind(host, port)
    try:
        app = create_app(runs_dir, host=host, allowed_hosts=allowed_hosts)
        config = uvicorn.Config(
            app,
            # The job is stopped by the signal (_Server) and waited for below: the application's
            # lifespan, which uvicorn cancels with a traceback on a second Ctrl-C, has no part.
            lifespan="off",
            log_level="warning",
            timeout_graceful_shutdown=GRACE_SECONDS,
            server_header=False,
        )
        say(f"deepcat is serving the runs in {runs_dir} at {address(sock)}")
        note = exposure_note(host)
        if note:
            say(note)
        say("Press Ctrl-C to stop.")
        # A signal between uvicorn making its serve() coroutine and running it ends the command
        # as any signal does; the coroutine, dropped unrun, would add a warning to that line.
        warnings.filterwarnings(
            "ignore", "coroutine 'Server.serve' was never awaited", RuntimeWarning
        )
        try:
            _Server(config, app.state.trainer.close).run(sockets=[sock])
        finally:
            # A second Ctrl-C makes uvicorn skip the application's shutdown: the job is
            # stopped and waited for here all the same, so its staged files are removed.
            app.state.trainer.shutdown()
    finally:
        sock.close()


class _Server(uvicorn.Server):
    """uvicorn's server, telling the training job to stop as soon as a signal asks the server
    to, so the pages watching it see it end while the server waits for their connections."""

    def __init__(self, config, stop_jobs):
        super().__init__(config)
        self.stop_jobs = stop_jobs

    def handle_exit(self, sig, frame):
        self.stop_jobs()
        super().handle_exit(sig, frame)
