"""The ``deepcat`` command: ``train``, ``tune``, ``evaluate``, ``predict`` and ``inspect``.

Built on click. Each subcommand is one function that reads its options and
calls the library (:mod:`deepcat.cli.runs`, :mod:`deepcat.cli.tuning`,
:mod:`deepcat.data.datasets`, :mod:`deepcat.cli.reports`); the option groups are
decorators shared by ``train`` and ``tune``.

Exit status: 0 on success, 1 when the work failed (missing or broken files, a
diverging run, a picture that cannot be read), 2 for a usage error (a bad
option value), 130 when interrupted with Ctrl-C. Errors are printed as one or
two plain lines on stderr, never as a traceback.
"""

from __future__ import annotations

import math
import re
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from deepcat import __version__
from deepcat.cli.options import (
    dataset_options,
    grid_options,
    n_jobs_option,
    train_options,
    tune_base_options,
)
from deepcat.data.datasets import DATASETS
from deepcat.formatting import option_flag, value_text
from deepcat.training.loop import DivergenceError
from deepcat.training.settings import FIT, SETTINGS, TUNABLE

INTERRUPTED = 130
"""Exit status after Ctrl-C, the shell's 128 + SIGINT."""


def _datasets_epilog():
    lines = ["\b", "Data sets and their default training settings:"]
    for name, source in DATASETS.items():
        defaults = ", ".join(
            f"{key.replace('_', '-')} {value_text(value)}" for key, value in source.defaults.items()
        )
        lines.append(f"  {name:<14}{source.summary}")
        lines.append(f"  {'':<14}defaults: {defaults}")
    return "\n".join(lines)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="deepcat")
def cli():
    """Train, evaluate and use L-layer neural networks: the cat classifier of the
    deeplearning.ai course, from NumPy."""


@cli.command(epilog=_datasets_epilog())
@dataset_options
@train_options
@click.option(
    "--from",
    "from_model",
    metavar="MODEL",
    help="Start from a trained model: keep its hidden layers, put a new output layer on top.",
)
@click.option(
    "--freeze",
    type=click.IntRange(min=0),
    help="With --from: how many of the kept layers stay unchanged. [default: 0]",
)
@click.option(
    "--cv",
    type=click.IntRange(min=2),
    metavar="K",
    help="First estimate the accuracy of these settings by stratified K-fold "
    "cross-validation on the training split and print its mean and spread, then train on the "
    "whole training split as usual. [default: no cross-validation]",
)
@n_jobs_option
@click.option("--out", metavar="RUN_DIR", help="Folder for the run's files. [default: runs/<time>]")
@click.option("--force", is_flag=True, help="Replace the files of an existing RUN_DIR.")
@click.pass_context
def train(
    ctx,
    dataset,
    data_dir,
    test_fraction,
    split_seed,
    image_size,
    from_model,
    freeze,
    cv,
    n_jobs,
    out,
    force,
    **given,
):
    """Train a network and write model.npz, metrics.json, cost.png (and mislabeled.png).

    With --cv K, the K-fold accuracy (folds of the training split; the test split is
    not used) is printed first and recorded in metrics.json.
    """
    from deepcat.cli import runs
    from deepcat.cli.reports import comparison_summary, train_summary
    from deepcat.data.datasets import load_dataset
    from deepcat.network import Network

    _check_transfer_options(ctx, from_model, freeze, given)
    if cv is not None and from_model is not None:
        raise click.UsageError(
            "--cv cannot be combined with --from: cross-validation trains new networks", ctx
        )
    out = Path(out) if out else runs.default_run_dir()
    with _usage_errors(ctx):
        runs.check_run_dir(out, force)
    with _failures():
        dataset, data_options = _choose_dataset(
            dataset, data_dir, test_fraction, split_seed, image_size
        )
        data = load_dataset(dataset, **data_options)
        source = Network.load(from_model) if from_model else None
    settings = runs.resolve_settings(dataset, given)
    if source is not None:
        settings["hidden"] = source.layer_dims[1:-1]
        settings["dtype"] = source.dtype.__name__
    with _usage_errors(ctx):
        runs.check_settings(settings, n_hidden=len(settings["hidden"]))
    cv_results = _cross_validate(ctx, data, settings, cv, n_jobs, out) if cv else None
    data_record = {"name": dataset} | data_options
    try:
        with runs.StagedRunDir(out) as staged, _failures():
            all_metrics, folders, files = runs.train_and_write(
                staged.staging,
                data,
                settings,
                data_record,
                source,
                freeze or 0,
                from_model,
                cv_results=cv_results,
            )
            staged.commit()
    except KeyboardInterrupt:
        click.echo(f"interrupted: training stopped and nothing was written to {out}", err=True)
        raise click.exceptions.Exit(INTERRUPTED) from None
    except click.ClickException as error:
        raise click.ClickException(
            f"{error.format_message()}\nNothing was written to {out}."
        ) from None
    if folders:
        click.echo(comparison_summary(data, all_metrics, out, folders))
    else:
        click.echo(train_summary(data, all_metrics[0], out, files))


def _cross_validate(ctx, data, settings, cv, n_jobs, out):
    """``train --cv``: print and return the K-fold results of each learning rate."""
    from deepcat.cli import tuning
    from deepcat.cli.reports import cv_summary

    with _usage_errors(ctx):
        tuning.check_cv(data, cv)
    try:
        with _failures():
            results = tuning.cross_validate_rates(data, settings, cv, n_jobs)
    except KeyboardInterrupt:
        click.echo(f"interrupted: nothing was written to {out}", err=True)
        raise click.exceptions.Exit(INTERRUPTED) from None
    click.echo(cv_summary(results, settings["learning_rates"], data.train_y.size))
    return results


@cli.command(
    epilog="\b\nExample, 3 x 2 x 2 = 12 settings of 5 folds each:\n"
    "  deepcat tune --dataset digits --learning-rate 0.01,0.003,0.001 --hidden 64 "
    "--hidden 32,16 --lambd 0,0.5\n\n" + _datasets_epilog()
)
@dataset_options
@grid_options
@tune_base_options
@click.pass_context
def tune(
    ctx,
    dataset,
    data_dir,
    test_fraction,
    split_seed,
    image_size,
    cv,
    n_jobs,
    out,
    force,
    **given,
):
    """Cross-validate a grid of settings and print them ranked by mean accuracy.

    Every combination of the values given to --learning-rate, --hidden, --lambd,
    --keep-prob and --batch-size is trained on K stratified folds of the training
    split (the test split is not used) and scored on the held-out fold. A grid
    option left out keeps its single base value; the other options set the base
    settings, with the same defaults as train. The ranked table (mean and standard
    deviation of the fold accuracies, and each fold's accuracy) is also written as
    CSV. The folds are seeded, so the same command gives the same table.
    """
    from deepcat.cli import runs, tuning
    from deepcat.cli.reports import tune_plan, tune_table
    from deepcat.data.datasets import load_dataset

    out = Path(out) if out else tuning.default_table_path()
    with _usage_errors(ctx):
        tuning.check_table_path(out, force)
    grid_given = {setting.name: given.pop(setting.name) for setting in TUNABLE}
    grid_given["hidden"] = list(grid_given["hidden"])
    with _failures():
        dataset, data_options = _choose_dataset(
            dataset, data_dir, test_fraction, split_seed, image_size
        )
    settings = runs.resolve_settings(dataset, given)
    grid = tuning.grid_values(settings, grid_given)
    with _usage_errors(ctx):
        tuning.check_grid(settings, grid)
    with _failures():
        data = load_dataset(dataset, **data_options)
    with _usage_errors(ctx):
        tuning.check_cv(data, cv)
    base = {s.name: settings.get(s.name) for s in SETTINGS if not s.tunable}
    n_settings = math.prod(len(values) for values in grid.values())
    click.echo(tune_plan(data, base, n_settings, cv, tuning.processes(n_jobs, n_settings * cv)))
    try:
        with _failures():
            results = tuning.search(
                tuning.training_inputs(data, settings),
                data.train_y,
                grid,
                tuning.estimator_settings(settings, grid["learning_rate"][0]),
                cv,
                n_jobs,
                "tune",
            )
            results.to_csv(out)
    except KeyboardInterrupt:
        click.echo(f"interrupted: nothing was written to {out}", err=True)
        raise click.exceptions.Exit(INTERRUPTED) from None
    click.echo()
    click.echo(tune_table(results))
    click.echo()
    if results.best.error is None:
        typed = {
            "data_dir": data_dir,
            "test_fraction": test_fraction,
            "split_seed": split_seed,
            "image_size": image_size,
        } | given
        searched = [name for name, values in grid_given.items() if values]
        command = tuning.train_command(dataset, typed, results.best.params, searched)
        click.echo(f"train the best setting: {command}")
    else:
        click.echo("no setting trained without diverging; see the note column")
    click.echo(f"table written to {out}")


@cli.command()
@click.argument("model")
@dataset_options
@click.option(
    "--split",
    type=click.Choice(["test", "train"]),
    default="test",
    show_default=True,
    help="Which part of the data set to evaluate on.",
)
def evaluate(model, dataset, data_dir, test_fraction, split_seed, image_size, split):
    """Accuracy, precision, recall, F1 and confusion matrix of MODEL on a test split.

    The data set and split are those MODEL was trained on unless options say otherwise.
    """
    from deepcat.cli.reports import evaluation_report
    from deepcat.core.metrics import confusion_matrix
    from deepcat.data.datasets import load_dataset
    from deepcat.data.preprocessing import model_inputs
    from deepcat.network import Network

    with _failures():
        network = Network.load(model)
        recorded = dict(network.metadata.get("dataset") or {})
        name = dataset or recorded.pop("name", None)
        if name is None:
            raise ValueError(f"{model} records no data set; pass --dataset")
        if dataset is not None and dataset != recorded.get("name", dataset):
            recorded = {}
        recorded.pop("name", None)
        given = {
            "data_dir": data_dir,
            "test_fraction": test_fraction,
            "split_seed": split_seed,
            "image_size": image_size,
        }
        options = _data_options(
            name, **(recorded | {k: v for k, v in given.items() if v is not None})
        )
        data = load_dataset(name, **options)
        x_orig, y = (
            (data.test_x_orig, data.test_y)
            if split == "test"
            else (data.train_x_orig, data.train_y)
        )
        predictions = network.predict(model_inputs(network, data, x_orig))
        matrix = confusion_matrix(y, predictions, len(data.classes))
    click.echo(
        evaluation_report(
            matrix, data.classes, f"{model} on the {split} split of {name} ({y.size} examples)"
        )
    )


@cli.command()
@click.argument("model")
@click.argument("images", nargs=-1, required=True)
def predict(model, images):
    """Predict the class of each picture in IMAGES with MODEL, one line per picture.

    Any format Pillow reads; pictures are turned upright, laid over white where
    transparent, resized with antialiasing and scaled as in training. A file that
    cannot be read gets an error line and the exit status 1; the others are
    still predicted.
    """
    from deepcat.data.preprocessing import image_inputs, image_record
    from deepcat.network import Network

    with _failures():
        network = Network.load(model)
        record = image_record(network)
    classes = network.metadata.get("classes") or [str(k) for k in range(network.n_classes)]
    failures = 0
    for path in images:
        try:
            X = image_inputs(path, record, network.dtype)
        except (ValueError, OSError) as error:
            click.echo(f"error: {error}", err=True)
            failures += 1
            continue
        probabilities = network.predict_proba(X)[:, 0]
        label = int(network.predict(X)[0, 0])
        probability = probabilities[0] if network.output == "sigmoid" else probabilities[label]
        if network.output == "sigmoid" and label == 0:
            probability = 1 - probability
        click.echo(f"{path}: {classes[label]} (probability {probability:.4f})")
    return 1 if failures else 0


@cli.command()
@click.argument("model")
def inspect(model):
    """Show MODEL's layers and the settings it was trained with."""
    from deepcat.cli.reports import model_facts
    from deepcat.network import Network

    with _failures():
        network = Network.load(model)
    click.echo(network.summary())
    click.echo()
    click.echo(model_facts(network.metadata))


def main(args=None):
    """Entry point of the ``deepcat`` console script and ``python -m deepcat``."""
    try:
        status = cli.main(args=args, prog_name="deepcat", standalone_mode=False)
    except click.UsageError as error:
        click.echo(f"Error: {error.format_message()}", err=True)
        command = error.ctx.command_path if error.ctx else "deepcat"
        click.echo(f"Run '{command} --help' for the options.", err=True)
        status = error.exit_code
    except click.ClickException as error:
        click.echo(f"Error: {error.format_message()}", err=True)
        status = error.exit_code
    except click.Abort:
        click.echo("interrupted", err=True)
        status = INTERRUPTED
    sys.exit(status or 0)


# -- helpers --------------------------------------------------------------------------------


@contextmanager
def _failures():
    """Turn the library's errors about data, files and training into one-line failures."""
    try:
        yield
    except (ValueError, TypeError, OSError, DivergenceError) as error:
        raise click.ClickException(str(error)) from None


@contextmanager
def _usage_errors(ctx):
    """Turn the library's complaints about option values into usage errors (exit 2)."""
    try:
        yield
    except (ValueError, TypeError, FileExistsError) as error:
        raise click.UsageError(_option_names(str(error)), ctx) from None


def _option_names(message):
    """Write the library's argument names as the options a user typed (keep_prob: --keep-prob)."""
    names = "|".join(sorted((setting.name for setting in FIT), key=len, reverse=True))
    return re.sub(rf"\b({names})\b", lambda m: option_flag(m.group(1)), message)


def _check_transfer_options(ctx, from_model, freeze, given):
    if freeze is not None and from_model is None:
        raise click.UsageError("--freeze needs --from MODEL, the model whose layers to keep", ctx)
    if from_model is not None:
        clashing = [
            f"--{key}" for key in ("hidden", "activation", "dtype") if given[key] is not None
        ]
        if clashing:
            raise click.UsageError(
                f"{', '.join(clashing)} cannot be combined with --from: the hidden layers, "
                "their activation and the dtype come from MODEL",
                ctx,
            )


def _choose_dataset(dataset, data_dir, test_fraction, split_seed, image_size):
    """The data set to use (the default one when ``dataset`` is None) and its loader options;
    the first line of output says which, and why when it was chosen for the user."""
    from deepcat.data.datasets import default_dataset

    if dataset is None:
        dataset, reason = default_dataset(data_dir)
        click.echo(f"data set: {dataset}, because {reason}")
    else:
        click.echo(f"data set: {dataset}")
    options = _data_options(
        dataset,
        data_dir=data_dir,
        test_fraction=test_fraction,
        split_seed=split_seed,
        image_size=image_size,
    )
    return dataset, options


def _data_options(name, **options):
    """The loader options used for data set ``name``, with the split defaults filled in."""
    from deepcat.data.datasets import DEFAULT_IMAGE_SIZE, DEFAULT_TEST_FRACTION, get_source

    source = get_source(name)
    defaults = {
        "test_fraction": DEFAULT_TEST_FRACTION,
        "split_seed": 0,
        "image_size": DEFAULT_IMAGE_SIZE,
    }
    resolved = {k: v for k, v in options.items() if v is not None}
    unused = [k for k in resolved if k not in source.options]
    if unused:
        names = ", ".join(f"--{k.replace('_', '-')}" for k in unused)
        raise click.UsageError(
            f"{names} does not apply to the {name} data set", click.get_current_context(silent=True)
        )
    for key, value in defaults.items():
        if key in source.options:
            resolved.setdefault(key, value)
    if resolved.get("data_dir") is not None:
        resolved["data_dir"] = str(Path(resolved["data_dir"]).resolve())
    return resolved
