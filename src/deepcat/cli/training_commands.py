"""``deepcat train`` and ``deepcat tune``: read the options, call :mod:`deepcat.runs.train` and
:mod:`deepcat.cli.tuning`, print :mod:`deepcat.cli.reports`."""

from __future__ import annotations

import math
from contextlib import contextmanager

import click

from deepcat.cli.errors import failures, interrupted, usage_errors
from deepcat.cli.options import (
    dataset_options_for,
    datasets_epilog,
    grid_options,
    n_jobs_option,
    train_options,
    tune_base_options,
)
from deepcat.data.datasets import LOADER_OPTIONS, default_dataset, load_dataset, loader_options
from deepcat.runs import claim as run_claim
from deepcat.runs import folder as run_folder
from deepcat.training.settings import SETTINGS, TUNABLE

TRAINING_DATASET = (
    "catvnoncat when its files are found (see --data-dir), else scikit-learn's breast-cancer"
)
"""What train and tune use without --dataset: :func:`deepcat.data.datasets.default_dataset`."""


@click.command(epilog=datasets_epilog())
@dataset_options_for(TRAINING_DATASET)
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
@click.option(
    "--out",
    metavar="RUN_DIR",
    help=f"Folder for the run's files. [default: {run_folder.DEFAULT_RUN_DIR}, the time it starts]",
)
@click.option("--force", is_flag=True, help="Replace the files of an existing RUN_DIR.")
@click.pass_context
def train(
    ctx,
    dataset,
    from_model,
    freeze,
    cv,
    n_jobs,
    out,
    force,
    **given,
):
    """Train a network and write model.npz, metrics.json and cost.png into RUN_DIR.

    Pictures also get mislabeled.png (the test pictures predicted wrong), points in 2-D
    decision_boundary.png. Several learning rates get one subfolder each, with those
    files, and learning_rates.png to compare them.

    With --cv K, the K-fold accuracy (folds of the training split; the test split is
    not used) is printed first and recorded in metrics.json.
    """
    typed_data = {name: given.pop(name) for name in LOADER_OPTIONS}
    _check_transfer_options(ctx, from_model, freeze, given)
    if cv is not None and from_model is not None:
        raise click.UsageError(
            "--cv cannot be combined with --from: cross-validation trains new networks", ctx
        )
    with usage_errors(ctx):
        out = run_folder.out_path(out, run_folder.default_run_dir)
    with claimed(out, "train", run_dir=True):
        with usage_errors(ctx):
            run_folder.check_run_dir(out, force)
        dataset, data_options = _choose_dataset(ctx, dataset, typed_data)
        if dataset == "folder":
            with usage_errors(ctx):
                run_folder.check_apart(out, data_options["data_dir"])
        _train(ctx, out, force, dataset, data_options, from_model, freeze, cv, n_jobs, given)


def _train(ctx, out, force, dataset, data_options, from_model, freeze, cv, n_jobs, given):
    """``deepcat train`` once its --out is claimed and checked."""
    from deepcat.cli.reports import comparison_summary, rising_cost_warnings, train_summary
    from deepcat.network import Network
    from deepcat.runs import train as runs

    with failures():
        data = load_dataset(dataset, **data_options)
        source = Network.load(from_model) if from_model else None
    settings = runs.resolve_settings(dataset, given, source)
    with usage_errors(ctx):
        runs.check_settings(settings, n_hidden=len(settings["hidden"]))
    cv_results = _cross_validate(ctx, data, settings, cv, n_jobs, out) if cv else None
    data_record = {"name": dataset} | data_options
    staged = run_folder.StagedRunDir(out, force)
    try:
        with staged:
            with failures(out):
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
            # Signals that come from the commit on act at the end of the block, after this.
            if folders:
                click.echo(comparison_summary(data, all_metrics, out, folders))
            else:
                click.echo(train_summary(data, all_metrics[0], out, files))
            for warning in rising_cost_warnings(all_metrics):
                click.echo(warning, err=True)
    except KeyboardInterrupt:
        if staged.committed:
            interrupted(f"the run was written to {out} before the command could stop")
        else:
            interrupted(f"training stopped and nothing was written to {out}")
    except click.ClickException as error:
        raise click.ClickException(
            f"{error.format_message()}\nNothing was written to {out}."
        ) from None


@contextmanager
def claimed(out, command, *, run_dir=False):
    """Hold :class:`~deepcat.runs.claim.Claim` on ``out`` for the block, printing its notes
    on stderr; a claim that cannot be had is a one-line failure (exit 1), before any work."""
    claim = run_claim.Claim(out, command, run_dir=run_dir)
    try:
        claim.__enter__()
    except run_claim.ClaimError as error:
        raise click.ClickException(error.strerror) from None
    except OSError as error:
        raise click.ClickException(f"cannot write to {out}: {error.strerror}") from None
    try:
        for note in claim.notes:
            click.echo(note, err=True)
        yield claim
    finally:
        claim.__exit__(None, None, None)


def _cross_validate(ctx, data, settings, cv, n_jobs, out):
    """``train --cv``: print and return the K-fold results of each learning rate."""
    from deepcat.cli import tuning
    from deepcat.cli.reports import cv_summary

    with usage_errors(ctx):
        tuning.check_cv(data, cv)
    try:
        with failures():
            results = tuning.cross_validate_rates(data, settings, cv, n_jobs)
    except KeyboardInterrupt:
        interrupted(f"nothing was written to {out}")
    click.echo(cv_summary(results, settings["learning_rates"], data))
    return results


@click.command(
    epilog="\b\nExample, 3 x 2 x 2 = 12 settings of 5 folds each:\n"
    "  deepcat tune --dataset digits --learning-rate 0.01,0.003,0.001 --hidden 64 "
    "--hidden 32,16 --lambd 0,0.5\n\n" + datasets_epilog()
)
@dataset_options_for(TRAINING_DATASET)
@grid_options
@tune_base_options
@click.pass_context
def tune(
    ctx,
    dataset,
    cv,
    n_jobs,
    search,
    factor,
    min_resources,
    dask_scheduler,
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
    CSV. The folds are seeded, so the same command gives the same table, in local
    processes or on a Dask cluster (--dask-scheduler). With --search halving, the
    settings go through rounds of successive halving, and the table gives each
    setting's last round.
    """
    from deepcat.cli import tuning

    typed_data = {name: given.pop(name) for name in LOADER_OPTIONS}
    halving = _halving_options(ctx, search, factor, min_resources)
    if dask_scheduler is not None:
        _check_dask()
    with usage_errors(ctx):
        out = run_folder.out_path(out, tuning.default_table_path)
    with claimed(out, "tune"):
        with usage_errors(ctx):
            tuning.check_table_path(out, force)
        where = {"n_jobs": n_jobs, "scheduler": dask_scheduler, "halving": halving}
        _tune(ctx, out, force, dataset, cv, where, typed_data, given)


def _halving_options(ctx, search, factor, min_resources):
    """``{"factor": ..., "min_resources": ...}`` for --search halving, else None; the
    halving's options without it are a usage error."""
    if search == "halving":
        return {"factor": factor, "min_resources": min_resources}
    given = [
        flag
        for name, flag in (("factor", "--factor"), ("min_resources", "--min-resources"))
        if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE
    ]
    if given:
        raise click.UsageError(f"{', '.join(given)} needs --search halving", ctx)
    return None


def _check_dask():
    """Refuse --dask-scheduler in one line when dask[distributed] is missing or too old."""
    from deepcat.sklearn.cluster import distributed_module

    try:
        distributed_module()
    except ImportError as error:
        raise click.ClickException(str(error)) from None


def _tune(ctx, out, force, dataset, cv, where, typed_data, given):
    """``deepcat tune`` once its --out is claimed and checked."""
    from deepcat.cli import tuning
    from deepcat.cli.reports import tune_plan, tune_report
    from deepcat.runs import train as runs

    grid_given = {setting.name: given.pop(setting.name) for setting in TUNABLE}
    grid_given["hidden"] = list(grid_given["hidden"])
    dataset, data_options = _choose_dataset(ctx, dataset, typed_data)
    settings = runs.resolve_settings(dataset, given)
    grid = tuning.grid_values(settings, grid_given)
    with usage_errors(ctx):
        tuning.check_grid(settings, grid)
    with failures():
        data = load_dataset(dataset, **data_options)
    with usage_errors(ctx):
        tuning.check_cv(data, cv)
    base = {s.name: settings.get(s.name) for s in SETTINGS if not s.tunable}
    n_settings = math.prod(len(values) for values in grid.values())
    rounds = None
    if where["halving"] is not None:
        with usage_errors(ctx):
            rounds = tuning.halving_rounds(settings, n_settings, **where["halving"])
    n_processes = tuning.processes(where["n_jobs"], n_settings * cv)
    click.echo(tune_plan(data, base, n_settings, cv, n_processes, where["scheduler"], rounds))
    try:
        with failures():
            results = tuning.search(
                data,
                settings,
                grid,
                tuning.estimator_settings(settings, grid["learning_rate"][0]),
                cv,
                where["n_jobs"],
                "tune",
                scheduler=where["scheduler"],
                halving=where["halving"],
            )
        try:
            # Checked again: a file may have appeared at --out during the search.
            tuning.check_table_path(out, force)
            results.to_csv(out)
            unwritten = None
        except OSError as error:
            unwritten = error
    except KeyboardInterrupt:
        interrupted(f"nothing was written to {out}")
    click.echo()
    click.echo(tune_report(results, data.classes))
    click.echo()
    if results.best.error is None:
        typed = typed_data | given
        searched = [name for name, values in grid_given.items() if values]
        command = tuning.train_command(dataset, typed, results.best.params, searched)
        click.echo(f"train the best setting: {command}")
    else:
        click.echo("no setting trained without diverging; see the note column")
    if unwritten is not None:
        raise click.ClickException(
            f"the table above could not be written to {out}: {unwritten.strerror or unwritten}"
        )
    click.echo(f"table written to {out}")


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


def _choose_dataset(ctx, dataset, data_options):
    """The data set to use (the default one when ``dataset`` is None) and its loader options;
    the first line of output says which, and why when it was chosen for the user."""
    with failures():
        if dataset is None:
            dataset, reason = default_dataset(data_options["data_dir"])
            click.echo(f"data set: {dataset}, because {reason}")
        else:
            click.echo(f"data set: {dataset}")
    with usage_errors(ctx):
        return dataset, loader_options(dataset, **data_options)
