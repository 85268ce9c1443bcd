"""Bad input to the ``deepcat`` command: a line or two, the right exit status, no traceback."""

import json
import subprocess
import sys

import h5py
import numpy as np
import pytest

from cli_runner import assert_user_error, deepcat
from deepcat.data.model_files import METADATA_KEY
from deepcat.network import Network


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["train", "--learning-rate", "-0.1"], ["'--learning-rate'", "> 0", "-0.1"]),
        (["train", "--learning-rate", "0.01,abc"], ["'--learning-rate'", "0.01,abc"]),
        (["train", "--hidden", "0"], ["'--hidden'", ">= 1"]),
        (["train", "--test-fraction", "1.5"], ["'--test-fraction'", "1.5"]),
        (["train", "--dataset", "mnist"], ["'--dataset'", "'mnist'", "'breast-cancer'"]),
        (["train", "--keep-prob", "1.2"], ["'--keep-prob'", "(0, 1]"]),
        (["train", "--beta", "1"], ["'--beta'", "0<=x<1"]),
        (["train", "--optimizer", "sgd"], ["'--optimizer'", "'adam'"]),
        (["train", "--iterations", "0"], ["'--iterations'"]),
        (["train", "--freeze", "1"], ["--freeze needs --from"]),
        (["train", "--no-such-option"], ["--no-such-option"]),
        (["frobnicate"], ["No such command 'frobnicate'"]),
        (["predict", "model.npz"], ["Missing argument 'IMAGES...'"]),
    ],
)
def test_bad_option_values_are_usage_errors(tmp_path, args, fragments):
    result = deepcat(*args, cwd=tmp_path)
    assert_user_error(result, 2, *fragments)
    assert "--help" in result.stderr.splitlines()[-1]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--dataset", "breast-cancer", "--data-dir", "x"], ["--data-dir does not apply"]),
        (["--dataset", "digits", "--image-size", "8"], ["--image-size does not apply"]),
        (
            ["--dataset", "breast-cancer", "--patience", "2"],
            ["--patience", "--validation-fraction"],
        ),
        (["--dataset", "breast-cancer", "--keep-prob", "0.5,0.5"], ["--keep-prob", "L - 1 = 3"]),
        (
            ["--dataset", "breast-cancer", "--optimizer", "momentum", "--beta1", "0.9"],
            ["--optimizer 'momentum' takes --beta; got --beta1"],
        ),
        (
            ["--dataset", "digits", "--iterations", "3", "--epochs", "3"],
            ["--iterations or --epochs"],
        ),
        (["--from", "m.npz", "--hidden", "4"], ["--hidden cannot be combined with --from"]),
    ],
)
def test_option_combinations_checked_before_training(tmp_path, args, fragments):
    result = deepcat("train", *args, "--out", "run", cwd=tmp_path)
    assert_user_error(result, 2, *fragments)
    assert not (tmp_path / "run").exists()


def test_help_on_every_subcommand(tmp_path):
    for command in ("train", "evaluate", "predict", "inspect"):
        result = deepcat(command, "--help", cwd=tmp_path)
        assert result.returncode == 0 and result.stdout.startswith(f"Usage: deepcat {command}")
    result = deepcat("train", "--help", cwd=tmp_path)
    assert "digits" in result.stdout and "optimizer adam" in result.stdout


# -- missing or broken data -----------------------------------------------------------------


def test_missing_course_files_name_the_folder_and_the_remedy(tmp_path):
    result = deepcat("train", "--dataset", "catvnoncat", "--data-dir", "nowhere", cwd=tmp_path)
    assert_user_error(result, 1, "train_catvnoncat.h5", "nowhere", "--data-dir", "DEEPCAT_DATA")


def _course_files(folder, catvnoncat_path, break_train):
    """Copies of the course files, the training one rewritten by ``break_train(h5file)``."""
    folder.mkdir()
    for split in ("train", "test"):
        with h5py.File(catvnoncat_path / f"{split}_catvnoncat.h5", "r") as source:
            content = {key: source[key][:] for key in source}
        with h5py.File(folder / f"{split}_catvnoncat.h5", "w") as target:
            for key, value in content.items():
                target[key] = value
            if split == "train":
                break_train(target)
    return folder


def _drop_labels(h5):
    del h5["train_set_y"]


def _reshape_pictures(h5):
    pictures = h5["train_set_x"][:]
    del h5["train_set_x"]
    h5["train_set_x"] = pictures.reshape(209, 64 * 64 * 3)


def _short_labels(h5):
    labels = h5["train_set_y"][:]
    del h5["train_set_y"]
    h5["train_set_y"] = labels[:100]


@pytest.mark.parametrize(
    ("breakage", "fragments"),
    [
        (_drop_labels, ["no dataset 'train_set_y'"]),
        (_reshape_pictures, ["'train_set_x'", "(209, 12288)"]),
        (_short_labels, ["'train_set_y'", "(209,)", "(100,)"]),
    ],
)
def test_wrong_h5_contents_name_the_dataset(tmp_path, catvnoncat_path, breakage, fragments):
    data = _course_files(tmp_path / "data", catvnoncat_path, breakage)
    result = deepcat(
        "train", "--dataset", "catvnoncat", "--data-dir", data, "--out", "run", cwd=tmp_path
    )
    assert_user_error(result, 1, "train_catvnoncat.h5", *fragments)
    assert not (tmp_path / "run").exists()


def test_a_text_file_named_h5(tmp_path):
    (tmp_path / "data").mkdir()
    for split in ("train", "test"):
        (tmp_path / "data" / f"{split}_catvnoncat.h5").write_text("not HDF5")
    result = deepcat("train", "--data-dir", "data", cwd=tmp_path)
    assert_user_error(result, 1, "train_catvnoncat.h5 is not a readable HDF5 file")


# -- missing, truncated and foreign model files ---------------------------------------------


@pytest.fixture(scope="module")
def feature_model(tmp_path_factory):
    """A small breast-cancer model (feature vectors, not pictures)."""
    folder = tmp_path_factory.mktemp("features")
    result = deepcat(
        "train", "--dataset", "breast-cancer", "--iterations", "20", "--out", "run", cwd=folder
    )
    assert result.returncode == 0, result.stderr
    return folder / "run" / "model.npz"


def _truncated(path, model):
    path.write_bytes(model.read_bytes()[: model.stat().st_size // 2])


def _foreign_npz(path, model):
    with open(path, "wb") as handle:
        np.savez(handle, weights=np.ones((3, 3)))


def _text(path, model):
    path.write_text("W1 = [[1, 2], [3, 4]]")


def _newer_version(path, model):
    with np.load(model, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    header = json.loads(str(arrays[METADATA_KEY]))
    header["version"] = 99
    arrays[METADATA_KEY] = np.array(json.dumps(header))
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (None, "no model file at"),
        (_truncated, "truncated or of another format"),
        (_foreign_npz, "not a deepcat model"),
        (_text, "truncated or of another format"),
        (_newer_version, "newer deepcat"),
    ],
)
@pytest.mark.parametrize("command", ["inspect", "evaluate", "predict"])
def test_bad_model_files(tmp_path, feature_model, make, fragment, command):
    path = tmp_path / "model.npz"
    if make is not None:
        make(path, feature_model)
    extra = ["picture.png"] if command == "predict" else []
    result = deepcat(command, path, *extra, cwd=tmp_path)
    assert_user_error(result, 1, "model.npz", fragment)


def test_predict_with_a_model_of_feature_vectors(tmp_path, feature_model):
    result = deepcat("predict", feature_model, "cat.jpg", cwd=tmp_path)
    assert_user_error(result, 1, "breast-cancer", "30 features", "not on pictures")


def test_predict_with_a_bare_model_of_non_picture_size(tmp_path):
    Network([30, 4, 1], seed=0).save(tmp_path / "bare.npz")
    result = deepcat("predict", "bare.npz", "cat.jpg", cwd=tmp_path)
    assert_user_error(result, 1, "n_x = 30", "not the size of a square RGB picture")


def test_predict_with_a_bare_model_of_picture_size(tmp_path):
    from PIL import Image

    Network([3 * 8 * 8, 1], seed=0).save(tmp_path / "bare.npz")
    Image.new("RGB", (30, 20), (10, 200, 30)).save(tmp_path / "green.png")
    result = deepcat("predict", "bare.npz", "green.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("green.png: ")


def test_evaluate_on_data_with_another_class_count(tmp_path, feature_model):
    result = deepcat("evaluate", feature_model, "--dataset", "digits", cwd=tmp_path)
    assert_user_error(result, 1, "predicts 2 classes but the digits data set has 10")


def test_output_to_a_full_disk_is_one_line(tmp_path):
    """``deepcat --help > /dev/full``: the output itself cannot be written; one line on
    stderr, exit 1, no traceback (neither now nor at the interpreter's last flush)."""
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "deepcat", "train", "--help"],
            cwd=tmp_path, stdout=full, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == "Error: cannot write the output: No space left on device\n"
