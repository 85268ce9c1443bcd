import numpy as np
import pytest

from deepcat.core.initializers import INITIALIZERS, initialize_parameters


def test_lecun_seed_1_is_the_courses_draw_order():
    """Same numbers as np.random.seed(1) followed by the course's loop, without touching it."""
    dims = [5, 4, 3]
    rng = np.random.RandomState(1)
    expected_W1 = rng.randn(4, 5) / np.sqrt(5)
    expected_W2 = rng.randn(3, 4) / np.sqrt(4)
    parameters = initialize_parameters(dims, "lecun", seed=1)
    np.testing.assert_array_equal(parameters["W1"], expected_W1)
    np.testing.assert_array_equal(parameters["W2"], expected_W2)
    np.testing.assert_array_equal(parameters["b2"], np.zeros((3, 1)))


def test_small_is_randn_times_a_hundredth():
    rng = np.random.RandomState(3)
    parameters = initialize_parameters([6, 2, 1], "small", seed=3)
    np.testing.assert_array_equal(parameters["W1"], rng.randn(2, 6) * 0.01)
    np.testing.assert_array_equal(parameters["W2"], rng.randn(1, 2) * 0.01)


@pytest.mark.parametrize(
    ("name", "std"),
    [
        ("lecun", np.sqrt(1 / 400)),
        ("he", np.sqrt(2 / 400)),
        ("xavier", np.sqrt(2 / 600)),
        ("small", 0.01),
    ],
)
def test_scale_of_each_initializer(name, std):
    W = initialize_parameters([400, 200], name, seed=0)["W1"]
    assert W.shape == (200, 400)
    assert abs(W.std() / std - 1) < 0.02


def test_zeros():
    parameters = initialize_parameters([3, 2, 1], "zeros")
    assert all(not value.any() for value in parameters.values())


@pytest.mark.parametrize("name", list(INITIALIZERS))
def test_shapes_and_dtype(name):
    parameters = initialize_parameters([7, 5, 3, 1], name, seed=2, dtype="float32")
    assert [parameters[k].shape for k in ("W1", "b1", "W2", "b2", "W3", "b3")] == [
        (5, 7),
        (5, 1),
        (3, 5),
        (3, 1),
        (1, 3),
        (1, 1),
    ]
    assert all(value.dtype == np.float32 for value in parameters.values())


def test_float32_draws_are_the_float64_draws_rounded():
    p64 = initialize_parameters([4, 3], "he", seed=5)
    p32 = initialize_parameters([4, 3], "he", seed=5, dtype="float32")
    np.testing.assert_array_equal(p32["W1"], p64["W1"].astype(np.float32))


def test_global_random_state_is_neither_read_nor_changed():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    a = initialize_parameters([4, 3], "lecun", seed=7)
    np.random.seed(999)
    b = initialize_parameters([4, 3], "lecun", seed=7)
    np.testing.assert_array_equal(a["W1"], b["W1"])
    np.random.seed(123)
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_unknown_initializer():
    with pytest.raises(ValueError, match=r"unknown initializer 'glorot'.*'lecun', 'he', 'xavier'"):
        initialize_parameters([3, 1], "glorot")


@pytest.mark.parametrize(
    ("dims", "error", "match"),
    [
        ([5], ValueError, r"at least 2 sizes"),
        ([5, 0, 1], ValueError, r"layer_dims\[1\] \(n_1\) must be a positive size, got 0"),
        ([5, -3], ValueError, r"n_1\) must be a positive size, got -3"),
        ([5, 2.5], TypeError, r"layer_dims\[1\] \(n_1\) must be an int"),
        ("12288,1", TypeError, r"list of layer sizes"),
    ],
)
def test_bad_layer_dims(dims, error, match):
    with pytest.raises(error, match=match):
        initialize_parameters(dims)


def test_bad_seed_and_dtype():
    with pytest.raises(TypeError, match="seed must be None or a non-negative int"):
        initialize_parameters([3, 1], seed=1.5)
    with pytest.raises(ValueError, match=r"dtype must be one of 'float64', 'float32', got 'int8'"):
        initialize_parameters([3, 1], dtype="int8")
