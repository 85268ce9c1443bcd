"""The course's cat vs non-cat data set, read from its two ``.h5`` files.

The files are not shipped with deepcat. :func:`find_catvnoncat` looks in the
folder given, else in ``$DEEPCAT_DATA``, else in ``./datasets``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from deepcat.core.streams import ExampleStream, is_on_disk
from deepcat.core.validation import class_name_problem

TRAIN_FILE = "train_catvnoncat.h5"
TEST_FILE = "test_catvnoncat.h5"
DATA_ENV = "DEEPCAT_DATA"
COURSE_CLASSES = ("non-cat", "cat")
"""The course's class names in label order (``list_classes`` of its files)."""
COURSE_NAME = '"Neural Networks and Deep Learning" (week 4, "Deep Neural Network - Application")'
"""Where the course files come from, as the deeplearning.ai course names it."""


@dataclass
class Dataset:
    """A train/test split of images or feature vectors, in course layout.

    Attributes
    ----------
    name : str
    train_x_orig, test_x_orig : ndarray
        Raw examples, first axis the example: ``(m, 64, 64, 3)`` uint8 for images,
        ``(m, n_x)`` for feature vectors.
    train_y, test_y : ndarray of int, shape (1, m)
        Class indices.
    classes : list of str
        Class names; ``classes[k]`` is the name of label ``k``.
    scale : float
        What the raw values are divided by (255 for 8-bit pixels, 1 otherwise).
    mean, std : ndarray, shape (n_x,), or None
        Per-feature standardisation applied after scaling, ``(x / scale - mean) / std``,
        computed on the training split only (set for breast-cancer; None otherwise).
    """

    name: str
    train_x_orig: np.ndarray
    train_y: np.ndarray
    test_x_orig: np.ndarray
    test_y: np.ndarray
    classes: list
    scale: float = 1.0
    feature_names: list = field(default_factory=list)
    mean: np.ndarray | None = None
    std: np.ndarray | None = None

    @property
    def is_image(self) -> bool:
        """True for ``(m, height, width, channels)`` data."""
        return self.train_x_orig.ndim == 4

    @property
    def image_shape(self):
        """``(height, width, channels)`` for image data, else None."""
        return tuple(self.train_x_orig.shape[1:]) if self.is_image else None

    def flatten(self, x_orig, dtype=np.float64):
        """``(m, ...)`` raw examples to ``X`` of shape ``(n_x, m)``; see :func:`to_columns`."""
        return to_columns(x_orig, self.scale, self.mean, self.std, dtype)

    @property
    def train_x(self):
        """Training inputs ``(n_x, m_train)``, float64, scaled (``/ 255`` for images)."""
        return self.flatten(self.train_x_orig)

    @property
    def test_x(self):
        """Test inputs ``(n_x, m_test)``, float64, scaled."""
        return self.flatten(self.test_x_orig)


def to_columns(x_orig, scale, mean=None, std=None, dtype=np.float64):
    """Raw examples to network inputs, the one place where scaling is defined.

    Parameters
    ----------
    x_orig : ndarray, shape (m, ...)
        One example per row, e.g. ``(m, 64, 64, 3)`` pictures or ``(m, n_x)`` features.
    scale : float
        Divisor of the raw values (255 for 8-bit pixels).
    mean, std : array-like, shape (n_x,), optional
        Per-feature standardisation applied after scaling.
    dtype : NumPy float type

    Returns
    -------
    X : ndarray, shape (n_x, m)
        ``x_orig`` flattened to one column per example, ``X = (x / scale - mean) / std``;
        for examples on disk (an ``h5py`` dataset, a row subset of one), the
        :class:`~deepcat.core.streams.ExampleStream` that reads them so, a few at a time.
    """
    if is_on_disk(x_orig):
        if mean is not None or std is not None:
            raise ValueError("examples on disk are scaled, not standardised: mean and std unused")
        return ExampleStream(x_orig, scale, dtype)
    flat = np.asarray(x_orig).reshape(len(x_orig), -1).T
    X = flat.astype(dtype) / dtype(scale)
    if mean is not None:
        X -= np.asarray(mean, dtype=dtype).reshape(-1, 1)
    if std is not None:
        X /= np.asarray(std, dtype=dtype).reshape(-1, 1)
    return X


def find_catvnoncat(data_dir=None) -> Path:
    """The folder holding the two course files.

    Raises
    ------
    FileNotFoundError
        Naming every place looked in (as an absolute path where it was relative to the
        current folder), where the files come from and how to supply them.
    """
    if data_dir:
        candidates = [(Path(data_dir), "")]
    else:
        candidates = (
            [(Path(os.environ[DATA_ENV]), f"${DATA_ENV} = ")] if os.environ.get(DATA_ENV) else []
        )
        candidates.append((Path("datasets"), ""))
    for folder, _ in candidates:
        if (folder / TRAIN_FILE).is_file() and (folder / TEST_FILE).is_file():
            return folder
    looked = " or ".join(label + _place(folder) for folder, label in candidates)
    raise FileNotFoundError(
        f"the catvnoncat files {TRAIN_FILE} and {TEST_FILE} were not found in {looked}. "
        f"They come with the deeplearning.ai course {COURSE_NAME}; put both in a folder and "
        f"pass --data-dir DIR, or set {DATA_ENV}=DIR"
    )


def _place(folder):
    """``folder``, and the absolute folder it means when it is relative to the current one."""
    if folder.is_absolute():
        return str(folder)
    return f"{folder} (relative to the current folder: {folder.resolve()})"


def load_catvnoncat(data_dir=None) -> Dataset:
    """Load the course data: 209 training and 50 test pictures, 64x64 RGB.

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder with ``train_catvnoncat.h5`` and ``test_catvnoncat.h5``.

    Returns
    -------
    Dataset
        ``train_x_orig`` ``(209, 64, 64, 3)`` uint8, ``train_y`` ``(1, 209)``,
        ``test_x_orig`` ``(50, 64, 64, 3)``, ``test_y`` ``(1, 50)``,
        ``classes == ["non-cat", "cat"]``, ``scale == 255``.

    Raises
    ------
    FileNotFoundError
        When the files are missing.
    ValueError
        When a file is not HDF5, or a data set inside is missing, misshapen, of another
        type, stored outside the file, or declares far more data than the file holds
        (see :mod:`deepcat.data.h5_files`); when the labels and ``list_classes`` disagree:
        a label outside ``0 .. n_classes - 1``, a named class without training pictures,
        or test names other than the training names.
    NotEnoughMemoryError
        When the pictures would not fit in the memory this process can have.
    """
    folder = find_catvnoncat(data_dir)
    train_x, train_y, classes = read_course_split(folder / TRAIN_FILE, "train")
    test_x, test_y, test_classes = read_course_split(folder / TEST_FILE, "test")
    missing = sorted(set(range(len(classes))) - set(np.unique(train_y).tolist()))
    if missing:
        unused = ", ".join(f"{k} ({classes[k]})" for k in missing)
        raise ValueError(
            f"{folder / TRAIN_FILE}: list_classes names {len(classes)} classes "
            f"({', '.join(classes)}) but no training picture has the label {unused}; every "
            "class named must have training pictures"
        )
    if test_classes != classes:
        raise ValueError(
            f"{folder / TEST_FILE} names the classes {', '.join(test_classes)} but "
            f"{folder / TRAIN_FILE} names {', '.join(classes)}; both must name the same classes"
        )
    return Dataset("catvnoncat", train_x, train_y, test_x, test_y, classes, scale=255.0)


def read_course_split(path, split):
    """One course file's pictures, labels and class names, each checked before it is read.

    Parameters
    ----------
    path : Path
    split : {"train", "test"}
        Names the datasets: ``{split}_set_x``, ``{split}_set_y``; and ``list_classes``.

    Returns
    -------
    x : ndarray of uint8, shape (m, height, width, 3)
    y : ndarray of int64, shape (1, m)
        Labels in ``0 .. n_classes - 1``.
    classes : list of str
        ``n_classes >= 2`` distinct, non-empty names.

    Raises
    ------
    ValueError
        Naming the file and the dataset: missing, stored elsewhere, of the wrong type or
        shape, a label outside the classes named, or far more declared than stored.
    """
    from deepcat.data.h5_files import open_h5, read_dataset, stored_dataset

    x_key, y_key = f"{split}_set_x", f"{split}_set_y"
    with open_h5(path) as handle:
        x_set, y_set, names_set = (
            stored_dataset(handle, path, key) for key in (x_key, y_key, "list_classes")
        )
        if len(x_set.shape) != 4 or x_set.shape[3] != 3 or x_set.dtype != np.uint8:
            raise ValueError(
                f"{path}: dataset {x_key!r} should be (m, height, width, 3) uint8 pictures, "
                f"got {x_set.shape} {x_set.dtype}"
            )
        if y_set.shape != (x_set.shape[0],):
            raise ValueError(
                f"{path}: dataset {y_key!r} should have shape ({x_set.shape[0]},), one label "
                f"per picture, got {y_set.shape}"
            )
        if y_set.dtype.kind not in "iub":
            raise ValueError(
                f"{path}: dataset {y_key!r} should hold integer labels, got {y_set.dtype}"
            )
        if len(names_set.shape) != 1 or names_set.dtype.kind not in "SUO":
            raise ValueError(
                f"{path}: dataset 'list_classes' should be a list of class names (strings), "
                f"got {names_set.shape} {names_set.dtype}"
            )
        classes = _class_names(read_dataset(names_set, path, "list_classes"), path)
        y = read_dataset(y_set, path, y_key).astype(np.int64)
        outside = y[(y < 0) | (y >= len(classes))]
        if outside.size:
            raise ValueError(
                f"{path}: dataset {y_key!r} holds the label {outside[0]}, outside 0.."
                f"{len(classes) - 1} for the {len(classes)} classes in list_classes "
                f"({', '.join(classes)})"
            )
        x = read_dataset(x_set, path, x_key)
    return x, y.reshape(1, -1), classes


def _class_names(values, path):
    """``list_classes`` as distinct, non-empty str (the course stores them as bytes)."""
    try:
        classes = [v.decode("utf-8") if isinstance(v, bytes) else v for v in values.tolist()]
    except UnicodeDecodeError:
        raise ValueError(f"{path}: 'list_classes' holds names that are not UTF-8 text") from None
    if not all(isinstance(name, str) and name.strip() for name in classes):
        raise ValueError(f"{path}: 'list_classes' holds an empty name or one that is not text")
    for name in classes:
        problem = class_name_problem(name)
        if problem is not None:
            raise ValueError(f"{path}: 'list_classes': {problem}")
    if len(classes) < 2 or len(set(classes)) != len(classes):
        raise ValueError(
            f"{path}: 'list_classes' should name at least 2 distinct classes, got {classes}"
        )
    return classes
