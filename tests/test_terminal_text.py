"""Names that would act on the terminal: file, folder and class names holding newlines or escape
sequences are printed escaped by ``predict``, ``evaluate`` and ``inspect``, and class names
holding them (or too long to print) are refused in model files, .h5 files and folders."""

import json

import h5py
import numpy as np
import pytest
from PIL import Image

from cli_runner import assert_user_error, deepcat
from deepcat import Network
from deepcat.data import TEST_FILE, TRAIN_FILE, load_catvnoncat
from deepcat.data.datasets import load_dataset
from deepcat.formatting import printable
from helpers.models import small_model

FORGED = "b\nerror: c.png: cat (probability 1.0000)\n.png"
TITLE = "a\x1b]0;pwned\x07\x1b[2J.png"


def _raw_controls(text):
    """The control characters in ``text`` other than the line ends that separate lines."""
    return [c for c in text if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("cat.png", "cat.png"),
        ("b\nerror: c", "b\\nerror: c"),
        (TITLE, "a\\x1b]0;pwned\\x07\\x1b[2J.png"),
        ("tab\there\rcr", "tab\\there\\rcr"),
        ("del\x7f csi\x9b nul\x00", "del\\x7f csi\\x9b nul\\x00"),
        ("café 猫 \u00a0", "café 猫 \u00a0"),  # printable non-ASCII stays as it is
    ],
)
def test_printable_escapes_exactly_the_control_characters(text, shown):
    assert printable(text) == shown


def _model(tmp_path, classes=("non-cat", "cat"), **metadata):
    network = small_model()
    network.metadata["classes"] = list(classes)
    network.metadata.update(metadata)
    path = tmp_path / "model.npz"
    network.save(path)
    return path


def test_predict_prints_hostile_file_names_escaped(tmp_path):
    model = _model(tmp_path)
    for name in (FORGED, TITLE):
        Image.new("RGB", (2, 2), (200, 10, 10)).save(tmp_path / name, format="PNG")
    result = deepcat("predict", model, FORGED, TITLE, "missing\x1b[31m.png", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result.stdout  # one line per picture, none forged
    assert lines[0].startswith("b\\nerror: c.png: cat (probability 1.0000)\\n.png: ")
    assert lines[1].startswith("a\\x1b]0;pwned\\x07\\x1b[2J.png: ")
    assert result.stderr.count("\n") == 1 and "missing\\x1b[31m.png" in result.stderr
    assert not _raw_controls(result.stdout + result.stderr)


def test_predict_notes_skipped_hostile_names_escaped(tmp_path):
    model = _model(tmp_path)
    folder = tmp_path / "pictures"
    folder.mkdir()
    Image.new("RGB", (2, 2)).save(folder / "ok.png")
    (folder / "notes\n\x1b[2J.txt").write_text("x")
    result = deepcat("predict", model, folder, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "notes\\n\\x1b[2J.txt" in result.stderr and result.stderr.count("\n") == 1
    assert not _raw_controls(result.stderr)


def test_inspect_prints_hostile_metadata_escaped(tmp_path):
    model = _model(
        tmp_path,
        dataset={"name": "catvnoncat", "data_dir": "/d\x1b[2J"},
        transferred_from="old\nclasses  pwned",
        training={"note\x07": "x\x1b]0;t\x07"},
    )
    result = deepcat("inspect", model, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "/d\\x1b[2J" in result.stdout and "old\\nclasses  pwned" in result.stdout
    assert "note\\x07" in result.stdout and "x\\x1b]0;t\\x07" in result.stdout
    assert not _raw_controls(result.stdout)


HOSTILE_CLASSES = [
    (["non-cat", "x\nFAKE: ok"], "the class name 'x\\nFAKE: ok' holds control characters"),
    (["non-cat", "cat\x1b[31m"], "the class name 'cat\\x1b[31m' holds control characters"),
    (["non-cat", "c" * 101], "has 101 characters, more than the 100 a class name may have"),
]


@pytest.mark.parametrize(("classes", "fragment"), HOSTILE_CLASSES)
def test_a_model_with_hostile_class_names_is_refused(tmp_path, classes, fragment):
    path = _model(tmp_path)
    with np.load(path) as archive:
        arrays = dict(archive)
    header = json.loads(str(arrays["__deepcat__"]))
    header["metadata"]["classes"] = classes
    arrays["__deepcat__"] = np.array(json.dumps(header))
    hostile = tmp_path / "hostile.npz"
    with open(hostile, "wb") as handle:
        np.savez(handle, **arrays)
    with pytest.raises(ValueError, match="metadata.classes: ") as caught:
        Network.load(hostile)
    assert fragment in str(caught.value)
    Image.new("RGB", (2, 2)).save(tmp_path / "p.png")
    result = deepcat("predict", hostile, tmp_path / "p.png", cwd=tmp_path)
    assert_user_error(result, 1, fragment)
    assert not _raw_controls(result.stderr)
    # deepcat never writes what it would refuse
    network = small_model()
    network.metadata["classes"] = classes
    with pytest.raises(ValueError, match="metadata.classes: "):
        network.save(tmp_path / "never.npz")
    assert not (tmp_path / "never.npz").exists()


def test_a_class_name_of_100_characters_is_accepted(tmp_path):
    assert Network.load(_model(tmp_path, ("non-cat", "c" * 100))).metadata["classes"][1]


@pytest.mark.parametrize(("classes", "fragment"), HOSTILE_CLASSES)
def test_an_h5_file_with_hostile_class_names_is_refused(tmp_path, classes, fragment):
    rng = np.random.default_rng(0)
    for name, split in ((TRAIN_FILE, "train"), (TEST_FILE, "test")):
        with h5py.File(tmp_path / name, "w") as h5:
            h5[f"{split}_set_x"] = rng.integers(0, 256, size=(4, 8, 8, 3), dtype=np.uint8)
            h5[f"{split}_set_y"] = np.arange(4) % 2
            h5["list_classes"] = np.array([c.encode() for c in classes])
    with pytest.raises(ValueError, match="'list_classes': ") as caught:
        load_catvnoncat(tmp_path)
    assert fragment in str(caught.value) and TRAIN_FILE in str(caught.value)


@pytest.mark.parametrize(("classes", "fragment"), HOSTILE_CLASSES)
def test_a_folder_with_hostile_class_folder_names_is_refused(tmp_path, classes, fragment):
    root = tmp_path / "pictures"
    for name in classes:
        (root / name).mkdir(parents=True)
        for i in range(2):
            Image.new("RGB", (4, 4), (i * 100, 0, 0)).save(root / name / f"{i}.png")
    with pytest.raises(ValueError, match="a class subfolder is refused: ") as caught:
        load_dataset("folder", data_dir=root)
    assert fragment in str(caught.value)
    result = deepcat(
        "train", "--dataset", "folder", "--data-dir", root, "--iterations", "1",
        "--image-size", "4", "--out", tmp_path / "m.npz", cwd=tmp_path,
    )  # fmt: skip
    assert_user_error(result, 1, fragment)
    assert not _raw_controls(result.stderr)


def test_a_model_path_with_escape_codes_is_escaped_in_the_failure_line(tmp_path):
    """The one-line failure quotes the path the user gave: its control characters are
    written as escapes, so the line can neither forge a second one nor act on the terminal."""
    name = "a\x1b]0;pwned\x07\nError: fine.npz"
    result = deepcat("inspect", name, cwd=tmp_path)
    assert_user_error(result, 1, "no model file at a\\x1b]0;pwned\\x07\\nError: fine.npz")
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
