"""deepcat.runs.train: settings resolution and the staged RUN_DIR."""

import pytest

from deepcat.runs.folder import MARKER, StagedRunDir, check_run_dir, default_run_dir
from deepcat.runs.train import check_settings, fit_options, planned_iterations, resolve_settings


def test_user_settings_override_the_data_set_defaults():
    settings = resolve_settings("digits", {"hidden": [32], "learning_rate": None})
    assert settings["hidden"] == [32]
    assert settings["learning_rates"] == [0.001]  # digits' default, since none was given
    assert settings["optimizer"] == "adam" and settings["epochs"] == 60
    assert settings["seed"] == 1 and settings["init"] == "lecun"


def test_iterations_replace_a_default_number_of_epochs():
    settings = resolve_settings("digits", {"iterations": 10})
    assert settings["iterations"] == 10 and "epochs" not in settings
    settings = resolve_settings("catvnoncat", {"epochs": 3})
    assert settings["epochs"] == 3 and "iterations" not in settings


def test_course_defaults_and_fit_options():
    settings = resolve_settings("catvnoncat", {"learning_rate": [0.0075, 0.003]})
    assert settings["hidden"] == [20, 7, 5] and settings["learning_rates"] == [0.0075, 0.003]
    assert fit_options(settings) == {"iterations": 2500, "optimizer": "gd", "record_every": 100}


def test_one_keep_prob_applies_to_every_hidden_layer():
    settings = resolve_settings("breast-cancer", {"keep_prob": [0.8]})
    assert fit_options(settings)["keep_prob"] == 0.8


@pytest.mark.parametrize(
    ("given", "match"),
    [
        ({"keep_prob": [0.5, 0.5]}, "one value per hidden layer"),
        (
            {"patience": 2},
            "needs a validation_fraction",
        ),
        ({"optimizer": "gd", "beta": 0.9}, "takes no coefficients"),
    ],
)
def test_settings_are_checked_before_training(given, match):
    with pytest.raises(ValueError, match=match):
        check_settings(resolve_settings("breast-cancer", given), n_hidden=3)


def test_planned_iterations():
    assert planned_iterations({"iterations": 7}, 100) == 7
    # 100 examples, 20 held out for validation, batches of 32: 3 updates per epoch
    assert planned_iterations({"epochs": 2, "batch_size": 32, "validation_fraction": 0.2}, 100) == 6


def test_run_dir_checks(tmp_path):
    check_run_dir(tmp_path / "new", force=False)
    (tmp_path / "empty").mkdir()
    check_run_dir(tmp_path / "empty", force=False)
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "model.npz").write_bytes(b"earlier run")
    with pytest.raises(FileExistsError, match="--force"):
        check_run_dir(tmp_path / "old", force=False)
    with pytest.raises(FileExistsError, match="no model or metrics written by deepcat"):
        check_run_dir(tmp_path / "old", force=True)
    (tmp_path / "old" / MARKER).write_text('{"deepcat": "0.1.0"}')
    check_run_dir(tmp_path / "old", force=True)
    (tmp_path / "file").write_text("x")
    with pytest.raises(FileExistsError, match="not a folder"):
        check_run_dir(tmp_path / "file", force=True)


def test_default_run_dir_never_reuses_a_folder(tmp_path):
    first = default_run_dir(tmp_path)
    first.mkdir()
    second = default_run_dir(tmp_path)
    assert second != first and second.parent == tmp_path


def test_staged_files_appear_only_on_commit(tmp_path):
    target = tmp_path / "run"
    with StagedRunDir(target) as staged:
        (staged.staging / "model.npz").write_bytes(b"new")
        assert not target.exists()
        staged.commit()
    assert (target / "model.npz").read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_a_failure_leaves_the_earlier_run_untouched(tmp_path):
    target = tmp_path / "run"
    target.mkdir()
    (target / "model.npz").write_bytes(b"earlier")
    with pytest.raises(KeyboardInterrupt), StagedRunDir(target) as staged:
        (staged.staging / "model.npz").write_bytes(b"half")
        raise KeyboardInterrupt
    assert (target / "model.npz").read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_commit_replaces_an_earlier_run_as_a_whole(tmp_path):
    target = tmp_path / "run"
    target.mkdir()
    (target / "mislabeled.png").write_bytes(b"earlier")
    with StagedRunDir(target, force=True) as staged:
        (staged.staging / "model.npz").write_bytes(b"new")
        staged.commit()
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "model.npz"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_training_with_the_progress_bar_is_plain_fit(tiny_binary):
    import numpy as np

    from deepcat.network import Network
    from deepcat.runs.train import fit_with_progress

    X, Y = tiny_binary
    settings = resolve_settings("breast-cancer", {"hidden": [3], "iterations": 40})
    shown = Network([4, 3, 1], seed=2)
    history = fit_with_progress(shown, X, Y, 0.1, settings, "test")
    plain = Network([4, 3, 1], seed=2)
    expected = plain.fit(X, Y, 0.1, **fit_options(settings))
    assert history.costs == expected.costs
    np.testing.assert_array_equal(shown.parameters["W1"], plain.parameters["W1"])


def test_networks_built_from_settings():
    from deepcat.runs.train import build_network

    logistic = build_network(resolve_settings("breast-cancer", {"hidden": []}), 30, 2)
    assert logistic.layer_dims == [30, 1] and logistic.output == "sigmoid"
    digits = build_network(resolve_settings("digits", {}), 64, 10)
    assert digits.layer_dims == [64, 64, 10] and digits.output == "softmax"
    with pytest.raises(
        ValueError, match="n_x = 64 inputs per example, but this data set has n_x = 30"
    ):
        build_network(resolve_settings("breast-cancer", {}), 30, 2, source=digits)
