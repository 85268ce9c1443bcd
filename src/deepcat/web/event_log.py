"""A training job's events as pages are told them: the story whole, the progress folded.

Each event told gets an id, one more than the event before it. A page that has the events up to
id ``N`` (none yet: -1) is told those after it (:meth:`EventLog.after`), with one difference
from what a page watching all along was told: the ``progress`` events of a learning rate after
``N`` come as one, with the id of the last of them, holding the points they held and the latest
updates and accuracies. So a page that comes late gets the whole story in a few events, a page
that reconnects after any event it was told neither misses nor repeats a point, and the log
holds the few other events and the points, however long the training runs.

That holds because a learning rate's ``progress`` events all come between its ``start`` and
the next event of another type (:class:`deepcat.web.jobs.LiveView` tells them so): the one
that stands for them comes in their place.
"""

from __future__ import annotations

import bisect
import threading

ENDINGS = frozenset({"done", "stopped", "failed"})
"""The types of the event that ends a job's story."""


class EventLog:
    """One job's events (:mod:`deepcat.web.jobs`): each a plain JSON object with a ``type``.

    Its lock is reentrant: Ctrl-C's handler, which stops the job and reads its state, runs in
    the server's main thread, maybe while that thread holds the lock to answer a page.
    """

    def __init__(self):
        self._lock = threading.RLock()
        self._told = 0  # the id of the next event
        self._story = []  # (id, event) of every event but progress
        self._rates = []  # _RateProgress of each learning rate started

    def __len__(self):
        """How many events were told."""
        with self._lock:
            return self._told

    def last_type(self):
        """The type of the last event told but ``progress``."""
        with self._lock:
            return self._story[-1][1]["type"]

    def add(self, event):
        """Tell ``event``, of any type but ``progress``."""
        with self._lock:
            self._story.append((self._told, event))
            self._told += 1
            if event["type"] == "start":
                self._rates.append(_RateProgress(event["rate"]))

    def add_progress(self, rate, updates, points, accuracies=None):
        """Tell a ``progress`` event of the learning rate of index ``rate``.

        Parameters
        ----------
        rate : int
            Of a learning rate whose ``start`` was told.
        updates : int
        points : list of [int, float or None]
            The ``[iteration, cost]`` pairs new since its last ``progress``.
        accuracies : dict, optional
            ``{"train_accuracy": ..., "test_accuracy": ...}``, when computed.
        """
        with self._lock:
            self._rates[rate].tell(self._told, updates, points, accuracies)
            self._told += 1

    def after(self, last):
        """The events told after the one of id ``last``, as the module docstring says, and
        whether they include the last event of the story.

        Returns
        -------
        events : list of (int, dict)
            Each event with its id, in the order of the ids.
        ended : bool
        """
        with self._lock:
            events = self._story[bisect.bisect_right(self._story, last, key=_event_id) :]
            events += filter(None, (rate.since(last) for rate in self._rates))
            ended = self._story[-1][1]["type"] in ENDINGS
        events.sort(key=_event_id)
        return events, ended


class _RateProgress:
    """The ``progress`` events of one learning rate, folded: its points so far, each with the
    id of the event that told it, and its latest updates and accuracies."""

    def __init__(self, rate):
        self.rate = rate
        self.point_ids, self.points = [], []
        self.updates = 0
        self.accuracies = {}
        self.updated = self.scored = -1  # ids of its last progress, of its last with accuracies

    def tell(self, event_id, updates, points, accuracies):
        self.point_ids += [event_id] * len(points)
        self.points += points
        self.updates, self.updated = updates, event_id
        if accuracies:
            self.accuracies, self.scored = accuracies, event_id

    def since(self, last):
        """``(id, event)``: the one ``progress`` event that tells what those after id ``last``
        told, with the id of the last of them; None when none came after it."""
        if self.updated <= last:
            return None
        new = self.points[bisect.bisect_right(self.point_ids, last) :]
        event = {"type": "progress", "rate": self.rate, "updates": self.updates, "points": new}
        if self.scored > last:
            event |= self.accuracies
        return self.updated, event


def _event_id(told):
    return told[0]
