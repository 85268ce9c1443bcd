"""The JSON documents ``deepcat evaluate``, ``predict`` and ``inspect`` print with ``--json``.

Each function returns a plain dict (no printing), so the documents can be read and tested
without a terminal; :func:`json_text` writes one. docs/json.md describes every field. A
document's ``schema`` names its kind and version (``deepcat.evaluate/1``): a field is added
under the same version, and one renamed, removed or changed in meaning gets a new version.
"""

from __future__ import annotations

import json
import math

import numpy as np

from deepcat.core.metrics import precision_recall_f1
from deepcat.runs.evaluation import class_names

EVALUATE_SCHEMA = "deepcat.evaluate/1"
PREDICT_SCHEMA = "deepcat.predict/1"
INSPECT_SCHEMA = "deepcat.inspect/1"


def json_text(document):
    """``document`` as JSON text of one line per value (indented), ASCII only.

    ASCII only: a name from a model file or a folder (an escape sequence, a newline) is
    written as ``\\u001b``, ``\\n``, so it can neither act on a terminal nor forge a line.
    Non-finite floats, which JSON has no words for, are written as ``null``
    (:func:`finite_values`); ``allow_nan=False`` makes sure none slips through.
    """
    return json.dumps(finite_values(document), indent=2, ensure_ascii=True, allow_nan=False)


def finite_values(value):
    """``value`` with NumPy scalars and arrays as Python ones and NaN or infinity as ``None``.

    Parameters
    ----------
    value : dict, list, tuple, ndarray, scalar or None
        Dict keys are kept as they are (the metadata of a model file has string keys).
    """
    if isinstance(value, dict):
        return {key: finite_values(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [finite_values(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def evaluation_document(model, dataset, options, split, matrix, classes):
    """What ``deepcat evaluate --json`` prints: the figures of :func:`reports.evaluation_report`.

    Parameters
    ----------
    model : str
        The model file as the user named it.
    dataset : str
        The data set's name.
    options : dict
        The loader options it was read with (``data_dir``, ``test_fraction``, ...).
    split : {"test", "train", "all"}
    matrix : ndarray of int, shape (n_classes, n_classes)
        Rows: true class; columns: predicted class, both in the order of ``classes``.
    classes : list of str
    """
    matrix = np.asarray(matrix)
    precision, recall, f1 = precision_recall_f1(matrix)
    support = matrix.sum(axis=1)
    m = int(support.sum())
    correct = int(np.trace(matrix))
    per_class = [
        {
            "label": k,
            "class": name,
            "precision": float(precision[k]),
            "recall": float(recall[k]),
            "f1": float(f1[k]),
            "support": int(support[k]),
        }
        for k, name in enumerate(classes)
    ]
    document = {
        "schema": EVALUATE_SCHEMA,
        "model": model,
        "dataset": dataset,
        "data_options": dict(options),
        "split": split,
        "m": m,
        "correct": correct,
        "accuracy": correct / m if m else None,
        "classes": list(classes),
        "per_class": per_class,
        "macro_average": {
            "precision": float(precision.mean()),
            "recall": float(recall.mean()),
            "f1": float(f1.mean()),
        },
        "confusion_matrix": matrix.tolist(),
        # A binary problem's usual figures are those of class 1 (cat), the positive class.
        "positive_class": per_class[1] if len(classes) == 2 else None,
    }
    return document


def prediction_document(model, classes, output, threshold, entries):
    """What ``deepcat predict --json`` prints: one entry per picture, in the order read.

    Parameters
    ----------
    model : str
    classes : list of str
        The model's classes: ``probabilities`` in each entry are in this order.
    output : {"sigmoid", "softmax"}
    threshold : float or None
        The threshold applied to P(class 1) under a sigmoid output; None for softmax.
    entries : list of dict
        From :func:`prediction_entry` and :func:`failure_entry`.
    """
    return {
        "schema": PREDICT_SCHEMA,
        "model": model,
        "classes": list(classes),
        "output": output,
        "threshold": threshold,
        "predictions": entries,
        "failed": sum("error" in entry for entry in entries),
    }


def prediction_entry(path, classes, label, probabilities):
    """One predicted picture.

    Parameters
    ----------
    path : str
    classes : list of str
    label : int
    probabilities : ndarray, shape (n_classes,)
    """
    return {
        "path": path,
        "label": label,
        "class": classes[label],
        "probability": float(probabilities[label]),
        "probabilities": [float(p) for p in probabilities],
    }


def failure_entry(path, message):
    """One picture that could not be read, with why (stderr prints it after ``error: ``)."""
    return {"path": path, "error": message}


def inspection_document(model, network):
    """What ``deepcat inspect --json`` prints: the network's structure and its metadata.

    Parameters
    ----------
    model : str
    network : deepcat.Network
        Its ``metadata`` is given as read from the file (a model file can come from anyone:
        :func:`json_text` escapes its strings and writes its non-finite numbers as null).
    """
    layers = []
    for l in range(1, network.L + 1):
        W, b = network.parameters[f"W{l}"], network.parameters[f"b{l}"]
        layers.append(
            {
                "layer": l,
                "activation": network.activations[l - 1],
                "W": list(W.shape),
                "b": list(b.shape),
                "parameters": int(W.size + b.size),
                "frozen": l <= network.frozen,
            }
        )
    return {
        "schema": INSPECT_SCHEMA,
        "model": model,
        "layer_dims": [int(n) for n in network.layer_dims],
        "activations": list(network.activations),
        "L": network.L,
        "output": network.output,
        "n_classes": network.n_classes,
        "classes": class_names(network),
        "layers": layers,
        "parameters": sum(layer["parameters"] for layer in layers),
        "dtype": np.dtype(network.dtype).name,
        "frozen": int(network.frozen),
        "metadata": network.metadata,
    }
