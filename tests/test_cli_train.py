"""``deepcat train`` on every data set and with every training option, in subprocesses."""

import json
import signal

import numpy as np
import pytest
from PIL import Image

from cli_runner import Running, assert_user_error, deepcat
from deepcat.data import DATA_ENV
from deepcat.data.datasets import load_dataset
from deepcat.network import Network
from deepcat.plots import mislabeled_grid_size


def _metrics(run_dir):
    return json.loads((run_dir / "metrics.json").read_text())


def _png_size(path):
    with Image.open(path) as image:
        assert image.format == "PNG"
        return image.size


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory):
    """The digits data set with its documented default settings."""
    folder = tmp_path_factory.mktemp("digits")
    result = deepcat("train", "--dataset", "digits", "--out", "run", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "run", result


def test_plain_train_without_course_data_uses_breast_cancer_and_says_why(tmp_path):
    result = deepcat("train", "--iterations", "50", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # The first line says which data set and that the course's pictures were missing; the
    # next says where deepcat looked and how to point it at them.
    first, where = result.stdout.splitlines()[:2]
    assert first == "data set: breast-cancer, because the course's cat pictures were not found:"
    assert "train_catvnoncat.h5" in where and DATA_ENV in where and "--data-dir" in where
    # with no --out, the run goes to runs/<timestamp>
    (run_dir,) = (tmp_path / "runs").iterdir()
    assert run_dir.name[:8].isdigit() and run_dir.name[8] == "-"
    assert sorted(p.name for p in run_dir.iterdir()) == [
        ".deepcat-run",
        "cost.png",
        "metrics.json",
        "model.npz",
    ]
    assert _metrics(run_dir)["dataset"] == "breast-cancer"


def test_plain_train_finds_the_course_data(tmp_path, catvnoncat_path):
    result = deepcat(
        "train", "--iterations", "1", "--out", "run", cwd=tmp_path, data_dir=catvnoncat_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"data set: catvnoncat, because the course files were found in {catvnoncat_path}"
    )


def test_breast_cancer_records_its_standardisation(tmp_path):
    result = deepcat(
        "train",
        "--dataset",
        "breast-cancer",
        "--iterations",
        "300",
        "--test-fraction",
        "0.25",
        "--split-seed",
        "3",
        "--out",
        "run",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    data = load_dataset("breast-cancer", test_fraction=0.25, split_seed=3)
    network = Network.load(tmp_path / "run" / "model.npz")
    record = network.metadata["preprocessing"]
    np.testing.assert_allclose(record["mean"], data.train_x_orig.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(record["std"], data.train_x_orig.std(axis=0), rtol=1e-12)
    metrics = _metrics(tmp_path / "run")
    assert metrics["m_test"] == data.test_y.size
    assert metrics["test_accuracy"] == network.score(data.test_x, data.test_y)
    # evaluate reloads the recorded split and scaling and finds the same accuracy
    evaluation = deepcat("evaluate", tmp_path / "run" / "model.npz", cwd=tmp_path)
    assert evaluation.returncode == 0, evaluation.stderr
    correct = metrics["test_correct"]
    assert f"accuracy  {correct / data.test_y.size:.4f} ({correct}/{data.test_y.size})" in (
        evaluation.stdout
    )


def test_digits_defaults_reach_095_with_softmax(digits_run):
    run_dir, result = digits_run
    metrics = _metrics(run_dir)
    assert metrics["test_accuracy"] >= 0.95
    assert metrics["layer_dims"] == [64, 64, 10]
    settings = metrics["hyperparameters"]
    assert settings["output"] == "softmax" and settings["optimizer"] == "adam"
    assert settings["epochs"] == 60 and settings["batch_size"] == 32
    assert _png_size(run_dir / "cost.png") == (640, 480)
    wrong = metrics["m_test"] - metrics["test_correct"]
    assert _png_size(run_dir / "mislabeled.png") == mislabeled_grid_size(wrong)
    assert "(10 classes)" in result.stdout


def test_several_learning_rates_share_one_figure(tmp_path):
    result = deepcat(
        "train",
        "--dataset",
        "breast-cancer",
        "--learning-rate",
        "0.03,0.01,0.003",
        "--iterations",
        "200",
        "--out",
        "rates",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    run_dir = tmp_path / "rates"
    assert _png_size(run_dir / "learning_rates.png") == (640, 480)
    summary = _metrics(run_dir)
    assert summary["learning_rates"] == [0.03, 0.01, 0.003]
    for entry in summary["runs"]:
        metrics = _metrics(run_dir / entry["folder"])
        assert metrics["hyperparameters"]["learning_rate"] == entry["learning_rate"]
        assert metrics["test_accuracy"] == entry["test_accuracy"]
        assert Network.load(run_dir / entry["folder"] / "model.npz").layer_dims[0] == 30
    # the same seed and data: a larger rate goes further down in 200 iterations
    finals = [entry["final_cost"] for entry in summary["runs"]]
    assert finals == sorted(finals)
    assert "learning rate  final cost" in result.stdout


COURSE_2 = {
    "optimizer": "adam",
    "beta1": 0.8,
    "beta2": 0.99,
    "epsilon": 1e-7,
    "batch_size": 64,
    "epochs": 4,
    "lambd": 0.3,
    "keep_prob": 0.9,
    "decay": "exponential",
    "decay_rate": 0.9,
    "decay_every": 2.0,
    "validation_fraction": 0.2,
    "patience": 3,
    "record_every": 10,
}


@pytest.mark.parametrize(
    ("options", "dtype"),
    [
        (COURSE_2, "float32"),
        (
            {
                "optimizer": "momentum",
                "beta": 0.8,
                "iterations": 60,
                "decay": "inverse_time",
                "decay_rate": 0.5,
                "keep_prob": [0.9, 0.8, 1.0],
                "record_every": 7,
            },
            "float64",
        ),
    ],
)
def test_training_options_reach_network_fit(tmp_path, options, dtype):
    """The command's costs equal those of Network.fit called with the same options."""
    args = [
        "train",
        "--dataset",
        "breast-cancer",
        "--hidden",
        "8,4,3",
        "--seed",
        "5",
        "--learning-rate",
        "0.01",
        "--dtype",
        dtype,
        "--out",
        "run",
    ]
    for key, value in options.items():
        text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
        args += [f"--{key.replace('_', '-')}", text]
    result = deepcat(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr

    data = load_dataset("breast-cancer")
    network = Network([30, 8, 4, 3, 1], seed=5, dtype=dtype)
    history = network.fit(
        data.flatten(data.train_x_orig, network.dtype), data.train_y, 0.01, **options
    )
    metrics = _metrics(tmp_path / "run")
    np.testing.assert_allclose(
        [cost for _, cost in metrics["costs"]], [cost for _, cost in history.costs], rtol=1e-5
    )
    assert [i for i, _ in metrics["costs"]] == [i for i, _ in history.costs]
    settings = metrics["hyperparameters"]
    for key, value in options.items():
        assert settings[key] == value, key
    with np.load(tmp_path / "run" / "model.npz", allow_pickle=False) as archive:
        assert archive["W1"].dtype == np.dtype(dtype)
    if "validation_fraction" in options:
        assert len(metrics["val_costs"]) == len(metrics["costs"])
        assert "best_iteration" in metrics


def test_transfer_keeps_frozen_layers_bit_for_bit(digits_run, tmp_path):
    source_path = digits_run[0] / "model.npz"
    result = deepcat(
        "train",
        "--dataset",
        "digits",
        "--from",
        source_path,
        "--freeze",
        "1",
        "--epochs",
        "2",
        "--out",
        "tuned",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    with (
        np.load(source_path, allow_pickle=False) as before,
        np.load(tmp_path / "tuned" / "model.npz", allow_pickle=False) as after,
    ):
        np.testing.assert_array_equal(after["W1"], before["W1"])
        np.testing.assert_array_equal(after["b1"], before["b1"])
        assert not np.array_equal(after["W2"], before["W2"])
    tuned = Network.load(tmp_path / "tuned" / "model.npz")
    assert tuned.frozen == 1 and tuned.metadata["transferred_from"] == str(source_path)
    inspect = deepcat("inspect", tmp_path / "tuned" / "model.npz", cwd=tmp_path)
    assert "1 (frozen)" in inspect.stdout and f"started from    {source_path}" in inspect.stdout


def test_transfer_to_data_of_another_size_fails_clearly(digits_run, tmp_path):
    result = deepcat(
        "train",
        "--dataset",
        "breast-cancer",
        "--from",
        digits_run[0] / "model.npz",
        "--out",
        "x",
        cwd=tmp_path,
    )
    assert_user_error(result, 1, "n_x = 64", "n_x = 30", "Nothing was written to x")
    assert not (tmp_path / "x").exists()


def test_transfer_cannot_freeze_more_layers_than_kept(digits_run, tmp_path):
    result = deepcat(
        "train",
        "--dataset",
        "digits",
        "--from",
        digits_run[0] / "model.npz",
        "--freeze",
        "2",
        "--out",
        "x",
        cwd=tmp_path,
    )
    assert_user_error(result, 1, "cannot freeze 2 layers")


def _picture_folder(root, classes, count=8):
    colours = [(200, 40, 40), (40, 40, 200), (40, 200, 40)]
    rng = np.random.default_rng(0)
    for name, colour in zip(classes, colours, strict=False):
        (root / name).mkdir(parents=True)
        for i in range(count):
            noise = rng.integers(-30, 30, size=(40, 30, 3))
            pixels = np.clip(np.asarray(colour) + noise, 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(root / name / f"{name}{i}.jpg")
    return root


def test_folder_of_pictures_train_evaluate_predict(tmp_path):
    root = _picture_folder(tmp_path / "pictures", ["cat", "non-cat"])
    result = deepcat(
        "train",
        "--dataset",
        "folder",
        "--data-dir",
        root,
        "--image-size",
        "16",
        "--test-fraction",
        "0.25",
        "--iterations",
        "300",
        "--learning-rate",
        "0.05",
        "--out",
        "run",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    metrics = _metrics(tmp_path / "run")
    assert metrics["classes"] == ["non-cat", "cat"]  # the course's order for its names
    assert (metrics["m_train"], metrics["m_test"]) == (12, 4)
    assert metrics["layer_dims"][0] == 16 * 16 * 3
    assert metrics["test_accuracy"] == 1.0  # red against blue
    assert _png_size(tmp_path / "run" / "mislabeled.png") == mislabeled_grid_size(0)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # the folder the model records is read only when the user names it again
    unasked = deepcat("evaluate", tmp_path / "run" / "model.npz", cwd=elsewhere)
    assert unasked.returncode == 1 and f"pass --data-dir {root}" in unasked.stderr
    evaluation = deepcat(
        "evaluate", tmp_path / "run" / "model.npz", "--data-dir", root, cwd=elsewhere
    )
    assert evaluation.returncode == 0, evaluation.stderr
    assert "accuracy  1.0000 (4/4)" in evaluation.stdout

    Image.new("RGB", (100, 80), (230, 30, 30)).save(elsewhere / "red.png")
    Image.new("RGB", (50, 50), (30, 30, 230)).save(elsewhere / "blue.gif")
    prediction = deepcat(
        "predict", tmp_path / "run" / "model.npz", "red.png", "blue.gif", cwd=elsewhere
    )
    assert prediction.returncode == 0, prediction.stderr
    lines = prediction.stdout.splitlines()
    assert lines[0].startswith("red.png: cat (probability")
    assert lines[1].startswith("blue.gif: non-cat (probability")


def test_three_classes_get_a_softmax_output(tmp_path):
    root = _picture_folder(tmp_path / "pictures", ["a", "b", "c"], count=5)
    result = deepcat(
        "train",
        "--dataset",
        "folder",
        "--data-dir",
        root,
        "--image-size",
        "8",
        "--hidden",
        "6",
        "--iterations",
        "20",
        "--out",
        "run",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    metrics = _metrics(tmp_path / "run")
    assert metrics["layer_dims"] == [8 * 8 * 3, 6, 3]
    assert metrics["hyperparameters"]["output"] == "softmax"


def test_an_earlier_run_is_refused_then_replaced_with_force(tmp_path):
    (tmp_path / "run").mkdir()  # an empty folder is fine
    first = deepcat(
        "train", "--dataset", "breast-cancer", "--iterations", "10", "--out", "run", cwd=tmp_path
    )
    assert first.returncode == 0, first.stderr
    model = (tmp_path / "run" / "model.npz").read_bytes()
    again = deepcat(
        "train", "--dataset", "breast-cancer", "--iterations", "20", "--out", "run", cwd=tmp_path
    )
    assert_user_error(again, 2, "run already holds files", "--force")
    assert (tmp_path / "run" / "model.npz").read_bytes() == model
    forced = deepcat(
        "train",
        "--dataset",
        "breast-cancer",
        "--iterations",
        "20",
        "--out",
        "run",
        "--force",
        cwd=tmp_path,
    )
    assert forced.returncode == 0, forced.stderr
    assert _metrics(tmp_path / "run")["iterations"] == 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_diverging_run_writes_nothing(tmp_path):
    result = deepcat(
        "train",
        "--dataset",
        "breast-cancer",
        "--learning-rate",
        "1e200",
        "--iterations",
        "50",
        "--out",
        "run",
        cwd=tmp_path,
    )
    assert_user_error(result, 1, "diverged", "smaller learning rate", "Nothing was written to run")
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_leaves_no_partial_files(tmp_path):
    # A shell's background job ignores SIGINT and its children inherit that; a user's terminal
    # does not, so the command runs with the default action, as it would there.
    with Running(
        "train", "--dataset", "digits", "--epochs", "100000", "--out", "run", cwd=tmp_path,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    ) as run:  # fmt: skip
        # the staging folder appears when training starts; interrupt then
        run.wait_for(lambda: list(tmp_path.glob(".run.*.partial")), "training did not start")
        run.send_signal(signal.SIGINT)
        returncode, _, stderr = run.finish()
    assert returncode == 130
    assert "Traceback" not in stderr
    assert stderr.strip() == "interrupted: training stopped and nothing was written to run"
    assert list(tmp_path.iterdir()) == []


def test_predict_with_the_digits_model_reads_dark_ink_on_white(digits_run, tmp_path):
    # A "1" drawn the way a person writes it: a dark vertical stroke on white paper.
    pixels = np.full((80, 80), 255, dtype=np.uint8)
    pixels[8:72, 34:46] = 0
    Image.fromarray(pixels, "L").save(tmp_path / "one.png")
    result = deepcat("predict", digits_run[0] / "model.npz", "one.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("one.png: 1 (probability")
