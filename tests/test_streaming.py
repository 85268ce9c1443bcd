"""Training and predicting from examples on disk: h5py datasets, memory maps, array-likes.

The course's own ``train_catvnoncat.h5`` trains straight from disk to the published costs;
mini-batch training from disk follows the documented two-stage shuffle, checked against
gradient descent written out in NumPy; and each kind of bad on-disk input is refused in words.
"""

import copy

import h5py
import numpy as np
import pytest

from deepcat import ExampleStream, Network
from deepcat.core.streams import GAP_BYTES, RowSubset, read_rows
from deepcat.sklearn import DeepCatClassifier
from deepcat.training.batches import WINDOW_BATCHES, epoch_order

# The course's L-layer model, printed every 100 iterations (as in test_course_seeds).
L_LAYER_COSTS = {0: 0.771749, 100: 0.672053}


@pytest.fixture(scope="module")
def course_file(catvnoncat_path):
    with h5py.File(catvnoncat_path / "train_catvnoncat.h5", "r") as file:
        yield file["train_set_x"], np.asarray(file["train_set_y"]).reshape(1, -1)


class CountingArray:
    """An array-like of examples that serves slices of an ndarray and counts its reads: the
    simplest "any array-like with slicing" a user may pass."""

    def __init__(self, array):
        self.array, self.shape, self.dtype = array, array.shape, array.dtype
        self.reads = []

    def __getitem__(self, key):
        assert isinstance(key, slice) and key.step is None, f"read {key!r}, not a slice"
        self.reads.append((key.start, key.stop))
        return self.array[key]


def test_the_course_file_trains_from_disk_to_the_published_costs(course_file):
    pixels, y = course_file
    network = Network([12288, 20, 7, 5, 1], seed=1)
    history = network.fit(pixels, y, 0.0075, iterations=101, input_scale=255)
    assert history.method == "plain"  # Xᵀ X would read the whole file
    costs = dict(history.costs)
    for iteration, published in L_LAYER_COSTS.items():
        assert costs[iteration] == pytest.approx(published, abs=5e-7)


def test_one_window_of_data_on_disk_trains_exactly_as_in_memory(course_file, tmp_path):
    pixels, y = course_file
    in_memory = np.asarray(pixels)
    np.save(tmp_path / "pixels.npy", in_memory)
    mapped = ExampleStream(np.load(tmp_path / "pixels.npy", mmap_mode="r"))  # read by slices
    settings = dict(epochs=3, batch_size=64, optimizer="adam", validation_fraction=0.2)
    fitted = []
    for X in (pixels, mapped, in_memory.reshape(209, -1).T):
        network = Network([12288, 7, 1], seed=3)
        history = network.fit(X, y, 0.001, input_scale=255, **settings)
        fitted.append((network.parameters, history.costs, history.val_costs))
    # 209 examples are fewer than one window (16 batches of 64): the same shuffle as in memory
    for parameters, costs, val_costs in fitted[:2]:
        assert costs == fitted[2][1] and val_costs == fitted[2][2]
        for key, value in parameters.items():
            np.testing.assert_array_equal(value, fitted[2][0][key])


def test_the_two_stage_shuffle_deals_blocks_into_windows():
    m, batch = 1000, 10
    window = WINDOW_BATCHES * batch
    order = epoch_order(np.random.default_rng(7), m, batch, window)
    assert sorted(order.tolist()) == list(range(m))
    # By hand: the blocks of 10 consecutive examples in a seeded order, dealt 16 per window.
    blocks = np.random.default_rng(7).permutation(100)
    for k, first in enumerate(range(0, m, window)):
        dealt = {int(b) * batch + i for b in blocks[16 * k : 16 * (k + 1)] for i in range(batch)}
        assert set(order[first : first + window].tolist()) == dealt
    # ...and shuffled within the window, not left in block order
    assert not np.array_equal(order[:window], np.sort(order[:window]))
    # one window's worth of data is shuffled as in memory
    in_memory = np.random.default_rng(7).permutation(100)
    np.testing.assert_array_equal(epoch_order(np.random.default_rng(7), 100, 10, 160), in_memory)


def test_mini_batches_from_disk_are_gradient_descent_on_the_documented_order():
    rng = np.random.default_rng(0)
    m, n_x, batch, lr = 700, 6, 8, 0.5
    pixels = rng.integers(0, 256, (m, n_x), dtype=np.uint8)
    y = (pixels[:, 0] > pixels[:, 1]).astype(float).reshape(1, -1)
    source = CountingArray(pixels)
    network = Network([n_x, 1], seed=5)
    w, b = network.parameters["W1"].copy(), network.parameters["b1"].copy()
    order_rng = copy.deepcopy(network.rng)
    network.fit(ExampleStream(source), y, lr, epochs=2, batch_size=batch, input_scale=255)
    # Logistic regression by hand on the batches of epoch_order, the course's update
    X = pixels.T / 255.0
    for _ in range(2):
        order = epoch_order(order_rng, m, batch, WINDOW_BATCHES * batch)
        for first in range(0, m, batch):
            columns = np.sort(order[first : first + batch])
            A = 1 / (1 + np.exp(-(w @ X[:, columns] + b)))
            dZ = A - y[:, columns]
            w = w - lr * dZ @ X[:, columns].T / len(columns)
            b = b - lr * dZ.sum(axis=1, keepdims=True) / len(columns)
    np.testing.assert_allclose(network.parameters["W1"], w, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(network.parameters["b1"], b, rtol=1e-12, atol=1e-14)
    # Reads: a window is at most 16 blocks, so at most 16 slices (fewer: blocks of 48 bytes
    # lie close enough to be read together, see the next test)
    windows = 2 * -(-m // (WINDOW_BATCHES * batch))
    assert len(source.reads) <= windows * WINDOW_BATCHES


def test_predictions_from_disk_equal_those_in_memory(course_file):
    pixels, y = course_file
    network = Network([12288, 5, 1], seed=2)
    network.fit(pixels, y, 0.005, iterations=20, input_scale=255)
    X = np.asarray(pixels).reshape(209, -1).T / 255.0
    on_disk = ExampleStream(pixels, scale=255, dtype=np.float64)  # read in pieces of 16 MiB
    np.testing.assert_allclose(network.predict_proba(on_disk), network.predict_proba(X), 1e-12)
    assert network.score(on_disk, y) == network.score(X, y)
    assert network.cost(on_disk, y) == pytest.approx(network.cost(X, y), rel=1e-12)


def test_the_estimator_fits_examples_on_disk(course_file):
    pixels, y = course_file
    settings = dict(hidden_layer_sizes=(7,), epochs=3, batch_size=32, random_state=0)
    on_disk = DeepCatClassifier(**settings).fit(ExampleStream(pixels, 255, np.float64), y[0])
    X = np.asarray(pixels).reshape(209, -1) / 255.0
    in_memory = DeepCatClassifier(**settings).fit(X, y[0])
    assert on_disk.loss_curve_ == in_memory.loss_curve_
    assert on_disk.n_features_in_ == 12288
    np.testing.assert_allclose(
        on_disk.predict_proba(ExampleStream(pixels, 255, np.float64)), in_memory.predict_proba(X)
    )


def test_splits_of_a_file_read_neighbours_together():
    stored = CountingArray(np.arange(4000, dtype=np.uint8).reshape(1000, 4))
    every_other = RowSubset(stored, np.arange(0, 1000, 2))
    np.testing.assert_array_equal(every_other[10:20], stored.array[20:40:2])
    assert stored.reads == [(20, 39)]  # the gaps are read with them, in one slice
    far = np.array([0, 1, 2, 999])
    rows_apart = GAP_BYTES // 4 + 3  # a gap of GAP_BYTES + 4 bytes
    wide = CountingArray(np.zeros((rows_apart * 2, 4), np.uint8))
    read_rows(wide, np.array([0, 1, rows_apart, rows_apart + 1]))
    assert wide.reads == [(0, 2), (rows_apart, rows_apart + 2)]  # a gap over 256 KiB is not
    np.testing.assert_array_equal(read_rows(stored, far), stored.array[far])


def _net():
    return Network([12, 3, 1], seed=0)


@pytest.mark.parametrize(
    "source, error, message",
    [
        (np.zeros((5, 13), np.uint8), ValueError, r"n_x = layer_dims\[0\] = 12 values each"),
        (np.zeros((12, 5), np.uint8), ValueError, r"this one looks like \(n_x, m\)"),
        (np.zeros((0, 12), np.uint8), ValueError, "X has no examples"),
        (np.zeros((5, 12), "S1"), TypeError, "must hold numbers"),
        (np.zeros(12, np.uint8), ValueError, "2 to 8 dimensions"),
    ],
    ids=["example size", "transposed", "empty", "strings", "one axis"],
)
def test_bad_arrays_on_disk_are_refused_in_words(tmp_path, source, error, message):
    with h5py.File(tmp_path / "x.h5", "w") as file:
        file["x"] = source
    with h5py.File(tmp_path / "x.h5", "r") as file, pytest.raises(error, match=message):
        _net().fit(file["x"], np.zeros((1, max(1, len(source)))), input_scale=255)


def test_labels_that_do_not_match_the_examples_on_disk(tmp_path):
    with h5py.File(tmp_path / "x.h5", "w") as file:
        file["x"] = np.zeros((6, 12), np.uint8)
    with h5py.File(tmp_path / "x.h5", "r") as file, pytest.raises(ValueError, match="Y"):
        _net().fit(file["x"], np.zeros((1, 5)), input_scale=255)


def test_raw_pixels_on_disk_are_not_predicted_undivided(course_file):
    pixels, y = course_file
    network = Network([12288, 3, 1], seed=0)
    with pytest.raises(TypeError, match=r"ExampleStream\(X, scale=255\)"):
        network.predict_proba(pixels)
    with pytest.raises(TypeError, match="already divided"):
        DeepCatClassifier(hidden_layer_sizes=(3,)).fit(pixels, y[0])


def test_arrays_in_memory_keep_the_course_layout(tmp_path):
    # A memory map is an ndarray: (n_x, m) as ever, even when square (no silent transpose).
    x = np.arange(16, dtype=np.float64).reshape(4, 4) / 16
    np.save(tmp_path / "x.npy", x)
    mapped = np.load(tmp_path / "x.npy", mmap_mode="r")
    network = Network([4, 2, 1], seed=0)
    np.testing.assert_array_equal(network.predict_proba(mapped), network.predict_proba(x))
    assert not np.allclose(network.predict_proba(mapped), network.predict_proba(x.T))


def test_nan_on_disk_is_refused_naming_the_example(tmp_path):
    x = np.zeros((40, 12), np.float32)
    x[17, 3] = np.nan
    np.save(tmp_path / "x.npy", x)
    mapped = ExampleStream(np.load(tmp_path / "x.npy", mmap_mode="r"))
    network = _net()
    with pytest.raises(ValueError, match="NaN or infinity in example 17"):
        network.fit(mapped, np.zeros((1, 40)), batch_size=8, epochs=1)
    assert all(np.isfinite(value).all() for value in network.parameters.values())


@pytest.mark.parametrize(
    "scale, error",
    [(0, ValueError), (-1.0, ValueError), ("255", TypeError), (float("nan"), ValueError)],
)
def test_a_stream_scale_is_a_positive_number(scale, error):
    with pytest.raises(error, match="scale must be a positive finite number"):
        ExampleStream(np.zeros((5, 12), np.uint8), scale=scale)


def test_a_stream_that_divides_already_takes_no_input_scale():
    stream = ExampleStream(np.zeros((5, 12), np.uint8), scale=255, dtype=np.float64)
    with pytest.raises(ValueError, match="already divides its examples by 255"):
        _net().fit(stream, np.zeros((1, 5)), input_scale=255)
    with pytest.raises(TypeError, match="gradients needs X in memory"):
        _net().gradients(stream, np.zeros((1, 5)))
