"""The Train page's endpoints: a run started from a form, watched live, stopped.

A form's settings are read and checked as ``deepcat train`` reads its options
(:mod:`deepcat.web.forms`) before anything starts; the run is then a
:class:`~deepcat.web.jobs.Job` writing to ``runs/<yyyymmdd-hhmmss>`` as ``deepcat train``
writes. One job trains at a time: a second start while one runs is refused (409), naming it,
and never mixed with it. Every page may
watch a job's events (server-sent events, the history first), and any may stop it. A job's id
is random, so that no page of an earlier server process, reconnecting after a restart, takes
another run for the one it watched: the new server has no job of that id (404).

``GET /api/train/form``
    ``{"settings": [...], "datasets": {...}}``: the form's fields
    (:func:`~deepcat.web.forms.setting_fields`, :func:`~deepcat.web.forms.dataset_fields`).
``POST /api/train``
    ``{"dataset": "flower", "settings": {"learning_rate": "0.5,0.1", ...}}``, each setting the
    text typed after its option; answers 202 ``{"job": ID, "out": RUN_ID}``.
``POST /api/train/stop``
    ``{"job": ID}`` (or ``{}``: the running job) asks it to stop; answers 202.
``GET /api/train/status``
    ``{"running": JOB or null, "latest": JOB or null}`` (:meth:`~deepcat.web.jobs.Job.summary`).
``GET /api/train/events?job=ID``
    ``text/event-stream``: one JSON event (:mod:`deepcat.web.jobs`) per ``data:`` line, each
    with its id as ``id:``; the stream ends after the last event. A browser reconnecting with
    ``Last-Event-ID`` gets what followed it (:mod:`deepcat.web.event_log`), or 204 when there
    is nothing more.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
from collections import OrderedDict
from pathlib import Path

from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from deepcat.data.datasets import default_dataset
from deepcat.runs.folder import default_run_dir
from deepcat.web import forms
from deepcat.web.http import WebError, read_json
from deepcat.web.jobs import Job

KEPT_JOBS = 20
"""Finished jobs kept to be watched again (each holds a few events per learning rate and at most
:data:`~deepcat.web.jobs.MAX_POINTS` ``+ 1`` cost points per learning rate)."""
POLL_SECONDS = 0.1
"""How often an event stream looks for new events of its job."""
STREAM_SECONDS = 2.0
"""How long one response of an event stream lasts before it ends and the browser reconnects
for what follows (``Last-Event-ID``): shorter than the time the server gives open connections
when it stops (:data:`deepcat.web.server.GRACE_SECONDS`), so that a page watching a run never
holds the server up."""
RECONNECT_MILLISECONDS = 100


class Trainer:
    """The training jobs of one server: one trains at a time, the last :data:`KEPT_JOBS` are
    kept.

    Parameters
    ----------
    runs_dir : Path
        Where runs are written (``runs_dir/<time>``); a job names its run by the folder's
        path under it, the id :class:`~deepcat.web.catalogue.Catalogue` finds it by.
    """

    def __init__(self, runs_dir):
        self.runs_dir = Path(runs_dir)
        self.closed = False
        self._jobs = OrderedDict()  # by id, in the order they started
        # Reentrant: close() runs in Ctrl-C's handler, in the server's main thread, maybe
        # while that thread holds it to answer a page.
        self._lock = threading.RLock()

    def start(self, dataset, settings):
        """Start training ``settings`` (checked already) on ``dataset``.

        Raises
        ------
        WebError
            409 while another job trains, 503 once the server is stopping.
        """
        with self._lock:
            if self.closed:
                raise WebError(503, "the server is stopping; no training run can start")
            running = self._running()
            if running is not None:
                raise WebError(
                    409,
                    f"job {running.id} is training already (into {running.out}); one run trains "
                    "at a time: wait for it to end, or stop it",
                )
            out = default_run_dir(self.runs_dir)
            run_id = out.relative_to(self.runs_dir).as_posix()
            job = Job(secrets.token_hex(8), out, run_id, dataset, settings)
            self._jobs[job.id] = job
            while len(self._jobs) > KEPT_JOBS:
                self._jobs.popitem(last=False)
            job.start()
        return job

    def get(self, job_id):
        """The job of this id.

        Raises
        ------
        WebError
            400 without an id, 404 for one no job of this server has.
        """
        if not job_id:
            raise WebError(400, "name the training job: job=ID")
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise WebError(404, f"no training job {job_id!r} on this server")
        return job

    def running(self):
        """The job training now, or None."""
        with self._lock:
            return self._running()

    def latest(self):
        """The job started last, or None."""
        with self._lock:
            return next(reversed(self._jobs.values()), None)

    def stop(self, job_id=None):
        """Ask the job ``job_id`` (default: the running one) to stop.

        Raises
        ------
        WebError
            404 for an unknown job, 409 when it (or any job) is not training.
        """
        job = self.get(job_id) if job_id is not None else self.running()
        if job is None:
            raise WebError(409, "no training run is running")
        state = job.state
        if state != "running":
            raise WebError(409, f"job {job.id} is not training: it has {state_words(state)}")
        job.stop()
        return job

    def close(self):
        """Refuse new jobs, ask the running one to stop, and end the event streams; returns
        at once (the server may call it as soon as it begins to stop)."""
        with self._lock:
            self.closed = True
            running = self._running()
        if running is not None:
            running.stop()
        return running

    def shutdown(self):
        """:meth:`close`, then wait for the running job to end (its staged files removed)."""
        running = self.close()
        if running is not None:
            running.join()

    def _running(self):
        return next((job for job in self._jobs.values() if job.state == "running"), None)


def state_words(state):
    return {"done": "finished", "stopped": "been stopped", "failed": "failed"}[state]


def train_form(request):
    """``GET /api/train/form``."""
    return JSONResponse({"settings": forms.setting_fields(), "datasets": forms.dataset_fields()})


async def start_training(request):
    """``POST /api/train``: read the form as ``deepcat train`` reads its options, then start."""
    body = await read_json(request)
    unknown = sorted(set(body) - {"dataset", "settings"})
    if unknown:
        raise WebError(400, f"unknown field {unknown[0]!r}; expected dataset and settings")
    if "dataset" in body:
        dataset = forms.read_dataset(body["dataset"])
    else:
        dataset = default_dataset()[0]  # as a plain ``deepcat train`` chooses it
    settings = forms.run_settings(dataset, forms.read_settings(body.get("settings", {})))
    job = request.app.state.trainer.start(dataset, settings)
    return JSONResponse({"job": job.id, "out": job.run_id}, status_code=202)


async def stop_training(request):
    """``POST /api/train/stop``."""
    body = await read_json(request)
    unknown = sorted(set(body) - {"job"})
    if unknown:
        raise WebError(400, f"unknown field {unknown[0]!r}; expected job")
    job_id = body.get("job")
    if job_id is not None and not isinstance(job_id, str):
        raise WebError(400, f"job must be given as text, got {type(job_id).__name__}")
    job = request.app.state.trainer.stop(job_id)
    return JSONResponse({"job": job.id, "state": "stopping"}, status_code=202)


def training_status(request):
    """``GET /api/train/status``."""
    trainer = request.app.state.trainer
    running, latest = trainer.running(), trainer.latest()
    return JSONResponse(
        {
            "running": running and running.summary(),
            "latest": latest and latest.summary(),
        }
    )


async def training_events(request):
    """``GET /api/train/events?job=ID``: the job's events as a server-sent event stream."""
    trainer = request.app.state.trainer
    job = trainer.get(request.query_params.get("job"))
    last = last_event(request.headers.get("last-event-id"))
    events, ended = job.events.after(last)
    if ended and not events:
        return Response(status_code=204)  # the browser has it all: it stops reconnecting
    return StreamingResponse(
        event_stream(trainer, job, last),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store"},
    )


def last_event(last_event_id):
    """The id of the last event a browser got, from its ``Last-Event-ID`` (-1: none)."""
    if last_event_id is None or not last_event_id.isdigit():
        return -1
    return int(last_event_id)


async def event_stream(trainer, job, last):
    """The events of ``job`` after the one of id ``last``, as they come, for
    :data:`STREAM_SECONDS`; ends sooner after the job's last event or when the server stops
    (the client going away cancels it)."""
    yield f"retry: {RECONNECT_MILLISECONDS}\n\n"
    deadline = time.monotonic() + STREAM_SECONDS
    while True:
        events, ended = job.events.after(last)
        for event_id, event in events:
            yield f"id: {event_id}\ndata: {json.dumps(event)}\n\n"
            last = event_id
        if ended or trainer.closed or time.monotonic() >= deadline:
            return
        await asyncio.sleep(POLL_SECONDS)


ROUTES = [
    Route("/api/train/form", train_form, methods=["GET"]),
    Route("/api/train", start_training, methods=["POST"]),
    Route("/api/train/stop", stop_training, methods=["POST"]),
    Route("/api/train/status", training_status, methods=["GET"]),
    Route("/api/train/events", training_events, methods=["GET"]),
]
