"""RUN_DIR: the folder of one run, named by time and written all at once.

The files are staged in a hidden folder next to RUN_DIR and moved into place only when all of
them are written (:class:`StagedRunDir`), so an error or Ctrl-C leaves no half-written run and
never touches an earlier one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from deepcat.data.files import current_umask


def default_run_dir(root="runs"):
    """``runs/<timestamp>``, with a suffix if a run of the same second exists."""
    return timestamped_path(root)


def timestamped_path(root, prefix="", extension=""):
    """``root/<prefix><date>-<time><extension>`` that does not exist yet.

    A second path of the same second gets ``-2``, ``-3``, ... before the extension.
    """
    stamp = prefix + time.strftime("%Y%m%d-%H%M%S")
    path = Path(root) / f"{stamp}{extension}"
    suffix = 2
    while path.exists():
        path = Path(root) / f"{stamp}-{suffix}{extension}"
        suffix += 1
    return path


def check_run_dir(path, force):
    """Refuse a RUN_DIR that is a file, or a non-empty folder unless ``force``.

    Raises
    ------
    FileExistsError
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise FileExistsError(f"{path} exists and is not a folder; choose another --out")
    if path.is_dir() and any(path.iterdir()) and not force:
        raise FileExistsError(
            f"{path} already holds files from an earlier run; choose another --out, "
            "or pass --force to replace them"
        )


class StagedRunDir:
    """A hidden folder next to RUN_DIR that becomes RUN_DIR when every file is written.

    Use as a context manager: on an exception (including KeyboardInterrupt) the
    staging folder is removed and RUN_DIR is left as it was; :meth:`commit` moves
    the finished files into place, replacing an earlier run only then.

    Attributes
    ----------
    path : Path
        The final RUN_DIR.
    staging : Path
        Where the files are written meanwhile.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.staging = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(
            tempfile.mkdtemp(prefix=f".{self.path.name}.", suffix=".partial", dir=self.path.parent)
        )
        # mkdtemp makes a private (0700) folder; the finished RUN_DIR should get the permissions
        # of any folder the user creates.
        self.staging.chmod(0o777 & ~current_umask())
        return self

    def __exit__(self, kind, error, traceback):
        if self.staging is not None and self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)
        return False

    def commit(self):
        """Move the staged files to RUN_DIR (an existing one is replaced as a whole)."""
        old = None
        if self.path.is_dir():
            if any(self.path.iterdir()):
                old = Path(
                    tempfile.mkdtemp(
                        prefix=f".{self.path.name}.", suffix=".old", dir=self.path.parent
                    )
                )
                os.replace(self.path, old / "run")
            else:
                self.path.rmdir()
        os.replace(self.staging, self.path)
        self.staging = None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
