"""What ``deepcat evaluate`` and ``deepcat predict`` compute, apart from parsing and printing."""

from __future__ import annotations

from deepcat.core.metrics import confusion_matrix
from deepcat.data.datasets import get_source, load_dataset, loader_options
from deepcat.data.preprocessing import image_inputs, model_inputs


def evaluation_data_set(network, model, dataset):
    """The data set to evaluate ``network`` on: ``dataset``, else the one it was trained on.

    Returns
    -------
    name : str
    recorded : dict
        The loader options recorded with the model, when ``name`` is its own data set.

    Raises
    ------
    ValueError
        When no data set is given and the model records none.
    """
    recorded = dict(network.metadata.get("dataset") or {})
    trained_on = recorded.pop("name", None)
    name = dataset or trained_on
    if name is None:
        raise ValueError(f"{model} records no data set; pass --dataset")
    get_source(name)  # a data set this deepcat does not know is a failure, not a usage error
    return name, (recorded if trained_on in (None, name) else {})


def evaluation_options(name, recorded, given):
    """The loader options: the recorded ones, overridden by those the user gave (not None)."""
    return loader_options(name, **(recorded | {k: v for k, v in given.items() if v is not None}))


def confusion_on_split(network, name, options, split):
    """Predict one split of a data set with ``network``.

    Parameters
    ----------
    network : deepcat.Network
    name : str
    options : dict
        From :func:`evaluation_options`.
    split : {"test", "train"}

    Returns
    -------
    matrix : ndarray of int, shape (n_classes, n_classes)
        Rows: true class; columns: predicted class.
    classes : list of str
    """
    data = load_dataset(name, **options)
    x_orig, y = (
        (data.test_x_orig, data.test_y) if split == "test" else (data.train_x_orig, data.train_y)
    )
    predictions = network.predict(model_inputs(network, data, x_orig))
    return confusion_matrix(y, predictions, len(data.classes)), data.classes


def class_names(network):
    """The names of the model's classes (recorded by ``deepcat train``, else ``0``, ``1``...)."""
    return network.metadata.get("classes") or [str(k) for k in range(network.n_classes)]


def predict_picture(network, record, path):
    """The predicted class of one picture file and the probability the model gives it.

    Parameters
    ----------
    network : deepcat.Network
    record : dict
        The model's picture preprocessing (:func:`deepcat.data.preprocessing.image_record`).
    path : str or Path

    Returns
    -------
    label : int
        The predicted class index.
    probability : float
        Of that class: ``P`` for class 1 and ``1 - P`` for class 0 under a sigmoid output,
        the softmax output of the class otherwise.

    Raises
    ------
    ValueError, OSError
        When the file is not a picture that can be read.
    """
    X = image_inputs(path, record, network.dtype)
    label = int(network.predict(X)[0, 0])
    probabilities = network.predict_proba(X)[:, 0]
    if network.output == "sigmoid":
        probability = probabilities[0] if label == 1 else 1 - probabilities[0]
    else:
        probability = probabilities[label]
    return label, float(probability)
