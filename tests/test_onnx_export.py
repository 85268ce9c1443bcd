"""``deepcat export --onnx`` and ``Network.to_onnx``: the model run in a real ONNX Runtime
session on raw examples gives deepcat's own probabilities."""

import h5py
import numpy as np
import pytest

from cli_runner import assert_user_error, deepcat
from deepcat import Network
from deepcat.core.activations import LEAKY_RELU_SLOPE
from deepcat.data.datasets import load_dataset
from deepcat.data.images import to_dataset_range
from deepcat.data.preprocessing import image_record, inputs_from_raw, model_inputs

ort = pytest.importorskip("onnxruntime")

# Course 1 week 4, "Deep Neural Network - Application": the 4-layer model (deepcat train's
# defaults) classifies 40 of the 50 test pictures right ("Accuracy: 0.8").
PUBLISHED_TEST_CORRECT = 40


def session(path):
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


@pytest.fixture(scope="module")
def course_export(tmp_path_factory, catvnoncat_path):
    root = tmp_path_factory.mktemp("onnx")
    result = deepcat("train", "--out", "run", cwd=root, data_dir=catvnoncat_path)
    assert result.returncode == 0, result.stderr
    result = deepcat("export", "run/model.npz", "--onnx", "cat.onnx", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout == "wrote cat.onnx: input pixels (N, 64, 64, 3) uint8, output probabilities\n"
    )
    return root


def test_the_course_model_in_onnx_runtime_gives_the_published_accuracy(
    course_export, catvnoncat_path
):
    with h5py.File(catvnoncat_path / "test_catvnoncat.h5") as course_file:
        pixels, labels = course_file["test_set_x"][:], course_file["test_set_y"][:]
    (probabilities,) = session(course_export / "cat.onnx").run(None, {"pixels": pixels})
    assert probabilities.shape == (50, 1) and probabilities.dtype == np.float32
    assert int(np.sum((probabilities[:, 0] > 0.5) == labels)) == PUBLISHED_TEST_CORRECT
    network = Network.load(course_export / "run" / "model.npz")
    expected = network.predict_proba(inputs_from_raw(image_record(network), pixels)).T
    np.testing.assert_allclose(probabilities, expected, atol=1e-6)


def test_a_hand_made_network_computes_by_hand(tmp_path):
    # Two inputs, three leaky-ReLU units, a sigmoid: each value written out here.
    network = Network([2, 3, 1], hidden_activation="leaky_relu", seed=0)
    network.parameters.update(
        W1=np.array([[1.0, -2.0], [0.5, 0.5], [-1.0, 0.0]]),
        b1=np.array([[0.0], [-1.0], [0.25]]),
        W2=np.array([[1.0, 2.0, -3.0]]),
        b2=np.array([[0.5]]),
    )
    network.to_onnx(tmp_path / "hand.onnx")
    X = np.array([[1.0, 2.0], [-1.0, 0.5]], np.float32)  # two examples, one per row
    (probabilities,) = session(tmp_path / "hand.onnx").run(None, {"X": X})
    # Example 1: Z1 = (-3, 0.5, -0.75), A1 = (-0.03, 0.5, -0.0075), Z2 = 0.5 - 0.03 + 1 + 0.0225.
    # Example 2: Z1 = (-2, -1.25, 1.25), A1 = (-0.02, -0.0125, 1.25), Z2 = 0.5 - 0.045 - 3.75.
    slope = LEAKY_RELU_SLOPE
    z2 = np.array([0.5 - 3 * slope + 1.0 + 0.75 * 3 * slope, 0.5 - 2 * slope - 2.5 * slope - 3.75])
    np.testing.assert_allclose(probabilities[:, 0], 1 / (1 + np.exp(-z2)), rtol=1e-6)


def test_a_softmax_picture_model_inverts_and_scales_as_predict_does(tmp_path):
    result = deepcat("train", "--dataset", "digits", "--epochs", "3", "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    network = Network.load(tmp_path / "run" / "model.npz")
    network.to_onnx(tmp_path / "digits.onnx")
    record = image_record(network)
    photos = np.random.RandomState(0).randint(0, 256, size=(9, 8, 8, 1)).astype(np.uint8)
    (probabilities,) = session(tmp_path / "digits.onnx").run(None, {"pixels": photos})
    raw = np.stack([to_dataset_range(p, record["pixel_max"], record["invert"]) for p in photos])
    expected = network.predict_proba(inputs_from_raw(record, raw)).T
    assert probabilities.shape == (9, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, atol=1e-6)
    np.testing.assert_allclose(probabilities, expected, atol=1e-6)


def test_a_standardised_feature_model_takes_raw_features(tmp_path):
    result = deepcat("train", "--dataset", "breast-cancer", "--iterations", "300", "--out", "run",
                     cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    network = Network.load(tmp_path / "run" / "model.npz")
    assert network.metadata["preprocessing"]["mean"] is not None
    network.to_onnx(tmp_path / "cancer.onnx")
    data = load_dataset("breast-cancer")
    raw = data.test_x_orig.astype(np.float32)
    (probabilities,) = session(tmp_path / "cancer.onnx").run(None, {"features": raw})
    expected = network.predict_proba(model_inputs(network, data, data.test_x_orig)).T
    np.testing.assert_allclose(probabilities, expected, atol=1e-6)


def test_export_keeps_what_is_not_its_own(course_export):
    (course_export / "notes.onnx").write_text("my notes")
    result = deepcat("export", "run/model.npz", "--onnx", "notes.onnx", "--force",
                     cwd=course_export)  # fmt: skip
    assert_user_error(result, 1, "notes.onnx is not an ONNX file deepcat wrote")
    assert (course_export / "notes.onnx").read_text() == "my notes"
    result = deepcat("export", "run/model.npz", "--onnx", "cat.onnx", cwd=course_export)
    assert_user_error(result, 1, "cat.onnx exists; pass --force")
    result = deepcat("export", "run/model.npz", "--onnx", "cat.onnx", "--force", cwd=course_export)
    assert result.returncode == 0, result.stderr
    result = deepcat("export", "missing.npz", "--onnx", "x.onnx", cwd=course_export)
    assert_user_error(result, 1, "missing.npz")
    assert not (course_export / "x.onnx").exists()
