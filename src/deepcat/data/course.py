"""The course's cat vs non-cat data set, read from its two ``.h5`` files.

The files are not shipped with deepcat. :func:`find_catvnoncat` looks in the
folder given, else in ``$DEEPCAT_DATA``, else in ``./datasets``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

TRAIN_FILE = "train_catvnoncat.h5"
TEST_FILE = "test_catvnoncat.h5"
DATA_ENV = "DEEPCAT_DATA"


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
        ``x_orig`` flattened to one column per example, ``X = (x / scale - mean) / std``.
    """
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
        Naming every place looked in and how to supply the data.
    """
    candidates = [Path(data_dir)] if data_dir else []
    if not data_dir:
        if os.environ.get(DATA_ENV):
            candidates.append(Path(os.environ[DATA_ENV]))
        candidates.append(Path("datasets"))
    for folder in candidates:
        if (folder / TRAIN_FILE).is_file() and (folder / TEST_FILE).is_file():
            return folder
    looked = ", ".join(str(folder) for folder in candidates)
    raise FileNotFoundError(
        f"the catvnoncat files {TRAIN_FILE} and {TEST_FILE} were not found in {looked}; "
        f"put them in a folder and pass --data-dir or set {DATA_ENV}"
    )


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
        When a file is not HDF5 or a data set inside is missing or misshapen.
    """
    folder = find_catvnoncat(data_dir)
    train_x, train_y, classes = _read_split(folder / TRAIN_FILE, "train")
    test_x, test_y, _ = _read_split(folder / TEST_FILE, "test")
    return Dataset("catvnoncat", train_x, train_y, test_x, test_y, classes, scale=255.0)


def _read_split(path, split):
    import h5py

    try:
        handle = h5py.File(path, "r")
    except OSError as error:
        raise ValueError(f"{path} is not a readable HDF5 file ({error})") from None
    with handle:
        x_key, y_key = f"{split}_set_x", f"{split}_set_y"
        for key in (x_key, y_key, "list_classes"):
            if key not in handle:
                raise ValueError(f"{path} has no dataset {key!r}; is it the course's file?")
        x = np.asarray(handle[x_key][:])
        y = np.asarray(handle[y_key][:])
        names = handle["list_classes"][:]
        classes = [c.decode() if isinstance(c, bytes) else str(c) for c in names]
    if x.ndim != 4 or x.shape[3] != 3 or x.dtype != np.uint8:
        raise ValueError(
            f"{path}: dataset {x_key!r} should be (m, height, width, 3) uint8 pictures, "
            f"got {x.shape} {x.dtype}"
        )
    if y.shape != (x.shape[0],):
        raise ValueError(
            f"{path}: dataset {y_key!r} should have shape ({x.shape[0]},), one label per "
            f"picture, got {y.shape}"
        )
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"{path}: dataset {y_key!r} should hold labels 0 and 1 only")
    return x, y.reshape(1, -1).astype(np.int64), classes
