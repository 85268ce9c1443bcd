"""Where a search's fits are trained: in local processes (joblib's loky) or on a Dask cluster
(:mod:`deepcat.sklearn.cluster`), with the same outcomes either way.

A fit is ``(params, train, test)``: one setting and one fold's index arrays. Its outcome is
``(accuracy, None)``, or ``(nan, why)`` when training diverged; every fit is seeded by its
``params``, so where it runs does not change it.
"""

from __future__ import annotations

import math
import os
import warnings
from contextlib import contextmanager

from deepcat.signals import DeferredSignals, QuietWhenInterrupted
from deepcat.sklearn.workers import end_with_parent, worker_count, workers_deaf_to_ctrl_c


@contextmanager
def fit_runner(X, y, preprocessing, n_jobs, scheduler):
    """A function ``run(tasks, progress)`` that trains a list of fits and returns their
    outcomes in the tasks' order, calling ``progress()`` as each finishes.

    Parameters
    ----------
    X : ndarray, shape (m, n_x)
    y : ndarray, shape (m,)
    preprocessing : scikit-learn transformer or None
    n_jobs : int or None
        Local processes; not used with ``scheduler``.
    scheduler : str, distributed.Client or None
        A Dask scheduler's address ``tcp://HOST:PORT``: the fits run on its workers, and
        the data travel to them once.
    """
    if scheduler is None:

        def run(tasks, progress=None):
            return _run_locally(X, y, preprocessing, n_jobs, tasks, progress)

        yield run
        return
    from deepcat.sklearn import cluster

    with cluster.connected(scheduler) as client:
        fits = cluster.ClusterFits(client, X, y)

        def run(tasks, progress=None):
            return fits.run(fit_fold, tasks, preprocessing, progress)

        yield run


def fit_fold(position, params, preprocessing, X, y, train, test):
    """``(position, fit_and_score(...))`` of one fold, cut from the whole data where it runs
    (on a cluster's worker, which holds ``X`` and ``y`` once for every fit)."""
    return position, fit_and_score(params, preprocessing, X[train], y[train], X[test], y[test])


def fit_and_score(params, preprocessing, X_train, y_train, X_test, y_test):
    """Train one fold; return ``(accuracy, None)``, or ``(nan, why)`` if training diverged.

    ``preprocessing`` (a transformer, or None) is cloned and fitted on this fold's training
    examples only, in a ``Pipeline`` before the network.
    """
    from sklearn.base import clone
    from sklearn.pipeline import make_pipeline

    from deepcat.sklearn.estimator import DeepCatClassifier
    from deepcat.training.loop import DivergenceError

    model = DeepCatClassifier(**params)
    if preprocessing is not None:
        model = make_pipeline(clone(preprocessing), model)
    try:
        model.fit(X_train, y_train)
    except DivergenceError as error:
        return math.nan, str(error).split(". ")[0]
    return float(model.score(X_test, y_test)), None


def _fit_and_score_at(position, params, preprocessing, X_train, y_train, X_test, y_test):
    """``(position, fit_and_score(...))``: the task's place travels with its outcome."""
    return position, fit_and_score(params, preprocessing, X_train, y_train, X_test, y_test)


def _run_locally(X, y, preprocessing, n_jobs, tasks, progress):
    """The fits in ``worker_count(n_jobs, len(tasks))`` loky processes (or this one)."""
    from joblib import Parallel, delayed, parallel_config

    n_jobs = worker_count(n_jobs, len(tasks))
    # Collected as they finish, so that ``progress`` moves with the work; each outcome keeps
    # its task's position, so the table does not depend on the finishing order.
    outcomes = [None] * len(tasks)
    finished = None
    # joblib's own threads in this process may fail as they are stopped: said in deepcat's line.
    with QuietWhenInterrupted(("joblib", "loky")) as quiet:
        try:
            # Deferred: joblib stopped while it starts its workers fails with a traceback of its
            # own. Each worker ends as soon as this process is gone, even killed outright.
            ending_with_me = parallel_config(
                "loky", initializer=end_with_parent, initargs=(os.getpid(),)
            )
            with DeferredSignals(), workers_deaf_to_ctrl_c(n_jobs), ending_with_me:
                finished = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
                    delayed(_fit_and_score_at)(
                        position, params, preprocessing, X[train], y[train], X[test], y[test]
                    )
                    for position, (params, train, test) in enumerate(tasks)
                )
            for position, outcome in finished:
                outcomes[position] = outcome
                if progress is not None:
                    progress()
        except KeyboardInterrupt:
            quiet.interrupted = True
            raise
        finally:
            if finished is not None:
                with warnings.catch_warnings():  # joblib's note that stopped tasks are dropped
                    warnings.simplefilter("ignore")
                    finished.close()  # on Ctrl-C or SIGTERM here too: joblib kills the workers
    return outcomes
