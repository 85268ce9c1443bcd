"""The playground's endpoints: small networks trained step by step on 2-D data, for drawing.

Each browser makes its own session (:class:`~deepcat.web.playground_session.Session`), found
by an id that only its page knows; the server keeps the :data:`MAX_SESSIONS` most recently
used and drops the oldest. A session serves one request at a time. GETs change nothing.

- ``GET /api/playground/form``: what the page's controls offer (:func:`form`).
- ``POST /api/playground``: a new session from ``{"dataset": "moons", "m": "200", "noise":
  "0.2", "data_seed": "1", "settings": {"hidden": "4,4", "activation": "tanh", ...}}``
  (see :func:`~deepcat.web.playground_spec.read_spec`); answers 201 with the
  session's whole picture (below).
- ``GET /api/playground/<id>``: the whole picture again: ``id``, ``spec`` (``dataset``,
  ``m``, ``noise``, ``data_seed``, ``settings`` as option texts, ``layer_dims``,
  ``activations``), ``points`` (``box`` ``[x1_low, x1_high, x2_low, x2_high]``, and
  ``train`` and ``test``, each ``{"x": [[x1, x2], ...], "y": [0 or 1, ...]}``) and ``state``.
- ``POST /api/playground/<id>/step`` with ``{"iterations": N}`` (1 to 100, default 10):
  ``N`` more updates; answers ``{"id", "state"}``.
- ``POST /api/playground/<id>/reset``: back to the first parameters; ``{"id", "state"}``.
- ``DELETE /api/playground/<id>``: the session ends (a page leaving, or replacing it).

A ``state`` is ``iteration`` (updates made); ``costs``, ``{"train": [[iteration, cost], ...],
"test": [...]}``: the training cost ``fit`` records before each update and the test cost after
each step, each thinned evenly to about 1,000 points; ``cost`` and ``accuracy``, ``{"train",
"test"}`` of the current parameters (the costs include the L2 term, never dropout);
``boundary``: ``size`` G = 50 and ``p``, P(class 1) at the G x G grid over the box, row-major,
rows going up ``x2`` from the box's bottom; ``units``: ``size`` g = 20 and ``layers``, for each
hidden layer, for each unit, its g x g activations on the same kind of grid.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.routing import Route

from deepcat.data.toy_sets import DEFAULT_SEED, DEFAULT_SIZE, TOY_SETS
from deepcat.formatting import value_text
from deepcat.training.loop import DivergenceError
from deepcat.training.settings import BY_NAME
from deepcat.web.forms import setting_fields
from deepcat.web.http import WebError, read_json
from deepcat.web.playground_session import BOUNDARY_GRID, TEST_FRACTION, UNIT_GRID, Session
from deepcat.web.playground_spec import (
    DEFAULT_DATASET,
    MAX_HIDDEN_LAYERS,
    MAX_UNITS,
    NOISE,
    PLAYGROUND_SETTINGS,
    SEED,
    SIZE,
    STARTING_SETTINGS,
    STEP,
    read_number,
    read_spec,
)

MAX_SESSIONS = 32
"""Sessions kept at once; each holds at most 1,000 points and a network of at most 96 units."""
DEFAULT_STEP = 10
"""Updates of a step request that does not say how many."""


class Playgrounds:
    """The live sessions by id, the most recently used last; at most ``most`` of them."""

    def __init__(self, most=MAX_SESSIONS):
        self.most = most
        self._sessions = OrderedDict()
        self._lock = threading.Lock()

    def create(self, spec):
        """A new session of ``spec`` and its id; the least recently used goes beyond ``most``."""
        session = Session(spec)
        session_id = secrets.token_hex(8)
        with self._lock:
            self._sessions[session_id] = session
            while len(self._sessions) > self.most:
                self._sessions.popitem(last=False)
        return session_id, session

    def get(self, session_id, use=True):
        """The session ``session_id``; ``use`` marks it the most recently used.

        Raises
        ------
        WebError
            404 when no session has that id (never made, ended, or dropped as the oldest).
        """
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                raise WebError(
                    404,
                    f"no playground session {session_id[:40]!r}: it ended or was dropped (the "
                    f"server keeps the {self.most} most recently used); press Reset for a new one",
                )
            if use:
                self._sessions.move_to_end(session_id)
        return session

    def remove(self, session_id):
        self.get(session_id, use=False)
        with self._lock:
            self._sessions.pop(session_id, None)

    def __len__(self):
        return len(self._sessions)


def form():
    """What the page's controls offer, all from the declarations the library checks with.

    Returns
    -------
    dict
        ``datasets`` (``name``, ``summary``, ``noise``: the one it starts with) and
        ``dataset`` (the first one shown); ``numbers``: ``m``, ``noise`` and ``data_seed``,
        each ``low``, ``high``, ``default`` (None for the noise: each set's own) and ``text``
        (its range in words); ``settings``: the form fields of
        :func:`deepcat.web.forms.setting_fields` for the playground's settings, with its
        starting values as ``default``; ``limits``: ``hidden_layers``, ``units`` and ``step``
        (``low``, ``high``, ``default``); ``test_fraction``; ``grids`` (``boundary``,
        ``units``).
    """
    fields = {field["name"]: field for field in setting_fields()}
    settings = []
    for name in PLAYGROUND_SETTINGS:
        start = STARTING_SETTINGS.get(name, BY_NAME[name].cli_default)
        settings.append({**fields[name], "default": value_text(start, exact=True)})
    return {
        "datasets": [
            {"name": name, "summary": toy.summary, "noise": toy.noise}
            for name, toy in TOY_SETS.items()
        ],
        "dataset": DEFAULT_DATASET,
        "numbers": {
            "m": _interval(SIZE, DEFAULT_SIZE),
            "noise": _interval(NOISE, None),
            "data_seed": _interval(SEED, DEFAULT_SEED),
        },
        "settings": settings,
        "limits": {
            "hidden_layers": MAX_HIDDEN_LAYERS,
            "units": MAX_UNITS,
            "step": _interval(STEP, DEFAULT_STEP),
        },
        "test_fraction": TEST_FRACTION,
        "grids": {"boundary": BOUNDARY_GRID, "units": UNIT_GRID},
    }


def _interval(number, default):
    return {"low": number.low, "high": number.high, "default": default, "text": number.text}


async def get_form(request):
    return JSONResponse(form())


async def create_session(request):
    body = await read_json(request)
    playgrounds = request.app.state.playgrounds
    spec = read_spec(body)
    session_id, session = await run_in_threadpool(playgrounds.create, spec)
    return JSONResponse(await run_in_threadpool(_picture, session_id, session), status_code=201)


async def get_session(request):
    session_id = request.path_params["session_id"]
    session = request.app.state.playgrounds.get(session_id, use=False)
    return JSONResponse(await run_in_threadpool(_picture, session_id, session))


async def step_session(request):
    body = await read_json(request)
    unknown = sorted(set(body) - {"iterations"})
    if unknown:
        raise WebError(400, f"unknown field {unknown[0]!r}; a step takes iterations")
    iterations = read_number(body.get("iterations"), "iterations", STEP, DEFAULT_STEP)
    session_id = request.path_params["session_id"]
    session = request.app.state.playgrounds.get(session_id)
    return JSONResponse(await run_in_threadpool(_step, session_id, session, iterations))


async def reset_session(request):
    session_id = request.path_params["session_id"]
    session = request.app.state.playgrounds.get(session_id)
    return JSONResponse(await run_in_threadpool(_reset, session_id, session))


async def delete_session(request):
    session_id = request.path_params["session_id"]
    request.app.state.playgrounds.remove(session_id)
    return JSONResponse({"deleted": session_id})


def _picture(session_id, session):
    """A session's whole picture: its spec, its points and its state."""
    spec = session.spec
    with session.lock:
        return {
            "id": session_id,
            "spec": {
                "dataset": spec.dataset,
                "m": spec.m,
                "noise": spec.noise,
                "data_seed": spec.data_seed,
                "settings": spec.texts(),
                "layer_dims": list(session.network.layer_dims),
                "activations": list(session.network.activations),
            },
            "points": session.points(),
            "state": session.state(),
        }


def _step(session_id, session, iterations):
    with session.lock:
        try:
            session.step(iterations)
        except DivergenceError as error:
            raise WebError(400, str(error)) from None
        return {"id": session_id, "state": session.state()}


def _reset(session_id, session):
    with session.lock:
        session.reset()
        return {"id": session_id, "state": session.state()}


ROUTES = [
    Route("/api/playground/form", get_form, methods=["GET"]),
    Route("/api/playground", create_session, methods=["POST"]),
    Route("/api/playground/{session_id}", get_session, methods=["GET"]),
    Route("/api/playground/{session_id}", delete_session, methods=["DELETE"]),
    Route("/api/playground/{session_id}/step", step_session, methods=["POST"]),
    Route("/api/playground/{session_id}/reset", reset_session, methods=["POST"]),
]
