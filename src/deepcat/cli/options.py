"""The command line's options, generated from the one declaration of every setting.

``deepcat train`` takes one option per :data:`deepcat.training.settings.SETTINGS` entry, with the
setting's range as its click type (so a bad value is a usage error before any work) and its
help line; ``deepcat tune`` takes a list of values to try for each tunable setting, and the
others as its base settings. Nothing here states a range, a default or a help text of its own.
"""

from __future__ import annotations

import click

from deepcat.data.datasets import DATASETS
from deepcat.formatting import value_text
from deepcat.runs.folder import STAMP_PLACEHOLDER
from deepcat.runs.option_types import flag, list_type, value_type
from deepcat.training.settings import SETTINGS, TUNABLE
from deepcat.training.values import Sizes


class Processes(click.ParamType):
    """joblib's ``n_jobs``: a number of processes >= 1, or -1 for one per core."""

    name = "N"

    def convert(self, value, param, ctx):
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not (number == -1 or number >= 1):
            self.fail(
                f"expected a number of processes >= 1, or -1 for every core; got {value}",
                param,
                ctx,
            )
        return number


class SchedulerAddress(click.ParamType):
    """A Dask scheduler's address, ``tcp://HOST:PORT`` (checked by the cluster module)."""

    name = "ADDRESS"

    def convert(self, value, param, ctx):
        from deepcat.sklearn.cluster import check_address

        try:
            return check_address(value)
        except ValueError as error:
            self.fail(str(error).replace("scheduler must be", "expected"), param, ctx)


def setting_options(command, settings):
    """Decorate ``command`` with one option per setting, in the order given."""
    for setting in reversed(settings):
        command = click.option(flag(setting), type=value_type(setting), help=setting.help)(command)
    return command


def train_options(command):
    """Every network and training setting, as ``deepcat train`` takes it."""
    return setting_options(command, SETTINGS)


def tune_base_options(command):
    """The settings ``deepcat tune`` does not search over: one value each."""
    return setting_options(command, [setting for setting in SETTINGS if not setting.tunable])


def grid_options(command):
    """The values ``deepcat tune`` tries for each tunable setting, and its own options."""
    options = [
        click.option(
            flag(setting),
            type=list_type(setting),
            multiple=isinstance(setting.value, Sizes),
            help=setting.grid_help,
        )
        for setting in TUNABLE
    ]
    options += [
        click.option(
            "--cv",
            type=click.IntRange(min=2),
            default=5,
            show_default=True,
            metavar="K",
            help="Folds of the stratified K-fold cross-validation.",
        ),
        n_jobs_option,
        click.option(
            "--search",
            type=click.Choice(["grid", "halving"]),
            default="grid",
            show_default=True,
            help="grid: every setting trains the full --iterations/--epochs. halving: "
            "successive halving, as scikit-learn's HalvingGridSearchCV: every setting trains "
            "briefly, and only the best 1/FACTOR of each round trains FACTOR times longer; for "
            "large grids. Small learning rates can look poor early and be dropped.",
        ),
        click.option(
            "--factor",
            type=click.IntRange(min=2),
            default=3,
            show_default=True,
            help="With --search halving: the share of settings each round keeps (1/FACTOR) "
            "and how much longer it trains them.",
        ),
        click.option(
            "--min-resources",
            type=click.IntRange(min=1),
            metavar="N",
            help="With --search halving: the iterations (or epochs) of the first round. "
            "[default: the most that lets the last round train the full budget]",
        ),
        click.option(
            "--dask-scheduler",
            type=SchedulerAddress(),
            metavar="tcp://HOST:PORT",
            help="Train the fits on this Dask cluster instead of local processes (needs "
            "deepcat[dask], and deepcat importable by the workers); the table is the same.",
        ),
        click.option(
            "--out",
            metavar="CSV",
            help=f"File for the ranked table. [default: runs/tune-{STAMP_PLACEHOLDER}.csv]",
        ),
        click.option("--force", is_flag=True, help="Replace an existing CSV file."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def n_jobs_option(command):
    """``--n-jobs``: how many processes train the folds."""
    return click.option(
        "--n-jobs",
        type=Processes(),
        default=-1,
        show_default=True,
        help="Processes that train cross-validation folds at once; -1: one per core. At most "
        "one per fit and one per core are started: more processes than cores only compete "
        "for them.",
    )(command)


def dataset_options_for(dataset_default):
    """A decorator adding ``--dataset``, ``--data-dir``, ``--test-fraction``, ``--split-seed``
    and ``--image-size`` to a command, whose ``--dataset`` help gives ``dataset_default``
    (the command's own words for the data set it uses when the option is left out)."""

    def decorate(command):
        return _data_options(command, dataset_default)

    return decorate


dataset_options = dataset_options_for("the one MODEL was trained on")
"""The data options of a command that reads a model (``deepcat evaluate``)."""


def _data_options(command, dataset_default):
    options = [
        click.option(
            "--dataset",
            type=click.Choice(list(DATASETS)),
            help=f"Data set to use. [default: {dataset_default}]",
        ),
        click.option(
            "--data-dir",
            metavar="DIR",
            help="catvnoncat: folder with the two .h5 files (default $DEEPCAT_DATA, then "
            "./datasets). folder: the folder with one subfolder of pictures per class; the "
            "classes are the subfolder names in alphabetical order, except that non-cat/ and "
            "cat/ keep the course's order (non-cat = 0, cat = 1).",
        ),
        click.option(
            "--test-fraction",
            type=click.FloatRange(0, 1, min_open=True, max_open=True),
            help=f"Share of each class held out for testing ({_split_sets()}; default 0.2).",
        ),
        click.option(
            "--split-seed",
            type=click.IntRange(min=0),
            help=f"Seed of the train/test split ({_split_sets()}; default 0).",
        ),
        click.option(
            "--image-size",
            type=click.IntRange(min=1),
            help="folder: resize pictures to SIZE x SIZE (default 64).",
            metavar="SIZE",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def datasets_epilog():
    """The data sets and their default training settings, for ``--help`` of train and tune."""
    lines = ["\b", "Data sets and their default training settings:"]
    for name, source in DATASETS.items():
        defaults = ", ".join(
            f"{key.replace('_', '-')} {value_text(value)}" for key, value in source.defaults.items()
        )
        lines.append(f"  {name:<14}{source.summary}")
        lines.append(f"  {'':<14}defaults: {defaults}")
    return "\n".join(lines)


def _split_sets():
    """The data sets that --test-fraction and --split-seed apply to, for their help."""
    return ", ".join(name for name, source in DATASETS.items() if "split_seed" in source.options)
