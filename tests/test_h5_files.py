"""Hostile and malformed course .h5 files: refused by name, before anything large is read."""

import h5py
import numpy as np
import pytest

from cli_runner import assert_user_error, deepcat
from deepcat.core.memory import NotEnoughMemoryError
from deepcat.data import TEST_FILE, TRAIN_FILE, load_catvnoncat

CLASSES = [b"non-cat", b"cat"]


def _course_like(folder, change=None, m=6, test_change=None):
    """Two small files in the course's layout; ``change(h5)`` edits the training file."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for name, edit in ((TRAIN_FILE, change), (TEST_FILE, test_change)):
        split = "train" if name == TRAIN_FILE else "test"
        with h5py.File(folder / name, "w") as h5:
            h5[f"{split}_set_x"] = rng.integers(0, 256, size=(m, 8, 8, 3), dtype=np.uint8)
            h5[f"{split}_set_y"] = np.arange(m) % 2
            h5["list_classes"] = np.array(CLASSES)
            if edit is not None:
                edit(h5)
    return folder


def _replace(key, value, **options):
    def change(h5):
        del h5[key]
        h5.create_dataset(key, data=value, **options) if value is not None else None

    return change


def test_the_small_course_like_files_load(tmp_path):
    data = load_catvnoncat(_course_like(tmp_path / "data"))
    assert data.classes == ["non-cat", "cat"] and data.train_x_orig.shape == (6, 8, 8, 3)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        # three names for two-valued labels: no silent 3-way softmax
        (
            _replace("list_classes", np.array([b"non-cat", b"cat", b"dog"])),
            r"list_classes names 3 classes \(non-cat, cat, dog\) but no training picture has "
            r"the label 2 \(dog\)",
        ),
        (_replace("train_set_y", np.array([0, 1, 5, 0, 1, 0])), "holds the label 5, outside 0..1"),
        (_replace("train_set_y", np.array([0, 1, -1, 0, 1, 0])), "holds the label -1"),
        (
            _replace("train_set_y", np.array([0.0, 1, np.nan, 0, 1, 0])),
            "integer labels, got float64",
        ),
        (_replace("train_set_y", np.array([b"0", b"1"] * 3)), "integer labels, got |S1"),
        (
            _replace("train_set_x", np.zeros((6, 8, 8, 3))),
            r"'train_set_x' should be \(m, height, width, 3\) uint8 pictures, got .* float64",
        ),
        (
            _replace("train_set_x", np.zeros((6, 8, 8, 3), dtype=np.uint16)),
            "uint8 pictures, got .* uint16",
        ),
        (_replace("train_set_y", np.array([0, 1, 0])), r"should have shape \(6,\).*got \(3,\)"),
        (_replace("list_classes", None), "has no dataset 'list_classes'"),
        (_replace("list_classes", np.array([1, 2])), "list of class names"),
        (_replace("list_classes", np.array([b"cat", b"cat"])), "at least 2 distinct classes"),
        (_replace("list_classes", np.array([b"\xff\xfe", b"cat"])), "not UTF-8 text"),
    ],
)
def test_malformed_contents_are_named(tmp_path, change, match):
    folder = _course_like(tmp_path / "data", change)
    with pytest.raises(ValueError, match=match) as error:
        load_catvnoncat(folder)
    assert TRAIN_FILE in str(error.value)


def test_test_file_with_other_class_names(tmp_path):
    other = _replace("list_classes", np.array([b"dog", b"cat"]))
    folder = _course_like(tmp_path / "data", test_change=other)
    with pytest.raises(ValueError, match="names the classes dog, cat but .* names non-cat, cat"):
        load_catvnoncat(folder)


def _declared_pictures(m):
    """A chunked, compressed dataset of ``m`` pictures of which nothing was written."""
    return _replace_with(
        "train_set_x",
        lambda h5: h5.create_dataset(
            "train_set_x",
            shape=(m, 64, 64, 3),
            dtype=np.uint8,
            chunks=(1, 64, 64, 3),
            compression="gzip",
        ),
    )


def _replace_with(key, create):
    def change(h5):
        del h5[key]
        create(h5)
        del h5["train_set_y"]
        h5["train_set_y"] = np.arange(h5[key].shape[0]) % 2

    return change


def test_a_small_file_declaring_150000_pictures_is_refused_before_reading(tmp_path):
    folder = _course_like(tmp_path / "data", _declared_pictures(150_000))
    assert (folder / TRAIN_FILE).stat().st_size < 2_000_000  # mostly the labels
    with pytest.raises(
        ValueError,
        match=r"'train_set_x' of shape \(150000, 64, 64, 3\) "
        r"declares 1.8 GB but the file stores 0 B",
    ):
        load_catvnoncat(folder)


def test_a_huge_declared_shape_is_refused_as_not_fitting(tmp_path):
    def huge(h5):
        del h5["train_set_x"]
        h5.create_dataset(
            "train_set_x", shape=(6, 2**20, 2**20, 3), dtype=np.uint8, chunks=(1, 64, 64, 3)
        )

    folder = _course_like(tmp_path / "data", huge)
    with pytest.raises(
        NotEnoughMemoryError,
        match=r"train_set_x' of shape \(6, 1048576, 1048576, 3\) needs 19.8 TB",
    ):
        load_catvnoncat(folder)


def test_the_cli_refuses_the_declared_pictures_in_one_line(tmp_path):
    folder = _course_like(tmp_path / "data", _declared_pictures(150_000))
    result = deepcat("train", "--dataset", "catvnoncat", "--data-dir", folder, cwd=tmp_path)
    assert_user_error(result, 1, TRAIN_FILE, "(150000, 64, 64, 3)", "expands more than 100 times")


# -- data stored elsewhere ------------------------------------------------------------------


def _external_link(h5):
    del h5["train_set_x"]
    h5["train_set_x"] = h5py.ExternalLink("/etc/passwd", "/")


def _soft_link(h5):
    h5["pictures"] = h5["train_set_x"][()]
    del h5["train_set_x"]
    h5["train_set_x"] = h5py.SoftLink("/pictures")


def _external_storage(h5):
    # the dataset's bytes are those of /etc/passwd, read as pixels
    del h5["train_set_x"]
    h5.create_dataset(
        "train_set_x", shape=(6, 8, 8, 3), dtype=np.uint8, external=[("/etc/passwd", 0, 1152)]
    )


def _virtual(h5):
    layout = h5py.VirtualLayout(shape=(6, 8, 8, 3), dtype=np.uint8)
    layout[:] = h5py.VirtualSource("/etc/passwd", "x", shape=(6, 8, 8, 3))
    del h5["train_set_x"]
    h5.create_virtual_dataset("train_set_x", layout, fillvalue=0)


def _group(h5):
    del h5["train_set_x"]
    h5.create_group("train_set_x")


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (_external_link, r"'train_set_x' is a link \(ExternalLink\) to data elsewhere"),
        (_soft_link, r"'train_set_x' is a link \(SoftLink\)"),
        (_external_storage, "takes its data from other files"),
        (_virtual, "takes its data from other files"),
        (_group, "'train_set_x' is a group, not a dataset"),
    ],
)
def test_data_stored_outside_the_file_is_refused(tmp_path, change, match):
    folder = _course_like(tmp_path / "data", change)
    with pytest.raises(ValueError, match=match):
        load_catvnoncat(folder)


def test_an_h5_that_is_a_folder_is_not_taken_for_the_file(tmp_path):
    (tmp_path / "data" / TRAIN_FILE).mkdir(parents=True)
    (tmp_path / "data" / TEST_FILE).mkdir()
    with pytest.raises(FileNotFoundError, match="were not found in"):
        load_catvnoncat(tmp_path / "data")


# -- no data: where it was looked for and where it comes from -------------------------------


def test_the_no_data_message_says_where_and_whence(tmp_path):
    result = deepcat("train", "--dataset", "catvnoncat", cwd=tmp_path)
    assert_user_error(
        result,
        1,
        "datasets (relative to the current folder: " + str((tmp_path / "datasets").resolve()),
        "deeplearning.ai course",
        "Neural Networks and Deep Learning",
        "--data-dir DIR, or set DEEPCAT_DATA=DIR",
    )
    with_env = deepcat("train", "--dataset", "catvnoncat", cwd=tmp_path, data_dir="nowhere")
    assert "$DEEPCAT_DATA = nowhere (relative to the current folder: " in with_env.stderr
