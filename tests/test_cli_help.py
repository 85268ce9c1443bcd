"""What ``--help`` says is what the commands do: each command's --dataset default in its own
words, the default names of a run folder and a tune table in the form real ones have, and a
bare ``deepcat`` that shows the help (on stdout, status 0) from the installed console script."""

import os
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from cli_runner import deepcat
from deepcat.cli.training_commands import TRAINING_DATASET
from deepcat.data import DATA_ENV

TINY = ["--dataset", "breast-cancer", "--hidden", "none", "--iterations", "1"]


def _help(command, tmp_path):
    result = deepcat(command, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # One line, as a reader sees it: click wraps at spaces and after hyphens.
    return " ".join(re.sub(r"-\n\s+", "-", result.stdout).split())


def _dataset_help(text):
    """The help of --dataset, up to the option after it."""
    match = re.search(r"--dataset \[[a-z|-]+\] (.*?) --data-dir DIR ", text)
    assert match, text
    return match.group(1)


@pytest.mark.parametrize("command", ["train", "tune"])
def test_training_commands_say_which_data_set_they_choose(command, tmp_path):
    dataset = _dataset_help(_help(command, tmp_path))
    assert dataset == f"Data set to use. [default: {TRAINING_DATASET}]"
    assert "catvnoncat when its files are found" in dataset
    assert "MODEL" not in dataset and "evaluate" not in dataset


def test_evaluate_says_the_data_set_is_the_models(tmp_path):
    dataset = _dataset_help(_help("evaluate", tmp_path))
    assert dataset == "Data set to use. [default: the one MODEL was trained on]"


def _default_pattern(text, option, prefix):
    """The default an option's help shows, ``runs/<yyyymmdd-hhmmss>``, as a regular expression
    in which each letter of the placeholder is a digit."""
    match = re.search(
        re.escape(option) + r" .*?\[default: (" + re.escape(prefix) + r"\S*?)[,\]]", text
    )
    assert match, (option, text)
    shown = match.group(1)
    placeholder = re.search(r"<([a-z-]+)>", shown)
    assert placeholder, shown
    stamp = re.sub("[a-z]", r"\\d", placeholder.group(1))
    return shown, re.escape(shown[: placeholder.start()]) + stamp + re.escape(
        shown[placeholder.end() :]
    )


def _stamp_time(name):
    return datetime.strptime(re.search(r"\d{8}-\d{6}", name).group(), "%Y%m%d-%H%M%S")


def _now():
    return datetime.fromtimestamp(int(time.time()))


def test_the_run_folder_default_has_the_form_the_help_shows(tmp_path):
    shown, pattern = _default_pattern(_help("train", tmp_path), "--out RUN_DIR", "runs/")
    assert shown == "runs/<yyyymmdd-hhmmss>"
    before = _now()
    result = deepcat("train", *TINY, cwd=tmp_path)
    after = _now()
    assert result.returncode == 0, result.stderr
    (run_dir,) = (tmp_path / "runs").iterdir()
    name = f"runs/{run_dir.name}"
    assert re.fullmatch(pattern, name), (pattern, name)
    assert f"files          {name}/:" in result.stdout
    # The digits are the local date and time the run started: year, month, day, then the hour.
    assert before <= _stamp_time(name) <= after


def test_the_tune_table_default_has_the_form_the_help_shows(tmp_path):
    shown, pattern = _default_pattern(_help("tune", tmp_path), "--out CSV", "runs/")
    assert shown == "runs/tune-<yyyymmdd-hhmmss>.csv"
    before = _now()
    result = deepcat("tune", *TINY, "--cv", "2", "--n-jobs", "1", cwd=tmp_path)
    after = _now()
    assert result.returncode == 0, result.stderr
    (table,) = (tmp_path / "runs").iterdir()
    name = f"runs/{table.name}"
    assert re.fullmatch(pattern, name), (pattern, name)
    assert f"table written to {name}" in result.stdout
    assert before <= _stamp_time(name) <= after


def _console_script(*args, cwd):
    """The ``deepcat`` command the package installs, next to this Python."""
    script = Path(sys.executable).parent / "deepcat"
    assert script.is_file(), f"the deepcat console script is not installed at {script}"
    env = {key: value for key, value in os.environ.items() if key != DATA_ENV}
    return subprocess.run(
        [str(script), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def test_bare_deepcat_prints_the_help_and_succeeds(tmp_path):
    bare = _console_script(cwd=tmp_path)
    assert bare.returncode == 0, bare.stderr
    assert bare.stderr == ""
    assert bare.stdout.startswith("Usage: deepcat [OPTIONS] [COMMAND] [ARGS]...")
    assert "Error" not in bare.stdout
    for command in ("train", "tune", "evaluate", "predict", "inspect", "export", "serve"):
        assert re.search(rf"^  {command} ", bare.stdout, re.MULTILINE), command
    asked = _console_script("--help", cwd=tmp_path)
    assert (asked.returncode, asked.stdout) == (0, bare.stdout)


def test_an_unknown_command_is_still_a_usage_error(tmp_path):
    result = _console_script("trian", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "No such command 'trian'" in result.stderr
    assert list(tmp_path.iterdir()) == []
