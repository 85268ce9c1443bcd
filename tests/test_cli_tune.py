"""Model selection from the command line: ``deepcat train --cv K`` and ``deepcat tune``.

Every fold is recomputed here with the course API (``Network(...).fit`` on the
columns of a stratified fold of the training split), so the tests check that
the command trains each fold exactly as ``deepcat train`` would.
"""

import itertools
import json
import math
import re

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold

from cli_runner import assert_user_error, deepcat
from deepcat.data.datasets import load_dataset
from deepcat.network import Network
from deepcat.sklearn.model_selection import CVResult, SearchResults, grid_search, read_csv


@pytest.fixture(scope="module")
def cancer():
    """breast-cancer's training split in the course layout, standardised with the whole
    split's statistics as ``deepcat train`` trains on it: X (30, 456), Y (1, 456)."""
    data = load_dataset("breast-cancer")
    return data.flatten(data.train_x_orig), data.train_y


@pytest.fixture(scope="module")
def cancer_measurements():
    """The same training split, as measured (not standardised): X (30, 456), Y (1, 456)."""
    data = load_dataset("breast-cancer")
    return data.train_x_orig.T.astype(np.float64), data.train_y


def fold_accuracies(X, Y, cv, hidden, learning_rate, iterations):
    """Accuracy on each held-out fold of ``Network([n_x, *hidden, 1]).fit``, by hand.

    ``X`` holds the measurements; each fold standardises them with the mean and standard
    deviation of its own training columns only, so the held-out columns never reach them.
    The folds are scikit-learn's stratified shuffled K folds with seed 0, which the
    command documents; each network is the train defaults' (relu, lecun, seed 1, gd).
    """
    splitter = StratifiedKFold(n_splits=cv, shuffle=True, random_state=0)
    scores = []
    for train, test in splitter.split(X.T, Y.ravel()):
        mean = X[:, train].mean(axis=1, keepdims=True)
        std = X[:, train].std(axis=1, keepdims=True)
        X_train, X_test = (X[:, train] - mean) / std, (X[:, test] - mean) / std
        network = Network([X.shape[0], *hidden, 1], init="lecun", seed=1)
        network.fit(X_train, Y[:, train], learning_rate, iterations=iterations)
        scores.append(network.score(X_test, Y[:, test]))
    return scores


def majority_accuracies(Y, cv):
    """On each held-out fold, the fraction of the most common class of its training part."""
    splitter = StratifiedKFold(n_splits=cv, shuffle=True, random_state=0)
    y = Y.ravel()
    return [
        np.mean(y[test] == np.bincount(y[train]).argmax())
        for train, test in splitter.split(y.reshape(-1, 1), y)
    ]


# -- deepcat tune -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tuned(tmp_path_factory):
    """A 2 x 2 grid on breast-cancer, 3 folds, in two processes."""
    folder = tmp_path_factory.mktemp("tune")
    result = deepcat(
        "tune",
        "--dataset",
        "breast-cancer",
        "--learning-rate",
        "0.01,0.1",
        "--hidden",
        "4",
        "--hidden",
        "none",
        "--iterations",
        "100",
        "--cv",
        "3",
        "--n-jobs",
        "2",
        "--out",
        "tune.csv",
        cwd=folder,
    )
    assert result.returncode == 0, result.stderr
    return folder, result


def test_tune_csv_holds_every_setting_ranked_with_the_folds_of_network_fit(
    tuned, cancer_measurements
):
    folder, _ = tuned
    rows = read_csv(folder / "tune.csv")
    assert list(rows[0]) == [
        "rank",
        "learning_rate",
        "hidden_layer_sizes",
        "lambd",
        "keep_prob",
        "batch_size",
        "mean_accuracy",
        "std_accuracy",
        "fold_1",
        "fold_2",
        "fold_3",
        "error",
    ]
    settings = {(row["learning_rate"], row["hidden_layer_sizes"]) for row in rows}
    assert settings == set(itertools.product([0.01, 0.1], [(4,), ()]))
    X, Y = cancer_measurements
    for row in rows:
        folds = [row["fold_1"], row["fold_2"], row["fold_3"]]
        expected = fold_accuracies(X, Y, 3, row["hidden_layer_sizes"], row["learning_rate"], 100)
        assert folds == pytest.approx(expected, abs=1e-12)
        assert row["mean_accuracy"] == pytest.approx(np.mean(folds))
        assert row["std_accuracy"] == pytest.approx(np.std(folds))
        # the grid options not given keep their base values: train's defaults
        assert (row["lambd"], row["keep_prob"], row["batch_size"], row["error"]) == (
            0.0,
            1.0,
            None,
            "",
        )
    means = [row["mean_accuracy"] for row in rows]
    assert means == sorted(means, reverse=True)
    # The rank rule itself is pinned with literal numbers by the test below.
    ranks = [row["rank"] for row in rows]
    assert ranks[0] == 1 and ranks == sorted(ranks) and set(ranks) <= {1, 2, 3, 4}


def test_ranks_share_ties_and_put_failures_last():
    """Means 0.875, 0.75, 0.75, 0.625 and a failed setting: ranks 1, 2, 2, 4, 5, whatever
    the order the grid gave them in; ties keep the grid's order. (Binary fractions, so the
    tied means are equal exactly.)"""
    results = [
        CVResult(params={"learning_rate": 0.4}, scores=(0.625, 0.625)),
        CVResult(params={"learning_rate": 9.0}, scores=(0.5, math.nan), error="diverged"),
        CVResult(params={"learning_rate": 0.2}, scores=(0.75, 0.75)),
        CVResult(params={"learning_rate": 0.1}, scores=(1.0, 0.75)),
        CVResult(params={"learning_rate": 0.3}, scores=(0.5, 1.0)),
    ]
    rows = SearchResults.ranked(results, names=("learning_rate",)).rows()
    assert [row["learning_rate"] for row in rows] == [0.1, 0.2, 0.3, 0.4, 9.0]
    assert [row["rank"] for row in rows] == [1, 2, 2, 4, 5]
    assert [row["error"] for row in rows] == ["", "", "", "", "diverged"]


def test_tune_prints_the_plan_the_ranked_table_and_the_best_command(tuned):
    folder, result = tuned
    rows = read_csv(folder / "tune.csv")
    lines = result.stdout.splitlines()
    assert lines[0] == "data set: breast-cancer"
    assert lines[1].startswith("breast-cancer: 456 training and 113 test examples")
    assert lines[2] == (
        "base settings: --activation relu --init lecun --seed 1 --dtype float64 "
        "--iterations 100 --optimizer gd --record-every 100"
    )
    assert lines[3] == "grid: 4 settings x 3 folds of the training split = 12 fits, in 2 processes"
    header = lines.index(
        "rank  learning rate  hidden  lambd  keep prob  batch size  mean accuracy     std"
    )
    table = [line.split() for line in lines[header + 2 : header + 2 + len(rows)]]
    expected = [
        [
            str(row["rank"]),
            f"{row['learning_rate']:g}",
            ",".join(map(str, row["hidden_layer_sizes"])) or "none",
            "0",
            "1",
            "all",
            f"{row['mean_accuracy']:.4f}",
            f"{row['std_accuracy']:.4f}",
        ]
        for row in rows
    ]
    assert table == expected
    baseline = np.mean(majority_accuracies(load_dataset("breast-cancer").train_y, 3))
    assert lines[header + 2 + len(rows)] == (
        f"baseline: always answering 'benign', the most common class, scores {baseline:.4f} "
        "on the same folds"
    )
    best = rows[0]
    hidden = ",".join(map(str, best["hidden_layer_sizes"])) or "none"
    assert lines[-2] == (
        "train the best setting: deepcat train --dataset breast-cancer --iterations 100 "
        f"--learning-rate {best['learning_rate']!r} --hidden {hidden}"
    )
    assert lines[-1] == "table written to tune.csv"
    # the progress bar is drawn only on a terminal
    assert result.stderr == ""


def test_tune_writes_under_runs_by_default_and_never_overwrites_without_force(tmp_path):
    grid = ["--dataset", "breast-cancer", "--hidden", "none", "--iterations", "20", "--cv", "2"]
    first = deepcat("tune", *grid, "--lambd", "0,1", "--n-jobs", "1", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    (table,) = (tmp_path / "runs").iterdir()
    assert re.fullmatch(r"tune-\d{8}-\d{6}\.csv", table.name)
    assert first.stdout.splitlines()[-1] == f"table written to runs/{table.name}"
    assert sorted(row["lambd"] for row in read_csv(table)) == [0.0, 1.0]
    before = table.read_bytes()

    again = deepcat("tune", *grid, "--lambd", "0.5", "--out", table, cwd=tmp_path)
    assert_user_error(again, 2, str(table), "already exists", "--force")
    assert table.read_bytes() == before

    forced = deepcat(
        "tune",
        *grid,
        "--lambd",
        "0.5",
        "--n-jobs",
        "1",
        "--out",
        table,
        "--force",
        cwd=tmp_path,
    )
    assert forced.returncode == 0, forced.stderr
    (row,) = read_csv(table)
    assert row["lambd"] == 0.5
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == [table.name]


def test_a_diverging_setting_ranks_last_with_the_reason_in_a_note(tmp_path):
    result = deepcat(
        "tune",
        "--dataset",
        "breast-cancer",
        "--hidden",
        "16",
        "--learning-rate",
        "1000,0.1",
        "--iterations",
        "300",
        "--cv",
        "2",
        "--n-jobs",
        "1",
        "--out",
        "t.csv",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    good, bad = read_csv(tmp_path / "t.csv")
    assert (good["learning_rate"], good["rank"], good["error"]) == (0.1, 1, "")
    assert (bad["learning_rate"], bad["rank"]) == (1000.0, 2)
    assert bad["error"].startswith("training diverged at iteration")
    row = next(line for line in result.stdout.splitlines() if line.startswith("   2  1000"))
    assert re.search(r"  nan  +nan  " + re.escape(bad["error"]) + "$", row), row
    assert "train the best setting: deepcat train" in result.stdout
    assert "--learning-rate 0.1 --hidden 16" in result.stdout


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--cv", "1"], ["'--cv'", "x>=2"]),
        (["--keep-prob", "1,0"], ["'--keep-prob'", "(0, 1]", "got 0"]),
        (["--lambd", "0,-1"], ["'--lambd'", ">= 0", "got -1"]),
        (["--batch-size", "32,0"], ["'--batch-size'", ">= 1", "got 0"]),
        (["--batch-size", "0.5"], ["'--batch-size'", ">= 1", "'0.5'"]),
        (["--learning-rate", "0.1,0"], ["'--learning-rate'", "> 0", "got 0"]),
        (["--hidden", "4", "--hidden", "0"], ["'--hidden'", ">= 1"]),
        (["--n-jobs", "0"], ["'--n-jobs'", ">= 1, or -1", "got 0"]),
        (["--optimizer", "adam", "--beta", "0.9"], ["--optimizer 'adam' takes --beta1"]),
        (["--patience", "2"], ["--patience", "--validation-fraction"]),
        (["--cv", "171"], ["--cv accepts 2 to 170", "'malignant' has 170", "got 171"]),
        (["--out", "."], ["is a folder", "--out"]),
        # valid alone, but not together: dropout needs a hidden layer
        (
            ["--hidden", "4", "--hidden", "none", "--keep-prob", "1,0.5"],
            ["--keep-prob=0.5 applies to hidden layers", "this network has none"],
        ),
    ],
)
def test_bad_tune_options_are_usage_errors_and_write_nothing(tmp_path, args, fragments):
    result = deepcat("tune", "--dataset", "breast-cancer", *args, cwd=tmp_path)
    assert_user_error(result, 2, *fragments)
    assert list(tmp_path.iterdir()) == []


def test_tune_help_documents_the_grid_syntax(tmp_path):
    result = deepcat("tune", "--help", cwd=tmp_path)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "repeat the option for each: --hidden 20,7,5 --hidden 64 --hidden none" in text
    assert "the test split is not used" in text
    assert "[default: 5; x>=2]" in text


def test_search_progress_counts_every_fit_once(cancer):
    X, Y = cancer
    calls = []
    grid_search(
        X,
        Y,
        {"learning_rate": [0.01, 0.1]},
        {"hidden_layer_sizes": (), "iterations": 5, "optimizer": "gd", "batch_size": None},
        cv=3,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(done, 6) for done in range(1, 7)]


# -- deepcat train --cv -------------------------------------------------------------------------


def test_train_cv_prints_and_records_the_k_fold_accuracy_then_trains_as_usual(
    tmp_path, cancer, cancer_measurements
):
    result = deepcat(
        "train",
        "--dataset",
        "breast-cancer",
        "--hidden",
        "4",
        "--iterations",
        "150",
        "--learning-rate",
        "0.01,0.1",
        "--cv",
        "4",
        "--n-jobs",
        "1",
        "--out",
        "run",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "cross-validation on the 456 training examples:"
    baseline = np.mean(majority_accuracies(cancer[1], 4))
    assert 0.62 < baseline < 0.63  # 286 of the 456 training tumours are benign
    assert lines[4] == (
        f"baseline: always answering 'benign', the most common class, scores {baseline:.4f} "
        "on the same folds"
    )
    for line, rate in zip(lines[2:4], [0.01, 0.1], strict=True):
        folds = fold_accuracies(*cancer_measurements, 4, [4], rate, 150)
        text = ", ".join(f"{score:.4f}" for score in folds)
        assert line == (
            f"  learning rate {rate:g}: 4-fold accuracy: {np.mean(folds):.4f} +/- "
            f"{np.std(folds):.4f} (folds {text})"
        )
        record = json.loads((tmp_path / "run" / f"lr-{rate:g}" / "metrics.json").read_text())
        assert record["cross_validation"]["folds"] == 4
        assert record["cross_validation"]["fold_accuracies"] == pytest.approx(folds, abs=1e-12)
        assert record["cross_validation"]["mean_accuracy"] == pytest.approx(np.mean(folds))
        assert record["cross_validation"]["error"] is None
        assert record["cross_validation"]["majority_baseline"] == {
            "class": 1,
            "mean_accuracy": pytest.approx(baseline, abs=1e-12),
        }
        X, Y = cancer
        # then the model is trained on the whole training split, as without --cv
        network = Network([30, 4, 1], init="lecun", seed=1)
        network.fit(X, Y, rate, iterations=150)
        trained = Network.load(tmp_path / "run" / f"lr-{rate:g}" / "model.npz")
        for name, value in network.parameters.items():
            np.testing.assert_allclose(trained.parameters[name], value, rtol=1e-12, atol=1e-15)
    assert "learning rate  final cost" in result.stdout


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--cv", "1"], ["'--cv'", "x>=2"]),
        (["--cv", "3", "--n-jobs", "-2"], ["'--n-jobs'", "got -2"]),
        (["--cv", "3", "--from", "model.npz"], ["--cv cannot be combined with --from"]),
        (["--cv", "500"], ["--cv accepts 2 to 170", "got 500"]),
    ],
)
def test_bad_train_cv_options_are_usage_errors(tmp_path, args, fragments):
    result = deepcat("train", "--dataset", "breast-cancer", *args, "--out", "run", cwd=tmp_path)
    assert_user_error(result, 2, *fragments)
    assert not (tmp_path / "run").exists()


def test_train_cv_on_the_cat_pictures_says_when_the_network_does_not_beat_always_non_cat(
    tmp_path, catvnoncat_path
):
    """137 of the 209 training pictures are non-cats: two folds of 105 and 104 pictures hold 69
    and 68 of them, so always answering "non-cat" scores (69/105 + 68/104) / 2 = 0.6555; a
    network trained for 10 iterations does not beat it."""
    result = deepcat(
        "train", "--iterations", "10", "--cv", "2", "--n-jobs", "1", "--out", "run",
        cwd=tmp_path, data_dir=catvnoncat_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (69 / 105 + 68 / 104) / 2 == pytest.approx(0.65549, abs=1e-5)
    assert (
        "baseline: always answering 'non-cat', the most common class, scores 0.6555 on the "
        "same folds; no setting here does better"
    ) in result.stdout.splitlines()
    record = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert record["cross_validation"]["majority_baseline"] == {
        "class": 0,
        "mean_accuracy": pytest.approx((69 / 105 + 68 / 104) / 2, abs=1e-12),
    }
