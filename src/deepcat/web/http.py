"""What every endpoint shares: errors as JSON, bounded request bodies, and cross-site refusal.

An error is ``{"error": "<one line>"}`` with a 4xx status, in the same words the command line
prints (:mod:`deepcat.runs.messages`). Requests that change state are POSTs; a POST that a
browser sends from another site (its ``Origin`` is not this server's) is refused, so that a
page elsewhere cannot start work on a user's machine.
"""

from __future__ import annotations

import json

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
    except ValueError:
        raise WebError(400, "expected a JSON object in the request's body") from None
    if not isinstance(value, dict):
        raise WebError(400, f"expected a JSON object, got {type(value).__name__}")
    return value


class SameOriginWrites:
    """ASGI middleware refusing a state-changing request sent by another site's page.

    Browsers send ``Origin`` with every cross-site POST; one that names another host, or
    ``null`` (a sandboxed page, a ``file:`` page), gets 403. Requests without ``Origin``
    (curl, scripts, the tests' HTTP client) are a user's own and pass.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            headers = dict(scope["headers"])
            origin = headers.get(b"origin")
            host = headers.get(b"host", b"")
            if origin is not None and origin.split(b"://", 1)[-1] != host:
                response = error_response(403, "refused: the request came from another site's page")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
