"""Classification metrics from predicted and true class indices.

Every function takes labels as integer class indices of shape ``(1, m)`` or
``(m,)``, the layout of :meth:`deepcat.Network.predict`, and works for two
classes or more. Precision, recall and F1 are computed per class from the
confusion matrix; for a binary problem the figures of class 1 (the positive
class, "cat" in the course) are the usual ones.
"""

from __future__ import annotations

import numpy as np


def confusion_matrix(y_true, y_pred, n_classes):
    """Count how often each true class was predicted as each class.

    Parameters
    ----------
    y_true, y_pred : array-like of int, shape (1, m) or (m,)
        Class indices in ``0..n_classes-1``.
    n_classes : int

    Returns
    -------
    ndarray of int, shape (n_classes, n_classes)
        ``C[i, j]`` is the number of examples of true class ``i`` predicted as ``j``;
        the diagonal holds the correct predictions.
    """
    y_true, y_pred = _check_labels(y_true, y_pred, n_classes)
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def accuracy(y_true, y_pred):
    """The share of the ``m`` examples whose prediction equals the label.

    Parameters
    ----------
    y_true, y_pred : array-like of int, shape (1, m) or (m,)

    Returns
    -------
    float in [0, 1]
    """
    y_true, y_pred = _check_labels(y_true, y_pred, None)
    return float(np.mean(y_true == y_pred))


def precision_recall_f1(matrix):
    """Per-class precision, recall and F1 from a confusion matrix.

    Parameters
    ----------
    matrix : ndarray of int, shape (n_classes, n_classes)
        As returned by :func:`confusion_matrix` (rows: true class).

    Returns
    -------
    precision, recall, f1 : ndarray of float, shape (n_classes,)
        A class never predicted has precision 0, a class absent from the labels
        recall 0, and F1 is 0 where precision + recall is 0 (scikit-learn's
        convention, which avoids a division by zero turning into NaN).

    Notes
    -----
    ``precision_k = C[k, k] / sum_i C[i, k]``, ``recall_k = C[k, k] / sum_j C[k, j]``,
    ``F1_k = 2 precision_k recall_k / (precision_k + recall_k)``.
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(
            f"a confusion matrix is square, (n_classes, n_classes); got shape {matrix.shape}"
        )
    correct = np.diag(matrix).astype(np.float64)
    precision = _safe_divide(correct, matrix.sum(axis=0))
    recall = _safe_divide(correct, matrix.sum(axis=1))
    f1 = _safe_divide(2 * precision * recall, precision + recall)
    return precision, recall, f1


def _safe_divide(numerator, denominator):
    denominator = np.asarray(denominator, dtype=np.float64)
    result = np.zeros_like(denominator)
    np.divide(numerator, denominator, out=result, where=denominator != 0)
    return result


def _check_labels(y_true, y_pred, n_classes):
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if labels.dtype.kind not in "biu":
            raise TypeError(f"{name} must hold integer class indices, got dtype {labels.dtype}")
        if labels.ndim == 2 and labels.shape[0] == 1:
            continue
        if labels.ndim != 1:
            raise ValueError(f"{name} must have shape (1, m) or (m,), got {labels.shape}")
    y_true, y_pred = y_true.reshape(-1), y_pred.reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must hold the same number m of examples, "
            f"got {y_true.size} and {y_pred.size}"
        )
    if y_true.size == 0:
        raise ValueError("no examples: y_true and y_pred are empty")
    if n_classes is not None:
        for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
            if labels.min() < 0 or labels.max() >= n_classes:
                raise ValueError(
                    f"{name} must hold class indices in 0..{n_classes - 1}, "
                    f"got values from {labels.min()} to {labels.max()}"
                )
    return y_true, y_pred
