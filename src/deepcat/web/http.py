"""What every endpoint shares: errors as JSON, bounded request bodies, and what keeps other
sites' pages out.

An error is ``{"error": "<one line>"}`` with a 4xx status, in the same words the command line
prints (:mod:`deepcat.runs.messages`). Three middlewares stand between the network and the
endpoints (:class:`Guard`):

- a request must name the server by one of its own names (``Host``): a page elsewhere cannot
  reach it through a DNS name of its own made to point at this machine (DNS rebinding);
- a request that changes state (anything but GET) sent by a browser from another site's page
  (its ``Origin`` is not this server) is refused, so that such a page cannot start work;
- every response forbids being framed by another page, and the pages run only their own
  scripts (``Content-Security-Policy``).
"""

from __future__ import annotations

import ipaddress
import json
import socket

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse

from deepcat.formatting import printable

JSON_LIMIT = 64 * 2**10
"""The largest JSON body an endpoint reads (a form's settings are a few hundred bytes)."""

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class WebError(Exception):
    """A request that cannot be served: its HTTP status and the line to show the user."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = printable(message)


def error_response(status, message):
    return JSONResponse({"error": message}, status_code=status)


async def web_error_handler(request, error):
    return error_response(error.status, error.message)


async def http_error_handler(request, error):
    """Starlette's own refusals (unknown path, wrong method) in the same JSON shape."""
    if error.status_code == 404:
        message = f"nothing here: {printable(request.url.path)}"
    elif error.status_code == 405:
        message = f"{request.method} is not allowed here"
    else:
        message = printable(str(error.detail))
    return error_response(error.status_code, message)


EXCEPTION_HANDLERS = {WebError: web_error_handler, HTTPException: http_error_handler}


async def read_json(request, limit=JSON_LIMIT):
    """The JSON object of a request's body, read up to ``limit`` bytes.

    Raises
    ------
    WebError
        413 for a larger body, 400 for one that is not a JSON object.
    """
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise WebError(413, f"the request is larger than {limit // 1024} KiB")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise WebError(413, f"the request is larger than {limit // 1024} KiB")
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        raise WebError(400, "expected a JSON object in the request's body") from None
    if not isinstance(value, dict):
        raise WebError(400, f"expected a JSON object, got {type(value).__name__}")
    return value


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
WILDCARDS = ("0.0.0.0", "::", "[::]", "")

SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; img-src 'self' data:; "
     b"style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; "
     b"form-action 'self'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]  # fmt: skip
"""Sent with every response. The pages load only the server's own scripts and styles (inline
styles are the canvas pages' sizes), show pictures from the server or the data URLs the answers
carry, and may not be framed by any page (which could trick a click on Start)."""


def host_name(host):
    """``host`` as a ``Host`` header names it: an IPv6 address in brackets, lower case."""
    host = host.strip().lower()
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host


def accepted_hosts(host, extra=()):
    """The names a server listening on ``host`` answers to.

    Its loopback names, ``host`` itself, the ``extra`` names the user allowed, and when it
    listens on every address (``0.0.0.0``), this machine's name and addresses.

    Returns
    -------
    frozenset of str
        As :func:`host_name` writes them.
    """
    names = {*LOOPBACK_NAMES, host_name(host), *map(host_name, extra)}
    if host_name(host) in map(host_name, WILDCARDS):
        names.discard(host_name(host))
        machine = socket.gethostname()
        names.update(map(host_name, {machine, socket.getfqdn()}))
        try:
            infos = socket.getaddrinfo(machine, None)
        except OSError:
            infos = []
        names.update(host_name(info[4][0]) for info in infos)
    return frozenset(names)


def requested_host(header):
    """The host part of a ``Host`` header (``[::1]:8000`` is ``[::1]``), as :func:`host_name`."""
    header = header.strip().lower()
    name, colon, port = header.rpartition(":") if header.count(":") == 1 else (header, "", "")
    if header.startswith("["):
        name, _, rest = header.partition("]")
        name, colon, port = name + "]", rest[:1], rest[1:]
        if rest and colon != ":":
            return header  # something follows the address that is not a port: no host of ours
    return name if not colon or port.isdigit() else header


def _is_address(name):
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


class Guard:
    """ASGI middleware: the ``Host`` a request names, the ``Origin`` of a write, and the
    security headers of every response (see the module's docstring).

    A browser sends ``Origin`` with every cross-site POST; one that names another host, or
    ``null`` (a sandboxed page, a ``file:`` page), gets 403. Requests without ``Origin``
    (curl, scripts, the tests' HTTP client) are a user's own and pass.
    """

    def __init__(self, app, hosts):
        self.app = app
        self.hosts = frozenset(hosts)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        host = headers.get(b"host", b"").decode("latin-1")
        refusal = None
        if requested_host(host) not in self.hosts:
            named = ", ".join(sorted(name for name in self.hosts if not _is_address(name)))
            refusal = error_response(
                400,
                f"refused: this server answers to {named} and its addresses, not to "
                f"{printable(requested_host(host)) or 'a request without a Host'}",
            )
        elif scope["method"] not in SAFE_METHODS:
            origin = headers.get(b"origin")
            if origin is not None and origin.decode("latin-1").split("://", 1)[-1] != host:
                refusal = error_response(403, "refused: the request came from another site's page")

        async def send_secured(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        if refusal is not None:
            await refusal(scope, receive, send_secured)
        else:
            await self.app(scope, receive, send_secured)
