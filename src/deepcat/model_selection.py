"""Model selection: K-fold cross-validation and a grid search over network settings.

Seed 003 recommends m-fold cross-validation to choose the hyperparameters that
decide how well a network learns. Both functions here take data in the course
layout, ``X`` of shape ``(n_x, m)`` and labels ``Y`` of shape ``(1, m)``, and
describe a network by the settings of :class:`deepcat.sklearn.DeepCatClassifier`
(``hidden_layer_sizes``, ``learning_rate``, ``lambd``, ``keep_prob``,
``batch_size``, ...), which trains every fold.

The folds are stratified (each keeps the class proportions of ``Y``) and drawn
from ``random_state``; every fit is seeded too, so a search gives the same
table whatever ``n_jobs`` is. scikit-learn and joblib are imported when a
function runs, not when this module is imported.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from deepcat.serialization import atomic_write
from deepcat.validation import check_positive_int


@dataclass(frozen=True)
class CVResult:
    """The K-fold accuracy of one setting.

    Attributes
    ----------
    params : dict
        The :class:`~deepcat.sklearn.DeepCatClassifier` settings that were evaluated
        (those not given keep the estimator's defaults).
    scores : tuple of float
        Accuracy on each held-out fold, in fold order; NaN where training diverged.
    error : str or None
        Why a fold failed (the first failure), else None.
    """

    params: dict
    scores: tuple
    error: str | None = None

    @property
    def mean(self) -> float:
        """Mean accuracy over the folds (NaN if any fold failed)."""
        return float(np.mean(self.scores))

    @property
    def std(self) -> float:
        """Spread of the fold accuracies: their standard deviation (``ddof=0``, as scikit-learn)."""
        return float(np.std(self.scores))

    def summary(self) -> str:
        """One line: ``5-fold accuracy: 0.9667 +/- 0.0211 (folds 0.95, ...)``."""
        folds = ", ".join(f"{score:.4f}" for score in self.scores)
        line = (
            f"{len(self.scores)}-fold accuracy: {self.mean:.4f} +/- {self.std:.4f} (folds {folds})"
        )
        return line if self.error is None else f"{line}; {self.error}"


@dataclass(frozen=True)
class SearchResults:
    """A grid search's results, best first.

    Attributes
    ----------
    results : tuple of CVResult
        Sorted by mean accuracy, highest first; failed settings last; ties keep
        the grid's order.
    names : tuple of str
        The settings the grid varied, in the grid's order (the table's columns).
    """

    results: tuple
    names: tuple = field(default=())

    @property
    def best(self) -> CVResult:
        """The setting with the highest mean accuracy."""
        return self.results[0]

    def rows(self) -> list[dict]:
        """The ranked table as dicts.

        Keys: ``rank`` (1 is best; equal means share a rank), each name in
        ``names``, ``mean_accuracy``, ``std_accuracy``, ``fold_1`` ... ``fold_K``
        and ``error`` (``""`` when every fold trained). Lists in the settings
        are given as tuples.
        """
        rows = []
        for result in self.results:
            row = {"rank": _rank(result, self.results)}
            row.update({name: _plain(result.params[name]) for name in self.names})
            row["mean_accuracy"] = result.mean
            row["std_accuracy"] = result.std
            row.update({f"fold_{k}": s for k, s in enumerate(result.scores, start=1)})
            row["error"] = result.error or ""
            rows.append(row)
        return rows

    def to_csv(self, path) -> None:
        """Write :meth:`rows` to ``path`` as CSV, atomically; :func:`read_csv` reads it back.

        Text settings are written as they are; numbers, tuples and None as JSON
        (``(20, 7)`` becomes ``[20, 7]``).
        """
        rows = self.rows()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(list(rows[0]))
        for row in rows:
            writer.writerow([_encode(key, value) for key, value in row.items()])
        data = buffer.getvalue().encode("utf-8")
        atomic_write(path, lambda handle: handle.write(data))

    def format(self, limit: int | None = None) -> str:
        """The ranked table as aligned text, at most ``limit`` rows, for a terminal."""
        rows = self.rows()[:limit]
        header = ["rank", *self.names, "accuracy (mean +/- std)", "note"]
        lines = [header]
        for row in rows:
            lines.append(
                [
                    str(row["rank"]),
                    *(_short(row[name]) for name in self.names),
                    f"{row['mean_accuracy']:.4f} +/- {row['std_accuracy']:.4f}",
                    row["error"],
                ]
            )
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        text = [
            "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
            for line in lines
        ]
        text.insert(1, "  ".join("-" * w for w in widths).rstrip())
        return "\n".join(text)


def network_settings(
    hidden_layer_sizes,
    *,
    hidden_activation="relu",
    init="lecun",
    seed=None,
    dtype="float64",
    learning_rate=0.0075,
    iterations=None,
    epochs=None,
    batch_size=None,
    optimizer="gd",
    beta=None,
    beta1=None,
    beta2=None,
    epsilon=None,
    decay=None,
    decay_rate=1.0,
    decay_every=1,
    lambd=0.0,
    keep_prob=1.0,
    validation_fraction=None,
    patience=None,
    record_every=100,
) -> dict:
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
    hidden_activation, init, seed, dtype :
        As in :class:`deepcat.Network` (``seed`` becomes ``random_state``).
    learning_rate, iterations, epochs, batch_size, optimizer, beta, beta1, beta2, epsilon :
        As in :meth:`deepcat.Network.fit`; without ``iterations`` or ``epochs``,
        2500 iterations.
    decay, decay_rate, decay_every, lambd, keep_prob, validation_fraction, patience, record_every :
        As in :meth:`deepcat.Network.fit`.

    Returns
    -------
    dict
        Settings for :func:`cross_validate` or :func:`grid_search`. Without
        ``seed``, ``random_state`` is left out so that those functions' own
        ``random_state`` seeds every network.
    """
    if iterations is not None and epochs is not None:
        raise ValueError("give iterations or epochs, not both")
    settings = {
        "hidden_layer_sizes": _plain(hidden_layer_sizes),
        "activation": hidden_activation,
        "init": init,
        "learning_rate": learning_rate,
        "batch_size": batch_size,
        "optimizer": optimizer,
        "beta": beta,
        "beta1": beta1,
        "beta2": beta2,
        "epsilon": epsilon,
        "decay": decay,
        "decay_rate": decay_rate,
        "decay_every": decay_every,
        "lambd": lambd,
        "keep_prob": keep_prob,
        "validation_fraction": validation_fraction,
        "patience": patience,
        "record_every": record_every,
        "dtype": dtype,
    }
    if epochs is not None:
        settings["epochs"] = epochs
    else:
        settings["iterations"] = 2500 if iterations is None else iterations
    if seed is not None:
        settings["random_state"] = seed
    return settings


def cross_validate(
    X, Y, params=None, *, cv=5, random_state=0, n_jobs=None, progress=None
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
        Folds trained at once, as in joblib: None means 1, -1 every core.
    progress : callable, optional
        Called as ``progress(done, total)`` each time one of the ``total`` fits
        finishes, in the order they finish (to move a progress bar).

    Returns
    -------
    CVResult
    """
    return grid_search(
        X, Y, {}, params, cv=cv, random_state=random_state, n_jobs=n_jobs, progress=progress
    ).best


def grid_search(
    X, Y, grid, params=None, *, cv=5, random_state=0, n_jobs=None, progress=None
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
    cv, random_state, n_jobs, progress :
        As in :func:`cross_validate`. The ``len(combinations) * cv`` fits are
        spread over ``n_jobs`` processes; the results do not depend on ``n_jobs``.

    Returns
    -------
    SearchResults
        Print it with :meth:`SearchResults.format`, save it with :meth:`SearchResults.to_csv`.
    """
    from joblib import Parallel, delayed

    X, y = _check_data(X, Y)
    cv = check_positive_int(cv, "cv", minimum=2)
    folds = _stratified_folds(X, y, cv, random_state)
    candidates = _candidates(grid, params, random_state)
    _check_n_jobs(n_jobs)
    tasks = [
        (index, params, train, test)
        for index, params in enumerate(candidates)
        for train, test in folds
    ]
    # Collected as they finish, so that ``progress`` moves with the work; each outcome keeps
    # its task's position, so the table does not depend on the finishing order.
    finished = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
        delayed(_fit_and_score_at)(position, params, X[train], y[train], X[test], y[test])
        for position, (_, params, train, test) in enumerate(tasks)
    )
    outcomes = [None] * len(tasks)
    for done, (position, outcome) in enumerate(finished, start=1):
        outcomes[position] = outcome
        if progress is not None:
            progress(done, len(tasks))
    results = []
    for index, params in enumerate(candidates):
        mine = outcomes[index * cv : (index + 1) * cv]
        errors = [error for _, error in mine if error is not None]
        results.append(
            CVResult(
                params=params,
                scores=tuple(score for score, _ in mine),
                error=errors[0] if errors else None,
            )
        )
    order = sorted(
        range(len(results)),
        key=lambda i: (math.isnan(results[i].mean), -_nan_to(results[i].mean), i),
    )
    return SearchResults(results=tuple(results[i] for i in order), names=tuple(grid))


def read_csv(path) -> list[dict]:
    """Read a table written by :meth:`SearchResults.to_csv`.

    Returns
    -------
    list of dict
        Equal to the :meth:`SearchResults.rows` that were written.
    """
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            {key: _decode(key, value) for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]


# -- helpers -------------------------------------------------------------------------------


def _fit_and_score_at(position, params, X_train, y_train, X_test, y_test):
    """``(position, _fit_and_score(...))``: the task's place travels with its outcome."""
    return position, _fit_and_score(params, X_train, y_train, X_test, y_test)


def _fit_and_score(params, X_train, y_train, X_test, y_test):
    """Train one fold; return ``(accuracy, None)``, or ``(nan, why)`` if training diverged."""
    from deepcat.sklearn import DeepCatClassifier
    from deepcat.training import DivergenceError

    try:
        model = DeepCatClassifier(**params).fit(X_train, y_train)
    except DivergenceError as error:
        return math.nan, str(error).split(". ")[0]
    return float(model.score(X_test, y_test)), None


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
    from deepcat.sklearn import DeepCatClassifier

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


def _check_n_jobs(n_jobs):
    if n_jobs is None:
        return
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs == 0:
        raise ValueError(
            f"n_jobs must be None, a positive int or a negative int (-1: every core), "
            f"got {n_jobs!r}"
        )


def _rank(result, results):
    """1 + the number of results with a strictly higher mean accuracy; failures rank last."""
    if math.isnan(result.mean):
        return 1 + sum(not math.isnan(other.mean) for other in results)
    return 1 + sum(other.mean > result.mean for other in results)


def _nan_to(value, replacement=-math.inf):
    return replacement if math.isnan(value) else value


def _plain(value):
    """Lists (and NumPy arrays) as tuples, so a table compares equal to its CSV round trip."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _short(value):
    """A setting as a table cell: ``(20, 7)`` rather than JSON's ``[20, 7]``."""
    return str(value)


def _encode(key, value):
    if key == "error" or isinstance(value, str):
        return value
    return json.dumps(value)


def _decode(key, text):
    if key == "error":
        return text
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return text
    return _plain(value)
