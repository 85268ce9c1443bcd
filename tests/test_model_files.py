"""deepcat.data.model_files: .npz plus JSON, written atomically; foreign files refused."""

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from deepcat import Network


@pytest.fixture
def trained(tiny_binary):
    X, Y = tiny_binary
    net = Network([4, 3, 2, 1], hidden_activation=["tanh", "leaky_relu"], init="he", seed=4)
    net.fit(X, Y, learning_rate=0.1, iterations=50)
    net.metadata = {"classes": ["no", "yes"], "scale": 255.0}
    return net


def test_round_trip(tmp_path, trained, tiny_binary):
    X, _ = tiny_binary
    path = tmp_path / "model.npz"
    trained.save(path)
    loaded = Network.load(path)
    assert loaded.layer_dims == trained.layer_dims
    assert loaded.activations == trained.activations
    assert loaded.metadata == trained.metadata
    for key, value in trained.parameters.items():
        np.testing.assert_array_equal(loaded.parameters[key], value)
    np.testing.assert_array_equal(loaded.predict_proba(X), trained.predict_proba(X))


def test_file_is_plain_arrays_and_json(tmp_path, trained):
    path = tmp_path / "model.npz"
    trained.save(path)
    with np.load(path, allow_pickle=False) as archive:
        assert set(archive.files) == {"W1", "b1", "W2", "b2", "W3", "b3", "__deepcat__"}
        header = json.loads(str(archive["__deepcat__"]))
    assert header["format"] == "deepcat-network" and header["layer_dims"] == [4, 3, 2, 1]


def test_float32_round_trip(tmp_path):
    net = Network([3, 2, 1], dtype="float32", seed=0)
    net.save(tmp_path / "m.npz")
    loaded = Network.load(tmp_path / "m.npz")
    assert loaded.dtype == np.float32 and loaded.parameters["W1"].dtype == np.float32


def test_save_leaves_no_temporary_files(tmp_path, trained):
    trained.save(tmp_path / "model.npz")
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]


def test_saved_file_follows_the_umask(tmp_path, trained):
    import os

    path = tmp_path / "model.npz"
    old = os.umask(0o022)
    try:
        trained.save(path)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no model file at .*absent.npz"):
        Network.load(tmp_path / "absent.npz")


def test_truncated_file(tmp_path, trained):
    path = tmp_path / "model.npz"
    trained.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"not a readable deepcat model .*truncated"):
        Network.load(path)


def test_foreign_file(tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("hello")
    with pytest.raises(ValueError, match="not a readable deepcat model"):
        Network.load(path)


def test_npz_that_is_not_a_deepcat_model(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, W1=np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"not a deepcat model \(no __deepcat__\)"):
        Network.load(path)


def test_pickled_arrays_are_refused(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, __deepcat__=np.array([{"format": "deepcat-network"}], dtype=object))
    with pytest.raises(ValueError, match="not a readable deepcat model"):
        Network.load(path)


def test_wrong_shapes_are_named(tmp_path, trained):
    path = tmp_path / "model.npz"
    trained.save(path)
    with np.load(path, allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    arrays["W2"] = np.zeros((5, 5))
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match=r"W2 has shape \(5, 5\), expected \(2, 3\)"):
        Network.load(path)
    del arrays["W2"]
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="lacks the array W2 of layer 2"):
        Network.load(path)


def test_archive_members_are_npy(tmp_path, trained):
    path = tmp_path / "model.npz"
    trained.save(path)
    assert all(name.endswith(".npy") for name in zipfile.ZipFile(path).namelist())


def test_a_model_written_before_the_restructuring_still_loads():
    """tests/data/model_ca31273.npz was saved by deepcat at commit ca31273 (a [4, 3, 1] tanh
    network trained 50 iterations); its probabilities below were printed by that version."""
    network = Network.load(Path(__file__).parent / "data" / "model_ca31273.npz")
    assert network.layer_dims == [4, 3, 1] and network.activations == ["tanh", "sigmoid"]
    assert network.metadata["classes"] == ["no", "yes"]
    probe = np.linspace(-1, 1, 8).reshape(4, 2)
    np.testing.assert_allclose(
        network.predict_proba(probe)[0], [0.217799371960713, 0.26982699511883135], rtol=1e-15
    )
