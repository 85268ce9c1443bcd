"""A user's misuse of the command line, driven in real subprocesses: a deleted current folder,
repeated values, a learning rate too large to diverge visibly, a full disk."""

import json
import os
import resource
import shlex
import subprocess
import sys

import numpy as np
import pytest

from cli_runner import assert_user_error, deepcat
from deepcat.network import Network
from deepcat.sklearn import DeepCatClassifier


def _in_a_deleted_folder(tmp_path, *args):
    """``cd gone && rmdir ../gone && deepcat ARGS``, as a user in a shell would."""
    gone = tmp_path / "gone"
    gone.mkdir()
    command = f"cd {shlex.quote(str(gone))} && rmdir {shlex.quote(str(gone))} && " + shlex.join(
        [sys.executable, "-m", "deepcat", *args]
    )
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "args",
    [
        ["train", "--dataset", "breast-cancer", "--iterations", "5"],
        ["tune", "--dataset", "breast-cancer", "--iterations", "5", "--cv", "2"],
        ["evaluate", "model.npz", "--dataset", "breast-cancer"],
        ["predict", "model.npz", "cat.png"],
        ["inspect", "model.npz"],
    ],
)
def test_every_command_in_a_deleted_current_folder_says_so(tmp_path, args):
    result = _in_a_deleted_folder(tmp_path, *args)
    assert_user_error(result, 1, "the current folder no longer exists; cd to another one")


# -- seeds beyond NumPy's range ----------------------------------------------------------------


@pytest.mark.parametrize("command", ["train", "tune"])
def test_a_seed_beyond_2_to_the_32_is_a_usage_error(tmp_path, command):
    result = deepcat(command, "--dataset", "breast-cancer", "--seed", "4294967296", cwd=tmp_path)
    assert_user_error(result, 2, "Invalid value for '--seed'", "4294967296")
    assert "Seed must be between" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_library_refuses_the_same_seeds_in_the_same_words():
    with pytest.raises(
        ValueError, match=r"^seed must be an int in \[0, 2\*\*32 - 1\], got 4294967296$"
    ):
        Network([2, 1], seed=2**32)
    with pytest.raises(ValueError, match=r"random_state must be an int in \[0, 2\*\*32 - 1\]"):
        DeepCatClassifier(random_state=2**32).fit(np.zeros((4, 2)), [0, 1, 0, 1])
    assert Network([2, 1], seed=2**32 - 1).seed == 2**32 - 1


# -- repeated values ---------------------------------------------------------------------------


def test_train_refuses_a_repeated_learning_rate(tmp_path):
    result = deepcat("train", "--dataset", "breast-cancer", "--iterations", "5",
                     "--learning-rate", "0.1,0.1", "--out", "run", cwd=tmp_path)  # fmt: skip
    assert_user_error(result, 2, "--learning-rate repeats 0.1; give each value once")
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lambd", "0,0.1,0"], "--lambd repeats 0.0"),
        (["--learning-rate", "0.01,0.010"], "--learning-rate repeats 0.01"),
        (["--hidden", "3", "--hidden", "3"], "--hidden repeats 3"),
        (["--hidden", "none", "--hidden", "none"], "--hidden repeats none"),
    ],
)
def test_tune_refuses_a_grid_option_that_repeats_a_value(tmp_path, args, message):
    result = deepcat("tune", "--dataset", "breast-cancer", "--iterations", "5", "--cv", "2",
                     *args, "--out", "t.csv", cwd=tmp_path)  # fmt: skip
    assert_user_error(result, 2, message, "give each value once")
    assert "----" not in result.stderr
    assert not (tmp_path / "t.csv").exists()


# -- a cost that rises without diverging -------------------------------------------------------


def test_a_cost_that_ends_above_its_start_is_warned_about_on_stderr(tmp_path):
    # Learning rate 30 on breast-cancer: the cost goes from 0.699 to 4.41, 6.3 times its start,
    # below the divergence rule; the network answers the majority class (0.627).
    result = deepcat("train", "--dataset", "breast-cancer", "--iterations", "300",
                     "--learning-rate", "30", "--out", "run", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    costs = json.loads((tmp_path / "run" / "metrics.json").read_text())["costs"]
    first, last = costs[0][1], costs[-1][1]
    assert last > first
    assert result.stderr.strip() == (
        f"warning: the cost ended higher than it started ({first:.3g} \u2192 {last:.3g}); the "
        "learning rate is probably too large for this network"
    )
    assert {"cost.png", "metrics.json", "model.npz"} <= {
        p.name for p in (tmp_path / "run").iterdir()
    }


def test_several_learning_rates_name_the_one_whose_cost_rose(tmp_path):
    result = deepcat("train", "--dataset", "breast-cancer", "--iterations", "300",
                     "--learning-rate", "30,0.01", "--out", "runs", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "warning: the cost ended higher than it started at learning rate 30 ("
    ), lines


def test_the_course_run_prints_no_warning(tmp_path, catvnoncat_path):
    result = deepcat("train", "--dataset", "catvnoncat", "--hidden", "20,7,5", "--init", "lecun",
                     "--seed", "1", "--learning-rate", "0.0075", "--iterations", "2500",
                     "--out", "run", cwd=tmp_path, data_dir=catvnoncat_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    costs = json.loads((tmp_path / "run" / "metrics.json").read_text())["costs"]
    assert (round(costs[0][1], 2), round(costs[-1][1], 2)) == (0.77, 0.09)
    assert result.stderr == ""


# -- a full disk -------------------------------------------------------------------------------

TRAIN = ("train", "--dataset", "breast-cancer", "--iterations", "5")


def _no_errno(result):
    assert "[Errno" not in result.stderr and ".partial" not in result.stderr, result.stderr


@pytest.mark.parametrize("rates", ["0.01", "0.01,0.02"])
def test_train_past_the_file_size_limit_names_the_out(tmp_path, rates):
    def limit_files():  # ulimit -f: no file of the run may grow past 4 KB
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    result = subprocess.run(
        [sys.executable, "-m", "deepcat", *TRAIN, "--learning-rate", rates, "--out", "run"],
        cwd=tmp_path, capture_output=True, text=True, preexec_fn=limit_files, timeout=120,
    )  # fmt: skip
    assert_user_error(result, 1, "Error: cannot write run: File too large",
                      "Nothing was written to run.")  # fmt: skip
    _no_errno(result)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def full_disk(tmp_path):
    """A 64 KB tmpfs at ``tmp_path/disk``, filled but for ``free`` bytes (a function to call)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk]).returncode:
        pytest.skip("mounting a small tmpfs needs root")

    def fill(free):
        filler = disk / "filler"
        with open(filler, "wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(b"\0" * 4096)
            except OSError:
                pass
        os.truncate(filler, max(0, filler.stat().st_size - free))
        return disk

    yield fill
    subprocess.run(["umount", disk], check=True)


@pytest.mark.parametrize("free", [0, 8192])
def test_train_on_a_full_disk_names_the_out_and_the_reason(tmp_path, full_disk, free):
    disk = full_disk(free)
    result = deepcat(*TRAIN, "--out", "disk/run", cwd=tmp_path)
    _no_errno(result)
    assert_user_error(result, 1, "cannot write", "disk/run: No space left on device")
    assert sorted(p.name for p in disk.iterdir()) == ["filler"]


def test_a_hidden_size_of_hundreds_of_digits_is_a_one_line_error(tmp_path):
    # An int beyond any float: the range check and the memory estimate both take it as it is.
    result = deepcat("train", "--dataset", "flower", "--hidden", "1" * 400, cwd=tmp_path)
    assert_user_error(result, 1, "more than 10^18 TB")
    assert not list(tmp_path.glob("runs/*"))
