"""deepcat.data.datasets: the registry, the loaders, the split and the recorded preprocessing."""

import json

import numpy as np
import pytest
from PIL import Image

from deepcat.core.memory import NotEnoughMemoryError
from deepcat.data import load_catvnoncat
from deepcat.data.datasets import (
    DATASETS,
    default_dataset,
    folder_class_order,
    load_dataset,
    split_indices,
)
from deepcat.data.preprocessing import (
    image_record,
    inputs_from_raw,
    model_inputs,
    preprocessing_record,
)
from deepcat.network import Network


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown data set 'mnist'; expected one of 'catvnoncat'"):
        load_dataset("mnist")


def test_an_option_the_source_does_not_take_is_refused():
    with pytest.raises(ValueError, match="breast-cancer data set .* does not use data_dir"):
        load_dataset("breast-cancer", data_dir="/tmp")
    with pytest.raises(ValueError, match="catvnoncat data set .* does not use test_fraction"):
        load_dataset("catvnoncat", test_fraction=0.3)


def test_every_source_documents_its_defaults():
    for name, source in DATASETS.items():
        assert source.summary, name
        assert "hidden" in source.defaults and "learning_rate" in source.defaults, name
        assert ("iterations" in source.defaults) != ("epochs" in source.defaults), name


# -- the split ------------------------------------------------------------------------------


def test_split_is_seeded_disjoint_complete_and_stratified():
    labels = np.array([0] * 30 + [1] * 10)
    train, test = split_indices(labels, 0.2, seed=3)
    assert np.intersect1d(train, test).size == 0
    np.testing.assert_array_equal(np.union1d(train, test), np.arange(40))
    # round(30 * 0.2) = 6 and round(10 * 0.2) = 2 test examples of each class
    assert np.sum(labels[test] == 0) == 6 and np.sum(labels[test] == 1) == 2
    again_train, again_test = split_indices(labels, 0.2, seed=3)
    np.testing.assert_array_equal(test, again_test)
    _, other_test = split_indices(labels, 0.2, seed=4)
    assert not np.array_equal(test, other_test)


def test_split_keeps_one_training_example_per_class():
    train, test = split_indices(np.array([0, 0, 1]), 0.9, seed=0)
    assert set(np.array([0, 0, 1])[train]) == {0, 1}


def test_split_that_leaves_no_test_example_is_an_error():
    with pytest.raises(ValueError, match="leaves the test split empty"):
        split_indices(np.array([0, 0, 1, 1]), 0.1, seed=0)


@pytest.mark.parametrize("fraction", [0.0, 1.0, 1.5, -0.2])
def test_split_fraction_outside_the_open_interval(fraction):
    with pytest.raises(ValueError, match=r"test_fraction must be in \(0, 1\)"):
        split_indices(np.array([0, 1] * 5), fraction, seed=0)


# -- scikit-learn's data sets ---------------------------------------------------------------


def test_breast_cancer_is_standardised_with_the_training_split_only():
    data = load_dataset("breast-cancer")
    assert data.classes == ["malignant", "benign"]
    # 212 malignant and 357 benign tumours: round(0.2 * 212) + round(0.2 * 357) = 42 + 71 = 113
    assert data.train_x.shape == (30, 456) and data.test_x.shape == (30, 113)
    np.testing.assert_allclose(data.train_x.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(data.train_x.std(axis=1), 1, rtol=1e-12)
    np.testing.assert_allclose(data.mean, data.train_x_orig.mean(axis=0))
    # the test split is scaled with the training statistics, so it is not exactly centred
    assert np.abs(data.test_x.mean(axis=1)).max() > 1e-3


def test_digits_are_8x8_pictures_scaled_by_one_sixteenth():
    data = load_dataset("digits", test_fraction=0.25, split_seed=1)
    assert data.image_shape == (8, 8, 1)
    assert data.classes == [str(k) for k in range(10)]
    assert data.train_y.size + data.test_y.size == 1797
    assert data.train_x.shape[0] == 64
    assert data.train_x_orig.max() == 16 and data.train_x.max() == 1.0


def test_catvnoncat_through_the_registry_is_the_course_data(catvnoncat_path):
    data = load_dataset("catvnoncat", data_dir=catvnoncat_path)
    reference = load_catvnoncat(catvnoncat_path)
    np.testing.assert_array_equal(data.train_x, reference.train_x)
    assert data.classes == ["non-cat", "cat"]


# -- folders of pictures --------------------------------------------------------------------


def _picture_folder(root, counts, size=(24, 20)):
    colours = {"cat": (200, 60, 40), "dog": (40, 60, 200), "owl": (60, 200, 40)}
    for name, count in counts.items():
        (root / name).mkdir(parents=True)
        for i in range(count):
            pixels = np.full((size[1], size[0], 3), colours[name], dtype=np.uint8)
            pixels[i % size[1]] = 255  # each picture differs a little
            Image.fromarray(pixels).save(root / name / f"{i}.png")
    return root


def test_folder_classes_are_the_sorted_subfolders(tmp_path):
    root = _picture_folder(tmp_path / "pics", {"dog": 10, "cat": 10})
    (root / ".hidden").mkdir()
    data = load_dataset("folder", data_dir=root, image_size=16, test_fraction=0.3)
    assert data.classes == ["cat", "dog"]
    assert data.train_x_orig.shape == (14, 16, 16, 3) and data.test_x_orig.shape == (6, 16, 16, 3)
    assert data.scale == 255.0
    # cat pictures are red, dog pictures blue: the labels follow the folders
    reds = data.train_x_orig[..., 0].mean(axis=(1, 2)) > data.train_x_orig[..., 2].mean(axis=(1, 2))
    np.testing.assert_array_equal(reds, data.train_y[0] == 0)


@pytest.mark.parametrize(
    ("setup", "error", "match"),
    [
        (lambda root: None, ValueError, "needs --data-dir"),
        (lambda root: root / "absent", FileNotFoundError, "no folder at"),
        (lambda root: _picture_folder(root / "one", {"cat": 3}), ValueError, "at least 2"),
    ],
)
def test_folder_errors_say_what_to_do(tmp_path, setup, error, match):
    with pytest.raises(error, match=match):
        load_dataset("folder", data_dir=setup(tmp_path))


def test_folder_with_an_empty_class(tmp_path):
    root = _picture_folder(tmp_path / "pics", {"cat": 3})
    (root / "dog").mkdir()
    with pytest.raises(ValueError, match="dog holds no pictures"):
        load_dataset("folder", data_dir=root)


def test_folder_with_a_broken_picture_names_it(tmp_path):
    root = _picture_folder(tmp_path / "pics", {"cat": 3, "dog": 3})
    (root / "dog" / "readme.png").write_text("not a picture")
    with pytest.raises(ValueError, match="readme.png: not a picture"):
        load_dataset("folder", data_dir=root)


# -- recorded preprocessing -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["breast-cancer", "digits", "catvnoncat"])
def test_recorded_preprocessing_reproduces_the_training_inputs(name, request):
    data_dir = request.getfixturevalue("catvnoncat_path") if name == "catvnoncat" else None
    data = load_dataset(name, data_dir=data_dir)
    record = json.loads(json.dumps(preprocessing_record(data)))  # as stored in a model file
    np.testing.assert_array_equal(inputs_from_raw(record, data.test_x_orig), data.test_x)
    np.testing.assert_array_equal(
        inputs_from_raw(record, data.train_x_orig, np.float32),
        data.flatten(data.train_x_orig, np.float32),
    )


def test_inputs_of_another_shape_are_refused():
    data = load_dataset("breast-cancer")
    with pytest.raises(ValueError, match=r"examples of shape \(30,\), got examples of shape"):
        inputs_from_raw(preprocessing_record(data), np.zeros((3, 29)))


def test_model_inputs_checks_the_class_count():
    data = load_dataset("breast-cancer")
    network = Network([30, 4, 3], output="softmax")
    with pytest.raises(ValueError, match="predicts 3 classes but the breast-cancer data set has 2"):
        model_inputs(network, data, data.test_x_orig)


def test_image_record_of_a_model_without_metadata():
    assert image_record(Network([3 * 5 * 5, 1]))["image_shape"] == [5, 5, 3]
    with pytest.raises(ValueError, match="not the size of a square RGB picture"):
        image_record(Network([30, 1]))


def test_image_record_of_a_feature_model():
    network = Network([30, 1])
    network.metadata = {"preprocessing": preprocessing_record(load_dataset("breast-cancer"))}
    with pytest.raises(ValueError, match="30 features per example, not on pictures"):
        image_record(network)


def test_default_dataset(catvnoncat_path, tmp_path, monkeypatch):
    name, reason = default_dataset(catvnoncat_path)
    assert name == "catvnoncat" and str(catvnoncat_path) in reason
    monkeypatch.chdir(tmp_path)  # no ./datasets here
    monkeypatch.delenv("DEEPCAT_DATA", raising=False)
    name, reason = default_dataset()
    assert name == "breast-cancer" and "DEEPCAT_DATA" in reason
    with pytest.raises(FileNotFoundError, match="absent"):
        default_dataset(tmp_path / "absent")


def test_folders_named_as_the_course_keep_its_order(tmp_path):
    root = tmp_path / "pics"
    for name, colour in (("cat", (200, 60, 40)), ("non-cat", (40, 60, 200))):
        (root / name).mkdir(parents=True)
        for i in range(5):
            Image.new("RGB", (8, 8), colour).save(root / name / f"{i}.png")
    data = load_dataset("folder", data_dir=root, image_size=8)
    assert data.classes == ["non-cat", "cat"]
    # cat pictures are red: label 1, as in the course's files
    reds = data.train_x_orig[:, 0, 0, 0] > data.train_x_orig[:, 0, 0, 2]
    np.testing.assert_array_equal(reds, data.train_y[0] == 1)
    assert folder_class_order(["non-cat", "cat", "dog"]) == ["cat", "dog", "non-cat"]


def test_the_folder_memory_is_checked_before_decoding(tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPCAT_CACHE", str(tmp_path / "cache"))
    root = _picture_folder(tmp_path / "pics", {"cat": 2, "dog": 2})
    # The pictures are decoded one at a time into the on-disk cache, so the memory is one
    # resized picture's: 1,000,000 x 1,000,000 x 3 bytes, twice (with Pillow's copy), 6 TB.
    with pytest.raises(NotEnoughMemoryError, match=r"a picture of \(1000000, 1000000, 3\) needs"):
        load_dataset("folder", data_dir=root, image_size=1_000_000)
    assert not any((tmp_path / "cache").glob("*")), "nothing is left in the cache folder"


def test_folder_entries_that_are_not_pictures(tmp_path):
    import os

    root = _picture_folder(tmp_path / "pics", {"cat": 2, "dog": 2})
    (root / "cat" / "loop").symlink_to(root / "cat" / "loop")  # a link loop: ignored
    (root / "dog" / "empty.png").write_bytes(b"")
    with pytest.raises(ValueError, match=r"empty.png is empty \(0 bytes\)"):
        load_dataset("folder", data_dir=root)
    (root / "dog" / "empty.png").unlink()
    os.mkfifo(root / "dog" / "pipe.png")  # not a regular file: not taken for a picture
    assert load_dataset("folder", data_dir=root, test_fraction=0.5).train_y.size == 2


def test_the_courses_2d_sets_have_its_sizes_and_seeds():
    """C1 W3 load_planar_dataset: 400 points, 200 a class; C2 W1 circles 300 + 100; moons 300."""
    flower = load_dataset("flower")
    assert flower.train_x.shape == (2, 320) and flower.test_x.shape == (2, 80)
    assert int(flower.train_y.sum()) == 160 and int(flower.test_y.sum()) == 40
    circles = load_dataset("circles")
    assert circles.train_x.shape == (2, 300) and circles.test_x.shape == (2, 100)
    # make_circles puts half the points on each circle: the inner one at radius 0.8, noise 0.05.
    radius = np.hypot(*circles.train_x)
    inner = circles.train_y[0] == 1
    assert inner.sum() == 150
    assert abs(radius[inner].mean() - 0.8) < 0.02 and abs(radius[~inner].mean() - 1.0) < 0.02
    moons = load_dataset("moons", test_fraction=0.5, split_seed=1)
    assert moons.train_x.shape[1] + moons.test_x.shape[1] == 300
    assert moons.classes == ["upper", "lower"]
