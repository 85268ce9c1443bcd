"""The JSON header of a model file, checked field by field before any array is read.

A model file may come from anyone. :func:`parse_header` checks every field that loading and the
``predict``, ``evaluate`` and ``inspect`` commands read, and gives each problem its own sentence
naming the field (``layer_dims``, ``metadata.preprocessing.scale``, ...) and the value found.
Fields it does not know are kept as they are; ``Network.save`` runs the same checks, so deepcat
never writes a file it would refuse.
"""

from __future__ import annotations

import json
import math
from collections import namedtuple

from deepcat.core.initializers import get_initializer
from deepcat.core.validation import (
    DTYPES,
    check_activations,
    check_layer_dims,
    class_name_problem,
)

FORMAT = "deepcat-network"
VERSION = 1
MAX_HEADER_CHARACTERS = 1_000_000
"""The longest header a model file may hold; deepcat's own are under 2,000 characters."""
SEED_LIMIT = 2**32
"""``numpy.random.RandomState`` takes seeds in ``0 .. 2**32 - 1``."""

Outputs = namedtuple("Outputs", "layer_dims output n_classes")


class _FieldError(ValueError):
    """One field is wrong; :func:`parse_header` adds the file's name."""


def parse_header(text, source):
    """The checked header of the model file ``source``, from its JSON ``text``.

    Returns
    -------
    dict
        The header, with ``frozen`` (default 0) and ``metadata`` (default ``{}``) filled in.

    Raises
    ------
    ValueError
        One sentence per problem: not JSON, not a deepcat header, a newer format, or the
        first field that is missing or wrong.
    """
    if len(text) > MAX_HEADER_CHARACTERS:
        raise ValueError(
            f"{source} has a deepcat header of {len(text):,} characters, more than the "
            f"{MAX_HEADER_CHARACTERS:,} a model file may hold"
        )
    try:
        header = json.loads(text, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError) as error:
        raise ValueError(
            f"{source} has a corrupt deepcat header: not valid JSON ({error})"
        ) from None
    if not isinstance(header, dict):
        raise ValueError(
            f"{source} has an invalid deepcat header: it must be a JSON object, "
            f"got {_shown(header)}"
        )
    if header.get("format") != FORMAT:
        raise ValueError(f"{source} is not a deepcat model (its header names no {FORMAT!r} format)")
    try:
        version = _required(header, "version")
        if not _is_int(version) or version < 1:
            _fail("version", "the format version, an integer >= 1", version)
        if version > VERSION:
            raise ValueError(
                f"{source} was written by a newer deepcat (format version {version}); "
                "upgrade deepcat to read it"
            )
        return _checked(header)
    except _FieldError as error:
        raise ValueError(f"{source} has an invalid deepcat header: {error}") from None


def _checked(header):
    dims = _required(header, "layer_dims")
    dims = _checked_by("layer_dims", check_layer_dims, dims)
    L = len(dims) - 1
    activations = _required(header, "activations")
    if not (
        isinstance(activations, list)
        and len(activations) == L
        and all(isinstance(name, str) for name in activations)
    ):
        _fail("activations", f"a list of L = {L} names, g[1] .. g[L]", activations)
    _checked_by("activations", check_activations, activations[:-1], activations[-1], dims)
    _checked_by("init", get_initializer, _required(header, "init"))
    seed = _required(header, "seed")
    if seed is not None and not (_is_int(seed) and 0 <= seed < SEED_LIMIT):
        _fail("seed", f"null or an integer from 0 to {SEED_LIMIT - 1}", seed)
    dtype = _required(header, "dtype")
    if not isinstance(dtype, str) or dtype not in DTYPES:
        _fail("dtype", f"one of {', '.join(map(repr, DTYPES))}", dtype)
    frozen = header.get("frozen", 0)
    if not _is_int(frozen) or not 0 <= frozen <= L - 1:
        _fail("frozen", f"the count of frozen leading layers, 0 .. L - 1 = {L - 1}", frozen)
    metadata = header.get("metadata", {})
    if not isinstance(metadata, dict):
        _fail("metadata", "a JSON object", metadata)
    output = activations[-1]
    outputs = Outputs(dims, output, 2 if output == "sigmoid" else dims[-1])
    for key, check in METADATA_FIELDS.items():
        if metadata.get(key) is not None:
            check(metadata[key], f"metadata.{key}", outputs)
    return {**header, "layer_dims": dims, "frozen": frozen, "metadata": metadata}


def _classes(value, field, outputs):
    if not isinstance(value, list) or not all(isinstance(name, str) and name for name in value):
        _fail(field, "a list of class names (non-empty strings)", value)
    for name in value:
        problem = class_name_problem(name)
        if problem is not None:
            raise _FieldError(f"{field}: {problem}")
    if len(value) != outputs.n_classes:
        raise _FieldError(
            f"{field} lists {len(value)} names, but the model's {outputs.output} output "
            f"(n_L = {outputs.layer_dims[-1]}) has {outputs.n_classes} classes"
        )
    repeated = _first_repeated(value)
    if repeated is not None:
        raise _FieldError(f"{field} names the class {repeated!r} twice")


def _preprocessing(value, field, outputs):
    if not isinstance(value, dict) or value.get("input") not in PREPROCESSINGS:
        kinds = ", ".join(map(repr, PREPROCESSINGS))
        _fail(f"{field}.input", f"one of {kinds}", _get(value, "input"))
    _positive_number(value.get("scale"), f"{field}.scale")
    PREPROCESSINGS[value["input"]](value, field, outputs.layer_dims[0])


def _picture_record(record, field, n_x):
    shape = record.get("image_shape")
    sizes = isinstance(shape, list) and all(_is_int(n) and n >= 1 for n in shape)
    if not (sizes and len(shape) == 3):
        _fail(f"{field}.image_shape", "[height, width, channels] of positive integers", shape)
    if shape[2] not in (1, 3):
        _fail(f"{field}.image_shape", "channels 1 (grayscale) or 3 (RGB)", shape)
    if math.prod(shape) != n_x:
        raise _FieldError(
            f"{field}.image_shape {shape} gives {math.prod(shape):,} inputs per picture, but W1 "
            f"takes n_x = {n_x:,}"
        )
    if "pixel_max" in record:
        _positive_number(record["pixel_max"], f"{field}.pixel_max")
    if not isinstance(record.get("invert", False), bool):
        _fail(f"{field}.invert", "true or false", record["invert"])


def _feature_record(record, field, n_x):
    n_features = record.get("n_features")
    if not _is_int(n_features) or n_features != n_x:
        _fail(f"{field}.n_features", f"n_x = {n_x}, the number of inputs W1 takes", n_features)
    for key, low in (("mean", -math.inf), ("std", 0.0)):
        values = record.get(key)
        if values is None:
            continue
        if not (
            isinstance(values, list)
            and len(values) == n_x
            and all(_is_number(v) and v > low for v in values)
        ):
            what = "finite numbers" if key == "mean" else "positive finite numbers"
            _fail(f"{field}.{key}", f"null or a list of n_x = {n_x} {what}", values)


def _accuracy(value, field, outputs):
    if not (_is_number(value) and 0 <= value <= 1):
        _fail(field, "null or a number in [0, 1]", value)


def _data_set(value, field, outputs):
    if not isinstance(value, dict) or not isinstance(value.get("name", ""), str):
        _fail(field, 'a JSON object {"name": ..., options}', value)
    for key, option in value.items():
        if isinstance(option, (dict, list)):
            _fail(f"{field}.{key}", "a single value", option)


def _json_object(value, field, outputs):
    if not isinstance(value, dict):
        _fail(field, "a JSON object", value)


def _text(value, field, outputs):
    if not isinstance(value, str):
        _fail(field, "a string", value)


METADATA_FIELDS = {
    "classes": _classes,
    "preprocessing": _preprocessing,
    "dataset": _data_set,
    "training": _json_object,
    "train_accuracy": _accuracy,
    "test_accuracy": _accuracy,
    "transferred_from": _text,
}
"""The metadata ``deepcat train`` records and the commands read, each with its check."""
PREPROCESSINGS = {"image": _picture_record, "features": _feature_record}
"""The kinds of ``metadata.preprocessing.input`` (see :mod:`deepcat.data.preprocessing`)."""


def _required(header, field):
    if field not in header:
        raise _FieldError(f"the field {field!r} is missing")
    return header[field]


def _checked_by(field, check, *args):
    try:
        return check(*args)
    except (TypeError, ValueError) as error:
        raise _FieldError(f"{field}: {error}") from None


def _positive_number(value, field):
    if not (_is_number(value) and value > 0):
        _fail(field, "a positive finite number", value)


def _fail(field, expected, value):
    raise _FieldError(f"{field} must be {expected}, got {_shown(value)}")


def _get(value, key):
    return value.get(key) if isinstance(value, dict) else value


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _shown(value, limit=60):
    """The value as JSON writes it (``null``, ``"2"``), cut to ``limit`` characters."""
    text = json.dumps(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _first_repeated(items):
    seen = set()
    for item in items:
        if item in seen:
            return item
        seen.add(item)
    return None


def _unique_keys(pairs):
    """A JSON object, refusing a key given twice (json.loads would keep the last silently)."""
    repeated = _first_repeated(key for key, _ in pairs)
    if repeated is not None:
        raise ValueError(f"the key {repeated!r} appears twice")
    return dict(pairs)
