"""Model selection from the command line: ``deepcat train --cv K`` and ``deepcat tune``.

The command line's settings (:func:`deepcat.runs.train.resolve_settings`) become
:class:`~deepcat.sklearn.DeepCatClassifier` settings through
:func:`deepcat.sklearn.model_selection.network_settings`, so each fold trains exactly as
``deepcat train`` would on that fold's examples. The folds are stratified and
drawn from the training split only (the test split is never looked at), with a
fixed seed, so running the same command twice gives the same table.

Nothing here prints: the command formats the results with
:mod:`deepcat.cli.reports`.
"""

from __future__ import annotations

import itertools
import math
import shlex
import sys
from pathlib import Path

import numpy as np

from deepcat.core.validation import DTYPES
from deepcat.data import to_columns
from deepcat.formatting import option_flag, value_text
from deepcat.runs.folder import refuse_link, timestamped_path
from deepcat.runs.train import NETWORK_NAMES, check_settings, fit_options, refuse_repeats
from deepcat.sklearn.results import is_search_table
from deepcat.training.settings import BY_NAME, TUNABLE

FOLD_SEED = 0
"""Seed of the fold assignment: fixed, so that a table can be reproduced."""


def estimator_settings(settings, learning_rate):
    """The :class:`~deepcat.sklearn.DeepCatClassifier` settings of a ``deepcat train`` run.

    Parameters
    ----------
    settings : dict
        From :func:`deepcat.runs.train.resolve_settings`.
    learning_rate : float

    Returns
    -------
    dict
    """
    from deepcat.sklearn.model_selection import network_settings

    network = {BY_NAME[name].library: settings[name] for name in NETWORK_NAMES if name != "hidden"}
    return network_settings(
        settings["hidden"], learning_rate=learning_rate, **network, **fit_options(settings)
    )


def grid_values(settings, given):
    """The values to try for each tunable setting, under their estimator names.

    Parameters
    ----------
    settings : dict
        The base settings (:func:`deepcat.runs.train.resolve_settings`); a setting the user
        gave no values for is tried with its base value only.
    given : dict
        Command-line name to the list of values the user gave, or ``None`` / ``[]``.
        ``hidden`` is a list of hidden-size lists; ``[]`` in it means no hidden layer.

    Returns
    -------
    dict of str to list
        In the order of :data:`deepcat.training.settings.TUNABLE`; hidden sizes as tuples.
    """
    grid = {}
    for setting in TUNABLE:
        if setting.name == "learning_rate":
            base = settings["learning_rates"]
        else:
            base = [settings.get(setting.name, setting.default)]
        values = list(given.get(setting.name) or base)
        if setting.name == "hidden":
            values = [tuple(sizes) for sizes in values]
        grid[setting.estimator] = values
    return grid


def check_grid(settings, grid):
    """Validate every combination of ``grid`` with the base settings, before any training.

    By the same rules as ``deepcat train`` (:func:`deepcat.runs.train.check_settings`), so that a
    grid cannot fail halfway: values that are valid alone may clash together (``--keep-prob``
    with ``--hidden none``). The learning rates, which clash with nothing, are checked once.

    Raises
    ------
    ValueError, TypeError
        Naming the setting and the range it accepts.
    """
    for setting in TUNABLE:
        refuse_repeats(setting.name, grid[setting.estimator])
    learning_rates = grid["learning_rate"]
    check_settings({**settings, "learning_rates": learning_rates}, len(settings["hidden"]))
    others = [setting for setting in TUNABLE if setting.name != "learning_rate"]
    for combination in itertools.product(*(grid[setting.estimator] for setting in others)):
        variant = {**settings, "learning_rates": learning_rates[:1]}
        for setting, value in zip(others, combination, strict=True):
            variant[setting.name] = list(value) if setting.name == "hidden" else value
        check_settings(variant, len(variant["hidden"]))


def check_cv(data, cv):
    """Refuse more folds than the rarest class of the training split has examples.

    Parameters
    ----------
    data : Dataset
        Its ``train_y`` holds class indices, shape ``(1, m_train)``.
    cv : int
        The number of folds K.

    Raises
    ------
    ValueError
        Saying the range of K this data set accepts.
    """
    counts = np.bincount(np.asarray(data.train_y).ravel(), minlength=len(data.classes))
    rarest = int(np.argmin(counts))
    if cv > counts[rarest]:
        raise ValueError(
            f"--cv accepts 2 to {counts[rarest]} here: every fold needs an example of each "
            f"class, and class {data.classes[rarest]!r} has {counts[rarest]} training "
            f"examples; got {cv}"
        )


def training_inputs(data, settings):
    """The training split as network inputs ``X`` ``(n_x, m_train)``, and how each fold
    finishes them.

    A data set standardised with its training split's statistics (breast-cancer) is given
    scaled but not standardised, with a ``StandardScaler`` that each fold fits on its own
    training examples, as a scikit-learn ``Pipeline`` would: statistics of the whole split
    would let every held-out fold leak into its own preprocessing.

    Returns
    -------
    X : ndarray, shape (n_x, m_train)
    preprocessing : sklearn transformer or None
    """
    dtype = DTYPES[settings["dtype"]]
    if data.mean is None and data.std is None:
        return data.flatten(data.train_x_orig, dtype), None
    from sklearn.preprocessing import StandardScaler

    return to_columns(data.train_x_orig, data.scale, dtype=dtype), StandardScaler()


def cross_validate_rates(data, settings, cv, n_jobs):
    """K-fold accuracy on the training split of each learning rate of ``settings``.

    Parameters
    ----------
    data : Dataset
    settings : dict
        From :func:`deepcat.runs.train.resolve_settings`, checked.
    cv : int >= 2
    n_jobs : int
        Processes, as in joblib (-1: every core).

    Returns
    -------
    list of CVResult
        One per ``settings["learning_rates"]``, in that order.
    """
    rates = settings["learning_rates"]
    results = search(
        data,
        settings,
        {"learning_rate": rates},
        estimator_settings(settings, rates[0]),
        cv,
        n_jobs,
        "cross-validation",
    )
    by_rate = {result.params["learning_rate"]: result for result in results.results}
    return [by_rate[rate] for rate in rates]


def search(data, settings, grid, params, cv, n_jobs, description, scheduler=None, halving=None):
    """:func:`deepcat.sklearn.model_selection.grid_search` on the training split of ``data``,
    with a progress bar over its fits.

    The bar counts finished fits (settings x folds) on stderr, and is drawn only
    when stderr is a terminal, as ``deepcat train``'s.

    Parameters
    ----------
    data : Dataset
        Its training split is searched (:func:`training_inputs`); the test split is not used.
    settings : dict
        From :func:`deepcat.runs.train.resolve_settings` (for the dtype).
    grid, params :
        As in :func:`~deepcat.sklearn.model_selection.grid_search`.
    cv, n_jobs : int
    description : str
        Shown left of the bar.
    scheduler : str, optional
        A Dask scheduler's address: the fits run on its cluster.
    halving : dict, optional
        ``{"factor": ..., "min_resources": ...}``: a successive halving
        (:func:`deepcat.sklearn.halving.successive_halving`) instead of the grid search.

    Returns
    -------
    SearchResults
    """
    from tqdm import tqdm

    from deepcat.sklearn.model_selection import grid_search

    X, preprocessing = training_inputs(data, settings)
    total = cv * math.prod(len(values) for values in grid.values())
    with tqdm(
        total=total, desc=description, unit="fit", file=sys.stderr, disable=None, leave=False
    ) as bar:

        def show(done, total):
            bar.total = total
            bar.update(done - bar.n)

        common = dict(
            cv=cv,
            random_state=FOLD_SEED,
            n_jobs=n_jobs,
            progress=show,
            preprocessing=preprocessing,
            scheduler=scheduler,
        )
        if halving is None:
            return grid_search(X, data.train_y, grid, params, **common)
        from deepcat.sklearn.halving import successive_halving

        return successive_halving(X, data.train_y, grid, params, **halving, **common)


def halving_rounds(settings, n_settings, factor, min_resources):
    """The rounds of ``deepcat tune --search halving``
    (:func:`deepcat.sklearn.halving.halving_plan`), and the name of their resource.

    Returns
    -------
    resource : str
        ``"iterations"`` or ``"epochs"``.
    rungs : list of Rung

    Raises
    ------
    ValueError
        When ``min_resources`` is above the settings' budget.
    """
    from deepcat.sklearn.halving import halving_plan

    params = estimator_settings(settings, settings["learning_rates"][0])
    resource = "iterations" if params.get("iterations") is not None else "epochs"
    try:
        return resource, halving_plan(n_settings, params[resource], factor, min_resources)
    except ValueError as error:
        raise ValueError(str(error).replace("min_resources", "--min-resources")) from None


def processes(n_jobs, n_fits):
    """How many processes ``n_jobs`` gives for ``n_fits`` fits: the number the search starts
    (:func:`deepcat.sklearn.model_selection.worker_count`)."""
    from deepcat.sklearn.model_selection import worker_count

    return worker_count(n_jobs, n_fits)


# -- the CSV file -----------------------------------------------------------------------------


def default_table_path(root="runs"):
    """``runs/tune-<timestamp>.csv``, with a suffix if a table of the same second exists."""
    return timestamped_path(root, prefix="tune-", extension=".csv")


def check_table_path(path, force):
    """Refuse a folder, a symbolic link, or an existing file unless ``force`` and it is a
    table written by ``deepcat tune`` (:func:`~deepcat.sklearn.results.is_search_table`).

    Raises
    ------
    FileExistsError
    """
    path = Path(path)
    refuse_link(path, "file")
    if path.is_dir():
        raise FileExistsError(f"{path} is a folder; --out takes the name of the CSV file to write")
    if not path.exists():
        return
    if not force:
        raise FileExistsError(
            f"{path} already exists; choose another --out, or pass --force to replace it"
        )
    if not is_search_table(path):
        raise FileExistsError(
            f"{path} is not a table written by deepcat tune; --force replaces only such a table"
        )


# -- the command that trains the best setting ----------------------------------------------


def train_command(dataset, options, params, searched):
    """The ``deepcat train`` command line of one setting of a search.

    Parameters
    ----------
    dataset : str
    options : dict
        Command-line name to value of the data-set and base options the user gave
        to ``deepcat tune`` (``None`` values are left out).
    params : dict
        The setting's estimator settings (:attr:`CVResult.params`).
    searched : collection of str
        The grid options the user gave values for; the others kept their base
        value, which is also ``deepcat train``'s default, so they are left out.

    Returns
    -------
    str
        Quoted for a POSIX shell.
    """
    words = ["deepcat", "train", "--dataset", dataset]
    for name, value in options.items():
        if value is not None:
            words += [option_flag(name), value_text(value, exact=True)]
    for setting in TUNABLE:
        if setting.name in searched:
            words += [option_flag(setting.name), value_text(params[setting.estimator], exact=True)]
    return shlex.join(words)
