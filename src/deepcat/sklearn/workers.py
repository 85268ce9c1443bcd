"""The worker processes of a search: how many, deaf to Ctrl-C while they start, and ending
with the process that started them.

joblib (loky) starts the workers of :func:`deepcat.sklearn.model_selection.grid_search`.
Nothing in them knows when that process is killed outright (SIGKILL, the out-of-memory
killer): left alone, each would train its fits to the end, for minutes, orphaned.
"""

from __future__ import annotations

import numbers
import os
import signal
import threading
import time
from contextlib import contextmanager

PARENT_CHECK_SECONDS = 0.5
"""How often a worker looks whether the process that started it still runs."""


def worker_count(n_jobs, n_fits) -> int:
    """The processes that train ``n_fits`` fits for ``n_jobs``: joblib's reading of ``n_jobs``
    (None: 1, -1: every core, -2: all but one...), but at most one per fit and one per core,
    since more processes than cores only compete for them, and at least 1.

    Parameters
    ----------
    n_jobs : int or None
    n_fits : int

    Returns
    -------
    int
    """
    from joblib import cpu_count, effective_n_jobs

    check_n_jobs(n_jobs)
    # joblib's count honours the CPU affinity and a container's CPU quota, unlike os.cpu_count.
    return max(1, min(effective_n_jobs(n_jobs), n_fits, cpu_count()))


def end_with_parent(parent):
    """End this worker process (``os._exit``) as soon as ``parent`` no longer runs.

    The workers' initializer: it runs once as each worker starts, before its first task, and
    starts a daemon thread that compares ``os.getppid()`` with ``parent`` every
    :data:`PARENT_CHECK_SECONDS`: an orphan is adopted by another process, so its parent pid
    changes. (A worker would otherwise wait for tasks, or train the one it has, for minutes.)
    In ``parent`` itself it does nothing.

    Parameters
    ----------
    parent : int
        The pid of the process running the search.
    """
    if parent == os.getpid():
        return

    def watch():
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    if os.getppid() != parent:  # gone before this worker's first task
        os._exit(1)
    threading.Thread(target=watch, name="deepcat-parent-watch", daemon=True).start()


@contextmanager
def workers_deaf_to_ctrl_c(n_jobs):
    """Start the worker processes with Ctrl-C blocked, so that only this process reacts to it.

    A terminal sends Ctrl-C to every process of the foreground job, workers included; a
    worker still importing would print its own traceback. A process starts with the signal
    mask of the thread that starts it, and Python never unblocks a signal it finds blocked, so
    SIGINT is blocked in this thread while joblib starts the workers (and its threads, which
    start more). This process still receives a Ctrl-C through its other threads, and joblib,
    stopped by it, kills the workers. The standard
    library's resource tracker unblocks SIGINT when it starts, so it is started first.
    """
    from multiprocessing import resource_tracker

    from joblib import effective_n_jobs

    if (
        effective_n_jobs(n_jobs) == 1
        or threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "pthread_sigmask")
    ):
        yield
        return
    resource_tracker.ensure_running()
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def check_n_jobs(n_jobs):
    """Refuse an ``n_jobs`` joblib cannot read: 0, a bool, a float, a string."""
    if n_jobs is None:
        return
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs == 0:
        raise ValueError(
            f"n_jobs must be None, a positive int or a negative int (-1: every core), "
            f"got {n_jobs!r}"
        )
