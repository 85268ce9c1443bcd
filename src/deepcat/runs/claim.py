"""Claiming an --out for one command: a lock next to it, and the leftovers of killed runs.

``deepcat train`` claims RUN_DIR and ``deepcat tune`` its CSV file for the whole command
(:class:`Claim`): the lock file ``.<name>.lock`` beside it holds the pid and host of the owner
and is locked with ``flock``, which the kernel releases when the owner ends, however it ends.
A second command into the same --out is refused at once, naming the first; a lock left by a
killed process is taken over, and the command says so.

Holding the lock, the command also tidies the folder the --out is in: it removes the staging
folders and temporary files of deepcat processes that no longer run (their names say whose
they are: :func:`deepcat.data.files.leftover_owner`) and the lock files nobody holds, and
for a RUN_DIR, puts back an earlier run that a killed ``--force`` had moved aside
(:func:`deepcat.runs.folder.replaced_runs`). Each of these is said in one line of
:attr:`Claim.notes`.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import time
from pathlib import Path

from deepcat.data.files import host_name, leftover_owner, owner_is_gone, short_name
from deepcat.formatting import listed
from deepcat.runs.folder import read_json_object, replaced_runs

LOCK_SUFFIX = ".lock"
_RECORD_LIMIT = 4096


class ClaimError(OSError):
    """The --out is claimed by another running deepcat command."""


class Claim:
    """Exclusive use of ``path`` (a RUN_DIR or a table) by this process, as a context manager.

    Entering makes the missing parent folders, takes the lock, removes the leftovers of
    earlier killed runs beside ``path`` and, when ``path`` is a RUN_DIR (``run_dir``), restores
    a run a killed ``--force`` moved aside. Leaving releases the lock and removes the parent
    folders it made if they stayed empty.

    Attributes
    ----------
    path : Path
    lock_path : Path
    notes : list of str
        What was found and done, one line each, for the command to print.

    Raises
    ------
    ClaimError
        When another live process holds the lock.
    OSError
        When the parent folder cannot be made or written (the lock is the first file written
        there, so this is found before any work).
    """

    def __init__(self, path, command, *, run_dir=False):
        self.path = Path(path)
        self.run_dir = run_dir
        absolute = Path(os.path.abspath(path))
        self.lock_path = absolute.parent / f".{short_name(absolute.name)}{LOCK_SUFFIX}"
        self.command = command
        self.notes = []
        self._made = []
        self._fd = None

    def __enter__(self):
        try:
            self._make_parents()
            self._lock()
            self._tidy()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, kind, error, traceback):
        if self._fd is not None:
            try:
                if _same_file(self._fd, self.lock_path):
                    self.lock_path.unlink()
            except OSError:
                pass  # an unwritable folder keeps the lock file; the next run takes it over
            os.close(self._fd)
            self._fd = None
        for folder in reversed(self._made):
            try:
                folder.rmdir()
            except OSError:
                break  # not empty: the run was written there
        return False

    def _make_parents(self):
        missing = []
        folder = self.lock_path.parent
        while not folder.exists() and not folder.is_symlink() and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        for folder in reversed(missing):
            folder.mkdir()
            self._made.append(folder)
        try:
            os.lstat(self.path)  # a name too long for the file system fails here, in words
        except FileNotFoundError:
            pass

    def _lock(self):
        import fcntl

        record = {
            "deepcat": self.command,
            "pid": os.getpid(),
            "host": host_name(),
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        while True:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                owner = read_json_object(fd, _RECORD_LIMIT)
                os.close(fd)
                raise ClaimError(
                    errno.EBUSY,
                    f"{self.path} is in use by another deepcat {owner.get('deepcat', 'run')} "
                    f"({_describe(owner)}); wait for it to finish, or choose another --out",
                ) from None
            except OSError as error:
                if error.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                    os.close(fd)
                    raise
                # a file system without locks: the record still tells a later run who wrote
            if _same_file(fd, self.lock_path):
                break
            os.close(fd)  # removed by its last owner between our open and our lock: again
        self._fd = fd
        earlier = read_json_object(fd, _RECORD_LIMIT)
        if earlier.get("pid"):
            self.notes.append(
                f"took over the lock of {self.path} left by a deepcat {earlier.get('deepcat')} "
                f"that no longer runs ({_describe(earlier)})"
            )
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(record) + "\n").encode(), 0)

    def _tidy(self):
        folder = self.lock_path.parent
        removed = remove_leftovers(folder, keep=self.lock_path.name)
        if removed:
            where = str(self.path.parent) if str(self.path.parent) != "." else "this folder"
            self.notes.append(
                f"removed {len(removed)} leftover(s) of deepcat runs that were killed, "
                f"in {where}: {listed(removed, 3)}"
            )
        if self.run_dir:
            self.notes += restore_replaced(self.path)


def remove_leftovers(folder, keep=None):
    """Remove from ``folder`` what killed deepcat processes left: their staging folders and
    temporary files (named by :func:`deepcat.data.files.temporary_prefix`, of a pid that no
    longer runs on this host) and deepcat lock files nobody holds. Returns the names removed.
    """
    import fcntl

    removed = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        owner = leftover_owner(entry.name)
        try:
            if owner is not None and owner_is_gone(*owner):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
                removed.append(entry.name)
            elif (
                entry.name.startswith(".")
                and entry.name.endswith(LOCK_SUFFIX)
                and entry.name != keep
                and entry.is_file(follow_symlinks=False)
            ):
                fd = os.open(entry.path, os.O_RDWR | os.O_CLOEXEC)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    if read_json_object(fd, _RECORD_LIMIT).get("deepcat") and _same_file(
                        fd, Path(entry.path)
                    ):
                        os.unlink(entry.path)
                        removed.append(entry.name)
                finally:
                    os.close(fd)
        except OSError:
            continue  # held, or not ours to remove: left as it is
    return removed


def restore_replaced(path):
    """Put back the run a killed ``--force`` moved to ``RUN_DIR.replaced-<time>`` when RUN_DIR is
    missing; otherwise say where such a folder is. Only folders that
    :func:`~deepcat.runs.folder.replaced_runs` accepts are touched. Returns the lines to
    print."""
    path = Path(path)
    kept = replaced_runs(path)
    notes = []
    if kept and not path.exists() and not path.is_symlink():
        os.replace(path.parent / kept[0], path)
        notes.append(
            f"restored {path} from {path.parent / kept[0]}, where deepcat had moved it to "
            "replace it with a new run and was killed before it could"
        )
        kept = kept[1:]
    for name in kept:
        notes.append(
            f"{path.parent / name} holds an earlier run that deepcat was replacing with {path} "
            "when it was killed; remove it when you no longer need it"
        )
    return notes


def _describe(record):
    where = record.get("host", "?")
    here = where == host_name() or where == socket.gethostname()
    host = "" if here else f" on {where}"
    return f"process {record.get('pid', '?')}{host}, started {record.get('started', '?')}"


def _same_file(fd, path):
    """Whether the open file ``fd`` is still the file at ``path`` (not removed or replaced)."""
    try:
        mine, there = os.fstat(fd), os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)
