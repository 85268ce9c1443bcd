"""Network's API and its errors at the boundary, in course notation."""

import numpy as np
import pytest

from deepcat import DivergenceError, Network


def test_predict_shapes_and_values(tiny_binary):
    X, Y = tiny_binary
    net = Network([4, 3, 1], seed=0)
    net.fit(X, Y, learning_rate=0.5, iterations=300)
    proba = net.predict_proba(X)
    assert proba.shape == (1, 30) and ((proba > 0) & (proba < 1)).all()
    np.testing.assert_array_equal(net.predict(X), (proba > 0.5).astype(int))
    assert net.score(X, Y) == np.mean(net.predict(X) == Y) > 0.9


def test_y_as_flat_vector_is_accepted(tiny_binary):
    X, Y = tiny_binary
    net = Network([4, 1], seed=0)
    assert net.cost(X, Y.ravel()) == net.cost(X, Y)


def test_history_records_course_schedule(tiny_binary):
    X, Y = tiny_binary
    history = Network([4, 2, 1], seed=0).fit(X, Y, iterations=250, record_every=100)
    assert [i for i, _ in history.costs] == [0, 100, 200, 249]
    assert history.iterations == 250 and history.fit_seconds > 0


def test_history_cost_is_before_the_update(tiny_binary):
    X, Y = tiny_binary
    net = Network([4, 2, 1], seed=3)
    initial = net.cost(X, Y)
    history = net.fit(X, Y, iterations=1)
    assert history.costs == [(0, initial)]


def test_gradients_dict(tiny_binary):
    X, Y = tiny_binary
    gradients = Network([4, 3, 1], seed=0).gradients(X, Y)
    assert {k: v.shape for k, v in gradients.items()} == {
        "dW1": (3, 4),
        "db1": (3, 1),
        "dW2": (1, 3),
        "db2": (1, 1),
    }


def test_per_layer_activations():
    net = Network([4, 3, 3, 1], hidden_activation=["tanh", "leaky_relu"])
    assert net.activations == ["tanh", "leaky_relu", "sigmoid"]


def test_summary_lists_every_layer_in_course_notation():
    text = Network([12288, 20, 7, 5, 1]).summary()
    assert "(20, 12288)" in text and "(20, 1)" in text and "(12288, m)" in text
    assert "(1, 5)" in text and "(5, m)" in text
    assert "total parameters: 245,973" in text  # (245,760 + 20) + (140 + 7) + (35 + 5) + (5 + 1)


def test_parameters_is_the_live_dict(tiny_binary):
    X, Y = tiny_binary
    net = Network([4, 1], seed=0)
    W = net.parameters["W1"]
    net.fit(X, Y, iterations=5)
    assert net.parameters["W1"] is W  # updated in place


def test_divergence_stops_with_iteration_and_restores_parameters():
    rng = np.random.RandomState(0)
    X = rng.randn(3, 40) * 100
    Y = (rng.rand(1, 40) > 0.5).astype(float)
    net = Network([3, 20, 20, 1], init="he", seed=0)
    before = {k: v.copy() for k, v in net.parameters.items()}
    with pytest.raises(DivergenceError, match=r"diverged at iteration \d+.*smaller learning rate"):
        net.fit(X, Y, learning_rate=1e6, iterations=200)
    for key, value in net.parameters.items():
        np.testing.assert_array_equal(value, before[key])


def test_float32_end_to_end(tiny_binary):
    X, Y = tiny_binary
    net = Network([4, 3, 1], dtype="float32", seed=0)
    X32 = X.astype(np.float32)
    net.fit(X32, Y, iterations=20)
    assert all(v.dtype == np.float32 for v in net.parameters.values())
    assert net.predict_proba(X32).dtype == np.float32
    assert all(g.dtype == np.float32 for g in net.gradients(X32, Y).values())


# -- errors at the boundary ---------------------------------------------------------------


@pytest.fixture
def net():
    return Network([4, 3, 1], seed=0)


def test_X_with_the_wrong_row_count(net):
    with pytest.raises(ValueError, match=r"n_x = layer_dims\[0\] = 4 rows.*got shape \(5, 30\)"):
        net.predict(np.zeros((5, 30)))


def test_transposed_X_gets_a_hint(net):
    with pytest.raises(ValueError, match=r"looks transposed \(m, n_x\): pass X.T, shape \(4, 30\)"):
        net.predict(np.zeros((30, 4)))


@pytest.mark.parametrize(
    ("X", "match"),
    [
        (np.zeros(4), r"X must be 2-D with shape \(n_x, m\) = \(4, m\)"),
        (np.zeros((4, 0)), r"X has no examples"),
        (np.array([[np.nan]] * 4), r"X contains NaN or infinity"),
        (np.array([[np.inf]] * 4), r"X contains NaN or infinity"),
    ],
)
def test_bad_X(net, X, match):
    with pytest.raises(ValueError, match=match):
        net.predict(X)


def test_X_must_be_numeric(net):
    with pytest.raises(TypeError, match="X must be a numeric array"):
        net.predict(np.array([["a"] * 3] * 4))


@pytest.mark.parametrize(
    ("Y", "match"),
    [
        (np.zeros((2, 3)), r"Y must have shape \(1, m\) = \(1, 3\) to match X, got \(2, 3\)"),
        (np.zeros((1, 4)), r"Y must have shape \(1, m\) = \(1, 3\)"),
        (np.array([[0, 2, 1]]), r"Y labels must be 0 or 1 .*found \[2\]"),
        (np.array([[0, 0.5, 1]]), r"Y labels must be 0 or 1"),
        (np.array([[0, np.nan, 1]]), r"Y contains NaN or infinity"),
    ],
)
def test_bad_Y(net, Y, match):
    with pytest.raises(ValueError, match=match):
        net.fit(np.zeros((4, 3)), Y, iterations=1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"learning_rate": -0.1},
            ValueError,
            r"learning_rate must be a positive finite number, got -0.1",
        ),
        ({"learning_rate": 0}, ValueError, r"learning_rate must be a positive finite number"),
        ({"learning_rate": float("nan")}, ValueError, r"learning_rate must be a positive finite"),
        ({"learning_rate": "fast"}, TypeError, r"learning_rate must be a positive finite number"),
        ({"iterations": 0}, ValueError, r"iterations must be an int >= 1, got 0"),
        ({"iterations": 2.5}, TypeError, r"iterations must be an int >= 1"),
        ({"record_every": 0}, ValueError, r"record_every must be an int >= 1"),
        ({"learning_rat": 0.1}, TypeError, r"unexpected keyword argument 'learning_rat'"),
    ],
)
def test_bad_fit_arguments(net, tiny_binary, kwargs, error, match):
    X, Y = tiny_binary
    with pytest.raises(error, match=match):
        net.fit(X, Y, **kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (
            ([4, 3, 1],),
            {"hidden_activation": "swish"},
            ValueError,
            r"unknown hidden-layer activation 'swish'; expected one of 'sigmoid', 'tanh', 'relu'",
        ),
        (
            ([4, 3, 1],),
            {"hidden_activation": ["relu", "tanh"]},
            ValueError,
            r"lists 2 names but the network has L - 1 = 1 hidden layers",
        ),
        (([4, 3, 1],), {"init": "glorot"}, ValueError, r"unknown initializer 'glorot'"),
        (([4, 3, 1],), {"output": "relu"}, ValueError, r"unknown output activation 'relu'"),
        (
            ([4, 3, 2],),
            {},
            ValueError,
            r"sigmoid output has n_L = 1 unit, got layer_dims\[-1\] = 2",
        ),
        (([4, 3, 1],), {"output": "softmax"}, ValueError, r"softmax output needs n_L >= 2"),
        (([4],), {}, ValueError, r"at least 2 sizes"),
        (([4, 0, 1],), {}, ValueError, r"n_1\) must be a positive size"),
        (([4, 3, 1],), {"activation": "relu"}, TypeError, r"unexpected keyword argument"),
    ],
)
def test_bad_construction(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        Network(*args, **kwargs)


def test_from_parameters_holds_the_given_arrays_and_draws_nothing():
    parameters = {
        "W1": np.array([[1.0, -2.0], [0.5, 0.0]]),
        "b1": np.array([[0.0], [1.0]]),
        "W2": np.array([[2.0, -1.0]]),
        "b2": np.array([[0.5]]),
    }
    net = Network.from_parameters([2, 2, 1], parameters, seed=3)
    assert net.parameters["W1"] is parameters["W1"]
    # x = (1, 1): Z1 = (-1, 1.5), A1 = relu = (0, 1.5), Z2 = 2*0 - 1.5 + 0.5 = -1
    expected = 1 / (1 + np.exp(1.0))
    np.testing.assert_allclose(net.predict_proba(np.ones((2, 1))), [[expected]], rtol=1e-15)
    assert net.rng.randn() == np.random.RandomState(3).randn()


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda p: p.pop("b2"), r"parameters lacks b2 \(layer 2\)"),
        (lambda p: p.update(W3=np.ones((1, 1))), "parameters holds W3, which a network of L = 2"),
        (lambda p: p.update(W2=np.ones((2, 1))), r"W2 has shape \(2, 1\), expected \(1, 2\)"),
        (lambda p: p["b1"].fill(np.nan), r"b1 holds NaN or infinity \(2 of its 2 numbers\)"),
    ],
)
def test_from_parameters_names_a_wrong_array(change, match):
    parameters = Network([2, 2, 1], seed=0).parameters
    change(parameters)
    with pytest.raises(ValueError, match=match):
        Network.from_parameters([2, 2, 1], parameters)
