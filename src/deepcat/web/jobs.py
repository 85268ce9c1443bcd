"""A training job of the web application: one ``deepcat train`` run in a thread, told as events.

A :class:`Job` writes its run as ``deepcat train`` does (:mod:`deepcat.cli.training_commands`):
it claims the run folder, checks it, loads the data set, trains every learning rate into a
staged folder (:func:`deepcat.runs.train.train_and_write`) and commits it, so a finished run is
the same files, put in place at once. What happens is told as events, plain JSON objects,
each with an id (:mod:`deepcat.web.event_log`): a page that comes late is told the whole story
from the first event, its ``progress`` folded into one event per learning rate, so a job holds
a few events and at most :data:`MAX_POINTS` ``+ 1`` points per learning rate, however long it
trains.

Stopping (the Stop button, the server's shutdown) raises :class:`TrainingStopped` from the
training's callback at the next update, or once the files of the learning rate being written
are written; the staged folder is removed and nothing is written, as after Ctrl-C. A stop
asked for before the run is put in place always comes in time. Failures end the job with the
line ``deepcat train`` would print.

Events, each with its ``type``:

``job``
    ``job``, ``out`` (the run's id under ``--runs``), ``dataset``, ``settings``, ``rates``
    (the learning rates, one network each).
``note``
    ``message``: what claiming the folder tidied (``deepcat train`` prints these on stderr).
``start``
    ``rate`` (the learning rate's index), ``learning_rate``, ``total`` (planned updates),
    ``layer_dims``, ``live_accuracy`` (whether ``progress`` events carry accuracies).
``progress``
    ``rate``, ``updates`` (made so far), ``points`` (the ``[iteration, cost]`` pairs new since
    the page's last event: every ``ceil(total / MAX_POINTS)``-th iteration and the last one;
    a cost that is not finite is ``null``), and, when they were computed since, now and then,
    ``train_accuracy`` and ``test_accuracy`` of the parameters as they were. A learning rate's
    ``progress`` comes between its ``start`` and the next event of another type.
``finish``
    ``rate``, ``iterations``, ``cost`` (the last recorded), ``train_accuracy``,
    ``test_accuracy``: the learning rate's run is trained and its files staged.
``done``, ``stopped``, ``failed``
    The last event: ``done`` has ``out`` and ``runs`` (the ids of the run and of its ``lr-*``
    runs); ``stopped`` and ``failed`` have ``message`` (what was left), ``failed`` has
    ``error`` (the line).
"""

from __future__ import annotations

import math
import sys
import threading
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from deepcat.data.datasets import load_dataset, loader_options
from deepcat.formatting import printable
from deepcat.runs import folder as run_folder
from deepcat.runs.claim import Claim, ClaimError
from deepcat.runs.messages import FAILURES, failure_message, usage_message
from deepcat.runs.train import fit_options, train_and_write
from deepcat.training.methods import fit_method
from deepcat.training.settings import build_config
from deepcat.web.event_log import ENDINGS, EventLog

MAX_POINTS = 500
"""Cost points kept and sent per learning rate: every ``ceil(total / MAX_POINTS)``-th
iteration (and the last, so at most ``MAX_POINTS + 1``)."""
SEND_SECONDS = 0.1
"""Least time between two ``progress`` events of a job (at most ten a second to a page
watching it)."""
SCORE_SECONDS = 1.0
"""Least time between two live accuracies (each is a prediction of both splits)."""


class TrainingStopped(Exception):
    """Raised in the training thread, at the next update, once a stop is asked for."""


class JobFailed(Exception):
    """What ended a job, in the words ``deepcat train`` prints."""


class Job:
    """One training run in a thread of its own, and its events (see the module docstring).

    Parameters
    ----------
    job_id : str
    out : Path
        The run folder to write (``runs/<yyyymmdd-hhmmss>``); nothing is there until it is done.
    run_id : str
        ``out``'s id under ``--runs`` (:class:`~deepcat.web.catalogue.Catalogue`).
    dataset : str
    settings : dict
        From :func:`deepcat.web.forms.run_settings`, already checked.
    """

    def __init__(self, job_id, out, run_id, dataset, settings):
        self.id, self.out, self.run_id = job_id, Path(out), run_id
        self.dataset, self.settings = dataset, settings
        self.events = EventLog()
        self._stopping = False
        # Held by stop() and while the run is put in place: a stop is in time or finds the
        # run in place. Reentrant, as stop() runs in Ctrl-C's handler too, which may come
        # while the server's main thread is in stop() already (hence a plain flag, not an
        # Event, whose lock is not).
        self._commit_lock = threading.RLock()
        self._ended = threading.Event()
        # Not a daemon: the interpreter waits for it before it exits, so that a server that
        # stopped waiting for it (Ctrl-C pressed again and again) still leaves no staged
        # folder and no claim behind.
        self._thread = threading.Thread(
            target=self._run, name=f"deepcat training job {job_id}", daemon=False
        )
        self.add(
            type="job",
            job=job_id,
            out=run_id,
            dataset=dataset,
            settings=settings,
            rates=settings["learning_rates"],
        )

    @property
    def state(self):
        """``"running"``, or how it ended: ``"done"``, ``"stopped"``, ``"failed"``."""
        last = self.events.last_type()
        return last if last in ENDINGS else "running"

    def summary(self):
        """The job in a few plain fields, for ``/api/train/status`` (``events``: how many
        it has told)."""
        return {
            "job": self.id,
            "out": self.run_id,
            "dataset": self.dataset,
            "rates": self.settings["learning_rates"],
            "state": self.state,
            "events": len(self.events),
        }

    def start(self):
        self._thread.start()

    def stop(self):
        """Ask the training to stop at its next update (it ends with ``stopped``), unless its
        run is in place already (it ends with ``done``)."""
        with self._commit_lock:
            self._stopping = True

    def join(self, timeout=None):
        """Wait for the job to end (its last event told, its staged files removed).

        It waits for an event the job sets, not in ``Thread.join``: Python 3.11's join, when
        Ctrl-C interrupts it, takes a thread that still runs for ended (its workaround for
        bpo-45274), and the interpreter would then exit without waiting for it.
        """
        self._ended.wait(timeout)

    def check_stop(self):
        """Raise :class:`TrainingStopped` if a stop was asked for (in the job's thread)."""
        if self._stopping:
            raise TrainingStopped

    def add(self, **event):
        """Tell one event of any type but ``progress`` (``events.add_progress`` tells those)."""
        self.events.add(event)

    def _run(self):
        try:
            self._tell_run()
        finally:
            self._ended.set()

    def _tell_run(self):
        try:
            self._write_run()
        except TrainingStopped:
            self.add(
                type="stopped", message=f"training stopped and nothing was written to {self.out}"
            )
        except JobFailed as failure:
            self.add(
                type="failed", error=str(failure), message=f"Nothing was written to {self.out}."
            )
        except BaseException as error:  # a bug: told on the server's terminal and on the page
            traceback.print_exc(file=sys.stderr)
            self.add(
                type="failed",
                error=printable(f"internal error: {type(error).__name__}: {error}"),
                message=f"Nothing was written to {self.out}.",
            )

    def _write_run(self):
        """Claim, check, load, train, stage, commit: ``deepcat train``'s steps."""
        with _claimed(self.out) as claim:
            for note in claim.notes:
                self.add(type="note", message=printable(note))
            try:
                run_folder.check_run_dir(self.out, False)
            except FileExistsError as error:
                raise JobFailed(usage_message(error)) from None
            with _failures():
                options = loader_options(self.dataset)
                data = load_dataset(self.dataset, **options)
            self.check_stop()
            with _failures(self.out), run_folder.StagedRunDir(self.out) as staged:
                _, folders, _ = train_and_write(
                    staged.staging,
                    data,
                    self.settings,
                    {"name": self.dataset} | options,
                    progress=LiveView(self, data),
                )
                with self._commit_lock:  # a stop while the files were written: still nothing
                    self.check_stop()
                    staged.commit()
        runs = [self.run_id, *(f"{self.run_id}/{folder}" for folder in folders)]
        self.add(
            type="done", out=self.run_id, runs=runs, message=f"the run was written to {self.out}"
        )


@contextmanager
def _claimed(out):
    """:class:`~deepcat.runs.claim.Claim` on ``out`` for the block, refused as
    ``deepcat train`` refuses it."""
    claim = Claim(out, "serve", run_dir=True)
    try:
        claim.__enter__()
    except ClaimError as error:
        raise JobFailed(error.strerror) from None
    except OSError as error:
        raise JobFailed(f"cannot write to {out}: {error.strerror}") from None
    try:
        yield claim
    finally:
        claim.__exit__(None, None, None)


@contextmanager
def _failures(out=None):
    """The library's errors as :class:`JobFailed`, in the line ``deepcat train`` prints
    (:func:`deepcat.runs.messages.failure_message`)."""
    try:
        yield
    except FAILURES as error:
        raise JobFailed(failure_message(error, out)) from None


class LiveView:
    """The ``progress`` of :func:`~deepcat.runs.train.train_and_write` as a job's events."""

    def __init__(self, job, data):
        self.job, self.data = job, data
        self.rate = -1

    def start(self, learning_rate, network, total, X_train, X_test):
        """A learning rate's network starts: announce it, and return the fit's callback."""
        self.job.check_stop()
        self.rate += 1
        live = parameters_are_live(network, X_train, self.job.settings, learning_rate)
        self.job.add(
            type="start",
            rate=self.rate,
            learning_rate=learning_rate,
            total=total,
            layer_dims=list(network.layer_dims),
            live_accuracy=live,
        )
        splits = ((X_train, self.data.train_y), (X_test, self.data.test_y)) if live else None
        self.watch = RateWatch(self.job, self.rate, network, total, splits)
        return self.watch

    def finish(self, metrics):
        """A learning rate's files are written: stop now if asked to, else announce it."""
        self.job.check_stop()
        self.watch.send()
        self.job.add(
            type="finish",
            rate=self.rate,
            iterations=metrics["iterations"],
            cost=metrics["costs"][-1][1] if metrics["costs"] else None,
            train_accuracy=metrics["train_accuracy"],
            test_accuracy=metrics["test_accuracy"],
        )


class RateWatch:
    """``Network.fit``'s callback for one learning rate: stops when asked, and sends the costs
    (every ``stride``-th) and now and then the accuracies, at most every :data:`SEND_SECONDS`.

    Parameters
    ----------
    job : Job
    rate : int
        The learning rate's index.
    network : Network
    total : int
        The planned updates.
    splits : ((X_train, Y_train), (X_test, Y_test)) or None
        ``X`` ``(n_x, m)`` and class indices ``Y`` ``(1, m)`` to score the live parameters
        on; None when they are not live (:func:`parameters_are_live`).
    """

    def __init__(self, job, rate, network, total, splits):
        self.job, self.rate, self.network, self.total, self.splits = (
            job, rate, network, total, splits
        )  # fmt: skip
        self.stride = max(1, math.ceil(total / MAX_POINTS))
        self.points = []
        self.updates = 0
        self.sent = time.monotonic()
        self.scored = -math.inf

    def __call__(self, iteration, cost):
        self.job.check_stop()
        self.updates = iteration + 1
        if iteration % self.stride == 0 or self.updates == self.total:
            self.points.append([iteration, float(cost) if math.isfinite(cost) else None])
        if time.monotonic() - self.sent >= SEND_SECONDS:
            self.send()

    def send(self):
        """One ``progress`` event with the points gathered since the last one."""
        now = time.monotonic()
        accuracies = None
        if self.splits is not None and now - self.scored >= SCORE_SECONDS:
            (X_train, Y_train), (X_test, Y_test) = self.splits
            accuracies = {
                "train_accuracy": float(np.mean(self.network.predict(X_train) == Y_train)),
                "test_accuracy": float(np.mean(self.network.predict(X_test) == Y_test)),
            }
            self.scored = now
        self.job.events.add_progress(self.rate, self.updates, self.points, accuracies)
        self.points = []
        self.sent = time.monotonic()


def parameters_are_live(network, X_train, settings, learning_rate):
    """Whether ``network.parameters`` follow the fit update by update, so that the live
    accuracies can be computed from them.

    Under the Gram formulation of layer 1 (:mod:`deepcat.training.gram`, which the fit chooses
    for wide inputs such as the course's cats with gradient descent) ``W[1]`` is written back
    only when the fit ends: that learning rate's accuracies come with its ``finish`` event.
    """
    config = build_config(network.L - 1, learning_rate=learning_rate, **fit_options(settings))
    return fit_method(network, X_train, config) == "plain"
