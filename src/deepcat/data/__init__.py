"""Data and files: the course's ``.h5`` files, data sets by name, pictures and model files.

The course's data set is re-exported here, so ``from deepcat.data import load_catvnoncat``
works as in the course's ``load_data``.
"""

from deepcat.data.course import (
    DATA_ENV,
    TEST_FILE,
    TRAIN_FILE,
    Dataset,
    find_catvnoncat,
    load_catvnoncat,
    to_columns,
)

__all__ = [
    "DATA_ENV",
    "TEST_FILE",
    "TRAIN_FILE",
    "Dataset",
    "find_catvnoncat",
    "load_catvnoncat",
    "to_columns",
]
