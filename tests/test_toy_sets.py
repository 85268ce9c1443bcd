"""The playground's 2-D data sets: shapes, seeds, the course's sets, and the geometry at noise 0."""

import numpy as np
import pytest

from deepcat.data import planar
from deepcat.data.toy_sets import (
    BLOB_CENTRES,
    NOISE_LIMITS,
    SEED_LIMITS,
    SIZE_LIMITS,
    TOY_SETS,
    make_toy_set,
)
from deepcat.training.settings import SEEDS


@pytest.mark.parametrize("name", list(TOY_SETS))
@pytest.mark.parametrize("m", [20, 57, 1000])
def test_every_set_has_the_course_layout(name, m):
    X, Y = make_toy_set(name, m, TOY_SETS[name].noise, 0)
    assert X.shape == (2, m) and X.dtype == np.float64 and X.flags.c_contiguous
    assert Y.shape == (1, m) and Y.dtype == np.int64
    assert set(np.unique(Y)) == {0, 1}
    assert np.isfinite(X).all()


@pytest.mark.parametrize("name", list(TOY_SETS))
def test_a_seed_gives_the_same_points_and_leaves_the_global_state_alone(name):
    np.random.seed(12345)
    before = np.random.get_state()[1].copy()
    first = make_toy_set(name, 100, 0.3, 7)
    again = make_toy_set(name, 100, 0.3, 7)
    other = make_toy_set(name, 100, 0.3, 8)
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[0], other[0])


def test_the_course_settings_give_the_course_sets():
    X, Y = make_toy_set("flower", 400, 0.2, 1)
    course_X, course_Y = planar.flower()
    np.testing.assert_array_equal(X, course_X)
    np.testing.assert_array_equal(Y, course_Y)
    X, Y = make_toy_set("moons", 300, 0.2, 3)
    np.testing.assert_array_equal(X, planar.moons()[0])
    np.testing.assert_array_equal(Y, planar.moons()[1])
    X, Y = make_toy_set("circles", 300, 0.05, 1)
    np.testing.assert_array_equal(X, planar.circles()[0])
    np.testing.assert_array_equal(Y, planar.circles()[1])


def test_planar_draws_the_playgrounds_moons_and_circles_and_defaults_to_the_courses():
    X, Y = make_toy_set("moons", 57, 0.3, 9)
    moons = planar.moons(n_samples=57, noise=0.3, seed=9)
    np.testing.assert_array_equal(X, moons[0])
    np.testing.assert_array_equal(Y, moons[1])
    X, Y = make_toy_set("circles", 57, 0.3, 9)
    circles = planar.circles(noise=0.3, draws=[(9, 57)])
    assert len(circles) == 2
    np.testing.assert_array_equal(X, circles[0])
    np.testing.assert_array_equal(Y, circles[1])
    # The defaults are the course's draws: moons (300, 0.2, 3), circles at 0.05 after 1 and 2.
    for default, explicit in [
        (planar.moons(), planar.moons(n_samples=300, noise=0.2, seed=3)),
        (planar.circles(), planar.circles(noise=0.05, draws=[(1, 300), (2, 100)])),
    ]:
        assert len(default) == len(explicit)
        for array, same in zip(default, explicit, strict=True):
            np.testing.assert_array_equal(array, same)
    assert [planar.FLOWER_NOISE, planar.MOONS_NOISE, planar.CIRCLES_NOISE] == [
        TOY_SETS[name].noise for name in ("flower", "moons", "circles")
    ]


def test_planar_flower_keeps_the_course_noise_by_default():
    np.testing.assert_array_equal(planar.flower()[0], planar.flower(noise=0.2)[0])
    assert not np.array_equal(planar.flower()[0], planar.flower(noise=0.0)[0])


def test_each_set_starts_with_its_own_noise():
    for name, toy_set in TOY_SETS.items():
        np.testing.assert_array_equal(
            make_toy_set(name, 50, seed=4)[0], make_toy_set(name, 50, toy_set.noise, 4)[0]
        )


def test_the_flower_without_noise_lies_on_its_petals():
    X, Y = make_toy_set("flower", 40, 0.0, 0)
    for j in range(2):
        t = np.linspace(3.12 * j, 3.12 * (j + 1), 20)
        r = 4 * np.sin(4 * t)
        np.testing.assert_allclose(X[:, Y[0] == j], [r * np.sin(t), r * np.cos(t)], atol=1e-12)


def test_an_odd_flower_keeps_one_point_less_of_class_1():
    X, Y = make_toy_set("flower", 41, 0.2, 1)
    assert int((Y == 0).sum()) == 21 and int((Y == 1).sum()) == 20
    np.testing.assert_array_equal(X, planar.flower(21, seed=1)[0][:, :41])


def test_xor_labels_follow_the_signs_without_noise():
    X, Y = make_toy_set("xor", 500, 0.0, 3)
    assert np.abs(X).max() <= 1
    np.testing.assert_array_equal(Y[0], (X[0] * X[1] < 0).astype(np.int64))


def test_circles_without_noise_have_radii_1_and_0_8():
    X, Y = make_toy_set("circles", 101, 0.0, 3)
    radius = np.hypot(X[0], X[1])
    np.testing.assert_allclose(radius[Y[0] == 0], 1.0, atol=1e-12)
    np.testing.assert_allclose(radius[Y[0] == 1], 0.8, atol=1e-12)


def test_moons_without_noise_lie_on_their_half_circles():
    X, Y = make_toy_set("moons", 100, 0.0, 3)
    upper, lower = X[:, Y[0] == 0], X[:, Y[0] == 1]
    np.testing.assert_allclose(np.hypot(upper[0], upper[1]), 1.0, atol=1e-12)
    assert (upper[1] >= -1e-12).all()
    np.testing.assert_allclose(np.hypot(lower[0] - 1, lower[1] - 0.5), 1.0, atol=1e-12)
    assert (lower[1] <= 0.5 + 1e-12).all()


def test_blobs_without_noise_sit_on_their_centres():
    X, Y = make_toy_set("blobs", 30, 0.0, 3)
    for label, centre in enumerate(BLOB_CENTRES):
        np.testing.assert_array_equal(X[:, Y[0] == label].T, np.broadcast_to(centre, (15, 2)))


def test_noise_is_the_standard_deviation_in_the_points_units():
    for noise in (0.1, 0.4):
        X, Y = make_toy_set("blobs", 1000, noise, 5)
        centres = np.array(BLOB_CENTRES)[Y[0]].T
        assert 0.9 * noise < np.std(X - centres) < 1.1 * noise
        X, Y = make_toy_set("circles", 1000, noise, 5)
        # A small normal step (sd s per coordinate) moves the radius by about sd s.
        radius = np.hypot(X[0], X[1]) - np.where(Y[0] == 0, 1.0, 0.8)
        assert 0.8 * noise < np.std(radius) < 1.2 * noise


def test_limits_are_declared_once_and_refused_in_deepcats_words():
    assert SIZE_LIMITS == (20, 1000) and NOISE_LIMITS == (0, 1)
    assert SEED_LIMITS == (SEEDS.low, SEEDS.high)  # a data seed is one of deepcat's seeds
    refusals = [
        ({"m": 19}, ValueError, "m must be an int in [20, 1000], got 19"),
        ({"m": 1001}, ValueError, "m must be an int in [20, 1000], got 1001"),
        ({"m": 20.0}, TypeError, "m must be an int in [20, 1000], got 20.0"),
        ({"m": True}, TypeError, "m must be an int in [20, 1000], got True"),
        ({"noise": -0.1}, ValueError, "noise must be in [0, 1], got -0.1"),
        ({"noise": 1.5}, ValueError, "noise must be in [0, 1], got 1.5"),
        ({"seed": -1}, ValueError, "seed must be an int in [0, 2**32 - 1], got -1"),
        ({"seed": 2**32}, ValueError, "seed must be an int in [0, 2**32 - 1], got 4294967296"),
        ({"seed": 1.0}, TypeError, "seed must be an int in [0, 2**32 - 1], got 1.0"),
    ]
    for options, kind, message in refusals:
        with pytest.raises(kind) as error:
            make_toy_set("moons", **options)
        assert str(error.value) == message
    with pytest.raises(ValueError) as error:
        make_toy_set("spiral")
    assert str(error.value) == (
        "unknown toy data set 'spiral'; expected one of 'flower', 'moons', 'circles', 'blobs', "
        "'xor'"
    )
