"""Training a search's fits on a Dask cluster, through ``distributed``'s own scheduler.

:func:`deepcat.sklearn.model_selection.grid_search` and
:func:`deepcat.sklearn.halving.successive_halving` hand their fits here when given
``scheduler="tcp://HOST:PORT"``. The data are scattered to every worker once; each fit is a
pure task (its settings, its fold's indices and its seed decide its outcome), so the scheduler
may run it again on another worker when the one running it dies, and the table is the one a
local run gives. ``dask`` and ``distributed`` are imported only here, and this module only
when a scheduler is given.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import CancelledError
from contextlib import contextmanager

MINIMUM_VERSION = (2024, 1)
MINIMUM_TEXT = ".".join(map(str, MINIMUM_VERSION))
"""The oldest ``distributed`` deepcat accepts. What it uses (``Client(timeout=...)``,
``Client.scatter(broadcast=True, hash=False)``, ``submit(pure=True)``, ``as_completed(loop=...)``,
the scheduler's rescheduling of a lost worker's tasks) is in every release since 2023; 2024.1
is a conservative floor (the tests ran with 2026.8.0)."""

CONNECT_SECONDS = 5
"""How long connecting to the scheduler may take before it counts as unreachable."""

WORKER_SECONDS = 30
"""How long a search waits for a scheduler's first worker: one started just before the search
(as the README's example does) takes a few seconds to join."""

_ADDRESS = re.compile(r"^(tcp|tls)://[^\s/:]+:\d{1,5}$")


def check_address(scheduler):
    """Refuse anything but a ``tcp://HOST:PORT`` (or ``tls://``) address or a ``Client``.

    Raises
    ------
    TypeError, ValueError
    """
    if hasattr(scheduler, "submit") and hasattr(scheduler, "scatter"):
        return scheduler
    if not isinstance(scheduler, str):
        raise TypeError(
            f"scheduler must be a Dask scheduler address such as 'tcp://127.0.0.1:8786' or a "
            f"distributed.Client, got {scheduler!r}"
        )
    if not _ADDRESS.match(scheduler):
        raise ValueError(
            f"scheduler must be an address tcp://HOST:PORT (or tls://HOST:PORT), got {scheduler!r}"
        )
    return scheduler


def distributed_module():
    """``distributed``, refused with the installed version when it is older than
    :data:`MINIMUM_VERSION` or missing.

    Raises
    ------
    ImportError
    """
    try:
        import distributed
    except ImportError as error:
        raise ImportError(
            f"tuning on a Dask cluster needs dask[distributed] >= {MINIMUM_TEXT}, which is not "
            f"installed ({error}); install deepcat[dask]"
        ) from None
    found = tuple(int(part) for part in re.findall(r"\d+", distributed.__version__)[:2])
    if found < MINIMUM_VERSION:
        raise ImportError(
            f"tuning on a Dask cluster needs distributed >= {MINIMUM_TEXT}; version "
            f"{distributed.__version__} is installed; upgrade it with pip install 'deepcat[dask]'"
        )
    return distributed


@contextmanager
def connected(scheduler):
    """A ``distributed.Client`` of ``scheduler`` (an address, or a client, which is kept open).

    Raises
    ------
    ConnectionError
        When no scheduler answers within :data:`CONNECT_SECONDS`.
    """
    distributed = distributed_module()
    if not isinstance(scheduler, str):
        yield scheduler
        return
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
    except OSError as error:
        raise ConnectionError(
            f"cannot reach the Dask scheduler at {scheduler} within {CONNECT_SECONDS} s "
            f"({error}); is it running, and is the address right?"
        ) from None
    try:
        yield client
    finally:
        with _quiet_client():
            client.close(timeout=CONNECT_SECONDS)


class ClusterFits:
    """The fits of one search on a cluster: the data scattered once, then one call of
    :meth:`run` per batch of fits (a grid is one batch, each rung of a halving one more).

    Parameters
    ----------
    client : distributed.Client
    X : ndarray, shape (m, n_x)
        scikit-learn's layout, one example per row.
    y : ndarray, shape (m,)
    """

    def __init__(self, client, X, y):
        self.client = client
        try:
            client.wait_for_workers(1, timeout=WORKER_SECONDS)
        except TimeoutError:
            raise ConnectionError(
                f"the Dask scheduler at {client.scheduler.address} has no workers after "
                f"{WORKER_SECONDS} s; start one with: dask worker {client.scheduler.address}"
            ) from None
        # On every worker, so that a worker's death loses no copy the others need.
        self.X, self.y = client.scatter([X, y], broadcast=True, hash=False)

    def run(self, fit, tasks, preprocessing, progress=None):
        """``fit(position, params, preprocessing, X, y, train, test)`` of every task, on the
        cluster; the outcomes in the tasks' order.

        Parameters
        ----------
        fit : callable
            Importable by the workers (deepcat on their path).
        tasks : list of (params, train, test)
        progress : callable, optional
            ``progress()`` after each finished fit, in the order they finish.

        Raises
        ------
        ConnectionError
            When the scheduler goes away before every fit is done.
        RuntimeError
            When a fit failed on every worker it was tried on.
        """
        distributed = distributed_module()
        futures = [
            self.client.submit(
                fit, position, params, preprocessing, self.X, self.y, train, test, pure=True
            )
            for position, (params, train, test) in enumerate(tasks)
        ]
        outcomes = [None] * len(tasks)
        try:
            with _quiet_client():
                for future in distributed.as_completed(futures, loop=self.client.loop):
                    position, outcome = self._result(future, distributed)
                    outcomes[position] = outcome
                    if progress is not None:
                        progress()
        except BaseException:
            with _quiet_client():
                self.client.cancel(futures)
            raise
        return outcomes

    def _result(self, future, distributed):
        try:
            return future.result()
        except CancelledError:  # the scheduler cancels nothing of ours but on its loss
            raise self._lost() from None
        except OSError as error:  # the connection's, or one a fit raised itself
            if isinstance(error, distributed.comm.CommClosedError) or self.client.status != (
                "running"
            ):
                raise self._lost() from None
            raise
        except distributed.scheduler.KilledWorker as error:
            raise RuntimeError(
                f"a fit was lost with every Dask worker that tried it ({error})"
            ) from None

    def _lost(self):
        return ConnectionError(
            f"lost the Dask scheduler at {self.client.scheduler.address} before every fit was "
            "done; no table was made"
        )


@contextmanager
def _quiet_client():
    """Without ``distributed``'s log lines: a lost scheduler or a cancelled search is said
    once, in deepcat's words, not in a traceback of the client's reconnection."""
    loggers = [logging.getLogger(name) for name in ("distributed", "tornado", "asyncio")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
