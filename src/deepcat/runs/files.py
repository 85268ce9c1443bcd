"""The files of one ``deepcat train`` run: the model, ``metrics.json`` and the figures.

Every file is written atomically, into the staging folder that
:class:`deepcat.runs.folder.StagedRunDir` commits at the end.
"""

from __future__ import annotations

import json
from pathlib import Path

from deepcat.data.files import atomic_write
from deepcat.training.settings import validation_count

FIGURES = ("cost.png", "mislabeled.png", "decision_boundary.png", "learning_rates.png")
"""The figures a run may write: the cost curve, one figure of the data's kind, and for several
learning rates their curves on one figure."""


def write_run_files(folder, run, dataset, metrics):
    """Write ``model.npz``, ``metrics.json``, ``cost.png`` and a figure of the data's kind.

    Pictures get ``mislabeled.png`` (the test pictures predicted wrong); examples of two
    features get ``decision_boundary.png`` (the training examples on the predicted regions).

    Returns
    -------
    list of str
        The file names written, in that order.
    """
    from deepcat import plots

    folder = Path(folder)
    run.network.save(folder / "model.npz")
    write_json(folder / "metrics.json", metrics)
    plots.plot_costs(
        run.history.costs,
        run.learning_rate,
        folder / "cost.png",
        run.history.val_costs,
        **regularization(metrics["hyperparameters"], dataset.train_x.shape[1]),
    )
    names = ["model.npz", "metrics.json", "cost.png"]
    if dataset.is_image:
        plots.plot_mislabeled(
            dataset.test_x_orig,
            run.test_predictions,
            dataset.test_y,
            dataset.classes,
            folder / "mislabeled.png",
            split="test",
        )
        names.append("mislabeled.png")
    elif dataset.train_x_orig.shape[1:] == (2,):
        plots.plot_decision_boundary(
            run.network.predict,
            dataset.train_x,
            dataset.train_y,
            dataset.classes,
            folder / "decision_boundary.png",
        )
        names.append("decision_boundary.png")
    return names


def regularization(hyperparameters, m):
    """``{"dropout": ..., "l2_examples": ...}`` of a run's hyperparameters, for
    :func:`deepcat.plots.plot_costs`.

    Parameters
    ----------
    hyperparameters : dict
        As ``metrics.json`` records them; ``keep_prob`` is one value or one per hidden layer.
    m : int
        The training examples given to ``fit``, the validation hold-out among them.

    Returns
    -------
    dict
        ``dropout``: whether any hidden layer had a keep probability below 1. ``l2_examples``:
        with L2 and a validation hold-out, the examples a training cost averages over (the
        batch size, or all the others) and the held-out ones; else None.
    """
    keep_prob = hyperparameters.get("keep_prob")
    keep_probs = keep_prob if isinstance(keep_prob, (list, tuple)) else [keep_prob]
    m_val = validation_count(m, hyperparameters.get("validation_fraction"))
    l2_examples = None
    if hyperparameters.get("lambd") and m_val:
        l2_examples = (min(hyperparameters.get("batch_size") or m, m - m_val), m_val)
    return {
        "dropout": any(p is not None and p < 1 for p in keep_probs),
        "l2_examples": l2_examples,
    }


def write_comparison(folder, all_metrics, subfolders):
    """For several learning rates: ``learning_rates.png`` and a ``metrics.json`` comparing them.

    Parameters
    ----------
    folder : Path
        The run's top folder.
    all_metrics : list of dict
        :func:`run_metrics` of each learning rate, in order.
    subfolders : list of str
        Where each learning rate's own files are, relative to ``folder``.
    """
    from deepcat import plots

    curves = {m["hyperparameters"]["learning_rate"]: m["costs"] for m in all_metrics}
    plots.plot_learning_rates(curves, Path(folder) / "learning_rates.png")
    first = all_metrics[0]
    summary = {
        "dataset": first["dataset"],
        "data": first["data"],
        "layer_dims": first["layer_dims"],
        "learning_rates": list(curves),
        "runs": [
            {
                "learning_rate": m["hyperparameters"]["learning_rate"],
                "folder": name,
                "final_cost": m["costs"][-1][1],
                "train_accuracy": m["train_accuracy"],
                "test_accuracy": m["test_accuracy"],
                "fit_seconds": m["fit_seconds"],
            }
            for m, name in zip(all_metrics, subfolders, strict=True)
        ],
    }
    write_json(Path(folder) / "metrics.json", summary)


def write_json(path, data):
    """Write ``data`` as indented JSON, atomically."""
    text = json.dumps(data, indent=2) + "\n"
    atomic_write(path, lambda handle: handle.write(text.encode("utf-8")))


RATE_PREFIX = "lr-"


def run_folder_name(learning_rate):
    """Subfolder of one learning rate when several are compared, e.g. ``lr-0.0075``."""
    return f"{RATE_PREFIX}{learning_rate:g}"


def is_run_folder_name(name):
    """Whether ``name`` is one that :func:`run_folder_name` gives."""
    if not name.startswith(RATE_PREFIX):
        return False
    try:
        return run_folder_name(float(name[len(RATE_PREFIX) :])) == name
    except ValueError:
        return False


METRICS_KEYS = ("dataset", "data", "layer_dims")
"""The keys every ``metrics.json`` of a run holds, one learning rate's or a comparison's."""


def is_run_metrics(record):
    """Whether the JSON object ``record`` reads as a ``metrics.json`` written by a run: the
    :data:`METRICS_KEYS` with values of their kind, and a run's ``costs`` or a comparison's
    ``runs``."""
    dims = record.get("layer_dims")
    return (
        all(key in record for key in METRICS_KEYS)
        and isinstance(record["dataset"], str)
        and isinstance(record["data"], dict)
        and isinstance(dims, list)
        and len(dims) >= 2
        and all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in dims)
        and (isinstance(record.get("costs"), list) or isinstance(record.get("runs"), list))
    )
