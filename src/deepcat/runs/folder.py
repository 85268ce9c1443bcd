"""RUN_DIR: the folder of one run, named by time, written all at once, replaced only if deepcat's.

The files are staged in a hidden folder next to RUN_DIR and moved into place only when all of
them are written (:class:`StagedRunDir`), so an error or Ctrl-C leaves no half-written run and
never touches an earlier one. Every committed run holds :data:`MARKER`; ``--force`` replaces
only a folder that is recognisably a deepcat run (:func:`check_run_dir`), and the replacement
is one atomic exchange of the two folders where the file system allows it, or else keeps the
earlier run under a visible name until the new one is in place.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from deepcat.data.files import current_umask, open_regular_file, short_name, temporary_prefix
from deepcat.formatting import listed, printable
from deepcat.runs.files import FIGURES, is_run_folder_name, is_run_metrics
from deepcat.signals import DeferredSignals

MARKER = ".deepcat-run"
"""The file every committed run holds: JSON with the deepcat version and the time."""

RUN_FILES = frozenset({"model.npz", "metrics.json", *FIGURES, MARKER})
"""The names of the files a run writes; a run of several learning rates puts its runs in
``lr-*`` subfolders (:func:`deepcat.runs.files.run_folder_name`)."""

REPLACED = ".replaced-"
"""``RUN_DIR.replaced-<time>``: an earlier run kept in sight while ``--force`` replaces it."""

_STAMP_FORMAT = "%Y%m%d-%H%M%S"
STAMP_PLACEHOLDER = "<yyyymmdd-hhmmss>"
"""The time :func:`timestamped_path` puts in a name (e.g. 20261123-082439), as help writes it."""
DEFAULT_RUN_DIR = f"runs/{STAMP_PLACEHOLDER}"
_STAMP = r"\d{8}-\d{6}(?:-\d+)?"
"""What :func:`timestamped_path` adds to a name: the time, and ``-N`` for the N-th of a second."""

FORCE_RULE = "--force replaces only a deepcat run folder"

_METRICS_LIMIT = 64 * 2**20
"""A metrics.json larger than this is not read to recognise it."""
_MARKER_LIMIT = 4096


def default_run_dir(root="runs"):
    """:data:`DEFAULT_RUN_DIR`, with a suffix if a run of the same second exists."""
    return timestamped_path(root)


def timestamped_path(root, prefix="", extension=""):
    """``root/<prefix><date>-<time><extension>`` that does not exist yet.

    A second path of the same second gets ``-2``, ``-3``, ... before the extension.
    """
    stamp = prefix + time.strftime(_STAMP_FORMAT)
    path = Path(root) / f"{stamp}{extension}"
    suffix = 2
    while path.exists() or path.is_symlink():
        path = Path(root) / f"{stamp}-{suffix}{extension}"
        suffix += 1
    return path


def out_path(text, default):
    """The path ``--out TEXT`` names, or ``default()`` when it was not given.

    Raises
    ------
    ValueError
        For an empty name, a name with a control character (a newline would break every line
        that names the folder), or the root folder.
    """
    if text is None:
        return default()
    if text == "":
        raise ValueError("--out is empty; give a name, or leave --out out for the default")
    if printable(text) != text:
        raise ValueError(
            f"--out '{printable(text)}' holds a control character; choose a plain name"
        )
    if Path(os.path.abspath(text)).name == "":
        raise ValueError(f"--out {text} is the root folder; choose a folder under it")
    return Path(text)


def check_run_dir(path, force):
    """Refuse a RUN_DIR that deepcat must not write, or must not replace unless ``force``.

    Raises
    ------
    FileExistsError
        For a symbolic link, a file, a folder inside another run, a non-empty folder without
        ``force``, and with ``force`` a folder that is not a deepcat run, or holds the current
        folder. The message names the folder and what is wrong with it.
    """
    path = Path(path)
    refuse_link(path, "folder")
    if path.exists() and not path.is_dir():
        raise FileExistsError(f"{path} exists and is not a folder; choose another --out")
    parent = Path(os.path.abspath(path)).parent
    if (parent / MARKER).is_file():
        raise FileExistsError(
            f"{path} is inside the deepcat run {parent}; choose an --out outside it"
        )
    if not path.is_dir() or not any(path.iterdir()):
        return
    if not force:
        raise FileExistsError(
            f"{path} already holds files from an earlier run; choose another --out, "
            "or pass --force to replace them"
        )
    foreign = foreign_names(path)
    if foreign:
        raise FileExistsError(
            f"{path} holds files deepcat did not write ({listed(foreign)}); {FORCE_RULE}"
        )
    if not is_deepcat_run(path):
        raise FileExistsError(f"{path} holds no model or metrics written by deepcat; {FORCE_RULE}")
    if is_within(Path.cwd(), path):
        raise FileExistsError(f"{path} holds the current folder; {FORCE_RULE} you are not in")


def check_still_replaceable(path, force):
    """Refuse, when a run is committed, a non-empty RUN_DIR that :func:`check_run_dir` would no
    longer let it replace: a folder created or filled while the run trained.

    Raises
    ------
    FileExistsError
    """
    if not force:
        raise FileExistsError(
            f"{path} was created or filled while this run trained; it was left as it is"
        )
    foreign = foreign_names(path)
    if foreign:
        raise FileExistsError(
            f"{path} was given files deepcat did not write ({listed(foreign)}) while this run "
            f"trained; it was left as it is, since {FORCE_RULE}"
        )


def refuse_link(path, what):
    """Refuse an --out that is a symbolic link: deepcat writes the ``what`` the user names, not
    whatever the link points to.

    Raises
    ------
    FileExistsError
        Naming the link and its target.
    """
    if Path(path).is_symlink():
        raise FileExistsError(
            f"{path} is a symbolic link (to {os.readlink(path)}); give the {what} itself as --out"
        )


def check_apart(path, folder):
    """Refuse a RUN_DIR that is the picture folder being trained on, inside it or around it.

    Raises
    ------
    FileExistsError
    """
    if is_within(Path(path), Path(folder)) or is_within(Path(folder), Path(path)):
        raise FileExistsError(
            f"--out {path} overlaps the picture folder {folder} being trained on; the run's "
            "pictures would become training pictures. Choose an --out outside it"
        )


def is_within(inner, outer):
    """Whether ``inner`` is ``outer`` or under it, after following symbolic links."""
    inner, outer = os.path.realpath(inner), os.path.realpath(outer)
    return inner == outer or inner.startswith(outer.rstrip(os.sep) + os.sep)


def foreign_names(folder, _nested=False):
    """The entries of ``folder`` that a run does not write (folders with a trailing ``/``)."""
    foreign = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        is_folder = entry.is_dir(follow_symlinks=False)
        if is_folder and not _nested and is_run_folder_name(entry.name):
            foreign += [f"{entry.name}/{name}" for name in foreign_names(entry.path, True)]
        elif is_folder:
            foreign.append(f"{entry.name}/")
        elif entry.name not in RUN_FILES or not entry.is_file(follow_symlinks=False):
            foreign.append(entry.name)
    return foreign


def is_deepcat_run(folder):
    """Whether ``folder`` is a real folder (not a link) holding :data:`MARKER`, or (for runs
    written before it existed) a ``metrics.json`` (:func:`~deepcat.runs.files.is_run_metrics`)
    or ``model.npz`` (:func:`~deepcat.data.model_files.is_model_file`) written by deepcat,
    directly or in an ``lr-*`` folder."""
    from deepcat.data.model_files import is_model_file

    folder = Path(folder)
    if folder.is_symlink() or not folder.is_dir():
        return False
    if read_json_object(folder / MARKER, _MARKER_LIMIT).get("deepcat"):
        return True
    candidates = [folder, *(p for p in folder.iterdir() if is_run_folder_name(p.name))]
    return any(
        is_run_metrics(read_json_object(place / "metrics.json", _METRICS_LIMIT))
        or is_model_file(place / "model.npz")
        for place in candidates
    )


def read_json_object(source, limit):
    """The JSON object in ``source``, or ``{}`` when it is missing, larger than ``limit`` bytes,
    not JSON (``NaN`` and ``Infinity`` are not JSON) or not an object, or nested too deep to
    read.

    ``source`` is a path (only a regular file is opened) or an open file descriptor, read from
    its start.
    """
    try:
        if isinstance(source, int):
            data = os.pread(source, limit + 1, 0)
        else:
            with open_regular_file(source, "JSON file", allow_empty=True) as handle:
                data = handle.read(limit + 1)
        value = json.loads(data, parse_constant=_refuse_constant) if 0 < len(data) <= limit else {}
    except (OSError, ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def replaced_runs(path):
    """The names of the folders beside ``path`` that :func:`replaced_path` gave it, newest
    first: real folders (not links) that are deepcat runs, nothing else of a similar name."""
    path = Path(path)
    parent = Path(os.path.abspath(path)).parent
    pattern = re.compile(re.escape(f"{short_name(path.name)}{REPLACED}") + _STAMP)
    names = [
        entry.name
        for entry in os.scandir(parent)
        if pattern.fullmatch(entry.name)
        and entry.is_dir(follow_symlinks=False)
        and is_deepcat_run(entry.path)
    ]
    return sorted(names, key=_stamp_order, reverse=True)


def _stamp_order(name):
    """``run.replaced-20260101-120000-10`` after ``...-120000-9``: by time, then by number."""
    stamp = name.rpartition(REPLACED)[2]  # 20260101-120000 or 20260101-120000-10
    return stamp[:15], int(stamp[16:] or 1)


def replaced_path(path):
    """``RUN_DIR.replaced-<time>`` next to ``path``, not yet taken."""
    path = Path(path)
    return timestamped_path(path.parent, prefix=f"{short_name(path.name)}{REPLACED}")


class StagedRunDir:
    """A hidden folder next to RUN_DIR that becomes RUN_DIR when every file is written.

    Use as a context manager: on an exception (including KeyboardInterrupt) before
    :meth:`commit` the staging folder is removed and RUN_DIR is left as it was; :meth:`commit`
    moves the finished files into place, replacing an earlier run only then. From the start of
    the commit to the end of the block, Ctrl-C, SIGTERM and SIGHUP are held back
    (:class:`~deepcat.signals.DeferredSignals`) and act when the block ends: the command can
    first say that the run is written, and an interruption then is one that came after it
    (:attr:`committed`).

    Attributes
    ----------
    path : Path
        The final RUN_DIR.
    staging : Path
        Where the files are written meanwhile: ``.<name>.<pid>@<host>.<random>.partial``, so
        that a later run can remove it if this process is killed.
    committed : bool
        Whether the run is in place at RUN_DIR (and an earlier run there removed).
    force : bool
        Whether an earlier run at RUN_DIR may be replaced (``--force``). :func:`check_run_dir`
        looked before the training; the commit looks again (:func:`check_still_replaceable`),
        since a folder may have been created or filled meanwhile.
    """

    def __init__(self, path, force=False):
        self.path = Path(path)
        self.force = force
        self.staging = None
        self.committed = False
        self._held = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Deferred, so that Ctrl-C comes after self.staging is set, and the except removes it.
            with DeferredSignals():
                self.staging = Path(
                    tempfile.mkdtemp(
                        prefix=temporary_prefix(self.path.name),
                        suffix=".partial",
                        dir=self.path.parent,
                    )
                )
            # mkdtemp makes a private (0700) folder; the finished RUN_DIR should get the
            # permissions of any folder the user creates.
            self.staging.chmod(0o777 & ~current_umask())
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, kind, error, traceback):
        if self.staging is not None and self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)
        held, self._held = self._held, None
        if held is not None:
            held.__exit__(None, None, None)  # the signals that came meanwhile act now
        return False

    def commit(self, *, _exchange=True, _after_first_rename=None):
        """Mark the staged files as a deepcat run and move them to RUN_DIR.

        An earlier run at RUN_DIR is replaced as a whole: exchanged with the staging folder in
        one step (Linux's ``renameat2(RENAME_EXCHANGE)``), or, where that is not available,
        first renamed to :func:`replaced_path`, so that a crash between the two renames leaves
        it in sight (:mod:`deepcat.runs.claim` restores it), and removed once the new run is
        in place. Signals are held from here to the end of the block.

        ``_exchange=False`` (take the two-rename path) and ``_after_first_rename`` (called
        between the renames) are for tests only: they stand in for a file system without the
        exchange and for a crash or a signal at the worst moment.
        """
        from deepcat import __version__

        record = {"deepcat": __version__, "written": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        (self.staging / MARKER).write_text(json.dumps(record) + "\n")
        self._held = DeferredSignals().__enter__()
        earlier = None
        if self.path.is_dir() and any(self.path.iterdir()):
            check_still_replaceable(self.path, self.force)
            if _exchange and _exchange_folders(self.staging, self.path):
                earlier = self.staging
            else:
                earlier = replaced_path(self.path)
                os.replace(self.path, earlier)
            if _after_first_rename is not None:
                _after_first_rename()
            if earlier is not self.staging:
                try:
                    os.replace(self.staging, self.path)
                except OSError:
                    os.replace(earlier, self.path)  # the earlier run goes back where it was
                    raise
        else:
            os.replace(self.staging, self.path)
        self.staging = None
        if earlier is not None:
            shutil.rmtree(earlier, ignore_errors=True)
        self.committed = True


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_NOT_SUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV}


def _exchange_folders(first, second):
    """Swap two folders atomically with ``renameat2``; ``False`` where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes.append(ctypes.c_uint)
    status = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if status == 0:
        return True
    code = ctypes.get_errno()
    if code in _NOT_SUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(second))
