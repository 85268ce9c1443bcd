"""Run the real ``deepcat`` command in a subprocess, as a user would (imported by test_cli_*)."""

import os
import subprocess
import sys

from deepcat.data import DATA_ENV


def deepcat(*args, cwd, data_dir=None, timeout=300):
    """``python -m deepcat ARGS`` in ``cwd``; DEEPCAT_DATA is set to ``data_dir`` or removed.

    Returns the CompletedProcess with text ``stdout`` and ``stderr``.
    """
    env = dict(os.environ)
    env.pop(DATA_ENV, None)
    if data_dir is not None:
        env[DATA_ENV] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "deepcat", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_user_error(result, status, *fragments):
    """A failure reported as at most two plain lines on stderr, naming each fragment."""
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
