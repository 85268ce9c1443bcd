"""What ``deepcat evaluate`` and ``deepcat predict`` compute, apart from parsing and printing."""

from __future__ import annotations

import shlex
from pathlib import Path

import numpy as np

from deepcat.core.metrics import confusion_matrix
from deepcat.core.propagation import DECISION_THRESHOLD, sigmoid_labels
from deepcat.data.datasets import LOADER_OPTIONS, get_source, load_dataset, loader_options
from deepcat.data.images import picture_suffixes
from deepcat.data.preprocessing import image_inputs, model_inputs, model_labels
from deepcat.formatting import listed, printable


def evaluation_data_set(network, model, dataset):
    """The data set to evaluate ``network`` on: ``dataset``, else the one it was trained on.

    A path the model records (``data_dir``) is a hint, never read unasked: a model file can
    come from anyone and name any folder. The recorded name and the recorded split options
    (numbers) are used; the data is looked for where the user's options, ``$DEEPCAT_DATA``
    or ``./datasets`` say.

    Returns
    -------
    name : str
    recorded : dict
        The recorded split options (``test_fraction``, ``split_seed``, ``image_size``), when
        ``name`` is the model's own data set.
    recorded_dir : str or None
        The folder the model says it was trained on, for a note to the user.

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
    if trained_on not in (None, name):
        return name, {}, None
    recorded_dir = recorded.pop("data_dir", None)
    options = {key: value for key, value in recorded.items() if key in LOADER_OPTIONS}
    return name, options, recorded_dir if isinstance(recorded_dir, str) else None


def recorded_dir_note(model, name, recorded_dir):
    """What to tell a user who gave no ``--data-dir`` about the folder the model records.

    Returns
    -------
    str or None
        A note for a data set whose files are then looked for in the usual places
        (catvnoncat).

    Raises
    ------
    ValueError
        For a data set that has no usual place (folder): the user must name the folder.
    """
    if recorded_dir is None:
        return None
    again = f"pass --data-dir {shlex.quote(recorded_dir)} to use it"
    source = get_source(name)
    if "data_dir" in source.options and not source.usual_places:
        raise ValueError(
            f"{model} was trained on the {name} data set in {recorded_dir}; {again} (a folder "
            "named in a model file is not read unless you name it)"
        )
    return printable(f"note: {model} was trained on data from {recorded_dir}; {again}")


def evaluation_options(name, recorded, given):
    """The loader options: the recorded ones, overridden by those the user gave (not None)."""
    return loader_options(name, **(recorded | {k: v for k, v in given.items() if v is not None}))


def confusion_on_split(network, name, options, split):
    """Predict one split of a data set with ``network``, its classes matched by name.

    Parameters
    ----------
    network : deepcat.Network
    name : str
    options : dict
        From :func:`evaluation_options`.
    split : {"test", "train", "all"}

    Returns
    -------
    matrix : ndarray of int, shape (n_classes, n_classes)
        Rows: true class; columns: predicted class, both in the model's class order.
    classes : list of str
        The model's class names (the data set's when the model records none).

    Raises
    ------
    ValueError
        When the data set's class names are not the model's (both lists named).
    """
    data = load_dataset(name, **options)
    x_orig, y = SPLITS[split](data)
    X = model_inputs(network, data, x_orig)
    labels = model_labels(network, data, y)
    predictions = network.predict(X)
    classes = network.metadata.get("classes") or data.classes
    return confusion_matrix(labels, predictions, len(classes)), list(classes)


SPLITS = {
    "test": lambda data: (data.test_x_orig, data.test_y),
    "train": lambda data: (data.train_x_orig, data.train_y),
    "all": lambda data: (
        np.concatenate([data.train_x_orig, data.test_x_orig]),
        np.concatenate([data.train_y, data.test_y], axis=1),
    ),
}
"""The examples and labels of each split ``evaluate --split`` names."""


def class_names(network):
    """The names of the model's classes (recorded by ``deepcat train``, else ``0``, ``1``...)."""
    return network.metadata.get("classes") or [str(k) for k in range(network.n_classes)]


def picture_paths(arguments):
    """The pictures ``predict`` reads for its arguments, a folder standing for its pictures.

    A folder is replaced by the files directly inside it whose names end as a picture format
    Pillow reads (``.jpg``, ``.png``, ...), sorted by name; hidden files (``.name``) are
    ignored; subfolders are not entered (so a link loop cannot trap it). Any other argument
    is kept as given, to be read or refused by :func:`predict_picture`.

    Returns
    -------
    paths : list of str
    skipped : list of (str, list of str)
        For each folder, the names inside it that were not taken: other files and subfolders.

    Raises
    ------
    ValueError
        For a folder that holds no picture.
    """
    suffixes = picture_suffixes()
    paths, skipped = [], []
    for argument in arguments:
        folder = Path(argument)
        if not folder.is_dir():
            paths.append(argument)
            continue
        entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
        pictures = [p for p in entries if p.suffix.lower() in suffixes and not p.is_dir()]
        if not pictures:
            raise ValueError(f"{folder}: is a folder that holds no pictures")
        paths.extend(str(p) for p in pictures)
        others = [p.name + ("/" if p.is_dir() else "") for p in entries if p not in pictures]
        if others:
            skipped.append((str(folder), others))
    return paths, skipped


def skipped_note(folder, names):
    """One line naming what :func:`picture_paths` left out of ``folder``."""
    return (
        f"note: skipped {len(names)} entries of {printable(folder)} that are not pictures by "
        f"name: {listed(map(printable, names))}"
    )


def predict_picture(network, record, path, threshold=None):
    """The predicted class of one picture file and the probability the model gives each class.

    Parameters
    ----------
    network : deepcat.Network
    record : dict
        The model's picture preprocessing (:func:`deepcat.data.preprocessing.image_record`).
    path : str or Path
    threshold : float, optional
        For a sigmoid output (:func:`predicted_labels`); ``None``: the network's own rule.

    Returns
    -------
    label : int
        The predicted class index.
    probabilities : ndarray, shape (n_classes,)
        Of each class (:func:`class_probabilities`): ``probabilities[label]`` is the
        probability of the predicted class.

    Raises
    ------
    ValueError, OSError
        When the file is not a picture that can be read.
    """
    X = image_inputs(path, record, network.dtype)
    label = int(predicted_labels(network, X, threshold)[0, 0])
    return label, class_probabilities(network, X)[:, 0]


def check_threshold(network, threshold, name="threshold", model="the model"):
    """``threshold`` as a float strictly between 0 and 1, for a network with a sigmoid output.

    ``name`` and ``model`` are how the message names the setting and the network (the
    command line says ``--threshold`` and the model file).

    Raises
    ------
    ValueError
        For a softmax network (its class is the argmax, there is no threshold to move), or a
        value that is not a number in the open interval (0, 1), NaN included.
    """
    if network.output != "sigmoid":
        raise ValueError(
            f"{name} applies to binary (sigmoid) models only; {model} has "
            f"{network.n_classes} classes (a softmax output, whose class is the most probable)"
        )
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.floating)):
        raise TypeError(f"{name} must be a number between 0 and 1, got {threshold!r}")
    if not 0 < threshold < 1:  # also refuses NaN, for which every comparison is false
        raise ValueError(f"{name} must be strictly between 0 and 1, got {threshold!r}")
    return float(threshold)


def applied_threshold(network, threshold=None):
    """The threshold :func:`predicted_labels` applies for ``threshold``: it, or
    :data:`~deepcat.core.propagation.DECISION_THRESHOLD` when None; None for a softmax
    network, which has none."""
    if network.output != "sigmoid":
        return None
    return DECISION_THRESHOLD if threshold is None else float(threshold)


def predicted_labels(network, X, threshold=None):
    """The predicted class of each example, with a decision threshold for a sigmoid output.

    Parameters
    ----------
    network : deepcat.Network
    X : ndarray, shape (n_x, m)
    threshold : float, optional
        Class 1 where ``P(class 1) > threshold`` (:func:`check_threshold`). ``None`` keeps the
        network's own rule, :meth:`deepcat.Network.predict` (``P > 0.5``; the argmax for
        softmax), so that the default is that rule itself rather than a copy of it.

    Returns
    -------
    ndarray of int, shape (1, m)
    """
    if threshold is None:
        return network.predict(X)
    return sigmoid_labels(network.predict_proba(X), check_threshold(network, threshold))


def class_probabilities(network, X):
    """The probability the model gives each class, for each example.

    Parameters
    ----------
    network : deepcat.Network
    X : ndarray, shape (n_x, m)

    Returns
    -------
    ndarray, shape (n_classes, m)
        Under a sigmoid output, ``1 - P`` (class 0) above ``P`` (class 1); the softmax
        output otherwise. Each column sums to 1.
    """
    probabilities = network.predict_proba(X)
    if network.output == "sigmoid":
        return np.concatenate([1 - probabilities, probabilities])
    return probabilities
