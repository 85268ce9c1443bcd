"""Data sets by name, and the preprocessing a model records so it can be reproduced.

:data:`DATASETS` maps each name the command line accepts to a
:class:`DatasetSource`: the loader, which options it takes, the training
defaults documented for it, and how its raw pictures relate to 8-bit photos.
Every loader returns a :class:`deepcat.data.Dataset`:

- ``catvnoncat``: the course's 64x64 RGB pictures from its two ``.h5`` files,
  split 209 / 50 as published.
- ``folder``: the user's pictures, one subfolder per class, resized to
  ``image_size``; split by ``test_fraction`` with ``split_seed``. The classes are the
  subfolders' names in alphabetical order, except that ``non-cat`` and ``cat`` keep the
  course's order (:func:`folder_class_order`).
- ``breast-cancer``: scikit-learn's 569 tumours of 30 measurements, 2 classes,
  standardised with the training split's mean and standard deviation.
- ``digits``: scikit-learn's 1,797 handwritten digits as 8x8 pictures of values
  0..16, divided by 16; 10 classes.
- ``flower``, ``circles``, ``moons``: the course's 2-D sets (:mod:`deepcat.data.small_sets`),
  with the settings of the course's runs on them as defaults.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from deepcat.core.registry import lookup
from deepcat.core.streams import RowSubset
from deepcat.core.validation import check_positive_int, class_name_problem
from deepcat.data import small_sets
from deepcat.data.course import COURSE_CLASSES, Dataset, find_catvnoncat, load_catvnoncat
from deepcat.data.splits import DEFAULT_TEST_FRACTION, split_indices

DEFAULT_IMAGE_SIZE = 64

CACHE_ROW_SEED = 0
"""Seeds the order of a folder's pictures in its cache (the same for every folder)."""

COURSE_DEFAULTS = {"hidden": (20, 7, 5), "learning_rate": 0.0075, "iterations": 2500}
"""The course's L-layer settings: with ``seed=1`` they reproduce its published run."""


@dataclass(frozen=True)
class DatasetSource:
    """How to get one named data set.

    Attributes
    ----------
    load : callable returning Dataset
        Takes the keyword options listed in ``options``.
    options : tuple of str
        The :func:`load_dataset` options this source uses; giving another is an error.
    summary : str
        One line for ``--help``.
    defaults : dict
        Training settings used when the user gives none (``hidden``, ``learning_rate``,
        ``iterations`` or ``epochs``, ``optimizer``, ``batch_size``).
    pixel_max : float
        Raw value of a full-intensity pixel (image data only).
    invert : bool
        True when the raw pictures store ink as high values on a zero background.
    usual_places : bool
        True when the loader looks for its files in usual places (``$DEEPCAT_DATA``,
        ``./datasets``) when no ``data_dir`` is given; False when ``data_dir`` must be named.
    """

    load: Callable
    options: tuple
    summary: str
    defaults: dict = field(default_factory=lambda: dict(COURSE_DEFAULTS))
    pixel_max: float = 255.0
    invert: bool = False
    usual_places: bool = False


def load_dataset(name, *, data_dir=None, test_fraction=None, split_seed=None, image_size=None):
    """Load the data set registered under ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`.
    data_dir : str or Path, optional
        catvnoncat: the folder with the two ``.h5`` files (default ``$DEEPCAT_DATA``,
        else ``./datasets``); folder: the folder of class subfolders (required).
    test_fraction : float in (0, 1), optional
        Share of each class held out for testing (default 0.2); not for catvnoncat,
        which comes split.
    split_seed : int >= 0, optional
        Seeds the train/test split (default 0).
    image_size : int >= 1, optional
        folder only: pictures are resized to ``image_size x image_size`` (default 64).

    Returns
    -------
    Dataset

    Raises
    ------
    ValueError
        For an unknown name, an option the source does not take, or bad data.
    FileNotFoundError
        When the files are missing.
    """
    source = lookup(DATASETS, name, "data set")
    given = {
        key: value
        for key, value in {
            "data_dir": data_dir,
            "test_fraction": test_fraction,
            "split_seed": split_seed,
            "image_size": image_size,
        }.items()
        if value is not None
    }
    unused = [key for key in given if key not in source.options]
    if unused:
        takes = ", ".join(source.options) or "no options"
        raise ValueError(f"the {name} data set takes {takes}; it does not use {', '.join(unused)}")
    return source.load(**given)


def loader_options(name, **options):
    """The options :func:`load_dataset` gets for data set ``name``, split defaults filled in.

    Parameters
    ----------
    name : str
    **options
        ``data_dir``, ``test_fraction``, ``split_seed``, ``image_size``; ``None`` means not
        given. A given ``data_dir`` is made absolute, so that the record of a run still
        finds the data from another folder.

    Raises
    ------
    ValueError
        Naming the options that the data set does not take.
    """
    source = get_source(name)
    defaults = {
        "test_fraction": DEFAULT_TEST_FRACTION,
        "split_seed": 0,
        "image_size": DEFAULT_IMAGE_SIZE,
    }
    resolved = {key: value for key, value in options.items() if value is not None}
    unused = [key for key in resolved if key not in source.options]
    if unused:
        raise ValueError(f"{', '.join(unused)} does not apply to the {name} data set")
    for key, value in defaults.items():
        if key in source.options:
            resolved.setdefault(key, value)
    if resolved.get("data_dir") is not None:
        resolved["data_dir"] = str(Path(resolved["data_dir"]).resolve())
    return resolved


def default_dataset(data_dir=None):
    """The data set a plain ``deepcat train`` uses, and why.

    Returns
    -------
    name : str
        ``"catvnoncat"`` when its files are found, else ``"breast-cancer"``.
    reason : str
        A sentence for the user saying where the files were found or looked for.

    Raises
    ------
    FileNotFoundError
        When ``data_dir`` is given but does not hold the course files (falling back
        to another data set would ignore what the user asked for).
    """
    try:
        folder = find_catvnoncat(data_dir)
    except FileNotFoundError as error:
        if data_dir:
            raise
        # The fact first, then where deepcat looked and what to do, on a line of its own.
        return "breast-cancer", f"the course's cat pictures were not found:\n  {error}"
    return "catvnoncat", f"the course files were found in {folder}"


# -- loaders --------------------------------------------------------------------------------


def _load_catvnoncat(data_dir=None):
    return load_catvnoncat(data_dir)


def _load_folder(
    data_dir=None,
    test_fraction=DEFAULT_TEST_FRACTION,
    split_seed=0,
    image_size=DEFAULT_IMAGE_SIZE,
):
    """One subfolder of pictures per class, named by :func:`folder_class_order`.

    The pictures are decoded once into an on-disk cache (:mod:`deepcat.data.picture_cache`)
    and stay there: the splits are :class:`~deepcat.core.streams.RowSubset` views of it,
    read a mini-batch at a time in training, so a folder need not fit in memory.
    """
    from deepcat.data.picture_cache import cached_pictures

    if data_dir is None:
        raise ValueError(
            "the folder data set needs --data-dir DIR: a folder with one subfolder of "
            "pictures per class (e.g. cat/ and non-cat/)"
        )
    root = Path(data_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"no folder at {root}; pass --data-dir with the class subfolders")
    image_size = check_positive_int(image_size, "image_size")
    subfolders = {p.name: p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")}
    if len(subfolders) < 2:
        raise ValueError(
            f"{root} must hold one subfolder of pictures per class, at least 2; "
            f"found {len(subfolders)}"
        )
    classes = folder_class_order(subfolders)
    for name in classes:
        problem = class_name_problem(name)
        if problem is not None:
            raise ValueError(f"{root}: a class subfolder is refused: {problem}")
    files = []
    for k, name in enumerate(classes):
        folder = subfolders[name]
        members = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        if not members:
            raise ValueError(f"the class folder {folder} holds no pictures")
        files.extend((path, k) for path in members)
    # The cache's rows are the pictures in a fixed shuffled order, not class by class: the
    # mini-batches read from disk mix blocks of neighbouring rows (deepcat.training.batches).
    file_of_row = np.random.default_rng(CACHE_ROW_SEED).permutation(len(files))
    row_of_file = np.argsort(file_of_row)
    pixels = cached_pictures(root, [files[i][0] for i in file_of_row], image_size)
    y = np.asarray([k for _, k in files], dtype=np.int64)
    train, test = split_indices(y, test_fraction, split_seed)
    splits = []
    for split in (train, test):
        rows = np.sort(row_of_file[split])
        splits += [RowSubset(pixels, rows), y[file_of_row[rows]].reshape(1, -1)]
    return Dataset("folder", *splits, classes, scale=255.0)


def folder_class_order(names):
    """The class names of a folder data set, in label order.

    Subfolders named exactly as the course's classes (``non-cat`` and ``cat``) take the
    course's order, ``non-cat`` = 0 and ``cat`` = 1, so that a model trained on either reads
    the other's labels alike; any other names are sorted alphabetically (``cat`` = 0,
    ``dog`` = 1).

    Parameters
    ----------
    names : iterable of str

    Returns
    -------
    list of str
    """
    names = sorted(names)
    return list(COURSE_CLASSES) if names == sorted(COURSE_CLASSES) else names


SPLIT_OPTIONS = ("test_fraction", "split_seed")
LOADER_OPTIONS = ("data_dir", *SPLIT_OPTIONS, "image_size")
"""Every option a loader may take (each data set takes some of them)."""

DATASETS = {
    "catvnoncat": DatasetSource(
        _load_catvnoncat,
        ("data_dir",),
        "the course's cat pictures, 209 train / 50 test, 64x64 RGB",
        usual_places=True,
    ),
    "folder": DatasetSource(
        _load_folder,
        LOADER_OPTIONS,
        "your pictures: --data-dir holds one subfolder per class",
    ),
    "breast-cancer": DatasetSource(
        small_sets.breast_cancer,
        SPLIT_OPTIONS,
        "scikit-learn's breast cancer data, 569 examples of 30 features, 2 classes",
    ),
    "digits": DatasetSource(
        small_sets.digits,
        SPLIT_OPTIONS,
        "scikit-learn's 8x8 handwritten digits, 1,797 pictures, 10 classes",
        defaults={
            "hidden": (64,),
            "learning_rate": 0.001,
            "epochs": 60,
            "batch_size": 32,
            "optimizer": "adam",
        },
        pixel_max=16.0,
        invert=True,
    ),
    "flower": DatasetSource(
        small_sets.flower,
        SPLIT_OPTIONS,
        "the course's planar flower (C1 W3), 400 points in 2-D, 2 classes",
        defaults={
            "hidden": (4,),
            "activation": "tanh",
            "init": "small",
            "learning_rate": 1.2,
            "iterations": 10000,
        },
    ),
    "circles": DatasetSource(
        small_sets.circles,
        (),
        "the course's circles (C2 W1), 300 train / 100 test points in 2-D",
        defaults={
            "hidden": (10, 5),
            "init": "he",
            "seed": 3,
            "learning_rate": 0.01,
            "iterations": 15000,
        },
    ),
    "moons": DatasetSource(
        small_sets.moons,
        SPLIT_OPTIONS,
        "the course's moons (C2 W2), 300 points in 2-D, 2 classes",
        defaults={
            "hidden": (5, 2),
            "init": "he",
            "optimizer": "adam",
            "learning_rate": 0.0007,
            "batch_size": 64,
            "epochs": 5000,
        },
    ),
}


def get_source(name) -> DatasetSource:
    """The :class:`DatasetSource` registered under ``name``."""
    return lookup(DATASETS, name, "data set")
