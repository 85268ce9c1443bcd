"""A run's ``metrics.json`` as the pages may rely on it: every field of a known kind, or absent.

A runs folder may hold a ``metrics.json`` from an older deepcat, a half-edited one, or one
written to break whoever reads it. :func:`run_record` reads it once, when the catalogue finds
the run: it keeps the fields the pages show, each checked for its kind and size, and leaves
out (as ``None``) any field that is not what deepcat writes. The pages then need no checks of
their own, and no field can make an endpoint fail.
"""

from __future__ import annotations

import math

from deepcat.formatting import printable
from deepcat.runs.files import is_run_metrics

MAX_CLASSES = 1000
MAX_POINTS = 100_000
"""The most ``[iteration, value]`` pairs a curve keeps (deepcat records at most 10,000)."""


def run_record(metrics):
    """The checked fields of a ``metrics.json`` object, or None when it is not a run's.

    Returns
    -------
    dict or None
        ``dataset``, ``layer_dims``, ``classes``, the counts and accuracies, the curves
        (``costs``, ``val_costs``, ``val_accuracies``: lists of ``[iteration, value]``),
        ``hyperparameters`` (name to a number, a name, a list of numbers or None),
        ``test_confusion_matrix``; for a comparison of learning rates, ``learning_rates`` and
        ``runs`` (one entry per rate). A field of the wrong kind is None.
    """
    if not is_run_metrics(metrics):
        return None
    classes = _names(metrics.get("classes"))
    matrix = _matrix(metrics.get("test_confusion_matrix"))
    record = {
        "dataset": printable(metrics["dataset"]),
        "layer_dims": list(metrics["layer_dims"]),
        "classes": classes,
        "hyperparameters": _settings(metrics.get("hyperparameters")),
        # Rows and columns are the classes: a matrix of another size names nothing.
        "test_confusion_matrix": matrix if classes and len(matrix or ()) == len(classes) else None,
    }
    for key in ("costs", "val_costs", "val_accuracies"):
        record[key] = _curve(metrics.get(key))
    for key in ("iterations", "train_correct", "test_correct", "m_train", "m_test"):
        record[key] = _count(metrics.get(key))
    for key in ("train_accuracy", "test_accuracy", "fit_seconds"):
        record[key] = _number(metrics.get(key))
    if isinstance(metrics.get("runs"), list):
        record["learning_rates"] = _numbers(metrics.get("learning_rates"))
        record["runs"] = [_rate_run(entry) for entry in metrics["runs"] if isinstance(entry, dict)]
    return record


def _number(value):
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return value if is_number and math.isfinite(value) else None


def _count(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _numbers(value):
    if not isinstance(value, list) or not all(_number(v) is not None for v in value):
        return None
    return value


def _names(value):
    if not isinstance(value, list) or len(value) > MAX_CLASSES:
        return None
    return [printable(name) for name in value] if all(isinstance(n, str) for n in value) else None


def _curve(value):
    if not isinstance(value, list):
        return None
    pairs = [
        [point[0], _number(point[1])]
        for point in value[:MAX_POINTS]
        if isinstance(point, list) and len(point) == 2 and _count(point[0]) is not None
    ]
    return pairs if len(pairs) == len(value) else None


def _settings(value):
    if not isinstance(value, dict):
        return None
    settings = {}
    for name, setting in value.items():
        if isinstance(setting, str):
            settings[printable(name)] = printable(setting)
        elif isinstance(setting, list):
            settings[printable(name)] = _numbers(setting)
        else:
            settings[printable(name)] = _number(setting)
    return settings


def _matrix(value):
    n = len(value) if isinstance(value, list) else 0
    if not 0 < n <= MAX_CLASSES:
        return None
    rows = [row for row in value if isinstance(row, list) and len(row) == n]
    counts = all(_count(count) is not None for row in rows for count in row)
    return value if len(rows) == n and counts else None


def _rate_run(entry):
    folder = entry.get("folder")
    return {
        "folder": printable(folder) if isinstance(folder, str) else None,
        "learning_rate": _number(entry.get("learning_rate")),
        "final_cost": _number(entry.get("final_cost")),
        "train_accuracy": _number(entry.get("train_accuracy")),
        "test_accuracy": _number(entry.get("test_accuracy")),
        "fit_seconds": _number(entry.get("fit_seconds")),
    }
