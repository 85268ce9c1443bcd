"""deepcat.core.metrics against values worked out by hand."""

import numpy as np
import pytest

from deepcat.core.metrics import accuracy, confusion_matrix, precision_recall_f1

# 8 examples of a binary problem: 3 true positives, 1 false positive, 2 false negatives,
# 2 true negatives.
Y_TRUE = np.array([[1, 1, 1, 1, 1, 0, 0, 0]])
Y_PRED = np.array([[1, 1, 1, 0, 0, 1, 0, 0]])


def test_binary_confusion_matrix_counts_each_cell():
    matrix = confusion_matrix(Y_TRUE, Y_PRED, 2)
    # rows: true class 0, 1; columns: predicted 0, 1
    np.testing.assert_array_equal(matrix, [[2, 1], [2, 3]])


def test_binary_precision_recall_f1_by_hand():
    precision, recall, f1 = precision_recall_f1(confusion_matrix(Y_TRUE, Y_PRED, 2))
    # class 1: precision 3 / (3 + 1), recall 3 / (3 + 2), F1 = 2 pr / (p + r)
    assert precision[1] == pytest.approx(3 / 4)
    assert recall[1] == pytest.approx(3 / 5)
    assert f1[1] == pytest.approx(2 * 0.75 * 0.6 / (0.75 + 0.6))
    # class 0: precision 2 / (2 + 2), recall 2 / (2 + 1)
    assert precision[0] == pytest.approx(1 / 2)
    assert recall[0] == pytest.approx(2 / 3)


def test_accuracy_is_share_of_correct_predictions():
    assert accuracy(Y_TRUE, Y_PRED) == pytest.approx(5 / 8)
    assert accuracy([0, 1, 2], [0, 1, 2]) == 1.0


def test_multiclass_confusion_matrix_and_scores():
    y_true = [0, 0, 1, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 1, 2, 0, 2]
    matrix = confusion_matrix(y_true, y_pred, 3)
    np.testing.assert_array_equal(matrix, [[1, 1, 0], [0, 2, 0], [1, 0, 2]])
    precision, recall, _ = precision_recall_f1(matrix)
    np.testing.assert_allclose(precision, [1 / 2, 2 / 3, 2 / 2])
    np.testing.assert_allclose(recall, [1 / 2, 2 / 2, 2 / 3])


def test_class_never_predicted_scores_zero_not_nan():
    matrix = confusion_matrix([0, 0, 1], [0, 0, 0], 3)
    precision, recall, f1 = precision_recall_f1(matrix)
    assert np.isfinite(precision).all() and np.isfinite(f1).all()
    assert precision[1] == 0 and recall[1] == 0 and f1[1] == 0
    # class 2 never occurs and is never predicted
    assert precision[2] == 0 and recall[2] == 0


@pytest.mark.parametrize(
    ("y_true", "y_pred", "match"),
    [
        (np.array([0, 1]), np.array([0, 1, 1]), "same number m"),
        (np.array([0, 3]), np.array([0, 1]), r"0\.\.1"),
        (np.array([0.5, 1.0]), np.array([0, 1]), "integer class indices"),
        (np.array([[0, 1], [1, 0]]), np.array([[0, 1], [1, 0]]), r"\(1, m\) or \(m,\)"),
        (np.array([], dtype=int), np.array([], dtype=int), "no examples"),
    ],
)
def test_bad_labels_are_rejected_with_a_reason(y_true, y_pred, match):
    with pytest.raises((ValueError, TypeError), match=match):
        confusion_matrix(y_true, y_pred, 2)


def test_confusion_matrix_must_be_square():
    with pytest.raises(ValueError, match="square"):
        precision_recall_f1(np.ones((2, 3)))
