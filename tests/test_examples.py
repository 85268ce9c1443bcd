"""The scripts in ``examples/``, run as a learner runs them: a real interpreter, real data."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deepcat.data import DATA_ENV

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "course_l_layer.py"


def _run(*arguments, data_dir=None, cwd):
    env = {name: value for name, value in os.environ.items() if name != DATA_ENV}
    if data_dir is not None:
        env[DATA_ENV] = str(data_dir)
    return subprocess.run(
        [sys.executable, str(SCRIPT), *arguments],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_course_script_prints_the_notebooks_first_costs(catvnoncat_path, tmp_path):
    result = _run("--iterations", "101", data_dir=catvnoncat_path, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "training [12288, 20, 7, 5, 1] for 101 iterations; the cost every 100:"
    # Course 1 week 4, "Deep Neural Network - Application": L_layer_model's printed costs.
    assert lines[1:3] == ["Cost after iteration 0: 0.771749", "Cost after iteration 100: 0.672053"]
    assert lines[-1].startswith("took ") and lines[-1].endswith(" s")


@pytest.mark.parametrize(("value", "shown"), [("0", "0"), ("-3", "-3"), ("ten", "'ten'")])
def test_course_script_refuses_a_count_that_is_not_one_or_more(tmp_path, value, shown):
    result = _run("--iterations", value, cwd=tmp_path)
    assert result.returncode == 2
    assert f"argument --iterations: expected a whole number >= 1, got {shown}" in result.stderr
    assert "Traceback" not in result.stderr
