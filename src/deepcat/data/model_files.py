"""Model files: a plain ``.npz`` of the arrays ``W1, b1, ...`` plus one JSON string.

The JSON (array ``__deepcat__``) records the architecture, the training settings and any
``Network.metadata``. Nothing is pickled, and a file from an untrusted source cannot run code.
Files are written to a temporary file in the same folder and renamed into place, so a crash
never leaves half a model; a network whose file would be refused on loading is not saved.

Loading trusts nothing in the file. Before any array is allocated:

1. the path must be a regular file (a folder, FIFO or device is named, never opened);
2. the zip must name each member once and hold only ``W1 .. WL``, ``b1 .. bL`` and
   ``__deepcat__``; nothing else is ever read;
3. the header must be text of at most ``MAX_HEADER_CHARACTERS``, valid JSON, with every field
   sound (:mod:`deepcat.data.model_header`), at most ``MAX_LAYERS`` layers;
4. every array's ``.npy`` header must give the shape ``layer_dims`` gives it and the header's
   dtype in little-endian order, and its size in the zip directory must be exactly what that
   needs (:mod:`deepcat.data.npz_archive`);
5. the parameters must fit in this process's memory (``check_fits``).

Then the arrays are read, in bounded chunks, and must be finite.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from deepcat.core.initializers import check_parameters_fit
from deepcat.core.memory import NotEnoughMemoryError
from deepcat.core.validation import (
    DTYPES,
    check_parameter_shape,
    check_parameters,
    parameter_shapes,
)
from deepcat.data.files import atomic_write, file_path, open_regular_file
from deepcat.data.model_header import FORMAT, MAX_HEADER_CHARACTERS, VERSION, parse_header
from deepcat.data.npz_archive import NPY_SUFFIX, ArchiveError, NpzArchive

METADATA_KEY = "__deepcat__"
_TEXT_KINDS = {"U": 4, "S": 1}
"""The dtype kinds a header may be stored as (numpy's str and bytes), and bytes per character."""


def save_network(network, path):
    """Write ``network`` to ``path`` (``.npz``), atomically.

    Raises
    ------
    ValueError
        If :func:`load_network` would refuse the file: a parameter that is not finite, or
        metadata that contradicts the network (both named); nothing is written then.
    """
    path = file_path(path)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "layer_dims": network.layer_dims,
        "activations": network.activations,
        "init": network.init,
        "seed": network.seed if isinstance(network.seed, int) else None,
        "dtype": network.dtype.__name__,
        "frozen": network.frozen,
        "metadata": network.metadata,
    }
    text = json.dumps(header)
    try:
        parse_header(text, "the network")
        arrays = check_parameters(network.parameters, network.layer_dims, network.dtype)
    except ValueError as error:
        raise ValueError(f"cannot save to {path}: {error}") from None
    arrays[METADATA_KEY] = np.array(text)
    atomic_write(path, lambda handle: np.savez(handle, **arrays))


def load_network(path, network_class):
    """Read a :class:`~deepcat.Network` written by :func:`save_network`, checking everything.

    ``network_class`` is the class to build (``Network.load`` passes itself), so that this
    module, below the network in the layers, never imports it.

    Raises
    ------
    FileNotFoundError
        If nothing is at ``path``.
    ValueError
        If ``path`` is not a regular file, the file is truncated, not an ``.npz``, not a
        deepcat model, or any check of the module's list fails; the message names the file
        and the field or array.
    deepcat.core.memory.NotEnoughMemoryError
        If the parameters it declares cannot fit in memory.
    """
    path = file_path(path)
    with open_regular_file(path, "model file") as handle:
        try:
            archive = NpzArchive(handle)
            header = _read_header(archive, path)
            dims, dtype = header["layer_dims"], DTYPES[header["dtype"]]
            members = _parameter_members(archive, dims, dtype, path)
            try:
                check_parameters_fit(dims, dtype, drawn=False)
            except NotEnoughMemoryError as error:
                raise NotEnoughMemoryError(f"{path}: {error}") from None
            arrays = {name: archive.read(member) for name, member in members.items()}
        except ArchiveError as error:
            raise ValueError(f"{path} is not a readable deepcat model (.npz): {error}") from None
    try:
        network = network_class.from_parameters(
            dims,
            arrays,
            hidden_activation=header["activations"][:-1],
            output=header["activations"][-1],
            init=header["init"],
            seed=header["seed"],
            dtype=header["dtype"],
        )
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    network.frozen = header["frozen"]
    network.metadata = header["metadata"]
    return network


def _read_header(archive, path):
    if METADATA_KEY not in archive:
        raise ValueError(f"{path} is an .npz file but not a deepcat model (no {METADATA_KEY})")
    member = archive.member(METADATA_KEY)
    per_character = _TEXT_KINDS.get(member.dtype.kind)
    if per_character is None or member.shape != () or member.dtype.fields is not None:
        raise ArchiveError(
            f"its {METADATA_KEY} header is an array of shape {member.shape} of {member.dtype}, "
            "not one string (pickled objects are never read)"
        )
    if member.dtype.itemsize > per_character * MAX_HEADER_CHARACTERS:
        raise ValueError(
            f"{path} has a deepcat header of {member.dtype.itemsize // per_character:,} "
            f"characters, more than the {MAX_HEADER_CHARACTERS:,} a model file may hold"
        )
    raw = archive.read(member)
    try:
        text = raw.item() if member.dtype.kind == "U" else raw.item().decode("utf-8")
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"{path} has a corrupt deepcat header: not valid text ({error})") from None
    return parse_header(text, path)


def _parameter_members(archive, dims, dtype, path):
    """The ``.npy`` headers of ``W1 .. bL``, each checked against ``dims`` and ``dtype``."""
    shapes = parameter_shapes(dims)
    L = len(dims) - 1
    known = {f"{name}{NPY_SUFFIX}" for name in (*shapes, METADATA_KEY)}
    for filename in archive.filenames:
        if filename not in known:
            raise ValueError(
                f"{path} holds {filename!r}, which is not an array of a deepcat model of "
                f"L = {L} layers (W1 .. W{L}, b1 .. b{L} and {METADATA_KEY}); nothing else is read"
            )
    expected = np.dtype(dtype).newbyteorder("<")
    members = {}
    for name in shapes:
        if name not in archive:
            raise ValueError(f"{path} lacks the array {name} of layer {name[1:]}")
        member = archive.member(name)
        try:
            check_parameter_shape(name, member.shape, dims)
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
        if member.dtype != expected:
            raise ValueError(
                f"{path}: {name} is stored as {member.dtype.str!r} ({member.dtype}), but the "
                f"header's dtype {expected.name} is stored as {expected.str!r}"
            )
        members[name] = member
    return members


def is_model_file(path):
    """Whether ``path`` is a model file deepcat wrote, by the loader's own first checks: a
    regular file, a zip whose directory names each member once and holds ``__deepcat__``, and
    that header (at most ``MAX_HEADER_CHARACTERS``) sound and of the ``FORMAT`` deepcat writes.

    Only the zip directory and the header are read, never the weights; ``False`` for anything
    else, including a file that cannot be read.
    """
    from deepcat.data.npz_archive import READ_ERRORS

    try:
        with open_regular_file(Path(path), "model file") as handle:
            archive = NpzArchive(handle)
            if METADATA_KEY not in archive:
                return False
            return _read_header(archive, path)["format"] == FORMAT
    except (ValueError, *READ_ERRORS):
        return False
