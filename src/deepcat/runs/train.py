"""One ``deepcat train`` run: settings, the network, training with a progress bar, its files.

The command line collects options; this module turns them into a
:class:`~deepcat.Network`, trains it and writes the run's files (:mod:`deepcat.runs.files`)
into the staging folder of :class:`deepcat.runs.folder.StagedRunDir`.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from deepcat.core.metrics import confusion_matrix
from deepcat.core.validation import DTYPES
from deepcat.data.datasets import get_source
from deepcat.data.preprocessing import preprocessing_record
from deepcat.formatting import option_flag, value_text
from deepcat.network import Network
from deepcat.runs.files import run_folder_name, write_comparison, write_run_files
from deepcat.training.settings import BY_NAME, FIT, NETWORK, build_config, validation_count

RECORDED_DEFAULTS = ("activation", "init", "seed", "dtype", "optimizer", "record_every")
"""Settings whose command-line default every run fills in and records, whatever the data set;
each data set adds its own (:attr:`deepcat.data.datasets.DatasetSource.defaults`), and the
other settings are recorded as null when not given."""
BASE_SETTINGS = {name: BY_NAME[name].cli_default for name in RECORDED_DEFAULTS}
NETWORK_NAMES = tuple(setting.name for setting in NETWORK)
FIT_OPTIONS = tuple(setting.name for setting in FIT if setting.name != "learning_rate")
"""The ``Network.fit`` keywords a run passes from its settings (the rate goes one by one)."""


def resolve_settings(dataset_name, given, source=None):
    """The settings of a run: base defaults, then the data set's, then the user's.

    Parameters
    ----------
    dataset_name : str
    given : dict
        Options the user set; ``None`` values count as not set.
    source : Network, optional
        The model a transfer starts from: its hidden layers and dtype replace the settings'.

    Returns
    -------
    dict
        Every network setting (:data:`deepcat.training.settings.NETWORK`), ``learning_rates``
        (a list) and the training settings that have a value.
    """
    defaults = dict(get_source(dataset_name).defaults)
    given = {key: value for key, value in given.items() if value is not None}
    if "iterations" in given or "epochs" in given:
        # The two are alternatives: a data set's default of one must not clash with the other.
        defaults.pop("iterations", None)
        defaults.pop("epochs", None)
    settings = {**BASE_SETTINGS, **defaults, **given}
    settings["hidden"] = list(settings["hidden"])
    if "learning_rate" in settings:
        rates = settings.pop("learning_rate")
        settings["learning_rates"] = list(rates) if isinstance(rates, (list, tuple)) else [rates]
    keep_prob = settings.get("keep_prob")
    if isinstance(keep_prob, (list, tuple)) and len(keep_prob) == 1:
        settings["keep_prob"] = keep_prob[0]
    if source is not None:
        settings["hidden"] = source.layer_dims[1:-1]
        settings["dtype"] = source.dtype.__name__
    return settings


def fit_options(settings):
    """The keyword arguments of :meth:`Network.fit` among ``settings`` (all but the rate)."""
    options = {key: settings[key] for key in FIT_OPTIONS if settings.get(key) is not None}
    if isinstance(options.get("keep_prob"), list):
        options["keep_prob"] = list(options["keep_prob"])
    return options


def check_settings(settings, n_hidden):
    """Validate the training settings before any work, with :meth:`Network.fit`'s own rules.

    Raises
    ------
    ValueError, TypeError
        Naming the setting and the range it accepts.
    """
    if settings.get("patience") is not None and settings.get("validation_fraction") is None:
        # Said in the command line's terms: it has no validation_data, only the fraction.
        raise ValueError("patience (early stopping) needs a validation_fraction to watch")
    refuse_repeats("learning_rate", settings["learning_rates"])
    for rate in settings["learning_rates"]:
        build_config(n_hidden, learning_rate=rate, **fit_options(settings))


def refuse_repeats(name, values):
    """Refuse a list of option values that gives one twice: each value is one run (one
    ``lr-*/`` folder, one row of a table), and a repeat would replace or duplicate it.

    Raises
    ------
    ValueError
        Naming the option (``--learning-rate``) and the repeated value.
    """
    seen = []
    for value in values:
        if value in seen:
            raise ValueError(
                f"{option_flag(name)} repeats {value_text(value, exact=True)}; give each value once"
            )
        seen.append(value)


def build_network(settings, n_x, n_classes, source=None, freeze=0):
    """A fresh network for the data, or one transferred from ``source``.

    Parameters
    ----------
    settings : dict
        From :func:`resolve_settings`.
    n_x : int
        Features per example (``12288`` for 64x64 RGB pictures).
    n_classes : int
        A sigmoid output (n_L = 1) for 2 classes, softmax (n_L = n_classes) for more.
    source : Network, optional
        A trained network whose hidden layers are kept (``Network.transfer``).
    freeze : int
        How many of the kept layers stay unchanged in training.

    Returns
    -------
    Network
    """
    output = "softmax" if n_classes > 2 else "sigmoid"
    n_L = n_classes if output == "softmax" else 1
    if source is None:
        return Network(
            [n_x, *settings["hidden"], n_L],
            hidden_activation=settings["activation"],
            output=output,
            init=settings["init"],
            seed=settings["seed"],
            dtype=settings["dtype"],
        )
    if source.layer_dims[0] != n_x:
        raise ValueError(
            f"the model to start from takes n_x = {source.layer_dims[0]} inputs per example, "
            f"but this data set has n_x = {n_x}"
        )
    return source.transfer(
        n_L, output=output, freeze=freeze, init=settings["init"], seed=settings["seed"]
    )


def train_and_write(
    folder,
    data,
    settings,
    data_record,
    source=None,
    freeze=0,
    source_path=None,
    *,
    cv_results=None,
    progress=None,
):
    """Train one network per learning rate and write each run's files into ``folder``.

    Parameters
    ----------
    folder : Path
        The (staged) RUN_DIR. With several learning rates each run gets a subfolder
        (:func:`run_folder_name`) and ``folder`` gets ``learning_rates.png`` and a
        comparison ``metrics.json``.
    data : Dataset
    settings : dict
        From :func:`resolve_settings`, checked with :func:`check_settings`.
    data_record : dict
        The data set's name and loader options, recorded for ``evaluate``.
    source, freeze, source_path :
        Transfer learning: the model to start from, how many layers to freeze, its path.
    cv_results : list of CVResult, optional
        ``deepcat train --cv``: the K-fold results of each learning rate, in order,
        recorded in each run's ``metrics.json`` as ``cross_validation``.
    progress : object, optional
        Told how the training goes, in place of the progress bar (the web application's live
        view). Before each learning rate's fit, ``progress.start(learning_rate, network,
        total, X_train, X_test)`` (``total`` the planned updates, ``X_train`` ``(n_x,
        m_train)`` and ``X_test`` ``(n_x, m_test)`` the inputs as the network takes them)
        returns the ``callback(iteration, cost)`` that :meth:`Network.fit` calls after every
        update; what the callback raises ends the training and leaves this function. Once the
        run's files are written, ``progress.finish(metrics)`` gets its ``metrics.json``.

    Returns
    -------
    all_metrics : list of dict
        :func:`run_metrics` of each run.
    subfolders : list of str
        Empty for one learning rate.
    files : list of str
        The files of the last run.
    """
    dtype = DTYPES[settings["dtype"]]
    X_train = data.flatten(data.train_x_orig, dtype)
    X_test = data.flatten(data.test_x_orig, dtype)
    rates = settings["learning_rates"]
    all_metrics, subfolders, files = [], [], []
    for index, rate in enumerate(rates):
        network = build_network(settings, X_train.shape[0], len(data.classes), source, freeze)
        if progress is None:
            label = f"lr {rate:g}" if len(rates) > 1 else "training"
            history = fit_with_progress(network, X_train, data.train_y, rate, settings, label)
        else:
            total = planned_iterations(settings, X_train.shape[1])
            callback = progress.start(rate, network, total, X_train, X_test)
            history = network.fit(
                X_train, data.train_y, rate, callback=callback, **fit_options(settings)
            )
        run = evaluate_run(rate, network, history, X_train, X_test)
        metrics = run_metrics(run, data, settings, data_record)
        if cv_results is not None:
            metrics["cross_validation"] = cv_results[index].record()
        record_metadata(network, data, metrics, source_path)
        target = Path(folder)
        if len(rates) > 1:
            subfolders.append(run_folder_name(rate))
            target = target / subfolders[-1]
        files = write_run_files(target, run, data, metrics)
        all_metrics.append(metrics)
        if progress is not None:
            progress.finish(metrics)
    if len(rates) > 1:
        write_comparison(folder, all_metrics, subfolders)
    return all_metrics, subfolders, files


def planned_iterations(settings, m):
    """How many updates ``fit`` will make on ``m`` examples (for the progress bar's length)."""
    if settings.get("iterations"):
        return settings["iterations"]
    m_fit = max(1, m - validation_count(m, settings.get("validation_fraction")))
    batch = min(settings.get("batch_size") or m_fit, m_fit)
    return settings["epochs"] * math.ceil(m_fit / batch)


def fit_with_progress(network, X, Y, learning_rate, settings, description):
    """``network.fit`` with a progress bar showing the live cost on stderr.

    The bar is drawn only when stderr is a terminal, so logs and pipes stay clean.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m), class indices
    learning_rate : float
    settings : dict
    description : str
        Shown left of the bar.

    Returns
    -------
    History
    """
    from tqdm import tqdm

    total = planned_iterations(settings, X.shape[1])
    with tqdm(
        total=total, desc=description, unit="it", file=sys.stderr, disable=None, leave=False
    ) as bar:

        def show(iteration, cost):
            bar.set_postfix(cost=f"{cost:.6f}", refresh=False)
            bar.update(1)

        return network.fit(X, Y, learning_rate, callback=show, **fit_options(settings))


@dataclass
class RunResult:
    """A trained network and how it did.

    Attributes
    ----------
    learning_rate : float
    network : Network
    history : History
    train_predictions, test_predictions : ndarray of int, shape (1, m_train), (1, m_test)
    """

    learning_rate: float
    network: Network
    history: object
    train_predictions: np.ndarray
    test_predictions: np.ndarray


def evaluate_run(learning_rate, network, history, X_train, X_test):
    """Predict both splits with a trained ``network``."""
    return RunResult(
        learning_rate, network, history, network.predict(X_train), network.predict(X_test)
    )


def run_metrics(run, dataset, settings, data_options):
    """The contents of ``metrics.json`` for one run (plain JSON types only)."""
    history = run.history
    train_correct = int(np.sum(run.train_predictions == dataset.train_y))
    test_correct = int(np.sum(run.test_predictions == dataset.test_y))
    hyperparameters = {key: settings.get(key) for key in (*NETWORK_NAMES, *FIT_OPTIONS)}
    hyperparameters["learning_rate"] = run.learning_rate
    hyperparameters["hidden"] = run.network.layer_dims[1:-1]
    hyperparameters["output"] = run.network.output
    hyperparameters["frozen"] = run.network.frozen
    metrics = {
        "dataset": dataset.name,
        "data": data_options,
        "classes": list(dataset.classes),
        "layer_dims": list(run.network.layer_dims),
        "hyperparameters": hyperparameters,
        "costs": _pairs(history.costs),
        "iterations": history.iterations,
        "train_accuracy": train_correct / dataset.train_y.size,
        "test_accuracy": test_correct / dataset.test_y.size,
        "train_correct": train_correct,
        "test_correct": test_correct,
        "m_train": int(dataset.train_y.size),
        "m_test": int(dataset.test_y.size),
        "test_confusion_matrix": confusion_matrix(
            dataset.test_y, run.test_predictions, len(dataset.classes)
        ).tolist(),
        "fit_seconds": history.fit_seconds,
        "iterations_per_epoch": history.iterations_per_epoch,
    }
    if history.val_costs:
        metrics["val_costs"] = _pairs(history.val_costs)
        metrics["val_accuracies"] = _pairs(history.val_accuracies)
        metrics["best_iteration"] = history.best_iteration
        metrics["stopped_early"] = history.stopped_early
    return metrics


def record_metadata(network, dataset, metrics, source_path=None):
    """Store what ``predict``, ``evaluate`` and ``inspect`` need in ``network.metadata``."""
    network.metadata = {
        "dataset": metrics["data"],
        "classes": list(dataset.classes),
        "preprocessing": preprocessing_record(dataset),
        "training": metrics["hyperparameters"],
        "train_accuracy": metrics["train_accuracy"],
        "test_accuracy": metrics["test_accuracy"],
    }
    if source_path is not None:
        network.metadata["transferred_from"] = str(source_path)


def _pairs(history_pairs):
    return [[int(iteration), float(value)] for iteration, value in history_pairs]
