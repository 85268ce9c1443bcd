"""The README's main job: ``deepcat train`` reproduces the course's L-layer run exactly,
and ``evaluate``, ``predict`` and ``inspect`` work on the model it writes.

The training run (about 15 seconds) happens once for this module; the other
tests read its RUN_DIR.
"""

import json
import os
import re

import numpy as np
import pytest
from PIL import Image

from cli_runner import assert_user_error, deepcat
from deepcat.core.metrics import confusion_matrix
from deepcat.data import load_catvnoncat
from deepcat.network import Network
from deepcat.plots import mislabeled_grid_size

COURSE = [
    "train",
    "--dataset",
    "catvnoncat",
    "--hidden",
    "20,7,5",
    "--init",
    "lecun",
    "--seed",
    "1",
    "--learning-rate",
    "0.0075",
    "--iterations",
    "2500",
]


@pytest.fixture(scope="module")
def course(tmp_path_factory, catvnoncat_path):
    """``(run_dir, completed_process)`` of the course's command."""
    folder = tmp_path_factory.mktemp("course")
    result = deepcat(*COURSE, "--out", "run", cwd=folder, data_dir=catvnoncat_path)
    assert result.returncode == 0, result.stderr
    return folder / "run", result


@pytest.fixture(scope="module")
def course_data(catvnoncat_path):
    return load_catvnoncat(catvnoncat_path)


def test_costs_and_accuracies_are_the_published_ones(course):
    run_dir, _ = course
    metrics = json.loads((run_dir / "metrics.json").read_text())
    costs = dict(metrics["costs"])
    assert costs[0] == pytest.approx(0.771749, abs=5e-7)
    assert costs[2400] == pytest.approx(0.092878, abs=5e-7)
    assert sorted(costs) == [*range(0, 2500, 100), 2499]
    assert (metrics["train_correct"], metrics["m_train"]) == (206, 209)
    assert metrics["train_accuracy"] == pytest.approx(0.985646, abs=5e-7)
    assert (metrics["test_correct"], metrics["m_test"]) == (40, 50)
    assert metrics["test_accuracy"] == 0.8


def test_metrics_json_records_the_run(course):
    metrics = json.loads((course[0] / "metrics.json").read_text())
    assert metrics["dataset"] == "catvnoncat"
    assert metrics["layer_dims"] == [12288, 20, 7, 5, 1]
    settings = metrics["hyperparameters"]
    assert settings["learning_rate"] == 0.0075 and settings["iterations"] == 2500
    assert settings["hidden"] == [20, 7, 5] and settings["init"] == "lecun"
    assert settings["seed"] == 1 and settings["optimizer"] == "gd"
    assert metrics["fit_seconds"] > 0
    assert np.trace(metrics["test_confusion_matrix"]) == 40


def test_summary_says_what_was_done(course):
    _, result = course
    lines = result.stdout.splitlines()
    assert lines[0] == "data set: catvnoncat"
    assert "12288, 20, 7, 5, 1" in result.stdout
    assert "0.985646 (206/209)" in result.stdout and "0.800000 (40/50)" in result.stdout
    assert "run/: model.npz, metrics.json, cost.png, mislabeled.png" in result.stdout


def test_run_dir_holds_exactly_the_promised_files(course):
    run_dir, _ = course
    assert sorted(p.name for p in run_dir.iterdir()) == [
        ".deepcat-run",  # the marker by which --force knows a deepcat run
        "cost.png",
        "metrics.json",
        "mislabeled.png",
        "model.npz",
    ]
    assert not list(run_dir.parent.glob(".*"))  # no staging folder or temporary file left


def test_model_file_is_plain_npz_with_the_preprocessing(course, course_data):
    run_dir, _ = course
    with np.load(run_dir / "model.npz", allow_pickle=False) as archive:
        assert archive["W1"].shape == (20, 12288) and archive["b4"].shape == (1, 1)
        header = json.loads(str(archive["__deepcat__"]))
    record = header["metadata"]["preprocessing"]
    assert record["image_shape"] == [64, 64, 3] and record["scale"] == 255.0
    assert header["metadata"]["classes"] == ["non-cat", "cat"]
    network = Network.load(run_dir / "model.npz")
    assert network.score(course_data.test_x, course_data.test_y) == 0.8


def test_plots_decode_with_their_sizes(course):
    run_dir, _ = course
    with Image.open(run_dir / "cost.png") as image:
        assert (image.format, image.size) == ("PNG", (640, 480))
    with Image.open(run_dir / "mislabeled.png") as image:
        assert (image.format, image.size) == ("PNG", mislabeled_grid_size(50 - 40))


def test_evaluate_prints_the_test_metrics(course, course_data, catvnoncat_path):
    run_dir, _ = course
    result = deepcat(
        "evaluate", run_dir / "model.npz", cwd=run_dir.parent, data_dir=catvnoncat_path
    )
    assert result.returncode == 0, result.stderr
    assert "accuracy  0.8000 (40/50)" in result.stdout
    network = Network.load(run_dir / "model.npz")
    matrix = confusion_matrix(course_data.test_y, network.predict(course_data.test_x), 2)
    (tn, fp), (fn, tp) = matrix
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert (
        f"for class 'cat': precision {precision:.4f}, recall {recall:.4f}, F1 {f1:.4f}"
        in result.stdout
    )
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()[-2:]}
    assert rows == {"non-cat": [str(tn), str(fp)], "cat": [str(fn), str(tp)]}


def test_evaluate_on_the_training_split(course, catvnoncat_path):
    run_dir, _ = course
    result = deepcat(
        "evaluate",
        run_dir / "model.npz",
        "--split",
        "train",
        cwd=run_dir.parent,
        data_dir=catvnoncat_path,
    )
    assert result.returncode == 0, result.stderr
    assert "accuracy  0.9856 (206/209)" in result.stdout


def test_inspect_shows_layers_and_settings(course):
    run_dir, _ = course
    result = deepcat("inspect", run_dir / "model.npz", cwd=run_dir.parent)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^1\s+relu\s+\(20, 12288\)\s+\(20, 1\)", result.stdout, re.M)
    assert re.search(r"^4\s+sigmoid\s+\(1, 5\)", result.stdout, re.M)
    assert "total parameters: 245,973" in result.stdout
    assert re.search(r"learning_rate\s+0.0075", result.stdout)
    assert re.search(r"test accuracy\s+0.800000", result.stdout)
    assert "64x64x3 pictures, values / 255" in result.stdout


def test_predict_many_formats_and_keeps_going_past_broken_files(course, course_data, tmp_path):
    run_dir, _ = course
    network = Network.load(run_dir / "model.npz")
    pictures = course_data.test_x_orig
    expected = network.predict_proba(course_data.test_x)[0]

    Image.fromarray(pictures[0]).save(tmp_path / "exact.png")  # same size: read bit for bit
    Image.fromarray(pictures[1]).resize((300, 240)).save(tmp_path / "big.jpg", quality=95)
    rgba = np.dstack([pictures[2], np.full((64, 64), 255, np.uint8)])
    Image.fromarray(rgba, "RGBA").save(tmp_path / "alpha.png")
    Image.fromarray(pictures[3]).convert("P", palette=Image.Palette.ADAPTIVE).save(
        tmp_path / "palette.gif"
    )
    Image.fromarray(pictures[4]).convert("L").save(tmp_path / "gray.png")
    Image.fromarray(pictures[5]).save(tmp_path / "picture.bmp")
    Image.fromarray(pictures[6]).save(tmp_path / "picture.webp", lossless=True)
    exif = Image.Exif()
    exif[0x0112] = 3  # stored upside down, to be turned 180 degrees
    Image.fromarray(pictures[7][::-1, ::-1]).save(tmp_path / "rotated.jpg", exif=exif, quality=95)
    (tmp_path / "notes.jpg").write_text("not a picture")
    whole = (tmp_path / "big.jpg").read_bytes()
    (tmp_path / "truncated.jpg").write_bytes(whole[: len(whole) // 3])
    names = [
        "exact.png",
        "big.jpg",
        "notes.jpg",
        "alpha.png",
        "palette.gif",
        "gray.png",
        "picture.bmp",
        "truncated.jpg",
        "picture.webp",
        "rotated.jpg",
    ]

    result = deepcat("predict", run_dir / "model.npz", *names, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2
    assert errors[0].startswith("error: notes.jpg: not a picture")
    assert errors[1].startswith("error: truncated.jpg: not a picture")
    lines = result.stdout.strip().splitlines()
    broken = {"notes.jpg", "truncated.jpg"}
    assert [line.split(":")[0] for line in lines] == [n for n in names if n not in broken]
    for line in lines:
        assert re.fullmatch(r"\S+: (cat|non-cat) \(probability (0\.\d{4}|1\.0000)\)", line), line
    # the PNG of the same size gives the model's own prediction on that test picture
    p_cat = expected[0]
    label, p = ("cat", p_cat) if p_cat > 0.5 else ("non-cat", 1 - p_cat)
    assert lines[0] == f"exact.png: {label} (probability {p:.4f})"


def test_predict_all_good_exits_zero(course, course_data, tmp_path):
    run_dir, _ = course
    Image.fromarray(course_data.test_x_orig[8]).save(tmp_path / "a.png")
    result = deepcat("predict", run_dir / "model.npz", "a.png", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert len(result.stdout.splitlines()) == 1


# -- the course model on a folder of the same pictures: classes matched by name -------------


def _course_pictures_folder(root, course_data, classes=("non-cat", "cat")):
    """The 50 test pictures as PNG files in one subfolder per class (named by ``classes``)."""
    for name in classes:
        (root / name).mkdir(parents=True)
    pairs = zip(course_data.test_x_orig, course_data.test_y[0], strict=True)
    for i, (picture, label) in enumerate(pairs):
        Image.fromarray(picture).save(root / classes[label] / f"{i:02d}.png")
    return root


def test_evaluate_on_a_folder_of_the_course_pictures(course, course_data, tmp_path):
    run_dir, _ = course
    folder = _course_pictures_folder(tmp_path / "pictures", course_data)
    result = deepcat(
        "evaluate",
        run_dir / "model.npz",
        "--dataset",
        "folder",
        "--data-dir",
        folder,
        "--split",
        "all",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    # the same pictures, the same 40 right as on the .h5 test set: non-cat = 0 as in the course
    assert "accuracy  0.8000 (40/50)" in result.stdout
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()[-2:]}
    assert rows == {"non-cat": ["10", "7"], "cat": ["3", "30"]}  # README's confusion matrix


def test_a_folder_with_other_class_names_is_refused_with_both_lists(course, course_data, tmp_path):
    run_dir, _ = course
    folder = _course_pictures_folder(tmp_path / "pictures", course_data, ("dog", "cat"))
    result = deepcat(
        "evaluate",
        run_dir / "model.npz",
        "--dataset",
        "folder",
        "--data-dir",
        folder,
        cwd=tmp_path,
    )
    assert_user_error(
        result, 1, "the model's classes are non-cat, cat", "folder data set's are cat, dog"
    )


def _with_recorded_data(run_dir, tmp_path, record):
    network = Network.load(run_dir / "model.npz")
    network.metadata["dataset"] = record
    network.save(tmp_path / "recorded.npz")
    return tmp_path / "recorded.npz"


def test_a_recorded_folder_is_not_read_unasked(course, course_data, tmp_path):
    run_dir, _ = course
    folder = _course_pictures_folder(tmp_path / "pictures", course_data)  # readable if read
    for recorded_dir in (folder, "/etc"):
        model = _with_recorded_data(
            run_dir, tmp_path, {"name": "folder", "data_dir": str(recorded_dir)}
        )
        result = deepcat("evaluate", model, cwd=tmp_path)
        assert_user_error(result, 1, f"in {recorded_dir}; pass --data-dir {recorded_dir}")
        assert result.stdout == ""


def test_a_recorded_catvnoncat_folder_is_a_hint(course, tmp_path, catvnoncat_path):
    run_dir, _ = course
    model = _with_recorded_data(run_dir, tmp_path, {"name": "catvnoncat", "data_dir": "/etc"})
    # /etc holds no course files: reading it would fail; the usual place is used instead
    result = deepcat("evaluate", model, cwd=tmp_path, data_dir=catvnoncat_path)
    assert result.returncode == 0, result.stderr
    assert "accuracy  0.8000 (40/50)" in result.stdout
    assert result.stderr.strip() == (
        f"note: {model} was trained on data from /etc; pass --data-dir /etc to use it"
    )


# -- predict on folders and on paths that are not picture files -----------------------------


def test_predict_a_folder_of_pictures(course, course_data, tmp_path):
    run_dir, _ = course
    album = tmp_path / "album"
    album.mkdir()
    for i in (2, 0, 1):
        Image.fromarray(course_data.test_x_orig[i]).save(album / f"{i}.png")
    (album / "notes.txt").write_text("not a picture")
    (album / "inner").mkdir()
    (album / ".DS_Store").write_bytes(b"\0")
    result = deepcat("predict", run_dir / "model.npz", "album", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
        "album/0.png",
        "album/1.png",
        "album/2.png",
    ]
    assert result.stderr.strip() == (
        "note: skipped 2 entries of album that are not pictures by name: inner/, notes.txt"
    )


def test_predict_says_what_a_path_is(course, tmp_path):
    run_dir, _ = course
    os.mkfifo(tmp_path / "pipe.jpg")
    (tmp_path / "empty").mkdir()
    result = deepcat("predict", run_dir / "model.npz", "pipe.jpg", "/dev/zero", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: pipe.jpg is a named pipe (FIFO), not a picture file",
        "error: /dev/zero is a character device, not a picture file",
    ]
    empty = deepcat("predict", run_dir / "model.npz", "empty", cwd=tmp_path)
    assert_user_error(empty, 1, "empty: is a folder that holds no pictures")


def test_predict_a_picture_named_like_an_option(course, course_data, tmp_path):
    run_dir, _ = course
    Image.fromarray(course_data.test_x_orig[0]).save(tmp_path / "-x.png")
    result = deepcat("predict", run_dir / "model.npz", "--", "-x.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("-x.png: ")


def test_the_course_model_calls_a_blank_page_and_noise_cats(course, tmp_path):
    """What the README says about a person's own photos: the model answers cat or non-cat for
    anything, with confidence. A plain white picture and uniform noise are both "cat"."""
    from PIL import Image

    Image.new("RGB", (64, 64), (255, 255, 255)).save(tmp_path / "white.png")
    noise = np.random.RandomState(0).randint(0, 256, (64, 64, 3), dtype=np.uint8)
    Image.fromarray(noise).save(tmp_path / "noise.png")
    run_dir, _ = course
    result = deepcat("predict", run_dir / "model.npz", "white.png", "noise.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "white.png: cat (probability 0.7808)",
        "noise.png: cat (probability 0.7308)",
    ]
