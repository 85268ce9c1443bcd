"""Run the real ``deepcat`` command in a subprocess, as a user would (imported by test_cli_*)."""

import os
import subprocess
import sys
import threading
import time

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


class Running:
    """``python -m deepcat ARGS`` started in the background in ``cwd``, for a test that acts on
    it while it runs (a signal, a second command). Its output is read by two threads as it
    comes, so that waiting for a line has a deadline and a full pipe never blocks it.

    Use as a context manager: the process is killed at the end of the block if it still runs.
    ``options`` go to ``subprocess.Popen`` (``start_new_session``, ``preexec_fn``).
    """

    def __init__(self, *args, cwd, **options):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "deepcat", *map(str, args)],
            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options,
        )  # fmt: skip
        self.pid = self.process.pid
        self.stdout_lines, self.stderr_lines = [], []
        self._readers = [
            threading.Thread(target=self._read, args=(pipe, lines), daemon=True)
            for pipe, lines in (
                (self.process.stdout, self.stdout_lines),
                (self.process.stderr, self.stderr_lines),
            )
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(pipe, lines):
        for line in pipe:
            lines.append(line)

    def wait_for(self, condition, what, timeout=120):
        """Poll ``condition()`` until it is true; fail naming ``what`` after ``timeout`` seconds
        or when the command ends first."""
        deadline = time.monotonic() + timeout
        while not condition():
            ended = self.process.poll() is not None
            assert not ended and time.monotonic() < deadline, (
                f"{what} (the command {'ended' if ended else 'still runs'}; stderr: "
                f"{''.join(self.stderr_lines)!r})"
            )
            time.sleep(0.02)

    def send_signal(self, signum):
        self.process.send_signal(signum)

    def finish(self, timeout=60):
        """Wait for the command to end; its exit status, stdout and stderr."""
        self.process.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(timeout=timeout)
        return self.process.returncode, "".join(self.stdout_lines), "".join(self.stderr_lines)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        return False
