"""Model selection: K-fold cross-validation and a grid search over network settings.

Seed 003 recommends m-fold cross-validation to choose the hyperparameters that
decide how well a network learns. Both functions here take data in the course
layout, ``X`` of shape ``(n_x, m)`` and labels ``Y`` of shape ``(1, m)``, and
describe a network by the settings of :class:`deepcat.sklearn.DeepCatClassifier`
(``hidden_layer_sizes``, ``learning_rate``, ``lambd``, ``keep_prob``,
``batch_size``, ...), which trains every fold.

The folds are stratified (each keeps the class proportions of ``Y``) and drawn
from ``random_state``; every fit is seeded too, so a search gives the same
table whatever ``n_jobs`` is, and on a Dask cluster (``scheduler=``) the same
table as in local processes. :func:`deepcat.sklearn.halving.successive_halving` spends a
large grid's budget on its promising settings. scikit-learn and joblib are imported when a
function runs, not when this module is imported.
"""

from __future__ import annotations

import itertools

import numpy as np

from deepcat.core.validation import check_positive_int
from deepcat.sklearn.fits import fit_runner
from deepcat.sklearn.results import Baseline, CVResult, SearchResults, plain, read_csv
from deepcat.sklearn.workers import worker_count
from deepcat.training.settings import estimator_settings

__all__ = [
    "Baseline",
    "CVResult",
    "SearchResults",
    "cross_validate",
    "grid_search",
    "majority_baseline",
    "network_settings",
    "read_csv",
    "worker_count",
]


def network_settings(hidden_layer_sizes, **settings) -> dict:
    """The :class:`~deepcat.sklearn.DeepCatClassifier` settings of a ``Network`` training run.

    The estimator's defaults suit scikit-learn users (Adam, mini-batches); this
    takes the arguments of ``Network(layer_dims, ...)`` and ``Network.fit(...)``
    *with their defaults* (plain gradient descent on the whole set, 2500
    updates, ``init="lecun"``), so that cross-validating a setting trains each
    fold exactly as ``Network(...).fit(...)`` would.

    Parameters
    ----------
    hidden_layer_sizes : sequence of int
        ``layer_dims[1:-1]``, the hidden layers ``(n_1, ..., n_{L-1})``.
    **settings
        ``hidden_activation``, ``init``, ``seed`` (it becomes ``random_state``) and ``dtype``
        as in :class:`deepcat.Network`; ``learning_rate``, ``iterations``, ``epochs``,
        ``batch_size``, ``optimizer``, ``beta``, ``beta1``, ``beta2``, ``epsilon``, ``decay``,
        ``decay_rate``, ``decay_every``, ``lambd``, ``keep_prob``, ``validation_fraction``,
        ``patience`` and ``record_every`` as in :meth:`deepcat.Network.fit` (the list is
        :data:`deepcat.training.settings.SETTINGS`). Without ``iterations`` or ``epochs``,
        2500 iterations.

    Returns
    -------
    dict
        Settings for :func:`cross_validate` or :func:`grid_search`. Without
        ``seed``, ``random_state`` is left out so that those functions' own
        ``random_state`` seeds every network.
    """
    return estimator_settings(plain(hidden_layer_sizes), **settings)


def cross_validate(
    X,
    Y,
    params=None,
    *,
    cv=5,
    random_state=0,
    n_jobs=None,
    progress=None,
    preprocessing=None,
    scheduler=None,
) -> CVResult:
    """K-fold cross-validated accuracy of one network setting.

    Parameters
    ----------
    X : array-like, shape (n_x, m)
        One example per column, as everywhere in deepcat's course API.
    Y : array-like, shape (1, m) or (m,)
        Class labels of any type, or one-hot ``(n_classes, m)``.
    params : dict, optional
        :class:`~deepcat.sklearn.DeepCatClassifier` settings, e.g.
        ``{"hidden_layer_sizes": (20, 7, 5), "learning_rate": 0.0075}``.
    cv : int >= 2, default 5
        Number of stratified folds K; every class needs at least K examples.
    random_state : int, default 0
        Seeds the fold assignment and, unless ``params`` sets ``random_state``,
        every network.
    n_jobs : int or None, default None
        Folds trained at once, as in joblib: None means 1, -1 every core. At most one process
        per fit and one per core is started (:func:`worker_count`): more processes than cores
        only compete for them.
    progress : callable, optional
        Called as ``progress(done, total)`` each time one of the ``total`` fits
        finishes, in the order they finish (to move a progress bar).
    preprocessing : scikit-learn transformer, optional
        Fitted inside each fold, on that fold's training examples only, and applied to its
        held-out examples, as a scikit-learn ``Pipeline`` would: e.g. ``StandardScaler()``,
        so that the held-out fold's statistics never reach the network. It sees examples as
        rows, ``(m, n_x)``.
    scheduler : str or distributed.Client, optional
        A Dask scheduler's address, ``"tcp://HOST:PORT"`` (or a connected client): the fits
        run on the cluster's workers, which need deepcat on their import path, instead of
        local processes (``n_jobs`` is then not used). The data are scattered to every worker
        once; each fit is a pure, seeded task, so a worker that dies has its fits run again
        elsewhere and the result is the local one. Needs ``pip install deepcat[dask]``; an
        unreachable scheduler is a ``ConnectionError`` after
        :data:`deepcat.sklearn.cluster.CONNECT_SECONDS`, and so is one that goes away before
        the fits are done.

    Returns
    -------
    CVResult
        With the majority-class :class:`~deepcat.sklearn.results.Baseline` of the same folds.
    """
    return grid_search(
        X,
        Y,
        {},
        params,
        cv=cv,
        random_state=random_state,
        n_jobs=n_jobs,
        progress=progress,
        preprocessing=preprocessing,
        scheduler=scheduler,
    ).best


def grid_search(
    X,
    Y,
    grid,
    params=None,
    *,
    cv=5,
    random_state=0,
    n_jobs=None,
    progress=None,
    preprocessing=None,
    scheduler=None,
) -> SearchResults:
    """Cross-validate every combination of the settings in ``grid``, ranked by accuracy.

    Parameters
    ----------
    X : array-like, shape (n_x, m)
    Y : array-like, shape (1, m) or (m,), or one-hot (n_classes, m)
    grid : dict of str to list
        Values to try for each setting, e.g. ``{"learning_rate": [0.01, 0.001],
        "hidden_layer_sizes": [(20,), (20, 7)], "lambd": [0, 0.1], "keep_prob":
        [1.0, 0.8], "batch_size": [32, None]}``; every combination is tried.
    params : dict, optional
        Settings shared by every combination; the grid's values replace them.
    cv, random_state, n_jobs, progress, preprocessing :
        As in :func:`cross_validate`. The ``len(combinations) * cv`` fits are
        spread over ``worker_count(n_jobs, fits)`` processes: ``n_jobs``, but never more than
        the fits or the machine's cores (more processes than cores only compete for them).
        The results do not depend on ``n_jobs``.
    scheduler : str or distributed.Client, optional
        A Dask scheduler's address, ``"tcp://HOST:PORT"``: the fits run on its workers
        instead of local processes (``n_jobs`` is then not used), with the same table. As in
        :func:`cross_validate`.

    Returns
    -------
    SearchResults
        Print it with :meth:`SearchResults.format`, save it with :meth:`SearchResults.to_csv`.
    """
    X, y, folds, candidates = search_inputs(X, Y, grid, params, cv, random_state, scheduler)
    tasks = [(params, train, test) for params in candidates for train, test in folds]
    with fit_runner(X, y, preprocessing, n_jobs, scheduler) as run:
        outcomes = run(tasks, counter(progress, len(tasks)))
    results = cv_results(candidates, outcomes, majority_baseline(y, folds))
    return SearchResults.ranked(results, names=tuple(grid))


def search_inputs(X, Y, grid, params, cv, random_state, scheduler):
    """The checked inputs of a search: ``X`` ``(m, n_x)``, ``y`` ``(m,)``, the folds and
    the candidates (:func:`_candidates`), before any work."""
    X, y = _check_data(X, Y)
    cv = check_positive_int(cv, "cv", minimum=2)
    if scheduler is not None:
        from deepcat.sklearn.cluster import check_address

        check_address(scheduler)
    folds = _stratified_folds(X, y, cv, random_state)
    return X, y, folds, _candidates(grid, params, random_state)


def counter(progress, total):
    """``progress(done, total)`` behind a function called once per finished fit."""
    if progress is None:
        return None
    done = 0

    def step():
        nonlocal done
        done += 1
        progress(done, total)

    return step


def cv_results(candidates, outcomes, baseline):
    """One :class:`CVResult` per candidate from the outcomes of its folds, which follow one
    another in ``outcomes`` (candidate by candidate, fold by fold)."""
    cv = len(outcomes) // len(candidates)
    results = []
    for index, params in enumerate(candidates):
        mine = outcomes[index * cv : (index + 1) * cv]
        errors = [error for _, error in mine if error is not None]
        results.append(
            CVResult(
                params=params,
                scores=tuple(score for score, _ in mine),
                error=errors[0] if errors else None,
                baseline=baseline,
            )
        )
    return results


def majority_baseline(y, folds) -> Baseline:
    """Always answering each fold's most common training class, scored on its held-out part.

    Parameters
    ----------
    y : ndarray, shape (m,)
        Class labels.
    folds : list of (train, test) index arrays

    Returns
    -------
    Baseline
        Ties between classes go to the smallest label, as ``np.unique`` orders them.
    """
    scores, answers = [], []
    for train, test in folds:
        labels, counts = np.unique(y[train], return_counts=True)
        answer = labels[int(np.argmax(counts))]
        answers.append(answer)
        scores.append(float(np.mean(y[test] == answer)))
    labels, counts = np.unique(np.asarray(answers), return_counts=True)
    return Baseline(label=plain(labels[int(np.argmax(counts))]), scores=tuple(scores))


# -- helpers -------------------------------------------------------------------------------


def _check_data(X, Y):
    """Course-layout ``X`` ``(n_x, m)`` and ``Y`` to scikit-learn's ``(m, n_x)`` and ``(m,)``.

    ``Y`` may be ``(1, m)``, ``(m,)`` or one-hot ``(n_classes, m)``.
    """
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(
            f"X must be 2-D with shape (n_x, m), one column per example; got shape {X.shape}"
        )
    m = X.shape[1]
    Y = np.asarray(Y)
    if Y.shape in ((m,), (1, m)):
        y = Y.reshape(m)
    elif Y.ndim == 2 and Y.shape[1] == m and Y.shape[0] > 1:
        y = np.argmax(Y, axis=0)
    else:
        raise ValueError(
            f"Y must hold one label per column of X: shape (1, m) = (1, {m}), (m,) or one-hot "
            f"(n_classes, {m}); got {Y.shape}"
        )
    return X.T, y


def _stratified_folds(X, y, cv, random_state):
    """The (train, test) index arrays of ``cv`` shuffled stratified folds."""
    from sklearn.model_selection import StratifiedKFold

    labels, counts = np.unique(y, return_counts=True)
    if counts.min() < cv:
        rare = labels.tolist()[int(np.argmin(counts))]
        raise ValueError(
            f"cv={cv} folds need at least {cv} examples of every class; "
            f"class {rare!r} has {counts.min()}"
        )
    splitter = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    return list(splitter.split(X, y))


def _candidates(grid, params, random_state):
    """Every combination of ``grid``'s values over ``params``, in the grid's order."""
    from deepcat.sklearn.estimator import DeepCatClassifier

    if not isinstance(grid, dict):
        raise TypeError(f"grid must be a dict of setting name to list of values, got {grid!r}")
    params = dict(params or {})
    valid = DeepCatClassifier().get_params()
    for name in [*params, *grid]:
        if name not in valid:
            raise ValueError(
                f"unknown setting {name!r}; expected one of {', '.join(map(repr, valid))}"
            )
    for name, values in grid.items():
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise TypeError(f"grid[{name!r}] must be a list of values to try, got {values!r}")
        if len(list(values)) == 0:
            raise ValueError(f"grid[{name!r}] is empty; give at least one value to try")
    params.setdefault("random_state", random_state)
    return [
        {**params, **dict(zip(grid, combination, strict=True))}
        for combination in itertools.product(*(list(v) for v in grid.values()))
    ]
