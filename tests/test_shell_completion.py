"""Shell completion of the installed ``deepcat`` command, set up by the README's own lines.

The lines are read from the README's table, written into a fresh home's start-up files as the
README says, and loaded by real bash, zsh and fish (click's ``_DEEPCAT_COMPLETE`` protocol,
through deepcat's ``main``). ``.ci/run`` installs the three shells and sets
``DEEPCAT_REQUIRE_SHELLS=1``, under which a missing one fails instead of skipping.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deepcat.data import DATA_ENV
from test_readme import README

SCRIPT = Path(sys.executable).parent / "deepcat"
REQUIRE_SHELLS_ENV = "DEEPCAT_REQUIRE_SHELLS"
OPTIMIZERS = ["gd", "momentum", "rmsprop", "adam"]


def readme_lines():
    """shell -> (start-up file, line) from the README's table."""
    rows = re.findall(
        r"^\| (bash|zsh|fish) \| `([^`]+)`[^|]* \| `(.+)` \|$", README.read_text(), re.MULTILINE
    )
    return {shell: (file, line.replace("\\|", "|")) for shell, file, line in rows}


def _home_with(tmp_path, shell, prelude=""):
    """A home whose start-up file for ``shell`` holds the README's line (after ``prelude``)."""
    file, line = readme_lines()[shell]
    path = tmp_path / file.removeprefix("~/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(prelude + line + "\n")
    return path


def _shell(shell, command, tmp_path):
    if shutil.which(shell) is None:
        if os.environ.get(REQUIRE_SHELLS_ENV) == "1":
            pytest.fail(f"{REQUIRE_SHELLS_ENV}=1 but {shell} is not installed")
        pytest.skip(f"{shell} is not installed")
    if not SCRIPT.is_file():
        pytest.fail(f"the deepcat console script is not installed at {SCRIPT}")
    env = {key: value for key, value in os.environ.items() if key != DATA_ENV}
    env["PATH"] = f"{SCRIPT.parent}{os.pathsep}{env['PATH']}"  # deepcat on PATH, as required
    env["HOME"] = str(tmp_path)
    result = subprocess.run(
        [shell, "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_readme_gives_a_line_for_each_shell():
    lines = readme_lines()
    assert sorted(lines) == ["bash", "fish", "zsh"]
    assert all("_DEEPCAT_COMPLETE=" in line for _, line in lines.values())


def test_bash_completes_commands_options_and_choices(tmp_path):
    _home_with(tmp_path, "bash")
    ask = "source ~/.bashrc; _deepcat_completion deepcat; echo ${COMPREPLY[@]}"
    words = "COMP_WORDS=(deepcat ev); COMP_CWORD=1; "
    assert _shell("bash", words + ask, tmp_path) == "evaluate\n"
    words = "COMP_WORDS=(deepcat train --optimizer ''); COMP_CWORD=3; "
    assert _shell("bash", words + ask, tmp_path).split() == OPTIMIZERS


def test_fish_loads_the_completions_file_and_completes(tmp_path):
    # fish loads ~/.config/fish/completions/deepcat.fish itself, the first time it completes
    # deepcat: nothing here sources it.
    _home_with(tmp_path, "fish")
    lines = _shell("fish", 'complete -C "deepcat ins"', tmp_path).splitlines()
    assert [line.split("\t")[0] for line in lines] == ["inspect"]
    lines = _shell("fish", 'complete -C "deepcat train --optimizer "', tmp_path).splitlines()
    assert sorted(line.split("\t")[0] for line in lines) == sorted(OPTIMIZERS)  # fish sorts


def test_zsh_registers_the_completion_for_deepcat(tmp_path):
    # compinit first, as the README asks where a set-up does not run it; zsh's completion
    # table then names deepcat's function for the deepcat command.
    _home_with(tmp_path, "zsh", prelude="autoload -Uz compinit && compinit\n")
    registered = _shell("zsh", "source ~/.zshrc; print -r -- $_comps[deepcat]", tmp_path)
    assert registered == "_deepcat_completion\n"
