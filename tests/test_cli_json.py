"""``--json`` on ``evaluate``, ``predict`` and ``inspect``, and ``predict --threshold``, on the
course's model (trained once for this module, about 30 seconds on two cores)."""

import json
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cli_runner import assert_user_error, deepcat
from deepcat.cli.json_reports import finite_values, inspection_document, json_text
from deepcat.core.propagation import DECISION_THRESHOLD
from deepcat.data import load_catvnoncat
from deepcat.network import Network
from deepcat.runs.evaluation import predicted_labels
from test_cli_course import COURSE


@pytest.fixture(scope="module")
def model(tmp_path_factory, catvnoncat_path):
    folder = tmp_path_factory.mktemp("course")
    result = deepcat(*COURSE, "--out", "run", cwd=folder, data_dir=catvnoncat_path)
    assert result.returncode == 0, result.stderr
    return folder / "run" / "model.npz"


@pytest.fixture(scope="module")
def course_data(catvnoncat_path):
    return load_catvnoncat(catvnoncat_path)


def _document(result, status=0):
    assert result.returncode == status, (result.returncode, result.stderr)
    return json.loads(result.stdout)  # the whole of stdout is one document


def test_evaluate_json_gives_the_published_figures(model, catvnoncat_path):
    document = _document(
        deepcat("evaluate", model, "--json", cwd=model.parent, data_dir=catvnoncat_path)
    )
    assert document["schema"] == "deepcat.evaluate/1"
    assert (document["dataset"], document["split"], document["m"]) == ("catvnoncat", "test", 50)
    assert (document["correct"], document["accuracy"]) == (40, 0.8)
    assert document["classes"] == ["non-cat", "cat"]
    assert document["confusion_matrix"] == [[10, 7], [3, 30]]
    cat = document["positive_class"]
    assert cat == document["per_class"][1]
    assert (cat["class"], cat["label"], cat["support"]) == ("cat", 1, 33)
    assert cat["precision"] == 30 / 37 and cat["recall"] == 30 / 33
    assert cat["f1"] == pytest.approx(2 * 30 / (2 * 30 + 7 + 3), abs=1e-15)
    non_cat = document["per_class"][0]
    assert (non_cat["precision"], non_cat["recall"], non_cat["support"]) == (10 / 13, 10 / 17, 17)
    assert document["macro_average"]["precision"] == pytest.approx((30 / 37 + 10 / 13) / 2)
    assert document["macro_average"]["recall"] == pytest.approx((30 / 33 + 10 / 17) / 2)


def test_predict_json_one_entry_per_picture_in_order(model, course_data, tmp_path):
    network = Network.load(model)
    p_cat = network.predict_proba(course_data.test_x)[0]
    for i in (0, 1):
        Image.fromarray(course_data.test_x_orig[i]).save(tmp_path / f"{i}.png")
    (tmp_path / "notes.jpg").write_text("not a picture")
    result = deepcat("predict", "--json", model, "0.png", "notes.jpg", "1.png", cwd=tmp_path)
    document = _document(result, status=1)
    assert result.stderr.startswith("error: notes.jpg: not a picture")
    assert document["schema"] == "deepcat.predict/1"
    assert (document["output"], document["threshold"], document["failed"]) == ("sigmoid", 0.5, 1)
    first, broken, second = document["predictions"]
    assert broken == {"path": "notes.jpg", "error": result.stderr.strip()[len("error: ") :]}
    for entry, p in ((first, p_cat[0]), (second, p_cat[1])):
        label = int(p > 0.5)
        assert entry["label"] == label and entry["class"] == ["non-cat", "cat"][label]
        assert entry["probabilities"] == pytest.approx([1 - p, p], abs=1e-12)
        assert entry["probability"] == entry["probabilities"][label]


def test_threshold_just_either_side_of_p_cat_flips_the_answer(model, course_data, tmp_path):
    network = Network.load(model)
    p_cat = float(network.predict_proba(course_data.test_x[:, :1])[0, 0])  # 0.9991: a cat
    Image.fromarray(course_data.test_x_orig[0]).save(tmp_path / "a.png")
    for threshold, expected in ((p_cat - 1e-6, "cat"), (p_cat + 1e-6, "non-cat")):
        text = deepcat("predict", model, "a.png", "--threshold", repr(threshold), cwd=tmp_path)
        assert text.returncode == 0, text.stderr
        p = p_cat if expected == "cat" else 1 - p_cat
        assert text.stdout == f"a.png: {expected} (probability {p:.4f})\n"
        document = _document(
            deepcat(
                "predict", model, "a.png", "--json", "--threshold", repr(threshold), cwd=tmp_path
            )
        )
        assert document["threshold"] == threshold
        assert document["predictions"][0]["class"] == expected


@pytest.mark.parametrize("value", ["0", "1", "-0.1", "1.5", "nan", "cat"])
def test_threshold_outside_the_open_interval_is_a_usage_error(model, tmp_path, value):
    result = deepcat("predict", model, "a.png", "--threshold", value, cwd=tmp_path)
    assert_user_error(result, 2, "--threshold")


def test_threshold_on_a_softmax_model_names_its_classes(tmp_path):
    Network([4, 3], output="softmax", seed=0).save(tmp_path / "softmax.npz")
    result = deepcat("predict", "softmax.npz", "a.png", "--threshold", "0.3", cwd=tmp_path)
    assert_user_error(result, 2, "--threshold applies to binary (sigmoid) models only", "3 classes")


def test_the_default_threshold_is_the_networks_own_rule_even_at_exactly_one_half():
    # All-zero parameters: Z = 0, so P(cat) = sigmoid(0) = 0.5 exactly, which predict calls 0.
    network = Network.from_parameters([3, 1], {"W1": np.zeros((1, 3)), "b1": np.zeros((1, 1))})
    X = np.ones((3, 2))
    assert network.predict_proba(X).tolist() == [[0.5, 0.5]]
    assert network.predict(X).tolist() == [[0, 0]]
    assert predicted_labels(network, X, DECISION_THRESHOLD).tolist() == [[0, 0]]
    assert predicted_labels(network, X, 0.4999).tolist() == [[1, 1]]


def test_inspect_json_structure_and_metadata(model):
    document = _document(deepcat("inspect", "--json", model, cwd=model.parent))
    assert document["schema"] == "deepcat.inspect/1"
    assert document["layer_dims"] == [12288, 20, 7, 5, 1]
    assert document["activations"] == ["relu", "relu", "relu", "sigmoid"]
    assert document["parameters"] == 245_973  # as the table says
    assert sum(layer["parameters"] for layer in document["layers"]) == 245_973
    assert document["layers"][0]["W"] == [20, 12288] and document["dtype"] == "float64"
    metadata = document["metadata"]
    assert metadata["classes"] == ["non-cat", "cat"] and metadata["test_accuracy"] == 0.8
    assert metadata["training"]["learning_rate"] == 0.0075
    assert metadata["preprocessing"]["image_shape"] == [64, 64, 3]


def test_hostile_metadata_still_gives_strict_ascii_json():
    network = Network([2, 1], seed=0)
    network.metadata = {
        "classes": ["\x1b[2Jcat\n", "猫"],
        "test_accuracy": math.nan,
        "x": [-math.inf],
    }
    text = json_text(inspection_document("m.npz", network))
    assert text.isascii() and "\x1b" not in text and "NaN" not in text and "Infinity" not in text
    parsed = json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in the JSON"))
    assert parsed["metadata"] == {
        "classes": ["\x1b[2Jcat\n", "猫"],
        "test_accuracy": None,
        "x": [None],
    }
    assert finite_values(np.array([1.5, np.inf])) == [1.5, None]


DOCS = Path(__file__).resolve().parents[1] / "docs" / "json.md"
# Fields whose keys are not deepcat's to fix: the loader options of each data set, what a model
# file records, and positive_class, documented as a copy of one per_class entry.
FREE_FORM = {"data_options", "metadata", "positive_class"}


def _documented(kind):
    """The fields listed in docs/json.md's table for ``deepcat.KIND/1``, and its example."""
    section = DOCS.read_text().split(f"## `deepcat.{kind}/1`")[1].split("\n## ")[0]
    fields = set(re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE))
    (example,) = re.findall(r"^```json\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)
    return fields, json.loads(example)


def _fields(document, prefix=""):
    """Every field name of ``document`` as docs/json.md writes it (``per_class[].recall``)."""
    names = set()
    for key, value in document.items():
        names.add(prefix + key)
        if key in FREE_FORM:
            continue
        if isinstance(value, dict):
            names |= _fields(value, f"{prefix}{key}.")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for entry in value:
                names |= _fields(entry, f"{prefix}{key}[].")
    return names


def _assert_same(shown, real):
    """The page's example is the real document, floats to 1e-12 (another CPU's BLAS may round
    the last bits of a probability differently)."""
    if isinstance(real, float):
        assert shown == pytest.approx(real, rel=1e-12, abs=1e-15)
    elif isinstance(real, dict):
        assert list(shown) == list(real)
        for key in real:
            _assert_same(shown[key], real[key])
    elif isinstance(real, list):
        assert len(shown) == len(real)
        for a, b in zip(shown, real, strict=True):
            _assert_same(a, b)
    else:
        assert shown == real


@pytest.fixture(scope="module")
def readme_folder(model, course_data, tmp_path_factory):
    """A folder laid out as after the README's examples: runs/course/model.npz, cat.png,
    not_a_cat.png and shopping_list.jpg."""
    folder = tmp_path_factory.mktemp("readme")
    (folder / "runs" / "course").mkdir(parents=True)
    shutil.copy(model, folder / "runs" / "course" / "model.npz")
    Image.fromarray(course_data.test_x_orig[1]).save(folder / "cat.png")
    Image.fromarray(course_data.test_x_orig[14]).save(folder / "not_a_cat.png")
    (folder / "shopping_list.jpg").write_text("milk, eggs, cat food\n")
    return folder


@pytest.mark.parametrize(
    "kind, arguments, status",
    [
        ("evaluate", [], 0),
        ("predict", ["cat.png", "not_a_cat.png", "shopping_list.jpg"], 1),
        ("inspect", [], 0),
    ],
)
def test_docs_json_lists_every_field_and_shows_real_documents(
    readme_folder, catvnoncat_path, kind, arguments, status
):
    result = deepcat(
        kind, "--json", "runs/course/model.npz", *arguments,
        cwd=readme_folder, data_dir=catvnoncat_path,
    )  # fmt: skip
    document = _document(result, status)
    fields, example = _documented(kind)
    assert fields == _fields(document)
    _assert_same(example, document)
