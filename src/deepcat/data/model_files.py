"""Model files: a plain ``.npz`` of the arrays ``W1, b1, ...`` plus one JSON string.

The JSON (array ``__deepcat__``) records the architecture, the training
settings and any ``Network.metadata``. Nothing is pickled, so
``np.load(path, allow_pickle=False)`` reads every entry, and a file from an
untrusted source cannot run code. Files are written to a temporary file in
the same folder and renamed into place, so a crash never leaves half a model.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from deepcat.data.files import atomic_write

FORMAT = "deepcat-network"
VERSION = 1
METADATA_KEY = "__deepcat__"


def save_network(network, path):
    """Write ``network`` to ``path`` (``.npz``), atomically."""
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
    arrays = {key: np.asarray(value) for key, value in network.parameters.items()}
    arrays[METADATA_KEY] = np.array(json.dumps(header))
    atomic_write(path, lambda handle: np.savez(handle, **arrays))


def load_network(path, network_class):
    """Read a :class:`~deepcat.Network` written by :func:`save_network`.

    ``network_class`` is the class to build (``Network.load`` passes itself), so that this
    module, below the network in the layers, never imports it.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is truncated, not an ``.npz``, or not a deepcat model.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no model file at {path}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise ValueError(
            f"{path} is not a readable deepcat model (.npz): it is truncated or of another format"
        ) from error
    header = _read_header(arrays, path)
    try:
        network = network_class(
            header["layer_dims"],
            hidden_activation=header["activations"][:-1],
            output=header["activations"][-1],
            init=header["init"],
            seed=header["seed"],
            dtype=header["dtype"],
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path} has an invalid deepcat header: {error}") from error
    dims = network.layer_dims
    for l in range(1, network.L + 1):
        expected = {f"W{l}": (dims[l], dims[l - 1]), f"b{l}": (dims[l], 1)}
        for name, shape in expected.items():
            if name not in arrays:
                raise ValueError(f"{path} lacks the array {name} of layer {l}")
            if arrays[name].shape != shape:
                raise ValueError(f"{path}: {name} has shape {arrays[name].shape}, expected {shape}")
            network.parameters[name] = np.ascontiguousarray(arrays[name], dtype=network.dtype)
    network.frozen = int(header.get("frozen", 0))
    network.metadata = header.get("metadata", {})
    return network


def _read_header(arrays, path):
    if METADATA_KEY not in arrays:
        raise ValueError(f"{path} is an .npz file but not a deepcat model (no {METADATA_KEY})")
    try:
        header = json.loads(str(arrays[METADATA_KEY]))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} has a corrupt deepcat header") from error
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError(f"{path} is not a deepcat model (its header names no {FORMAT!r} format)")
    if header.get("version", 0) > VERSION:
        raise ValueError(
            f"{path} was written by a newer deepcat (format version {header['version']}); "
            "upgrade deepcat to read it"
        )
    return header
