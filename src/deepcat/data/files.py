"""Writing files so that a crash never leaves half of one: a temporary file, then a rename.

Every temporary name deepcat creates next to a user's files (a file being written, a run
folder being staged) carries its owner, ``.<name>.<pid>@<host>.<random><suffix>``, so that a
later run can tell a leftover of a killed process (its pid no longer runs on this host) from
the work of a live one, and remove only the former (:func:`leftover_owner`,
:func:`owner_is_gone`).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import socket
import stat
import tempfile
from pathlib import Path

NAME_LIMIT = 80
"""Characters of a user's file name kept in a temporary name; longer names are shortened with
a hash, so that the temporary name fits where the name itself does (255 bytes on most file
systems)."""

TEMPORARY_SUFFIXES = (".tmp", ".partial")
"""What a temporary file and a staged run folder end with."""

_OWNED = re.compile(
    r"^\.(?P<base>.+)\.(?P<pid>\d+)@(?P<host>[A-Za-z0-9-]+)\.[^.]+(?P<suffix>\.\w+)$"
)


FILE_KINDS = {
    stat.S_ISDIR: "a folder",
    stat.S_ISFIFO: "a named pipe (FIFO)",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISSOCK: "a socket",
}
"""What a path that is not a regular file is, in words."""


def file_kind(mode):
    """``None`` for a regular file, else what ``mode`` (an ``st_mode``) is, in words."""
    if stat.S_ISREG(mode):
        return None
    return next((words for test, words in FILE_KINDS.items() if test(mode)), "not a regular file")


def is_regular_file(path):
    """Whether ``path`` is a regular file or a link to one (False when nothing is there)."""
    try:
        return file_kind(os.stat(path).st_mode) is None
    except (OSError, ValueError):
        return False


def file_path(path, name="path"):
    """``path`` as a :class:`~pathlib.Path`, or a ``TypeError`` for anything but a file name.

    ``bytes`` names, open files and buffers (``io.BytesIO``) are refused here, at the
    boundary, rather than failing deep inside NumPy or the zip reader.
    """
    text = os.fspath(path) if isinstance(path, (str, os.PathLike)) else None
    if not isinstance(text, str):
        shown = type(text if isinstance(path, os.PathLike) else path).__name__
        raise TypeError(f"{name} must be a str or os.PathLike (a file name), got {shown}")
    return Path(text)


def open_regular_file(path, what, allow_empty=False):
    """Open ``path`` for binary reading, refusing anything but a regular file (or a link to one).

    The kind is looked up first, so a folder, a named pipe or a device (``/dev/zero``,
    ``/dev/watchdog``, whose mere opening can act) is refused without being opened; the file
    is then opened with ``O_NONBLOCK`` (a FIFO swapped in meanwhile does not block) and its
    descriptor checked again, since the path may have been replaced between the two.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file should be, for the messages (``"picture file"``, ``"model file"``).
    allow_empty : bool, default False
        Whether an empty (0-byte) file is opened rather than refused.

    Returns
    -------
    binary file open for reading

    Raises
    ------
    FileNotFoundError, PermissionError
        ``no {what} at {path}``, ``{path}: permission denied``.
    ValueError
        ``{path} is a folder, not a {what}`` (or a named pipe, a device, a socket), or
        ``{path} is empty (0 bytes), not a {what}``.
    """
    path = file_path(path)
    try:
        _refuse(os.stat(path).st_mode, path, what)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise FileNotFoundError(f"no {what} at {path}") from None
    except PermissionError:
        raise PermissionError(f"{path}: permission denied") from None
    try:
        info = os.fstat(fd)
        _refuse(info.st_mode, path, what)
        if info.st_size == 0 and not allow_empty:
            raise ValueError(f"{path} is empty (0 bytes), not a {what}")
        # Reads of a regular file never block; the flag only mattered for the open itself.
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _refuse(mode, path, what):
    kind = file_kind(mode)
    if kind is not None:
        raise ValueError(f"{path} is {kind}, not a {what}")


def atomic_write(path, write):
    """Call ``write(binary_file)`` on a temporary file next to ``path``, then rename it there.

    Raises
    ------
    IsADirectoryError
        ``{path} is a folder, not a file name``, before anything is written.
    OSError
        Any other failure (a full disk, a folder that cannot be written), naming ``path``: the
        temporary file is deepcat's business, never the user's.
    """
    path = file_path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file name", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        _write_and_rename(path, write)
    except OSError as error:
        if error.filename is None or error.filename == str(path):
            raise
        raise type(error)(error.errno, error.strerror, str(path)) from None


def _write_and_rename(path, write):
    fd, temporary = tempfile.mkstemp(
        prefix=temporary_prefix(path.name), suffix=".tmp", dir=path.parent
    )
    try:
        # mkstemp creates the file private (0600); give it the mode a plain open() would.
        os.chmod(temporary, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def current_umask():
    """The process's file-creation mask (read by setting it and putting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


# -- names that say who owns them -----------------------------------------------------------


def short_name(name):
    """``name``, or for a long one its first characters and a hash, for use inside other names."""
    if len(name) <= NAME_LIMIT:
        return name
    digest = hashlib.sha1(name.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return f"{name[: NAME_LIMIT - 13]}-{digest}"


def host_name():
    """This machine's name, reduced to letters, digits and ``-`` (at most 32 characters)."""
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:32] or "host"


def temporary_prefix(name):
    """``.<name>.<pid>@<host>.``: the start of a temporary name owned by this process."""
    return f".{short_name(name)}.{os.getpid()}@{host_name()}."


def leftover_owner(file_name):
    """``(pid, host)`` of a temporary name made by :func:`temporary_prefix`, or ``None``.

    Only names ending in one of :data:`TEMPORARY_SUFFIXES` count.
    """
    match = _OWNED.match(file_name)
    if match is None or match["suffix"] not in TEMPORARY_SUFFIXES:
        return None
    return int(match["pid"]), match["host"]


def owner_is_gone(pid, host):
    """Whether process ``pid`` of ``host`` has certainly ended (only this host can tell)."""
    if host != host_name():
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError as error:  # EPERM: it runs, as another user
        return error.errno != errno.EPERM
    return False
