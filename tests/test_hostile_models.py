"""Model files whose header or arrays lie: each is refused on load with one sentence naming the
file and the field or array, through the library and through ``predict``, ``inspect`` and
``evaluate``."""

import json

import numpy as np
import pytest
from PIL import Image

from cli_runner import assert_user_error, deepcat
from deepcat import Network
from deepcat.data.model_files import METADATA_KEY
from helpers.models import model_contents, small_model


def _write(path, arrays, header_text):
    with open(path, "wb") as handle:
        np.savez(handle, **arrays, **{METADATA_KEY: np.array(header_text)})


def _hostile(path, change_header=None, change_arrays=None, text=None):
    """Write to ``path`` the model of :func:`_model`, its header and arrays changed in place."""
    arrays, header = model_contents(small_model())
    if change_header is not None:
        change_header(header)
    if change_arrays is not None:
        change_arrays(arrays)
    _write(path, arrays, json.dumps(header) if text is None else text)
    return path


def _set(path, value):
    """A change setting ``header[path[0]][path[1]]... = value``."""

    def change(header):
        target = header
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop(key):
    return lambda header: header.pop(key)


HEADER_FAULTS = [
    (lambda h: h.pop("version"), "'version' is missing"),
    (_set(["version"], "2"), 'version must be the format version, an integer >= 1, got "2"'),
    (_set(["version"], True), "version must be the format version"),
    (_set(["version"], 2), "newer deepcat (format version 2)"),
    (_set(["layer_dims"], [12, 0, 1]), "layer_dims: layer_dims[1] (n_1) must be a positive"),
    (_set(["layer_dims"], [12, -3, 1]), "layer_dims[1] (n_1) must be a positive size, got -3"),
    (_set(["layer_dims"], [12, 3.0, 1]), "layer_dims[1] (n_1) must be an int, got 3.0"),
    (_set(["layer_dims"], [12, True, 1]), "layer_dims[1] (n_1) must be an int, got True"),
    (_set(["layer_dims"], "12,3,1"), "layer_dims: layer_dims must be a list"),
    (_set(["layer_dims"], [12] + [3] * 1001 + [1]), "at most 1001 sizes (L <= 1000)"),
    (_set(["layer_dims"], [12, 3, 2, 1]), "activations must be a list of L = 3 names"),
    (_set(["activations"], []), "activations must be a list of L = 2 names, g[1] .. g[L], got []"),
    (_set(["activations"], ["relu"]), "activations must be a list of L = 2 names"),
    (_set(["activations"], ["relu", 7]), "activations must be a list of L = 2 names"),
    (
        _set(["activations"], ["swish", "sigmoid"]),
        "activations: unknown hidden-layer activation 'swish'",
    ),
    (_set(["activations"], ["relu", "relu"]), "activations: unknown output activation 'relu'"),
    (_set(["activations"], ["relu", "softmax"]), "activations: a softmax output needs n_L >= 2"),
    (_drop("init"), "the field 'init' is missing"),
    (_set(["init"], "glorot"), "init: unknown initializer 'glorot'"),
    (_set(["seed"], "1"), 'seed must be null or an integer from 0 to 4294967295, got "1"'),
    (_set(["seed"], -1), "seed must be null or an integer"),
    (_set(["seed"], 2**32), "seed must be null or an integer"),
    (_set(["dtype"], "float16"), "dtype must be one of 'float64', 'float32', got \"float16\""),
    (_set(["dtype"], ["float64"]), "dtype must be one of"),
    (_set(["frozen"], 2), "frozen must be the count of frozen leading layers, 0 .. L - 1 = 1"),
    (_set(["frozen"], -1), "frozen must be the count"),
    (_set(["frozen"], True), "frozen must be the count"),
    (_set(["frozen"], 0.5), "frozen must be the count"),
    (_set(["metadata"], None), "metadata must be a JSON object, got null"),
    (_set(["metadata"], "cat"), 'metadata must be a JSON object, got "cat"'),
    (_set(["metadata", "classes"], ["a", "b", "c"]), "metadata.classes lists 3 names, but the"),
    (_set(["metadata", "classes"], ["cat"]), "sigmoid output (n_L = 1) has 2 classes"),
    (_set(["metadata", "classes"], ["cat", "cat"]), "names the class 'cat' twice"),
    (_set(["metadata", "classes"], [0, 1]), "metadata.classes must be a list of class names"),
    (_set(["metadata", "classes"], ["", "cat"]), "metadata.classes must be a list of class names"),
    (_set(["metadata", "classes"], "non-cat,cat"), "metadata.classes must be a list"),
    (_set(["metadata", "preprocessing"], "image"), "metadata.preprocessing.input must be one of"),
    (_set(["metadata", "preprocessing", "input"], "audio"), "input must be one of 'image', "),
    (_set(["metadata", "preprocessing", "scale"], 0), "preprocessing.scale must be a positive"),
    (_set(["metadata", "preprocessing", "scale"], -255), "preprocessing.scale must be a positive"),
    (_set(["metadata", "preprocessing", "scale"], float("nan")), "got NaN"),
    (_set(["metadata", "preprocessing", "scale"], "255"), "preprocessing.scale must be a positive"),
    (
        _set(["metadata", "preprocessing", "image_shape"], [64, 64, 3]),
        "image_shape [64, 64, 3] gives 12,288 inputs per picture, but W1 takes n_x = 12",
    ),
    (_set(["metadata", "preprocessing", "image_shape"], [2, 2, 1]), "gives 4 inputs per picture"),
    (_set(["metadata", "preprocessing", "image_shape"], [1, 3, 4]), "channels 1 (grayscale) or 3"),
    (_set(["metadata", "preprocessing", "image_shape"], [2, 2]), "[height, width, channels]"),
    (_set(["metadata", "preprocessing", "image_shape"], None), "[height, width, channels]"),
    (_set(["metadata", "preprocessing", "pixel_max"], 0), "pixel_max must be a positive"),
    (_set(["metadata", "preprocessing", "invert"], "no"), "invert must be true or false"),
    (
        _set(["metadata", "preprocessing"], {"input": "features", "scale": 1, "n_features": 30}),
        "n_features must be n_x = 12, the number of inputs W1 takes, got 30",
    ),
    (
        _set(
            ["metadata", "preprocessing"],
            {"input": "features", "scale": 1, "n_features": 12, "std": [1.0] * 11 + [0.0]},
        ),
        "preprocessing.std must be null or a list of n_x = 12 positive finite numbers",
    ),
    (
        _set(
            ["metadata", "preprocessing"],
            {"input": "features", "scale": 1, "n_features": 12, "mean": [0.0] * 3},
        ),
        "preprocessing.mean must be null or a list of n_x = 12 finite numbers",
    ),
    (_set(["metadata", "dataset"], "/etc"), "metadata.dataset must be a JSON object"),
    (_set(["metadata", "dataset"], {"name": 5}), "metadata.dataset must be a JSON object"),
    (_set(["metadata", "dataset", "data_dir"], ["/etc"]), "dataset.data_dir must be a single"),
    (_set(["metadata", "training"], [1, 2]), "metadata.training must be a JSON object"),
    (_set(["metadata", "test_accuracy"], 1.5), "test_accuracy must be null or a number in [0, 1]"),
    (_set(["metadata", "train_accuracy"], "high"), "train_accuracy must be null or a number"),
    (_set(["metadata", "transferred_from"], 3), "transferred_from must be a string, got 3"),
]


@pytest.mark.parametrize(("change", "fragment"), HEADER_FAULTS)
def test_each_header_fault_is_named(tmp_path, change, fragment):
    path = _hostile(tmp_path / "bad.npz", change_header=change)
    with pytest.raises(ValueError) as caught:
        Network.load(path)
    message = str(caught.value)
    assert str(path) in message and fragment in message, message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("null", "it must be a JSON object, got null"),
        ('"deepcat-network"', 'it must be a JSON object, got "deepcat-network"'),
        ("[1, 2]", "it must be a JSON object, got [1, 2]"),
        ("{", "corrupt deepcat header: not valid JSON"),
        ('{"format": "deepcat-network", "format": "x"}', "the key 'format' appears twice"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
        ('{"format": "deepcat-network", "version": ' + "9" * 5000 + "}", "not valid JSON"),
        ('{"format": "other"}', "not a deepcat model (its header names no 'deepcat-network'"),
        (" " * 1_000_001, "more than the 1,000,000 a model file may hold"),
    ],
)
def test_a_header_that_is_not_a_deepcat_json_object(tmp_path, text, fragment):
    path = _hostile(tmp_path / "bad.npz", text=text)
    with pytest.raises(ValueError, match=None) as caught:
        Network.load(path)
    assert fragment in str(caught.value) and str(path) in str(caught.value)


def _header_as(dtype_text):
    def write(path):
        arrays, header = model_contents(small_model())
        text = json.dumps(header)
        raw = text.encode("utf-8") if dtype_text == "bytes" else b"\xff\xfe" + text.encode()
        with open(path, "wb") as handle:
            np.savez(handle, **arrays, **{METADATA_KEY: np.array(raw)})

    return write


def test_a_header_stored_as_bytes_must_be_utf8(tmp_path):
    _header_as("bytes")(tmp_path / "good.npz")
    assert Network.load(tmp_path / "good.npz").metadata["classes"] == ["non-cat", "cat"]
    _header_as("latin")(tmp_path / "bad.npz")
    with pytest.raises(ValueError, match="corrupt deepcat header: not valid text"):
        Network.load(tmp_path / "bad.npz")


def _replace(name, value):
    def change(arrays):
        arrays[name] = value

    return change


def _poke(name, value):
    def change(arrays):
        arrays[name].flat[0] = value

    return change


ARRAY_FAULTS = [
    (_poke("W1", np.nan), "W1 holds NaN or infinity (1 of its 36 numbers)"),
    (_poke("b2", np.inf), "b2 holds NaN or infinity (1 of its 1 numbers)"),
    (_poke("W2", -np.inf), "W2 holds NaN or infinity"),
    (_replace("W1", np.zeros((3, 12), complex)), "W1 is stored as '<c16' (complex128), but"),
    (_replace("W1", np.zeros((3, 12), int)), "W1 is stored as '<i8' (int64)"),
    (_replace("W1", np.full((3, 12), "1.0")), "W1 is stored as '<U3'"),
    (_replace("W1", np.zeros((3, 12), ">f8")), "W1 is stored as '>f8'"),
    (
        _replace("W1", np.zeros((3, 12), np.float32)),
        "the header's dtype float64 is stored as '<f8'",
    ),
    (_replace("W1", np.array(1.0)), r"W1 has shape (), expected (3, 12)"),
    (_replace("b1", np.zeros(3)), r"b1 has shape (3,), expected (3, 1)"),
    (_replace("W1", np.zeros((12, 3))), r"W1 has shape (12, 3), expected (3, 12)"),
    (lambda arrays: arrays.pop("b2"), "lacks the array b2 of layer 2"),
    (_replace("W3", np.zeros((1, 1))), "holds 'W3.npy', which is not an array of a deepcat model"),
]


@pytest.mark.parametrize(("change", "fragment"), ARRAY_FAULTS)
def test_each_array_fault_is_named(tmp_path, change, fragment):
    path = _hostile(tmp_path / "bad.npz", change_arrays=change)
    with pytest.raises(ValueError) as caught:
        Network.load(path)
    assert str(path) in str(caught.value) and fragment in str(caught.value), str(caught.value)


def test_an_array_pickled_as_objects_is_refused_unread(tmp_path):
    path = tmp_path / "bad.npz"
    arrays, header = model_contents(small_model())
    arrays["W1"] = np.empty((3, 12), dtype=object)
    arrays["W1"][:] = 0.5
    _write(path, arrays, json.dumps(header))
    with pytest.raises(ValueError, match="'W1.npy' holds pickled Python objects"):
        Network.load(path)


def test_fortran_ordered_weights_load_as_written(tmp_path):
    path = tmp_path / "f.npz"
    network = small_model()
    W1 = np.asfortranarray(network.parameters["W1"])
    _hostile(path, change_arrays=_replace("W1", W1))
    loaded = Network.load(path)
    np.testing.assert_array_equal(loaded.parameters["W1"], W1)
    assert loaded.parameters["W1"].flags.c_contiguous


def test_the_network_is_built_from_the_file_without_drawing(tmp_path):
    network = small_model()
    network.save(tmp_path / "m.npz")
    loaded = Network.load(tmp_path / "m.npz")
    for key, value in network.parameters.items():
        np.testing.assert_array_equal(loaded.parameters[key], value)
    # A RandomState seeded 0 that drew nothing yet gives the first draw of seed 0.
    assert loaded.rng.randn() == np.random.RandomState(0).randn()


@pytest.mark.parametrize(
    ("metadata", "fragment"),
    [
        ({"classes": ["a", "b", "c"]}, "metadata.classes lists 3 names"),
        ({"preprocessing": {"input": "image", "image_shape": [8, 8, 3], "scale": 1}}, "n_x = 12"),
    ],
)
def test_save_refuses_what_load_would_refuse(tmp_path, metadata, fragment):
    network = small_model()
    network.metadata = metadata
    with pytest.raises(ValueError, match="cannot save to .*m.npz: the network has an invalid"):
        network.save(tmp_path / "m.npz")
    network.parameters["W2"][0, 0] = np.nan
    network.metadata = {}
    with pytest.raises(ValueError, match="W2 holds NaN or infinity"):
        network.save(tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []


def _bomb(header):
    """The 3.8 KB file of issue 9 claiming 9.8 GB of weights: [35000, 35000, 1]."""
    header["layer_dims"] = [35000, 35000, 1]
    header["metadata"] = {}


CLI_FAULTS = [
    (dict(change_arrays=_poke("W1", np.nan)), "W1 holds NaN or infinity"),
    (dict(change_header=_set(["metadata", "classes"], ["a", "b", "c"])), "lists 3 names"),
    (dict(change_header=_set(["metadata", "preprocessing", "scale"], 0)), "scale must be a"),
    (dict(change_header=_set(["metadata"], None)), "metadata must be a JSON object, got null"),
    (dict(change_header=_set(["frozen"], 7)), "frozen must be the count"),
    (dict(change_arrays=_replace("W1", np.zeros((3, 12), complex))), "complex128"),
    (dict(text="null"), "it must be a JSON object, got null"),
    (dict(change_header=_bomb), "W1 has shape (3, 12), expected (35000, 35000)"),
]


@pytest.mark.parametrize(("make", "fragment"), CLI_FAULTS)
@pytest.mark.parametrize("command", ["predict", "inspect", "evaluate"])
def test_the_commands_refuse_a_hostile_model_in_one_line(tmp_path, make, fragment, command):
    _hostile(tmp_path / "BAD.npz", **make)
    Image.new("RGB", (2, 2), (200, 10, 10)).save(tmp_path / "pic.png")
    extra = ["pic.png"] if command == "predict" else []
    result = deepcat(command, "BAD.npz", *extra, cwd=tmp_path)
    assert_user_error(result, 1, "BAD.npz", fragment)
