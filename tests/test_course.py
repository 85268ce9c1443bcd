"""The course's published results, reproduced on the real data (DEEPCAT_DATA)."""

import numpy as np
import pytest

from deepcat import (
    Network,
    compute_cost,
    initialize_parameters,
    model_backward,
    model_forward,
    update_parameters,
)

# Published in the deeplearning.ai notebooks "Deep Neural Network - Application" (course 1, week 4).
L_LAYER_COSTS = {0: 0.771749, 2400: 0.092878}
L_LAYER_ACCURACY = {"train": 206 / 209, "test": 40 / 50}
TWO_LAYER_COSTS = {0: 0.693050, 2400: 0.048554785628770206}
TWO_LAYER_ACCURACY = {"train": 209 / 209, "test": 36 / 50}


@pytest.fixture(scope="module")
def l_layer(catvnoncat):
    net = Network([12288, 20, 7, 5, 1], hidden_activation="relu", init="lecun", seed=1)
    history = net.fit(catvnoncat.train_x, catvnoncat.train_y, learning_rate=0.0075, iterations=2500)
    return net, history


@pytest.fixture(scope="module")
def two_layer(catvnoncat):
    net = Network([12288, 7, 1], init="small", seed=1)
    history = net.fit(catvnoncat.train_x, catvnoncat.train_y, learning_rate=0.0075, iterations=2500)
    return net, history


def test_l_layer_costs(l_layer):
    costs = dict(l_layer[1].costs)
    assert sorted(costs) == list(range(0, 2500, 100)) + [2499]
    for iteration, published in L_LAYER_COSTS.items():
        assert round(costs[iteration], 6) == published


def test_l_layer_accuracies(l_layer, catvnoncat):
    net = l_layer[0]
    assert net.score(catvnoncat.train_x, catvnoncat.train_y) == L_LAYER_ACCURACY["train"]
    assert net.score(catvnoncat.test_x, catvnoncat.test_y) == L_LAYER_ACCURACY["test"]


def test_two_layer_costs(two_layer):
    costs = dict(two_layer[1].costs)
    assert round(costs[0], 6) == TWO_LAYER_COSTS[0]
    assert costs[2400] == pytest.approx(TWO_LAYER_COSTS[2400], rel=1e-10)


def test_two_layer_accuracies(two_layer, catvnoncat):
    net = two_layer[0]
    assert net.score(catvnoncat.train_x, catvnoncat.train_y) == TWO_LAYER_ACCURACY["train"]
    assert net.score(catvnoncat.test_x, catvnoncat.test_y) == TWO_LAYER_ACCURACY["test"]


def test_building_blocks_composed_by_hand_match_network(catvnoncat):
    """Seed 000's loop over the public functions gives Network.fit's costs and parameters."""
    X, Y = catvnoncat.train_x, catvnoncat.train_y
    parameters = initialize_parameters([12288, 20, 7, 5, 1], init="lecun", seed=1)
    costs = []
    for _ in range(30):
        AL, caches = model_forward(X, parameters)
        costs.append(compute_cost(AL, Y))
        update_parameters(parameters, model_backward(AL, Y, caches), 0.0075)
    net = Network([12288, 20, 7, 5, 1], seed=1)
    history = net.fit(X, Y, learning_rate=0.0075, iterations=30, record_every=1)
    np.testing.assert_allclose([c for _, c in history.costs], costs, rtol=1e-12)
    for key, value in parameters.items():
        np.testing.assert_allclose(net.parameters[key], value, rtol=1e-9, atol=1e-15)


def test_course_data_shapes(catvnoncat):
    assert catvnoncat.train_x.shape == (12288, 209) and catvnoncat.test_x.shape == (12288, 50)
    assert catvnoncat.train_y.shape == (1, 209) and catvnoncat.test_y.shape == (1, 50)
    assert int(catvnoncat.train_y.sum()) == 72 and int(catvnoncat.test_y.sum()) == 33
    assert catvnoncat.classes == ["non-cat", "cat"]
    assert catvnoncat.train_x.max() == 1.0 and catvnoncat.train_x.min() == 0.0
