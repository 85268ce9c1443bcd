"""The results of a cross-validated search: one setting's folds, the ranked table, its CSV."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field

import numpy as np

from deepcat.data.files import atomic_write, open_regular_file
from deepcat.formatting import table


@dataclass(frozen=True)
class Baseline:
    """The accuracy of always answering the most common class, on the same folds.

    A network is worth its training only if it beats this: on the course's 209 training
    pictures, always answering "non-cat" is right 0.66 of the time.

    Attributes
    ----------
    label : int or str
        The most common class of the fold's training examples, in ``Y``'s own labels (with
        stratified folds it is the same class in every fold).
    scores : tuple of float
        On each held-out fold, the fraction of examples of class ``label``.
    """

    label: object
    scores: tuple

    @property
    def mean(self) -> float:
        """Mean over the folds."""
        return float(np.mean(self.scores))

    def record(self) -> dict:
        """As plain JSON, for ``metrics.json``."""
        return {"class": plain(self.label), "mean_accuracy": self.mean}


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
    baseline : Baseline or None
        Always answering the most common class on the same folds.
    rung : int or None
        In a successive halving, the last round (1, 2, ...) this setting was trained in;
        ``scores`` are that round's. None in a grid search.
    resources : int or None
        In a successive halving, the iterations or epochs of that round.
    """

    params: dict
    scores: tuple
    error: str | None = None
    baseline: Baseline | None = None
    rung: int | None = None
    resources: int | None = None

    @property
    def mean(self) -> float:
        """Mean accuracy over the folds (NaN if any fold failed)."""
        return float(np.mean(self.scores))

    @property
    def std(self) -> float:
        """Spread of the fold accuracies: their standard deviation (``ddof=0``, as scikit-learn)."""
        return float(np.std(self.scores))

    def record(self) -> dict:
        """The result as plain JSON (NaN written as null), for ``metrics.json``."""

        def number(value):
            return None if math.isnan(value) else value

        record = {
            "folds": len(self.scores),
            "fold_accuracies": [number(score) for score in self.scores],
            "mean_accuracy": number(self.mean),
            "std_accuracy": number(self.std),
            "error": self.error,
        }
        if self.baseline is not None:
            record["majority_baseline"] = self.baseline.record()
        return record

    def summary(self) -> str:
        """One line: ``5-fold accuracy: 0.9667 +/- 0.0211 (folds 0.95, ...)``."""
        folds = ", ".join(f"{score:.4f}" for score in self.scores)
        line = (
            f"{len(self.scores)}-fold accuracy: {self.mean:.4f} +/- {self.std:.4f} (folds {folds})"
        )
        return line if self.error is None else f"{line}; {self.error}"

    @property
    def beats_baseline(self) -> bool | None:
        """Whether the mean accuracy is above the majority-class baseline (None without one)."""
        if self.baseline is None or math.isnan(self.mean):
            return None
        return self.mean > self.baseline.mean


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
    resource : str or None
        A successive halving's resource, ``"iterations"`` or ``"epochs"``: the results are
        then sorted by the last round each reached, latest first, and by accuracy within it.
    """

    results: tuple
    names: tuple = field(default=())
    resource: str | None = None

    @property
    def baseline(self) -> Baseline | None:
        """Always answering the most common class; every setting shares the same folds."""
        return self.results[0].baseline if self.results else None

    @classmethod
    def ranked(cls, results, names, resource=None):
        """``results`` sorted by mean accuracy, highest first, failures last, ties in order
        (after a successive halving, by the last round reached first)."""
        order = sorted(range(len(results)), key=lambda i: (*_standing(results[i]), i))
        return cls(results=tuple(results[i] for i in order), names=tuple(names), resource=resource)

    @property
    def best(self) -> CVResult:
        """The setting with the highest mean accuracy."""
        return self.results[0]

    def rows(self) -> list[dict]:
        """The ranked table as dicts.

        Keys: ``rank`` (1 is best; equal means share a rank), each name in
        ``names``, after a successive halving ``rung`` and the :attr:`resource` reached,
        ``mean_accuracy``, ``std_accuracy``, ``fold_1`` ... ``fold_K``
        and ``error`` (``""`` when every fold trained). Lists in the settings
        are given as tuples.
        """
        rows = []
        for result in self.results:
            row = {"rank": _rank(result, self.results)}
            row.update({name: plain(result.params[name]) for name in self.names})
            if self.resource is not None:
                row["rung"] = result.rung
                row[self.resource] = result.resources
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
        names = [*self.names, *(("rung", self.resource) if self.resource else ())]
        header = ["rank", *names, "accuracy (mean +/- std)", "note"]
        lines = [header]
        for row in rows:
            lines.append(
                [
                    str(row["rank"]),
                    *(str(row[name]) for name in names),
                    f"{row['mean_accuracy']:.4f} +/- {row['std_accuracy']:.4f}",
                    row["error"],
                ]
            )
        return table(lines)


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


_HEADER_LIMIT = 64 * 1024
"""The longest first line :func:`is_search_table` reads."""


def table_columns(names, n_folds) -> list[str]:
    """The columns of :meth:`SearchResults.rows` (and of its CSV), in order, for a grid of
    ``names`` and ``n_folds`` folds."""
    folds = [f"fold_{k}" for k in range(1, n_folds + 1)]
    return ["rank", *names, "mean_accuracy", "std_accuracy", *folds, "error"]


def is_search_table(path) -> bool:
    """Whether ``path`` is a regular file whose first line is the header
    :meth:`SearchResults.to_csv` writes (:func:`table_columns` of some grid and folds); only
    that line, of at most 64 KiB, is read."""
    try:
        with open_regular_file(path, "tune table") as handle:
            first = handle.readline(_HEADER_LIMIT).decode("utf-8")
        (columns,) = csv.reader([first.rstrip("\n")])
    except (OSError, UnicodeDecodeError, ValueError, csv.Error):
        return False
    if "mean_accuracy" not in columns:
        return False
    middle = columns.index("mean_accuracy")
    n_folds = len(columns) - middle - 3
    return n_folds >= 1 and columns == table_columns(columns[1:middle], n_folds)


def _standing(result):
    """What ranks a result, lowest first: a later halving round, then a trained setting
    before a failed one, then a higher mean accuracy."""
    return (-(result.rung or 0), math.isnan(result.mean), -_nan_to(result.mean))


def _rank(result, results):
    """1 + the number of results that stand strictly higher (:func:`_standing`): failures
    rank last, and after a halving each round below the rounds after it."""
    mine = _standing(result)
    return 1 + sum(_standing(other) < mine for other in results)


def _nan_to(value, replacement=-math.inf):
    return replacement if math.isnan(value) else value


def plain(value):
    """Lists (and NumPy arrays) as tuples, so a table compares equal to its CSV round trip."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(plain(v) for v in value)
    if isinstance(value, np.generic):
        return value.item()
    return value


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
    return plain(value)
