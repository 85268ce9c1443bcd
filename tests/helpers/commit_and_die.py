"""Commit a staged run over RUN_DIR and SIGKILL this process between the commit's renames.

Usage: ``python commit_and_die.py RUN_DIR exchange|rename``. The staged run holds a
``model.npz`` reading ``new``. With ``rename`` the commit takes the two-rename path (the one
used where the file system cannot exchange folders), with ``exchange`` the atomic exchange;
either way the process is killed, for real, right after the first rename. Used by
tests/test_run_safety.py.
"""

import os
import signal
import sys

from deepcat.runs.claim import Claim
from deepcat.runs.folder import StagedRunDir


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def main(run_dir, how):
    with Claim(run_dir, "train"), StagedRunDir(run_dir, force=True) as staged:
        (staged.staging / "model.npz").write_bytes(b"new")
        staged.commit(_exchange=how == "exchange", _after_first_rename=die)


if __name__ == "__main__":
    main(*sys.argv[1:])
