"""Shell completion of the installed ``deepcat`` command, in real bash, zsh and fish, as the
README's lines set it up (click's ``_DEEPCAT_COMPLETE`` protocol, through deepcat's ``main``)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deepcat.data import DATA_ENV

SCRIPT = Path(sys.executable).parent / "deepcat"


def _environment(tmp_path):
    """deepcat on PATH, a home of its own (fish and zsh write their state there)."""
    env = {key: value for key, value in os.environ.items() if key != DATA_ENV}
    env["PATH"] = f"{SCRIPT.parent}{os.pathsep}{env['PATH']}"
    env["HOME"] = str(tmp_path)
    return env


def _shell(shell, command, tmp_path):
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    if not SCRIPT.is_file():
        pytest.fail(f"the deepcat console script is not installed at {SCRIPT}")
    result = subprocess.run(
        [shell, "-c", command],
        cwd=tmp_path, env=_environment(tmp_path), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_bash_completes_commands_options_and_choices(tmp_path):
    setup = 'eval "$(_DEEPCAT_COMPLETE=bash_source deepcat)"; '
    ask = "_deepcat_completion deepcat; echo ${COMPREPLY[@]}"
    assert _shell("bash", setup + f"COMP_WORDS=(deepcat ev); COMP_CWORD=1; {ask}", tmp_path) == (
        "evaluate\n"
    )
    words = "COMP_WORDS=(deepcat train --optimizer ''); COMP_CWORD=3; "
    assert _shell("bash", setup + words + ask, tmp_path).split() == [
        "gd",
        "momentum",
        "rmsprop",
        "adam",
    ]


def test_fish_completes_the_commands(tmp_path):
    setup = "eval (env _DEEPCAT_COMPLETE=fish_source deepcat); "
    lines = _shell("fish", setup + 'complete -C "deepcat ins"', tmp_path).splitlines()
    assert [line.split("\t")[0] for line in lines] == ["inspect"]


def test_zsh_loads_the_completion_function(tmp_path):
    setup = "autoload -Uz compinit && compinit -u; "
    loaded = _shell(
        "zsh",
        setup + 'eval "$(_DEEPCAT_COMPLETE=zsh_source deepcat)"; whence -w _deepcat_completion',
        tmp_path,
    )
    assert loaded == "_deepcat_completion: function\n"
