"""The folder data set's on-disk picture cache: built once, reused, rebuilt when pictures
change, refused in words when it cannot be written, and trained from by the real CLI."""

import json
import os

import h5py
import numpy as np
import pytest
from PIL import Image

from cli_runner import assert_user_error, deepcat
from deepcat.core.streams import RowSubset
from deepcat.data.datasets import CACHE_ROW_SEED, load_dataset
from deepcat.data.images import load_image
from deepcat.data.picture_cache import CACHE_ENV


def _pictures(root, count=6):
    """``count`` pictures per class, each a different solid colour with a stripe."""
    rng = np.random.default_rng(0)
    for name in ("cat", "non-cat"):
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(count):
            pixels = rng.integers(0, 256, (20, 24, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(root / name / f"{i}.png")
    return root


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def _cache_file(cache):
    (path,) = cache.glob("folder-*.h5")
    return path


def test_the_cache_holds_each_picture_decoded_once(tmp_path, cache):
    root = _pictures(tmp_path / "pictures")
    data = load_dataset("folder", data_dir=root, image_size=8, test_fraction=0.5)
    assert isinstance(data.train_x_orig, RowSubset) and data.train_x_orig.shape == (6, 8, 8, 3)
    path = _cache_file(cache)
    # the course's label order: non-cat (0), then cat (1); the rows shuffled with a fixed seed
    files = sorted((root / "non-cat").iterdir()) + sorted((root / "cat").iterdir())
    files = [files[i] for i in np.random.default_rng(CACHE_ROW_SEED).permutation(len(files))]
    with h5py.File(path, "r") as stored:
        assert stored.attrs["producer"] == "deepcat"
        for row, picture in enumerate(files):  # the course's decoding, picture by picture
            np.testing.assert_array_equal(stored["pixels"][row], load_image(picture, (8, 8), 3))
    identity = path.stat().st_ino, path.stat().st_mtime_ns
    again = load_dataset("folder", data_dir=root, image_size=8, test_fraction=0.5)
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == identity  # reused, not rebuilt
    np.testing.assert_array_equal(np.asarray(again.test_x_orig), np.asarray(data.test_x_orig))


def test_a_changed_picture_rebuilds_the_cache(tmp_path, cache):
    root = _pictures(tmp_path / "pictures")
    load_dataset("folder", data_dir=root, image_size=8)
    first = _cache_file(cache).stat().st_ino
    white = np.full((20, 24, 3), 255, np.uint8)
    Image.fromarray(white).save(root / "cat" / "0.png")
    stat = (root / "cat" / "0.png").stat()
    os.utime(root / "cat" / "0.png", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    data = load_dataset("folder", data_dir=root, image_size=8, test_fraction=0.5)
    assert _cache_file(cache).stat().st_ino != first
    whole = np.concatenate([np.asarray(data.train_x_orig), np.asarray(data.test_x_orig)])
    assert (whole == 255).all(axis=(1, 2, 3)).sum() == 1  # the white picture is in it now
    # a picture added: one more row; one removed: one fewer
    Image.fromarray(white).save(root / "non-cat" / "new.png")
    data = load_dataset("folder", data_dir=root, image_size=8)
    assert len(data.train_x_orig) + len(data.test_x_orig) == 13
    (root / "cat" / "1.png").unlink()
    data = load_dataset("folder", data_dir=root, image_size=8)
    assert len(data.train_x_orig) + len(data.test_x_orig) == 12
    assert len(list(cache.iterdir())) == 1  # one cache per folder, no partial files left


def test_a_folder_named_relatively_or_through_a_link(tmp_path, cache, monkeypatch):
    _pictures(tmp_path / "pictures")
    (tmp_path / "link").symlink_to(tmp_path / "pictures")
    monkeypatch.chdir(tmp_path)
    by_name = load_dataset("folder", data_dir="pictures", image_size=8)
    by_link = load_dataset("folder", data_dir=tmp_path / "link", image_size=8)
    np.testing.assert_array_equal(
        np.asarray(by_name.train_x_orig), np.asarray(by_link.train_x_orig)
    )


def test_the_cache_rows_mix_the_classes(tmp_path, cache):
    root = _pictures(tmp_path / "pictures", count=20)
    data = load_dataset("folder", data_dir=root, image_size=8)
    # stored class by class, blocks of neighbouring rows would each be one class
    labels = data.train_y[0]
    assert 0 < labels[: len(labels) // 2].mean() < 1 and 0 < labels[len(labels) // 2 :].mean() < 1
    # every picture is in the cache, once
    with h5py.File(_cache_file(cache), "r") as stored:
        assert stored["pixels"].shape[0] == 40


def test_a_broken_cache_file_is_rebuilt(tmp_path, cache):
    root = _pictures(tmp_path / "pictures")
    load_dataset("folder", data_dir=root, image_size=8)
    _cache_file(cache).write_bytes(b"not an HDF5 file")
    data = load_dataset("folder", data_dir=root, image_size=8)
    assert np.asarray(data.train_x_orig).any()


def test_a_cache_folder_that_cannot_be_written(tmp_path, monkeypatch):
    root = _pictures(tmp_path / "pictures")
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "a-file" / "cache"))
    with pytest.raises(
        OSError, match="cannot write the picture cache in .*a-file.*set DEEPCAT_CACHE"
    ):
        load_dataset("folder", data_dir=root, image_size=8)


def test_a_picture_that_cannot_be_decoded_leaves_no_cache(tmp_path, cache):
    root = _pictures(tmp_path / "pictures")
    (root / "cat" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n but not really")
    with pytest.raises(ValueError, match="broken.png"):
        load_dataset("folder", data_dir=root, image_size=8)
    assert list(cache.iterdir()) == []


def test_deepcat_train_trains_a_folder_from_its_cache(tmp_path, monkeypatch):
    root = _pictures(tmp_path / "pictures", count=10)
    cache = tmp_path / "cli-cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))  # the subprocesses inherit it
    arguments = ["train", "--dataset", "folder", "--data-dir", root, "--image-size", "8"]
    arguments += ["--hidden", "4", "--epochs", "3", "--batch-size", "4", "--optimizer", "adam"]
    first = deepcat(*arguments, "--out", "one", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    built = _cache_file(cache).stat().st_ino
    second = deepcat(*arguments, "--out", "two", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert _cache_file(cache).stat().st_ino == built  # the second run read the same cache
    one, two = (
        json.loads((tmp_path / name / "metrics.json").read_text()) for name in ("one", "two")
    )
    assert one["costs"] == two["costs"] and one["m_train"] + one["m_test"] == 20
    assert (one["train_correct"], one["test_correct"]) == (
        two["train_correct"],
        two["test_correct"],
    )
    # the cache cannot be written: one plain line, and no run
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "a-file"))
    failed = deepcat(*arguments, "--out", "three", cwd=tmp_path)
    assert_user_error(failed, 1, "cannot write the picture cache in", "set DEEPCAT_CACHE")
    assert not (tmp_path / "three").exists()
