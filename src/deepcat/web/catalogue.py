"""The runs under ``--runs``, as the web application offers them: by name, never by path.

Every request names a run by its id, the folder's path relative to the runs folder with ``/``
between parts (``20261202-140512``, ``course/lr-0.005``). The id is looked up among the runs
found by walking the folder, so no text from a request is ever joined to a path: ``..``, an
absolute path or a link leads nowhere. The walk does not follow links, skips hidden entries
(the staging folders of runs being written) and stops :data:`MAX_DEPTH` folders down.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from deepcat.runs.files import FIGURES
from deepcat.runs.folder import read_json_object
from deepcat.web.http import WebError
from deepcat.web.run_record import run_record

MAX_DEPTH = 3
"""How many folders down from the runs folder a run is looked for (``a/b/lr-0.01``)."""
METRICS_LIMIT = 64 * 2**20
"""A metrics.json larger than this is not read."""


@dataclass(frozen=True)
class Run:
    """One run folder: a learning rate's run (``costs``) or a comparison of several (``runs``).

    Attributes
    ----------
    id : str
    folder : Path
    metrics : dict
        Its ``metrics.json``, checked field by field (:func:`~deepcat.web.run_record.run_record`).
    figures : tuple of str
        The :data:`deepcat.runs.files.FIGURES` it holds, the only files of a run the
        application serves.
    has_model : bool
    modified : float
        ``metrics.json``'s modification time, in seconds since the epoch.
    """

    id: str
    folder: Path
    metrics: dict
    figures: tuple
    has_model: bool
    modified: float

    @property
    def is_comparison(self):
        return "runs" in self.metrics

    @property
    def model_path(self):
        return self.folder / "model.npz"


class Catalogue:
    """The runs under ``root``, found again at each look (runs come and go while it serves).

    A ``metrics.json`` is parsed once per version (its size and modification time), so a
    look at a folder of many runs costs one ``stat`` per file after the first; what a look no
    longer finds is forgotten.
    """

    def __init__(self, root):
        self.root = Path(root)
        self._parsed = {}
        self._lock = threading.Lock()

    def runs(self):
        """Every run, newest first.

        Returns
        -------
        list of Run
        """
        found, seen = [], set()
        if self.root.is_dir() and not self.root.is_symlink():
            self._walk(self.root, (), found, seen)
        with self._lock:
            for path in set(self._parsed) - seen:
                del self._parsed[path]
        return sorted(found, key=lambda run: (-run.modified, run.id))

    def get(self, run_id):
        """The run of this id.

        Raises
        ------
        WebError
            404 when no run under the runs folder has that id.
        """
        if isinstance(run_id, str):
            for run in self.runs():
                if run.id == run_id:
                    return run
        raise WebError(404, f"no run named {run_id!r} under {self.root}")

    def figure(self, run_id, name):
        """The path of one figure of a run, if the run holds it.

        Raises
        ------
        WebError
            404 for an unknown run, or a name that is not one of the run's figures.
        """
        run = self.get(run_id)
        if name not in run.figures:
            raise WebError(404, f"run {run_id!r} has no figure {name!r}")
        return run.folder / name

    def _walk(self, folder, parts, found, seen):
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            return
        names = {entry.name: entry for entry in entries}
        if parts:
            run = self._run(folder, parts, names, seen)
            if run is not None:
                found.append(run)
        if len(parts) == MAX_DEPTH:
            return
        for entry in entries:
            if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
                continue
            self._walk(Path(entry.path), (*parts, entry.name), found, seen)

    def _run(self, folder, parts, names, seen):
        entry = names.get("metrics.json")
        if entry is None or not entry.is_file(follow_symlinks=False):
            return None
        seen.add(entry.path)
        try:
            stat = entry.stat(follow_symlinks=False)
        except OSError:
            return None
        version = (stat.st_size, stat.st_mtime_ns)
        with self._lock:
            cached = self._parsed.get(entry.path)
        if cached is None or cached[0] != version:
            cached = (version, run_record(read_json_object(entry.path, METRICS_LIMIT)))
            with self._lock:
                self._parsed[entry.path] = cached
        metrics = cached[1]
        if metrics is None:
            return None
        figures = tuple(
            name for name in FIGURES if name in names and names[name].is_file(follow_symlinks=False)
        )
        model = names.get("model.npz")
        return Run(
            id="/".join(parts),
            folder=folder,
            metrics=metrics,
            figures=figures,
            has_model=model is not None and model.is_file(follow_symlinks=False),
            modified=stat.st_mtime,
        )
