"""A user's misuse of the command line, driven in real subprocesses: a deleted current folder,
repeated values, a learning rate too large to diverge visibly, a full disk."""

import shlex
import subprocess
import sys

import pytest

from cli_runner import assert_user_error


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
