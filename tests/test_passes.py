"""The training loop's passes (deepcat.training.passes, .gram, .methods, .batches) give the
results of the seeds' own functions: same costs, same parameters, same records.

The reference, :class:`SeedPasses`, trains with ``model_forward``, ``model_backward`` and the
optimizer's ``update`` on whole freshly allocated arrays, as a learner would write it; it is
put in the place of :class:`deepcat.training.passes.Passes` for the length of one fit."""

import contextlib
import copy
import tracemalloc
from unittest import mock

import numpy as np
import pytest

import deepcat.training.loop
from deepcat import DivergenceError, Network
from deepcat.core.activations import relu, sigmoid
from deepcat.core.losses import get_loss, l2_regularization_cost
from deepcat.core.propagation import model_backward, model_forward
from deepcat.training.batches import BatchReader, float_feature_chunks, scale_inputs
from deepcat.training.methods import METHODS, choose_method, fit_method, use_method
from deepcat.training.settings import build_config


class SeedPasses:
    """One batch at a time through the seeds' functions, with nothing preallocated."""

    reader = None  # it reads X itself, in memory: the loop shuffles as for any such X

    def __init__(self, network, X, config, method, batch_size):
        self.network, self.config, self.X = network, config, X
        self.loss = get_loss(network.activations[-1])
        L = network.L
        self.trainable = {f"d{p}{l}" for l in range(network.frozen + 1, L + 1) for p in "Wb"}

    def values_before_fit(self):
        return {key: value.copy() for key, value in self.network.parameters.items()}

    def cost(self, batch, Y):
        network, config = self.network, self.config
        X = self.X if batch is None else self.X[:, batch]
        X = scale_inputs(X, config.input_scale, network.dtype)
        self.AL, self.caches = model_forward(
            X, network.parameters, network.activations, config.keep_prob, network.rng
        )
        self.data_cost = self.loss(self.caches[-1][1], Y)
        return self.data_cost + l2_regularization_cost(network.parameters, config.lambd, X.shape[1])

    def step(self, batch, Y, learning_rate):
        network, config = self.network, self.config
        gradients = model_backward(
            self.AL, Y, self.caches, network.activations, config.keep_prob, config.lambd
        )
        trainable = {key: grad for key, grad in gradients.items() if key in self.trainable}
        config.optimizer.update(network.parameters, trainable, learning_rate)

    def sync(self):
        pass

    def release(self):
        pass


def forced(method):
    """``use_method(method)``, or the seeds' reference passes for ``"seeds"``."""
    if method == "seeds":
        return mock.patch.object(deepcat.training.loop, "Passes", SeedPasses)
    return use_method(method) if method else contextlib.nullcontext()


def wide_data(n_x=40, m=25, seed=0):
    """More features than examples, as for pictures: X (n_x, m), Y (1, m)."""
    rng = np.random.RandomState(seed)
    X = rng.rand(n_x, m)
    Y = (X[0] + X[1] > 1.0).astype(int).reshape(1, -1)
    return X, Y


def fit(method, X, Y, dims=(40, 6, 4, 1), seed=3, dtype="float64", frozen=0, **options):
    """Train a fresh network with ``method`` forced (None: chosen automatically)."""
    network = Network(list(dims), seed=seed, dtype=dtype, **_network_options(options))
    network.frozen = frozen
    with forced(method):
        history = network.fit(X, Y, **options)
    return network, history


def _network_options(options):
    return {key: options.pop(key) for key in ("hidden_activation", "output") if key in options}


def assert_same_training(plain, fast, rtol):
    (net_a, hist_a), (net_b, hist_b) = plain, fast
    assert [i for i, _ in hist_a.costs] == [i for i, _ in hist_b.costs]
    np.testing.assert_allclose(
        [c for _, c in hist_b.costs], [c for _, c in hist_a.costs], rtol=rtol
    )
    np.testing.assert_allclose(
        [c for _, c in hist_b.val_costs], [c for _, c in hist_a.val_costs], rtol=rtol
    )
    assert hist_a.best_iteration == hist_b.best_iteration
    assert hist_a.iterations == hist_b.iterations
    for key, value in net_a.parameters.items():
        scale = np.abs(value).max()
        np.testing.assert_allclose(net_b.parameters[key], value, rtol=0, atol=rtol * scale)


GRAM_CASES = {
    "gradient descent": dict(iterations=60, learning_rate=0.1),
    "L2": dict(iterations=60, learning_rate=0.1, lambd=0.7),
    "momentum and L2": dict(iterations=60, learning_rate=0.1, optimizer="momentum", lambd=0.3),
    "momentum with beta": dict(iterations=40, learning_rate=0.05, optimizer="momentum", beta=0.5),
    "mini-batches": dict(epochs=6, batch_size=7, learning_rate=0.1),
    "mini-batch momentum, L2, decay": dict(
        epochs=6,
        batch_size=7,
        learning_rate=0.1,
        optimizer="momentum",
        lambd=0.5,
        decay="inverse_time",
    ),
    "tanh hidden layers": dict(iterations=50, learning_rate=0.1, hidden_activation="tanh"),
    "validation and early stopping": dict(
        iterations=300, learning_rate=0.2, validation_fraction=0.2, patience=2, record_every=10
    ),
    "record every iteration": dict(iterations=12, learning_rate=0.1, record_every=1),
    "dropout": dict(iterations=40, learning_rate=0.1, keep_prob=[0.8, 0.9]),
    "mini-batch momentum and dropout": dict(
        epochs=4, batch_size=6, learning_rate=0.1, optimizer="momentum", keep_prob=0.7
    ),
}


@pytest.mark.parametrize("options", GRAM_CASES.values(), ids=GRAM_CASES.keys())
def test_gram_path_matches_the_seeds_functions(options):
    X, Y = wide_data()
    fast = fit("gram", X, Y, **dict(options))
    assert fast[1].method == "gram"
    seeds = fit("seeds", X, Y, **dict(options))
    assert_same_training(seeds, fast, rtol=1e-12)
    plain = fit("plain", X, Y, **dict(options))
    assert plain[1].method == "plain"
    assert_same_training(seeds, plain, rtol=1e-12)


def test_gram_path_softmax_output():
    X, _ = wide_data()
    labels = (X[2] * 2.99).astype(int).reshape(1, -1)
    options = dict(dims=(40, 6, 3), output="softmax", iterations=50, learning_rate=0.2, lambd=0.1)
    fast = fit(None, X, labels, **dict(options))
    assert fast[1].method == "gram"
    assert_same_training(fit("seeds", X, labels, **dict(options)), fast, rtol=1e-12)


def test_gram_path_float32():
    X, Y = wide_data()
    options = dict(iterations=40, learning_rate=0.1, optimizer="momentum", dtype="float32")
    fast = fit(None, X, Y, **dict(options))
    assert fast[1].method == "gram"
    assert fast[0].parameters["W1"].dtype == np.float32
    assert_same_training(fit("seeds", X, Y, **dict(options)), fast, rtol=2e-5)


PLAIN_CASES = {
    "adam": dict(epochs=4, batch_size=7, learning_rate=0.01, optimizer="adam"),
    "rmsprop and L2": dict(
        epochs=4, batch_size=7, learning_rate=0.01, optimizer="rmsprop", lambd=0.2
    ),
    "momentum": dict(epochs=4, batch_size=6, learning_rate=0.1, optimizer="momentum"),
    "gradient descent, full batch": dict(iterations=30, learning_rate=0.1),
    "adam, leaky relu": dict(
        epochs=3, batch_size=5, learning_rate=0.01, optimizer="adam", hidden_activation="leaky_relu"
    ),
    "sigmoid hidden layers, exponential decay": dict(
        epochs=3,
        batch_size=9,
        learning_rate=0.5,
        hidden_activation="sigmoid",
        decay="exponential",
        decay_rate=0.9,
    ),
    "first layer frozen": dict(iterations=30, learning_rate=0.1, frozen=1),
    "two layers frozen, momentum": dict(
        iterations=30, learning_rate=0.1, frozen=2, optimizer="momentum"
    ),
    "early stopping": dict(
        epochs=8, batch_size=5, learning_rate=0.2, validation_fraction=0.2, patience=2
    ),
    "two layers frozen, mini-batch adam and L2": dict(
        epochs=3, batch_size=7, learning_rate=0.01, frozen=2, optimizer="adam", lambd=0.3
    ),
    "first layer frozen with dropout on it": dict(
        epochs=3, batch_size=7, learning_rate=0.1, frozen=1, keep_prob=[0.8, 1.0]
    ),
    "first layer frozen, dropout above it": dict(
        epochs=3, batch_size=7, learning_rate=0.1, frozen=1, keep_prob=[1.0, 0.8]
    ),
    "adam, dropout, L2": dict(
        epochs=3, batch_size=8, learning_rate=0.01, optimizer="adam", keep_prob=0.8, lambd=0.1
    ),
}


@pytest.mark.parametrize("options", PLAIN_CASES.values(), ids=PLAIN_CASES.keys())
def test_plain_loop_matches_the_seeds_functions(options):
    X, Y = wide_data()
    fast = fit("plain", X, Y, **dict(options))
    assert fast[1].method == "plain"
    assert_same_training(fit("seeds", X, Y, **dict(options)), fast, rtol=1e-12)


def test_plain_loop_float32_adam_on_uint8_pixels():
    rng = np.random.RandomState(4)
    pixels = rng.randint(0, 256, size=(60, 48)).astype(np.uint8)  # (m, n_x), as images come
    Y = (pixels[:, 0] > 127).astype(int).reshape(1, -1)
    options = dict(
        dims=(48, 8, 1),
        dtype="float32",
        epochs=3,
        batch_size=16,
        learning_rate=0.01,
        optimizer="adam",
        input_scale=255,
    )
    fast = fit(None, pixels.T, Y, **dict(options))
    assert fast[1].method == "plain"
    assert_same_training(fit("seeds", pixels.T, Y, **dict(options)), fast, rtol=1e-6)


@pytest.mark.parametrize("layout", ["examples as rows", "examples as columns"])
@pytest.mark.parametrize("method", ["seeds", "plain"])
def test_uint8_with_input_scale_trains_like_floats_divided_by_255(layout, method):
    rng = np.random.RandomState(5)
    pixels = rng.randint(0, 256, size=(30, 40)).astype(np.uint8)
    X = pixels.T if layout == "examples as rows" else np.ascontiguousarray(pixels.T)
    Y = (pixels[:, 3] > 100).astype(int).reshape(1, -1)
    options = dict(epochs=3, batch_size=8, learning_rate=0.05, optimizer="adam")
    scaled = fit(method, X, Y, input_scale=255, **dict(options))
    divided = fit(method, X.astype(np.float64) / 255.0, Y, **dict(options))
    assert_same_training(divided, scaled, rtol=1e-13)


def test_uint8_validation_data_is_divided_too():
    rng = np.random.RandomState(6)
    pixels = rng.randint(0, 256, size=(40, 45)).astype(np.uint8)
    Y = (pixels[0] > 127).astype(int).reshape(1, -1)
    val = (pixels[:, 30:], Y[:, 30:])
    options = dict(iterations=20, learning_rate=0.1, record_every=5)
    scaled = fit(None, pixels[:, :30], Y[:, :30], input_scale=255, validation_data=val, **options)
    divided = fit(
        None,
        pixels[:, :30] / 255.0,
        Y[:, :30],
        validation_data=(val[0] / 255.0, val[1]),
        **options,
    )
    assert_same_training(divided, scaled, rtol=1e-12)


def test_uint8_data_is_never_copied_whole_as_floats():
    rng = np.random.RandomState(7)
    pixels = rng.randint(0, 256, size=(4000, 1024)).astype(np.uint8)  # 4 MB of uint8
    Y = (pixels[:, 0] > 127).astype(int).reshape(1, -1)
    network = Network([1024, 16, 1], seed=1, dtype="float32")
    tracemalloc.start()
    try:
        network.fit(pixels.T, Y, epochs=1, batch_size=64, optimizer="adam", input_scale=255)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    float32_copy = pixels.size * 4
    assert peak < float32_copy / 4, f"fit allocated {peak} bytes; a float32 copy is {float32_copy}"


@pytest.mark.parametrize(
    "options, expected",
    [
        (dict(iterations=30, optimizer="adam"), "plain"),
        (dict(iterations=30, optimizer="rmsprop"), "plain"),
        # Dropout keeps dW[1] in the row space of X, so the Gram shortcut stays exact.
        (dict(iterations=30, keep_prob=0.8), "gram"),
        # 10 iterations of 5 examples do not pay for computing Xᵀ X.
        (dict(epochs=2, batch_size=5, keep_prob=[0.9, 0.7], optimizer="momentum"), "plain"),
        (dict(iterations=30, frozen=1), "plain"),
        (dict(iterations=30), "gram"),
        (dict(iterations=30, optimizer="momentum", lambd=0.1), "gram"),
    ],
)
def test_automatic_choice_falls_back_where_the_shortcut_does_not_hold(options, expected):
    X, Y = wide_data()
    network, history = fit(None, X, Y, learning_rate=0.05, **options)
    assert history.method == expected
    assert_same_training(
        fit("seeds", X, Y, learning_rate=0.05, **options), (network, history), 1e-12
    )


def test_more_examples_than_features_do_not_take_the_gram_path():
    X, Y = wide_data(n_x=6, m=50)
    network, history = fit(None, X, Y, dims=(6, 4, 1), iterations=30, learning_rate=0.1)
    assert history.method == "plain"
    with pytest.raises(ValueError, match=r"'gram'.*m = 50 examples >= n_x = 6 features"):
        fit("gram", X, Y, dims=(6, 4, 1), iterations=30, learning_rate=0.1)


def test_a_single_iteration_is_cheaper_without_the_gram_matrix():
    X, Y = wide_data(n_x=40, m=30)
    network = Network([40, 6, 1], seed=1)
    config = _config(iterations=1)
    assert choose_method(network, X, config) == "plain"
    assert choose_method(network, X, _config(iterations=500)) == "gram"


@pytest.mark.parametrize(
    "m, fraction, expected",
    [
        (44, None, "plain"),  # m = 44 examples >= n_x = 41 features
        (44, 0.25, "gram"),  # 11 held out: 33 examples left to train on, fewer than 41
        (81, 0.5, "plain"),  # round(40.5) = 40 held out (half to even): 41 left
    ],
)
def test_fit_method_is_the_one_fit_takes_on_what_it_keeps_after_the_hold_out(m, fraction, expected):
    X, Y = wide_data(n_x=41, m=m)
    network = Network([41, 6, 1], seed=1)
    config = _config(iterations=200, validation_fraction=fraction)
    assert fit_method(network, X, config) == expected
    history = network.fit(X, Y, learning_rate=0.1, iterations=200, validation_fraction=fraction)
    assert history.method == expected


@pytest.mark.parametrize(
    "optimizer, match",
    [("adam", "Adam steps are not linear in the gradients"), ("rmsprop", "RMSprop steps")],
)
def test_forcing_the_gram_path_where_it_is_not_exact_is_refused(optimizer, match):
    X, Y = wide_data()
    with pytest.raises(ValueError, match=match):
        fit("gram", X, Y, iterations=5, optimizer=optimizer, learning_rate=0.01)


def test_forcing_the_gram_path_on_a_frozen_first_layer_is_refused():
    X, Y = wide_data()
    with pytest.raises(ValueError, match="'gram' training method does not apply: layer 1 is"):
        fit("gram", X, Y, iterations=5, frozen=1, learning_rate=0.01)


def test_unknown_method_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown training method 'fastest'.*'plain', 'gram'"):
        with use_method("fastest"):
            pass
    assert METHODS == ("plain", "gram")


@pytest.mark.parametrize("method", ["plain", "gram"])
def test_divergence_restores_the_parameters(method):
    rng = np.random.RandomState(0)
    X, Y = rng.randn(40, 25) * 100, (rng.rand(1, 25) > 0.5).astype(int)
    network = Network([40, 20, 20, 1], init="he", hidden_activation="leaky_relu", seed=0)
    before = {key: value.copy() for key, value in network.parameters.items()}
    with use_method(method), pytest.raises(DivergenceError, match="iteration 1.*smaller learning"):
        network.fit(X, Y, iterations=200, learning_rate=1e300)
    for key, value in before.items():
        np.testing.assert_array_equal(network.parameters[key], value)


@pytest.mark.parametrize("method", ["plain", "gram"])
def test_callback_sees_the_same_iterations_and_costs(method):
    X, Y = wide_data()
    seen = []
    fit(method, X, Y, iterations=15, learning_rate=0.1, callback=lambda i, c: seen.append((i, c)))
    reference = []
    fit(
        "seeds",
        X,
        Y,
        iterations=15,
        learning_rate=0.1,
        callback=lambda i, c: reference.append((i, c)),
    )
    assert [i for i, _ in seen] == list(range(15))
    np.testing.assert_allclose([c for _, c in seen], [c for _, c in reference], rtol=1e-12)


@pytest.mark.parametrize("method", ["plain", "gram"])
def test_parameters_dict_gets_its_own_arrays_back_trained(method):
    X, Y = wide_data()
    network = Network([40, 6, 4, 1], seed=3)
    arrays = dict(network.parameters)
    before = {key: value.copy() for key, value in arrays.items()}
    with use_method(method):
        network.fit(X, Y, iterations=10, learning_rate=0.1)
    for key, array in arrays.items():
        assert network.parameters[key] is array
        assert not np.array_equal(array, before[key])


def test_plain_loop_parameters_are_live_for_a_callback():
    X, Y = wide_data()
    snapshots = {}
    for method in ("seeds", "plain"):
        network = Network([40, 6, 4, 1], seed=3)
        seen = snapshots[method] = []
        with forced(method):
            network.fit(
                X,
                Y,
                iterations=5,
                learning_rate=0.1,
                callback=lambda i, c, net=network, seen=seen: seen.append(
                    net.parameters["W2"].copy()
                ),
            )
    np.testing.assert_allclose(
        np.array(snapshots["plain"]), np.array(snapshots["seeds"]), rtol=1e-13
    )


@pytest.mark.parametrize(
    "value, error, match",
    [
        (0, ValueError, r"input_scale must be a positive finite number, got 0"),
        (-255, ValueError, "input_scale must be a positive finite number"),
        ("255", TypeError, "input_scale must be a positive finite number, got '255'"),
        (float("nan"), ValueError, "input_scale"),
    ],
)
def test_bad_input_scale(value, error, match):
    X, Y = wide_data()
    with pytest.raises(error, match=match):
        Network([40, 1]).fit(X, Y, iterations=2, input_scale=value)


@pytest.mark.parametrize("method", ["plain", "gram"])
def test_both_methods_validate_inputs(method):
    X, Y = wide_data()
    with use_method(method):
        with pytest.raises(ValueError, match=r"X must have n_x = layer_dims\[0\] = 40 rows"):
            Network([40, 1]).fit(X[:30], Y, iterations=2)
        with pytest.raises(ValueError, match="X contains NaN"):
            Network([40, 1]).fit(np.where(X > 0.9, np.nan, X), Y, iterations=2)
        with pytest.raises(ValueError, match="Y labels must be 0 or 1"):
            Network([40, 1]).fit(X, Y * 2, iterations=2)


# -- the course's run, on the real data -------------------------------------------------------


def test_course_run_takes_the_gram_path_and_reproduces_the_published_figures(catvnoncat):
    X, Y = catvnoncat.train_x, catvnoncat.train_y
    network = Network([12288, 20, 7, 5, 1], init="lecun", seed=1)
    history = network.fit(X, Y, learning_rate=0.0075, iterations=2500)
    assert history.method == "gram"
    costs = dict(history.costs)
    assert costs[0] == pytest.approx(0.771749, abs=5e-7)
    assert costs[2400] == pytest.approx(0.092878, abs=5e-7)
    assert round(network.score(X, Y) * 209) == 206
    assert round(network.score(catvnoncat.test_x, catvnoncat.test_y) * 50) == 40


def test_course_run_gram_and_plain_agree_on_the_real_data(catvnoncat):
    X, Y = catvnoncat.train_x, catvnoncat.train_y
    options = dict(dims=(12288, 20, 7, 5, 1), seed=1, iterations=30, learning_rate=0.0075)
    options["record_every"] = 1
    fast = fit("gram", X, Y, **dict(options))
    assert_same_training(fit("seeds", X, Y, **dict(options)), fast, rtol=1e-11)


# -- the building blocks -----------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["F", "C"])
@pytest.mark.parametrize("input_scale", [None, 255.0])
def test_batch_reader_gives_the_batch_columns_divided(layout, input_scale):
    rng = np.random.RandomState(9)
    raw = rng.randint(0, 256, size=(12, 20)).astype(np.uint8 if input_scale else np.float32)
    X = np.asfortranarray(raw) if layout == "F" else np.ascontiguousarray(raw)
    reader = BatchReader(X, input_scale, np.float32, batch_size=6)
    assert reader.by_rows == (layout == "F")
    for batch in (np.array([0, 3, 4, 9, 15, 19]), np.array([2, 7])):
        expected = X[:, batch].astype(np.float32)
        if input_scale:
            expected = expected / np.float32(255)
        np.testing.assert_array_equal(reader.read(batch), expected)


def test_scale_inputs_casts_then_divides_in_the_network_dtype():
    pixels = np.array([[0, 1, 128, 255]], dtype=np.uint8)
    np.testing.assert_array_equal(
        scale_inputs(pixels, 255, np.float32), pixels.astype(np.float32) / np.float32(255)
    )
    assert scale_inputs(pixels, None, np.float32) is pixels


def test_float_feature_chunks_cover_every_feature_once(monkeypatch):
    import deepcat.training.batches

    monkeypatch.setattr(
        deepcat.training.batches, "CHUNK_BYTES", 5 * 8 * 3
    )  # three features per chunk
    X = np.arange(40, dtype=np.uint8).reshape(8, 5)
    chunks = list(float_feature_chunks(X, 2.0, np.float64))
    assert [rows for rows, _ in chunks] == [slice(0, 3), slice(3, 6), slice(6, 8)]
    np.testing.assert_array_equal(np.vstack([c for _, c in chunks]), X / 2.0)


def _config(n_hidden=1, **overrides):
    """A validated config with Network.fit's defaults (build_config fills them in)."""
    return build_config(n_hidden, **{"learning_rate": 0.1, **overrides})


# -- frozen leading layers: computed once, then the top layers train on their output -----------


@pytest.mark.parametrize(
    "options",
    [
        dict(epochs=3, batch_size=7, learning_rate=0.01, optimizer="adam"),
        dict(iterations=25, learning_rate=0.1, optimizer="momentum", lambd=0.4),
    ],
    ids=["mini-batch adam", "full-batch momentum and L2"],
)
@pytest.mark.parametrize("frozen", [1, 2])
def test_frozen_layers_train_like_a_network_of_the_top_layers_on_their_output(frozen, options):
    X, Y = wide_data()
    dims = [40, 6, 5, 4, 1]
    full = Network(dims, seed=3)
    full.frozen = frozen
    bottom = {key: value.copy() for key, value in full.parameters.items() if int(key[1:]) <= frozen}
    # A[k] of the frozen layers, by the seeds' forward pass on their own.
    A_k, _ = model_forward(X, bottom, full.activations[:frozen])
    top = Network(dims[frozen:], seed=0)
    for l in range(frozen + 1, len(dims)):
        for p in "Wb":
            top.parameters[f"{p}{l - frozen}"][...] = full.parameters[f"{p}{l}"]
    top.rng = copy.deepcopy(full.rng)  # the same shuffles
    with use_method("plain"):
        history = full.fit(X, Y, **dict(options))
    with forced("seeds"):
        top_history = top.fit(A_k, Y, **dict(options))
    for key, value in bottom.items():
        np.testing.assert_array_equal(full.parameters[key], value)
    for l in range(frozen + 1, len(dims)):
        for p in "Wb":
            expected = top.parameters[f"{p}{l - frozen}"]
            np.testing.assert_allclose(
                full.parameters[f"{p}{l}"], expected, rtol=0, atol=1e-12 * np.abs(expected).max()
            )
    if not options.get("lambd"):  # with L2 the full network's cost adds the frozen ||W||²
        np.testing.assert_allclose(
            [c for _, c in history.costs], [c for _, c in top_history.costs], rtol=1e-12
        )


def test_a_frozen_first_layer_one_gradient_descent_step_by_hand():
    X = np.array([[1.0, -2.0, 0.5], [0.0, 1.0, 2.0], [3.0, 1.0, -1.0]])
    Y = np.array([[1, 0, 1]])
    network = Network([3, 2, 1], seed=5)
    network.frozen = 1
    W1, b1, W2, b2 = (network.parameters[k].copy() for k in ("W1", "b1", "W2", "b2"))
    network.fit(X, Y, iterations=1, learning_rate=0.5)
    A1 = relu(W1 @ X + b1)
    dZ2 = sigmoid(W2 @ A1 + b2) - Y
    np.testing.assert_allclose(network.parameters["W2"], W2 - 0.5 * dZ2 @ A1.T / 3, rtol=1e-15)
    np.testing.assert_allclose(
        network.parameters["b2"], b2 - 0.5 * dZ2.sum(axis=1, keepdims=True) / 3, rtol=1e-15
    )
    np.testing.assert_array_equal(network.parameters["W1"], W1)
    np.testing.assert_array_equal(network.parameters["b1"], b1)


def test_frozen_outputs_respect_input_scale_and_dtype():
    from deepcat.training.passes import frozen_outputs

    rng = np.random.RandomState(2)
    pixels = rng.randint(0, 256, size=(30, 12)).astype(np.uint8)
    network = Network([12, 5, 3, 1], seed=1, dtype="float32")
    config = _config(input_scale=255, n_hidden=2)
    A2 = frozen_outputs(network, pixels.T, config, 2)
    assert A2.shape == (3, 30) and A2.dtype == np.float32 and A2.T.flags.c_contiguous
    X = pixels.T.astype(np.float32) / np.float32(255)
    expected, _ = model_forward(X, dict(list(network.parameters.items())[:4]), ["relu", "relu"])
    np.testing.assert_allclose(A2, expected, rtol=1e-6)


# -- the loop allocates its arrays once ---------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["adam", "momentum"])
def test_a_second_epoch_allocates_no_parameter_sized_array(optimizer):
    rng = np.random.RandomState(3)
    X, Y = rng.rand(1000, 64), (rng.rand(1, 64) > 0.5).astype(int)
    network = Network([1000, 64, 32, 1], seed=2)
    steps_per_epoch = 4
    peaks = []

    def watch(iteration, cost):
        if iteration == steps_per_epoch - 1:  # end of epoch 1: every buffer exists
            tracemalloc.reset_peak()
            peaks.append(tracemalloc.get_traced_memory()[0])
        elif iteration == 2 * steps_per_epoch - 1:
            peaks.append(tracemalloc.get_traced_memory()[1])

    tracemalloc.start()
    try:
        with use_method("plain"):
            network.fit(
                X, Y, epochs=2, batch_size=16, optimizer=optimizer, lambd=0.1, callback=watch
            )
    finally:
        tracemalloc.stop()
    # What remains is small per-batch work (indices, boolean ReLU masks, the (1, 16) cost
    # terms) and NumPy's own ufunc buffer for the broadcast Z += b (at most 8192 elements).
    W1_bytes = network.parameters["W1"].nbytes
    growth = peaks[1] - peaks[0]
    assert growth < W1_bytes / 16, f"epoch 2 allocated up to {growth} bytes; W1 is {W1_bytes}"
