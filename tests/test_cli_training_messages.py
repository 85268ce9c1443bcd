"""What ``deepcat train`` says about training: divergence, epochs, refused settings."""

import json
import math

import pytest

from cli_runner import assert_user_error, deepcat


@pytest.mark.parametrize(
    ("options", "where"),
    [
        ([], "iteration 10:"),  # the Gram path
        (["--optimizer", "adam"], "iteration 10:"),
        (["--keep-prob", "0.8"], "iteration 10:"),
        # 209 pictures in batches of 64: 4 iterations per epoch, iteration 10 is in epoch 3.
        (["--batch-size", "64"], "epoch 3 (iteration 10):"),
    ],
)
def test_the_course_network_at_a_learning_rate_of_a_million_diverges(
    tmp_path, catvnoncat_path, options, where
):
    # The case: the cost went from 0.77 to 167,353 and the model was written.
    result = deepcat(
        "train", "--learning-rate", "1e6", "--iterations", "100", "--out", "run", *options,
        cwd=tmp_path, data_dir=catvnoncat_path,
    )  # fmt: skip
    assert_user_error(
        result,
        1,
        f"Error: training diverged at {where} the cost rose from 0.7",
        "more than 10 times its start, and stayed there for 10 iterations.",
        "Try a smaller learning rate than 1e+06.",
        "The network's parameters are back to their values before training.\n"
        "Nothing was written to run.",
    )
    assert "fit()" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_mini_batch_run_places_its_costs_in_epochs(tmp_path):
    result = deepcat(
        "train", "--dataset", "breast-cancer", "--batch-size", "64", "--epochs", "3",
        "--out", "run", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    per_epoch = math.ceil(metrics["m_train"] / 64)
    assert metrics["iterations_per_epoch"] == per_epoch
    assert [i for i, _ in metrics["costs"]] == [per_epoch - 1, 2 * per_epoch - 1, 3 * per_epoch - 1]
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("cost")]
    first, last = metrics["costs"][0], metrics["costs"][-1]
    assert line.split(None, 1)[1] == (
        f"{first[1]:.6f} at epoch 1 (iteration {per_epoch - 1}), "
        f"{last[1]:.6f} at epoch 3 (iteration {3 * per_epoch - 1})"
    )


def test_a_full_batch_run_places_its_costs_in_iterations(tmp_path):
    result = deepcat(
        "train", "--dataset", "breast-cancer", "--iterations", "30", "--out", "run", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("cost")]
    assert " at iteration 0, " in line and line.endswith(" at iteration 29")


def test_early_stopping_with_mini_batches_names_the_epoch_it_kept(tmp_path):
    result = deepcat(
        "train", "--dataset", "breast-cancer", "--batch-size", "32", "--epochs", "40",
        "--validation-fraction", "0.2", "--patience", "2", "--learning-rate", "0.5",
        "--out", "run", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    best, per_epoch = metrics["best_iteration"], metrics["iterations_per_epoch"]
    assert (best + 1) % per_epoch == 0
    assert f"kept the parameters of epoch {(best + 1) // per_epoch} (iteration {best})" in (
        result.stdout
    )


@pytest.mark.parametrize(
    ("options", "fragments"),
    [
        (["--hidden", "none", "--keep-prob", "0.8"],
         ["--keep-prob=0.8 applies to hidden layers, and this network has none"]),
        (["--decay-rate", "0.5"],
         ["--decay-rate=0.5 applies to a decaying learning rate, and --decay is not set",
          "give --decay (inverse_time, exponential, staircase)"]),
    ],
)  # fmt: skip
def test_settings_that_would_be_ignored_are_usage_errors(tmp_path, options, fragments):
    result = deepcat(
        "train", "--dataset", "breast-cancer", "--iterations", "5", "--out", "run", *options,
        cwd=tmp_path,
    )  # fmt: skip
    assert_user_error(result, 2, *fragments)
    assert list(tmp_path.iterdir()) == []


def test_a_plan_of_a_trillion_recorded_iterations_is_refused_at_once(tmp_path):
    result = deepcat(
        "train", "--dataset", "breast-cancer", "--iterations", "1000000000000",
        "--record-every", "1", "--out", "run", cwd=tmp_path,
    )  # fmt: skip
    # Full batch: the plan is known before the data is read, and refused as a usage error.
    assert_user_error(
        result,
        2,
        "--iterations=1,000,000,000,000 would record 1,000,000,000,001 costs, more than the "
        "1,000,000",
        "raise --record-every to at least 1,000,000",
    )
    assert list(tmp_path.iterdir()) == []
