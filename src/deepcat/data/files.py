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


def atomic_write(path, write):
    """Call ``write(binary_file)`` on a temporary file next to ``path``, then rename it there."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
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
