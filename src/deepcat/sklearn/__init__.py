"""The scikit-learn adapter: :class:`DeepCatClassifier` and model selection.

Importing this package imports scikit-learn; ``import deepcat`` does not.
"""

from deepcat.sklearn.estimator import DeepCatClassifier

__all__ = ["DeepCatClassifier"]
