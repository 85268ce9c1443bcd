"""The web application: its pages, its endpoints and what it holds while it serves.

:func:`create_app` builds a Starlette application for one runs folder. Each page is a static
HTML file under ``static/`` whose script draws what the JSON endpoints of
:mod:`~deepcat.web.predict`, :mod:`~deepcat.web.runs_pages`, :mod:`~deepcat.web.training` and
:mod:`~deepcat.web.playground` compute. When the server stops (Ctrl-C, SIGTERM), the running
training job is stopped and waited for, so no partial run folder is left.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import FileResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from deepcat.web import playground, predict, runs_pages, training
from deepcat.web.catalogue import Catalogue
from deepcat.web.http import EXCEPTION_HANDLERS, SameOriginWrites

STATIC = Path(__file__).parent / "static"

PAGES = {
    "/": "predict.html",
    "/train": "train.html",
    "/playground": "playground.html",
    "/runs": "runs.html",
    "/run": "run.html",
}
"""Each page's address and its file under ``static/``."""

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def create_app(runs_dir="runs", *, host="127.0.0.1"):
    """The application serving the runs under ``runs_dir``.

    Parameters
    ----------
    runs_dir : str or Path
        Where runs are listed from, models chosen from, and new runs written (the folder
        need not exist yet).
    host : str
        The address the server listens on. On a loopback address, requests must name the
        server by a loopback name (``Host: 127.0.0.1:8000``), which stops a page from another
        site reaching it through a DNS name made to point at 127.0.0.1.

    Returns
    -------
    starlette.applications.Starlette
        Its ``state`` holds ``catalogue`` (:class:`~deepcat.web.catalogue.Catalogue`),
        ``models`` (:class:`~deepcat.web.predict.Models`), ``trainer``
        (:class:`~deepcat.web.training.Trainer`) and ``playgrounds``
        (:class:`~deepcat.web.playground.Playgrounds`).
    """
    runs_dir = Path(runs_dir)
    catalogue = Catalogue(runs_dir)
    trainer = training.Trainer(runs_dir)

    @asynccontextmanager
    async def lifespan(app):
        try:
            yield
        finally:
            trainer.shutdown()

    routes = [Route(path, _page(name), methods=["GET"]) for path, name in PAGES.items()]
    routes.append(Route("/favicon.ico", _static_file("favicon.svg"), methods=["GET"]))
    for module in (predict, runs_pages, training, playground):
        routes.extend(module.ROUTES)
    routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))
    middleware = [Middleware(SameOriginWrites)]
    if host in LOOPBACK_NAMES:
        allowed = ["127.0.0.1", "localhost", "::1", "[::1]"]
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=allowed))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.catalogue = catalogue
    app.state.models = predict.Models()
    app.state.trainer = trainer
    app.state.playgrounds = playground.Playgrounds()
    return app


def _page(name):
    async def page(request):
        return FileResponse(STATIC / name, headers={"Cache-Control": "no-store"})

    return page


def _static_file(name):
    async def static_file(request):
        return FileResponse(STATIC / name)

    return static_file
