"""The plain-text reports the command line prints: run summaries, metric tables, model facts.

Each function returns a string (no printing), so the tables can be read and
tested without a terminal.
"""

from __future__ import annotations

import numpy as np

from deepcat.core.metrics import precision_recall_f1
from deepcat.formatting import option_flag, table, value_text
from deepcat.training.loop import position_text
from deepcat.training.settings import TUNABLE


def describe_dataset(dataset):
    """One line: the data set, its split sizes, classes and example shape."""
    if dataset.is_image:
        h, w, c = dataset.image_shape
        shape = f"{h}x{w} {'RGB' if c == 3 else 'grayscale'} pictures"
    else:
        shape = f"{dataset.train_x_orig.shape[1]} features each"
    classes = ", ".join(dataset.classes)
    if len(dataset.classes) > 4:
        classes = f"{len(dataset.classes)} classes"
    return (
        f"{dataset.name}: {dataset.train_y.size} training and {dataset.test_y.size} test "
        f"examples, {shape} ({classes})"
    )


def train_summary(dataset, metrics, out, files):
    """What one ``deepcat train`` run did, in a few labelled lines."""
    (first, first_cost), (last, last_cost) = metrics["costs"][0], metrics["costs"][-1]
    rows = [
        ("data set", describe_dataset(dataset)),
        ("layer sizes", ", ".join(str(n) for n in metrics["layer_dims"])),
        (
            "cost",
            f"{first_cost:.6f} at {_position(metrics, first)}, "
            f"{last_cost:.6f} at {_position(metrics, last)}",
        ),
        ("train", _accuracy_text(metrics, "train")),
        ("test", _accuracy_text(metrics, "test")),
        ("training time", f"{metrics['fit_seconds']:.1f} s"),
        ("files", f"{out}/: {', '.join(files)}"),
    ]
    if metrics.get("best_iteration") is not None:
        rows.insert(3, ("early stopping", _early_stopping_text(metrics)))
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label.ljust(width)}  {text}" for label, text in rows)


def rising_cost_warnings(all_metrics):
    """One warning line per run whose last recorded cost is above its first.

    Such a run stayed below the divergence rule (:class:`~deepcat.training.loop.DivergenceError`)
    but learned nothing that gradient descent should keep: the usual cause is a learning rate
    too large for the network. With several runs, each line names its learning rate.
    """
    lines = []
    for metrics in all_metrics:
        first, last = metrics["costs"][0][1], metrics["costs"][-1][1]
        if not last > first:
            continue
        where = ""
        if len(all_metrics) > 1:
            where = f" at learning rate {metrics['hyperparameters']['learning_rate']:g}"
        lines.append(
            f"warning: the cost ended higher than it started{where} ({first:.3g} \u2192 "
            f"{last:.3g}); the learning rate is probably too large for this network"
        )
    return lines


def comparison_summary(dataset, all_metrics, out, folders):
    """Several learning rates side by side, then where their files are."""
    rows = [("learning rate", "final cost", "train accuracy", "test accuracy", "seconds")]
    for metrics in all_metrics:
        rows.append(
            (
                f"{metrics['hyperparameters']['learning_rate']:g}",
                f"{metrics['costs'][-1][1]:.6f}",
                f"{metrics['train_accuracy']:.6f}",
                f"{metrics['test_accuracy']:.6f}",
                f"{metrics['fit_seconds']:.1f}",
            )
        )
    return "\n".join(
        [
            f"data set  {describe_dataset(dataset)}",
            "",
            table(rows, align_right={1, 2, 3, 4}),
            "",
            f"files  {out}/: learning_rates.png, metrics.json, and one folder per learning "
            f"rate with its model: {', '.join(f'{name}/' for name in folders)}",
        ]
    )


def evaluation_report(matrix, classes, title):
    """Accuracy, per-class precision / recall / F1 and the confusion matrix, as text.

    Parameters
    ----------
    matrix : ndarray of int, shape (n_classes, n_classes)
        Rows: true class; columns: predicted class.
    classes : list of str
    title : str
        First line, e.g. which model and which split.
    """
    precision, recall, f1 = precision_recall_f1(matrix)
    support = matrix.sum(axis=1)
    m = int(support.sum())
    correct = int(np.trace(matrix))
    rows = [("class", "precision", "recall", "F1", "support")]
    for k, name in enumerate(classes):
        rows.append(
            (name, f"{precision[k]:.4f}", f"{recall[k]:.4f}", f"{f1[k]:.4f}", str(support[k]))
        )
    rows.append(
        (
            "macro average",
            f"{precision.mean():.4f}",
            f"{recall.mean():.4f}",
            f"{f1.mean():.4f}",
            str(m),
        )
    )
    confusion = [("true \\ predicted", *classes)]
    for k, name in enumerate(classes):
        confusion.append((name, *(str(count) for count in matrix[k])))
    lines = [
        title,
        f"accuracy  {correct / m:.4f} ({correct}/{m})",
        "",
        table(rows, align_right={1, 2, 3, 4}),
        "",
        "confusion matrix (rows: true class, columns: predicted class)",
        table(confusion, align_right=set(range(1, len(classes) + 1))),
    ]
    if len(classes) == 2:
        lines.insert(
            2,
            f"for class {classes[1]!r}: precision {precision[1]:.4f}, recall {recall[1]:.4f}, "
            f"F1 {f1[1]:.4f}",
        )
    return "\n".join(lines)


def model_facts(metadata):
    """The recorded data set, preprocessing, training settings and accuracies of a model."""
    rows = []
    data = metadata.get("dataset")
    if data:
        options = ", ".join(f"{k} {v}" for k, v in data.items() if k != "name" and v is not None)
        rows.append(("data set", f"{data.get('name')}{f' ({options})' if options else ''}"))
    if metadata.get("classes"):
        rows.append(("classes", ", ".join(metadata["classes"])))
    if metadata.get("preprocessing"):
        rows.append(("preprocessing", describe_preprocessing(metadata["preprocessing"])))
    for split in ("train", "test"):
        if metadata.get(f"{split}_accuracy") is not None:
            rows.append((f"{split} accuracy", f"{metadata[f'{split}_accuracy']:.6f}"))
    if metadata.get("transferred_from"):
        rows.append(("started from", metadata["transferred_from"]))
    if not rows:
        return "no training record (the model was saved without metadata)"
    width = max(len(label) for label, _ in rows)
    lines = [f"{label.ljust(width)}  {text}" for label, text in rows]
    training = {k: v for k, v in (metadata.get("training") or {}).items() if v is not None}
    if training:
        lines.append("training settings:")
        width = max(len(key) for key in training)
        lines.extend(
            f"  {key.ljust(width)}  {value_text(value, exact=True)}"
            for key, value in training.items()
        )
    return "\n".join(lines)


def describe_preprocessing(record):
    """One phrase for a recorded preprocessing, e.g. ``64x64x3 pictures, values / 255``."""
    if record.get("input") == "image":
        h, w, c = record["image_shape"]
        text = f"{h}x{w}x{c} pictures, values / {record['scale']:g}"
        if record.get("invert"):
            text += " (ink stored as high values)"
        return text
    text = f"{record.get('n_features')} features, values / {record.get('scale', 1):g}"
    if record.get("mean") is not None:
        text += ", standardised with the training split's mean and std"
    return text


def _accuracy_text(metrics, split):
    return (
        f"accuracy {metrics[f'{split}_accuracy']:.6f} "
        f"({metrics[f'{split}_correct']}/{metrics[f'm_{split}']})"
    )


def _early_stopping_text(metrics):
    stopped = "stopped early" if metrics.get("stopped_early") else "ran to the end"
    return f"{stopped}; kept the parameters of {_position(metrics, metrics['best_iteration'])}"


def _position(metrics, iteration):
    """``iteration 7``, or ``epoch 1 (iteration 44)`` for a mini-batch run: its costs are
    epochs' means, recorded at each epoch's last iteration."""
    return position_text(iteration, metrics.get("iterations_per_epoch", 1))


# -- model selection (``train --cv``, ``tune``) ------------------------------------------------

TUNE_COLUMNS = {setting.estimator: setting.name.replace("_", " ") for setting in TUNABLE}
"""Column titles of the settings in the ``deepcat tune`` table, by estimator setting."""


def cv_summary(results, rates, dataset):
    """What ``deepcat train --cv K`` found before training: one line per learning rate, then
    the majority-class baseline of the same folds.

    Parameters
    ----------
    results : list of CVResult
        One per learning rate, in the order of ``rates``.
    rates : list of float
    dataset : Dataset
        Whose training split the folds divide (the results' labels index its classes).
    """
    head = f"cross-validation on the {dataset.train_y.size} training examples"
    if len(results) == 1:
        lines = [f"{head}: {results[0].summary()}"]
    else:
        lines = [f"{head}:"]
        lines.extend(
            f"  learning rate {rate:g}: {result.summary()}"
            for rate, result in zip(rates, results, strict=True)
        )
    lines.append(baseline_line(results, dataset.classes))
    return "\n".join(lines)


def baseline_line(results, classes):
    """``always answering 'non-cat' scores 0.6555 on the same folds`` and, when no setting
    beats it, a warning that the network learnt nothing useful for these folds.

    Parameters
    ----------
    results : sequence of CVResult
        Sharing the same folds, so the same baseline.
    classes : list of str
    """
    baseline = results[0].baseline
    line = (
        f"baseline: always answering {classes[baseline.label]!r}, the most common class, "
        f"scores {baseline.mean:.4f} on the same folds"
    )
    if not any(result.beats_baseline for result in results):
        line += "; no setting here does better"
    return line


def tune_plan(dataset, base, n_settings, cv, n_processes, scheduler=None, rounds=None):
    """The lines ``deepcat tune`` prints before it starts: the data, base settings and work.

    Parameters
    ----------
    dataset : Dataset
    base : dict
        Setting name to value, for the settings the grid does not vary.
    n_settings, cv, n_processes : int
    scheduler : str, optional
        The Dask scheduler's address when the fits run on a cluster.
    rounds : (str, list of Rung), optional
        A successive halving's resource and rounds
        (:func:`deepcat.cli.tuning.halving_rounds`).
    """
    settings = " ".join(
        f"{option_flag(name)} {value_text(value, exact=True)}"
        for name, value in base.items()
        if value is not None
    )
    if scheduler is None:
        place = f"in {n_processes} process{'es' if n_processes != 1 else ''}"
    else:
        place = f"on the Dask cluster at {scheduler}"
    plural = "s" if n_settings != 1 else ""
    if rounds is None:
        work = (
            f"grid: {n_settings} setting{plural} x {cv} folds of the training split = "
            f"{n_settings * cv} fits, {place}"
        )
    else:
        resource, rungs = rounds
        steps = ", ".join(f"{rung.candidates} x {rung.resources} {resource}" for rung in rungs)
        fits = cv * sum(rung.candidates for rung in rungs)
        work = (
            f"successive halving: {n_settings} setting{plural}, {len(rungs)} round"
            f"{'s' if len(rungs) != 1 else ''} ({steps}) x {cv} folds of the training split "
            f"= {fits} fits, {place}"
        )
    return "\n".join([describe_dataset(dataset), f"base settings: {settings}", work])


def tune_table(results):
    """The ranked table of a search: rank, the settings, mean and spread of accuracy.

    Parameters
    ----------
    results : SearchResults
        Its ``names`` are keys of :data:`TUNE_COLUMNS`.
    """
    rows = results.rows()
    notes = any(row["error"] for row in rows)
    # After a successive halving: the round each setting reached, and its iterations there.
    rounds = ("rung", results.resource) if results.resource is not None else ()
    header = ["rank", *(TUNE_COLUMNS[name] for name in results.names), *rounds]
    lines = [header + ["mean accuracy", "std"] + (["note"] if notes else [])]
    for row in rows:
        cells = [str(row["rank"]), *(value_text(row[name], none="all") for name in results.names)]
        cells += [str(row[name]) for name in rounds]
        cells += [f"{row['mean_accuracy']:.4f}", f"{row['std_accuracy']:.4f}"]
        lines.append(cells + ([row["error"]] if notes else []))
    n = len(results.names) + len(rounds)
    right = {0, n + 1, n + 2} | set(range(len(results.names) + 1, n + 1))
    return table(lines, align_right=right)


def tune_report(results, classes):
    """:func:`tune_table` followed by the majority-class baseline of the same folds."""
    return f"{tune_table(results)}\n{baseline_line(results.results, classes)}"
