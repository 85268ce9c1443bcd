"""``deepcat evaluate``, ``predict`` and ``inspect``: read the options, call
:mod:`deepcat.runs.evaluation`, print :mod:`deepcat.cli.reports`."""

from __future__ import annotations

import os

import click

from deepcat.cli import json_reports
from deepcat.cli.errors import failures, usage_errors
from deepcat.cli.options import dataset_options
from deepcat.cli.reports import evaluation_report, model_facts
from deepcat.core.propagation import DECISION_THRESHOLD
from deepcat.data.preprocessing import image_record
from deepcat.formatting import printable
from deepcat.network import Network
from deepcat.runs import evaluation

json_option = click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON document on stdout instead of the table (see docs/json.md); notes and "
    "errors still go to stderr.",
)


@click.command()
@click.argument("model")
@dataset_options
@click.option(
    "--split",
    type=click.Choice(list(evaluation.SPLITS)),
    default="test",
    show_default=True,
    help="Which part of the data set to evaluate on (all: train and test together, e.g. "
    "for a folder of new pictures).",
)
@json_option
def evaluate(model, dataset, data_dir, test_fraction, split_seed, image_size, split, as_json):
    """Accuracy, precision, recall, F1 and confusion matrix of MODEL on a test split.

    The data set and split options are those MODEL was trained on unless options say
    otherwise. A folder MODEL records is only a hint: it is not read unless you pass it
    with --data-dir (catvnoncat is looked for in $DEEPCAT_DATA, then ./datasets).

    Classes are matched by name: the data set must have the classes MODEL records, in any
    order (a folder of cat/ and non-cat/ pictures evaluates the course's model); other
    names are refused, listing both.
    """
    with failures():
        network = Network.load(model)
        name, recorded, recorded_dir = evaluation.evaluation_data_set(network, model, dataset)
        note = None if data_dir else evaluation.recorded_dir_note(model, name, recorded_dir)
    if note:
        click.echo(note, err=True)
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
    if as_json:
        document = json_reports.evaluation_document(model, name, options, split, matrix, classes)
        click.echo(json_reports.json_text(document))
        return
    part = "every example" if split == "all" else f"the {split} split"
    title = f"{printable(model)} on {part} of {name} ({int(matrix.sum())} examples)"
    click.echo(evaluation_report(matrix, [printable(c) for c in classes], title))


@click.command()
@click.argument("model")
@click.argument("images", nargs=-1, required=True)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    metavar="T",
    help="For a binary (sigmoid) model: a picture is class 1 (cat) when P(class 1) > T. "
    f"[default: {DECISION_THRESHOLD}, the course's rule]",
)
@json_option
def predict(model, images, threshold, as_json):
    """Predict the class of each picture in IMAGES with MODEL, one line per picture.

    IMAGES are picture files or folders. A folder stands for the pictures directly inside
    it, sorted by name: files whose names end as a format Pillow reads (.jpg, .png, ...);
    its other files and subfolders are skipped, and named in a note on stderr.

    Any format Pillow reads, in any colour mode (16-bit and float pictures by their range),
    up to 64 megapixels; an animation is read at its first frame. Pictures are turned
    upright, laid over white where transparent, resized with antialiasing and scaled as in
    training. A path that is not a picture file (a missing file, a named pipe, a device, an
    unreadable or oversized picture) gets an error line and the exit status 1; the others
    are still predicted. A name starting with '-' goes after '--'.

    The probability printed is that of the printed class. With --json, the document (one
    entry per picture, in order, those that could not be read with their error) is printed
    once every picture is read.
    """
    with failures():
        network = Network.load(model)
    if threshold is not None:
        with usage_errors(click.get_current_context()):
            evaluation.check_threshold(network, threshold, "--threshold", printable(model))
    with failures():
        record = image_record(network)
        paths, skipped = evaluation.picture_paths(images)
    for folder, names in skipped:
        click.echo(evaluation.skipped_note(folder, names), err=True)
    classes = evaluation.class_names(network)
    entries = []
    for path in paths:
        try:
            label, probabilities = evaluation.predict_picture(network, record, path, threshold)
        except (ValueError, OSError, MemoryError) as error:
            click.echo(f"error: {printable(error)}", err=True)
            entries.append(json_reports.failure_entry(path, str(error)))
            continue
        entries.append(json_reports.prediction_entry(path, classes, label, probabilities))
        if not as_json:
            result = f"{path}: {classes[label]} (probability {probabilities[label]:.4f})"
            click.echo(printable(result))
    if as_json:
        applied = evaluation.applied_threshold(network, threshold)
        document = json_reports.prediction_document(
            model, classes, network.output, applied, entries
        )
        click.echo(json_reports.json_text(document))
    return 1 if any("error" in entry for entry in entries) else 0


@click.command()
@click.argument("model")
@json_option
def inspect(model, as_json):
    """Show MODEL's layers and the settings it was trained with."""
    with failures():
        network = Network.load(model)
    if as_json:
        click.echo(json_reports.json_text(json_reports.inspection_document(model, network)))
        return
    click.echo(network.summary())
    click.echo()
    click.echo(model_facts(_printable_values(network.metadata)))


@click.command()
@click.argument("model")
@click.option(
    "--onnx",
    "onnx_path",
    required=True,
    metavar="OUT",
    help="Write MODEL as an ONNX model to OUT: it takes raw pictures (N, height, width, "
    "channels) of uint8 pixels, or raw features (N, n_x), preprocesses them as MODEL records, "
    "and gives each class's probability (N, n_L); for sigmoid, P(class 1).",
)
@click.option("--force", is_flag=True, help="Replace OUT if it is an ONNX file deepcat wrote.")
def export(model, onnx_path, force):
    """Export MODEL for runtimes without deepcat (ONNX Runtime and others).

    Needs the onnx package: pip install 'deepcat[onnx]'.
    """
    from deepcat.data.onnx_files import input_text, is_deepcat_onnx

    with failures():
        network = Network.load(model)
    if os.path.lexists(onnx_path) and not (force and is_deepcat_onnx(onnx_path)):
        reason = "is not an ONNX file deepcat wrote" if force else "exists; pass --force"
        raise click.ClickException(printable(f"{onnx_path} {reason}: nothing was written"))
    try:
        with failures(onnx_path):
            network.to_onnx(onnx_path)
    except ImportError:
        raise click.ClickException(
            "exporting to ONNX needs the onnx package: pip install 'deepcat[onnx]'"
        ) from None
    click.echo(printable(f"wrote {onnx_path}: input {input_text(network)}, output probabilities"))


def _printable_values(value):
    """``value`` (the metadata of a model file, which may come from anyone) with every string
    in it, keys included, as :func:`~deepcat.formatting.printable` writes it."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable(k): _printable_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable_values(v) for v in value]
    return value
