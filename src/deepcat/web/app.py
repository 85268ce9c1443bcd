"""The web application: its pages, its endpoints and what it holds while it serves.

:func:`create_app` builds a Starlette application for one runs folder. Each page is a template
under ``templates/`` (the frame and navigation bar of ``base.html`` around its own part) whose
script under ``static/`` draws what the JSON endpoints of
:mod:`~deepcat.web.predict`, :mod:`~deepcat.web.runs_pages`, :mod:`~deepcat.web.training` and
:mod:`~deepcat.web.playground` compute. When the server stops (Ctrl-C, SIGTERM), the running
training job is stopped and waited for, so no partial run folder is left.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import FileResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from deepcat.web import playground, predict, runs_pages, training
from deepcat.web.catalogue import Catalogue
from deepcat.web.http import EXCEPTION_HANDLERS, Guard, accepted_hosts

STATIC = Path(__file__).parent / "static"

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Page:
    """One page: its address, its title in the navigation bar (None: not in it), the name of
    its template under ``templates/`` (which extends ``base.html``) and of its script under
    ``static/``, and the navigation entry it belongs to when it has none of its own (a run's
    page belongs to Runs)."""

    path: str
    title: str | None
    name: str
    section: str = ""

    @property
    def template(self):
        return f"{self.name}.html"

    @property
    def script(self):
        return f"{self.name}.js"


PAGES = (
    Page("/", "Is it a cat?", "predict"),
    Page("/train", "Train", "train"),
    Page("/playground", "Playground", "playground"),
    Page("/runs", "Runs", "runs"),
    Page("/run", None, "run", section="/runs"),
)
NAVIGATION = tuple(page for page in PAGES if page.title)


def create_app(runs_dir="runs", *, host="127.0.0.1", allowed_hosts=()):
    """The application serving the runs under ``runs_dir``.

    Parameters
    ----------
    runs_dir : str or Path
        Where runs are listed from, models chosen from, and new runs written (the folder
        need not exist yet).
    host : str
        The address the server listens on. A request must name the server by this address,
        a loopback name, or one of ``allowed_hosts`` (:func:`~deepcat.web.http.accepted_hosts`),
        which stops a page from another site reaching it through a DNS name of its own
        pointed at this machine.
    allowed_hosts : sequence of str
        Further names of this machine the pages may be opened by.

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
            # Only asked to stop here: waiting would block the event loop, which a second
            # Ctrl-C then cancels with a traceback. deepcat.web.server.serve waits for it.
            trainer.close()

    templates = Jinja2Templates(directory=TEMPLATES)
    routes = [Route(page.path, _page(templates, page), methods=["GET"]) for page in PAGES]
    routes.append(Route("/favicon.ico", _static_file("favicon.svg"), methods=["GET"]))
    for module in (predict, runs_pages, training, playground):
        routes.extend(module.ROUTES)
    routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))
    middleware = [Middleware(Guard, hosts=accepted_hosts(host, allowed_hosts))]
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


def _page(templates, page):
    context = {
        "navigation": NAVIGATION,
        "current": page.section or page.path,
        "script": page.script,
    }

    async def render(request):
        # A copy each time: the response keeps the request in the context it is given.
        return templates.TemplateResponse(
            request, page.template, dict(context), headers={"Cache-Control": "no-store"}
        )

    return render


def _static_file(name):
    async def static_file(request):
        return FileResponse(STATIC / name)

    return static_file
