"""The preprocessing a model records, so that its inputs can be reproduced from raw examples.

``deepcat train`` stores :func:`preprocessing_record` in ``Network.metadata``; ``evaluate`` and
``predict`` turn raw examples (arrays, or picture files) into the network's ``X`` ``(n_x, m)``
with it, exactly as the training examples were turned.
"""

from __future__ import annotations

import numpy as np

from deepcat.data.course import to_columns
from deepcat.data.datasets import get_source
from deepcat.data.images import load_image, to_dataset_range


def preprocessing_record(dataset):
    """What turns this data set's raw examples into network inputs, as plain JSON data.

    Parameters
    ----------
    dataset : Dataset

    Returns
    -------
    dict
        For pictures: ``{"input": "image", "image_shape": [h, w, c], "scale": ...,
        "pixel_max": ..., "invert": ...}``; for feature vectors: ``{"input": "features",
        "n_features": n_x, "scale": ..., "mean": [...] or None, "std": [...] or None}``.
        Stored in ``Network.metadata["preprocessing"]`` so that ``evaluate`` and
        ``predict`` reproduce it with :func:`inputs_from_raw`.
    """
    if dataset.is_image:
        source = get_source(dataset.name)
        return {
            "input": "image",
            "image_shape": [int(n) for n in dataset.image_shape],
            "scale": float(dataset.scale),
            "pixel_max": float(source.pixel_max),
            "invert": bool(source.invert),
        }
    return {
        "input": "features",
        "n_features": int(dataset.train_x_orig.shape[1]),
        "scale": float(dataset.scale),
        "mean": None if dataset.mean is None else [float(v) for v in dataset.mean],
        "std": None if dataset.std is None else [float(v) for v in dataset.std],
    }


def inputs_from_raw(record, x_orig, dtype=np.float64):
    """Apply a recorded preprocessing to raw examples.

    Parameters
    ----------
    record : dict
        From :func:`preprocessing_record`.
    x_orig : ndarray, shape (m, h, w, c) for pictures or (m, n_features)
    dtype : NumPy float type

    Returns
    -------
    X : ndarray, shape (n_x, m)
    """
    expected = record_input_shape(record)
    if tuple(x_orig.shape[1:]) != expected:
        raise ValueError(
            f"the model was trained on examples of shape {expected}, "
            f"got examples of shape {tuple(x_orig.shape[1:])}"
        )
    return to_columns(x_orig, record["scale"], record.get("mean"), record.get("std"), dtype)


def record_input_shape(record):
    """The shape of one raw example a recorded preprocessing expects, e.g. ``(64, 64, 3)``."""
    if not isinstance(record, dict) or record.get("input") not in ("image", "features"):
        raise ValueError("the model records no usable preprocessing (input kind missing)")
    if record["input"] == "image":
        return tuple(int(n) for n in record["image_shape"])
    return (int(record["n_features"]),)


def model_inputs(network, dataset, x_orig):
    """Raw examples of ``dataset`` as inputs for ``network``, preprocessed as in its training.

    Parameters
    ----------
    network : Network
        Its ``metadata["preprocessing"]`` is used when present (a model trained by
        ``deepcat train``); otherwise the data set's own scaling.
    dataset : Dataset
    x_orig : ndarray, shape (m, ...)
        Raw examples of ``dataset``.

    Returns
    -------
    X : ndarray, shape (n_x, m), in the network's dtype

    Raises
    ------
    ValueError
        When the examples or the class count do not fit the model.
    """
    n_classes = len(dataset.classes)
    if n_classes != network.n_classes:
        raise ValueError(
            f"the model predicts {network.n_classes} classes but the {dataset.name} data set "
            f"has {n_classes}"
        )
    record = network.metadata.get("preprocessing")
    if record:
        X = inputs_from_raw(record, x_orig, network.dtype)
    else:
        X = dataset.flatten(x_orig, network.dtype)
    if X.shape[0] != network.layer_dims[0]:
        raise ValueError(
            f"the model takes n_x = {network.layer_dims[0]} inputs per example but the "
            f"{dataset.name} data set gives n_x = {X.shape[0]}"
        )
    return X


def model_labels(network, dataset, y):
    """A data set's labels renumbered as the model's classes, matched by name.

    Parameters
    ----------
    network : Network
        Its ``metadata["classes"]`` (recorded by ``deepcat train``) names its outputs; a
        model that records no names is taken to number the classes as the data set does.
    dataset : Dataset
    y : ndarray of int, shape (1, m)
        Labels of ``dataset``: ``dataset.classes[y]`` is each example's class.

    Returns
    -------
    ndarray of int, shape (1, m)
        The label each example has among the model's classes (the same names in another
        order are renumbered; the course's ``non-cat`` = 0 holds whatever a folder says).

    Raises
    ------
    ValueError
        When the names differ, giving both lists.
    """
    recorded = network.metadata.get("classes")
    if not recorded:
        return y
    model_classes, data_classes = [str(c) for c in recorded], list(dataset.classes)
    if sorted(model_classes) != sorted(data_classes):
        raise ValueError(
            f"the model's classes are {', '.join(model_classes)} but the {dataset.name} data "
            f"set's are {', '.join(data_classes)}; evaluate needs data with the same class names"
        )
    renumber = np.array([model_classes.index(name) for name in data_classes], dtype=np.int64)
    return renumber[np.asarray(y, dtype=np.int64)]


def image_record(network):
    """The picture preprocessing of a model, for predicting from image files.

    A model trained by ``deepcat train`` records it; for one saved without metadata,
    an input size ``n_x = 3 s^2`` is taken as ``s x s`` RGB pictures scaled by 1/255,
    the course's convention.

    Raises
    ------
    ValueError
        When the model was trained on feature vectors, or ``n_x`` is not the size of
        a square RGB picture.
    """
    record = network.metadata.get("preprocessing")
    if record:
        if record.get("input") != "image":
            name = network.metadata.get("dataset", {}).get("name", "feature")
            raise ValueError(
                f"this model was trained on {name} data of {record.get('n_features')} "
                "features per example, not on pictures; predict needs a model trained on "
                "pictures (catvnoncat, folder or digits)"
            )
        return record
    n_x = network.layer_dims[0]
    side = int(round((n_x / 3) ** 0.5))
    if 3 * side * side != n_x:
        raise ValueError(
            f"this model takes n_x = {n_x} inputs, which is not the size of a square RGB "
            "picture (3 s^2), and it records no picture size; predict needs a model "
            "trained on pictures"
        )
    return {
        "input": "image",
        "image_shape": [side, side, 3],
        "scale": 255.0,
        "pixel_max": 255.0,
        "invert": False,
    }


def image_pixels(path, record):
    """One picture file as the model sees it: resized and mapped to its data set's range.

    Parameters
    ----------
    path : str or Path
    record : dict
        An image preprocessing record (:func:`image_record`).

    Returns
    -------
    ndarray, shape (height, width, channels)
        uint8 for 8-bit data sets, else floats in ``[0, pixel_max]`` (the digits'
        ``[0, 16]``, inverted).
    """
    height, width, channels = record["image_shape"]
    pixels = load_image(path, (height, width), channels)
    return to_dataset_range(pixels, record.get("pixel_max", 255.0), record.get("invert", False))


def image_inputs(path, record, dtype=np.float64):
    """One picture file as a network input column, preprocessed as recorded by the model.

    Parameters
    ----------
    path : str or Path
    record : dict
        An image preprocessing record (:func:`image_record`).
    dtype : NumPy float type

    Returns
    -------
    X : ndarray, shape (n_x, 1)
        ``n_x = height * width * channels``.
    """
    return inputs_from_raw(record, image_pixels(path, record)[np.newaxis], dtype)
