"""``deepcat evaluate``, ``predict`` and ``inspect``: read the options, call
:mod:`deepcat.cli.evaluation`, print :mod:`deepcat.cli.reports`."""

from __future__ import annotations

import click

from deepcat.cli import evaluation
from deepcat.cli.errors import failures, usage_errors
from deepcat.cli.options import dataset_options
from deepcat.cli.reports import evaluation_report, model_facts
from deepcat.data.preprocessing import image_record
from deepcat.network import Network


@click.command()
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
    with failures():
        network = Network.load(model)
        name, recorded = evaluation.evaluation_data_set(network, model, dataset)
    given = {
        "data_dir": data_dir,
        "test_fraction": test_fraction,
        "split_seed": split_seed,
        "image_size": image_size,
    }
    with usage_errors(click.get_current_context()):
        options = evaluation.evaluation_options(name, recorded, given)
    with failures():
        matrix, classes = evaluation.confusion_on_split(network, name, options, split)
    title = f"{model} on the {split} split of {name} ({int(matrix.sum())} examples)"
    click.echo(evaluation_report(matrix, classes, title))


@click.command()
@click.argument("model")
@click.argument("images", nargs=-1, required=True)
def predict(model, images):
    """Predict the class of each picture in IMAGES with MODEL, one line per picture.

    Any format Pillow reads; pictures are turned upright, laid over white where
    transparent, resized with antialiasing and scaled as in training. A file that
    cannot be read gets an error line and the exit status 1; the others are
    still predicted.
    """
    with failures():
        network = Network.load(model)
        record = image_record(network)
    classes = evaluation.class_names(network)
    unreadable = 0
    for path in images:
        try:
            label, probability = evaluation.predict_picture(network, record, path)
        except (ValueError, OSError) as error:
            click.echo(f"error: {error}", err=True)
            unreadable += 1
            continue
        click.echo(f"{path}: {classes[label]} (probability {probability:.4f})")
    return 1 if unreadable else 0


@click.command()
@click.argument("model")
def inspect(model):
    """Show MODEL's layers and the settings it was trained with."""
    with failures():
        network = Network.load(model)
    click.echo(network.summary())
    click.echo()
    click.echo(model_facts(network.metadata))
