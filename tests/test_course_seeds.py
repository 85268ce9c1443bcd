"""The seed articles' own functions: deepcat.course.seed_000, seed_001 and seed_003.

Every figure a seed prints is checked where the data it was printed from is available; each is
cited as ``seeds/<file>:<line>`` (the seed articles in ../shared/seeds, beside the repository).
Not reproducible, and so not tested: seed 000's array shapes (``x_orig shape: ndarray(100, 64,
64, 3)``, 000_dbd5d026220290ea.txt:537 and :543), which come from a set of 100 pictures the
seed loads with a ``load_data()`` it does not show; and the picture behind seed 001's last
``Accuracy: 1.0`` (001_bc836cd5ba930d3f.txt:93), the author's own cat.jpg, whose printout's
form is checked with a training picture instead. Seed 003 prints no figure of its own; its
``dnn_model`` is the course's ``L_layer_model`` and gives that notebook's published costs.
"""

import contextlib
import io
import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from deepcat.course import seed_000, seed_001, seed_003

matplotlib.use("Agg")  # dnn_model calls plt.show(): no window may open during the tests

SEED_000 = "seeds/000_dbd5d026220290ea.txt"
SEED_001 = "seeds/001_bc836cd5ba930d3f.txt"

# seeds/001_bc836cd5ba930d3f.txt:82 runs nn_model(train_x, train_y, 12, num_iterations=2500,
# learning_rate=0.007, print_cost=True); line 84 is its printout, line 89 the accuracies.
SEED_001_COSTS = [
    (0, "0.6933973875299138"),
    (500, "0.5054817305127275"),
    (1000, "0.3024003130312214"),
    (1500, "0.10870519536443567"),
    (2000, "0.05241476625572783"),
    (2499, "0.030590797593466793"),
]
SEED_001_ACCURACY = {"train": "Accuracy: 0.9999999999999998", "test": "Accuracy: 0.74"}

# The course's "Deep Neural Network - Application" notebook (Course 1 week 4), L_layer_model
# with layers_dims = [12288, 20, 7, 5, 1], learning_rate 0.0075: "Cost after iteration 0:
# 0.771749", "100: 0.672053", "200: 0.648263" (as recorded in
# daniellaah/deeplearning.ai-step-by-step-guide, 01-Neural-Networks-and-Deep-Learning/week4/
# README.md, and Anosy/Ng_DL, 1_4_dnn/README.md; tests/test_course.py uses the same figures).
L_LAYER_DIMS = [12288, 20, 7, 5, 1]
L_LAYER_COSTS = {0: 0.771749, 100: 0.672053, 200: 0.648263}


def numerical_gradients(cost_of, parameters, epsilon=1e-6):
    """Central differences of ``cost_of(parameters)`` for every entry of every parameter."""
    gradients = {}
    for key, value in parameters.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            saved = value[index]
            value[index] = saved + epsilon
            plus = float(cost_of(parameters))
            value[index] = saved - epsilon
            minus = float(cost_of(parameters))
            value[index] = saved
            grad[index] = (plus - minus) / (2 * epsilon)
        gradients[f"d{key}"] = grad
    return gradients


@pytest.fixture
def small_problem():
    rng = np.random.RandomState(3)
    X = rng.randn(5, 12)
    Y = (rng.rand(1, 12) > 0.5).astype(float)
    return X, Y


# --- seed 001 -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_001_run(catvnoncat):
    """The seed's run, its printout and the cost curve it draws on figure 1."""
    plt.close("all")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        parameters = seed_001.nn_model(
            catvnoncat.train_x,
            catvnoncat.train_y,
            12,
            num_iterations=2500,
            learning_rate=0.007,
            print_cost=True,
        )
    figure = plt.figure(1)
    axes = figure.axes[0]
    drawn = {
        "size": tuple(figure.get_size_inches()),
        "yscale": axes.get_yscale(),
        "title": axes.get_title(),
        "labels": (axes.get_xlabel(), axes.get_ylabel()),
        "costs": axes.lines[0].get_ydata().tolist(),
    }
    plt.close("all")
    return parameters, out.getvalue().splitlines(), drawn


def test_seed_001_prints_its_costs(seed_001_run):
    """seeds/001_bc836cd5ba930d3f.txt:84.

    Iteration 0 is printed digit for digit. The later costs are printed with 16 or 17
    significant digits, whose last one depends on how the BLAS library orders the 12288-term
    sums of ``W1 X``: the seed's own code run with OpenBLAS 0.3.31 differs from its printout in
    that digit too, in a different way for each OpenBLAS kernel; they agree to 1e-15.
    """
    lines = seed_001_run[1]
    assert [line.rsplit(": ", 1)[0] for line in lines] == [
        f"Cost after iteration {i}" for i, _ in SEED_001_COSTS
    ]
    assert lines[0] == "Cost after iteration 0: 0.6933973875299138"
    for line, (_, published) in zip(lines, SEED_001_COSTS, strict=True):
        assert float(line.rsplit(": ", 1)[1]) == pytest.approx(float(published), rel=1e-15, abs=0)


def test_seed_001_accuracies(seed_001_run, catvnoncat, capsys):
    """seeds/001_bc836cd5ba930d3f.txt:89: the training and test accuracies, as printed."""
    parameters = seed_001_run[0]
    p_train = seed_001.predict(catvnoncat.train_x, catvnoncat.train_y, parameters)
    p_test = seed_001.predict(catvnoncat.test_x, catvnoncat.test_y, parameters)
    assert capsys.readouterr().out.splitlines() == [
        SEED_001_ACCURACY["train"],
        SEED_001_ACCURACY["test"],
    ]
    assert p_train.shape == (1, 209) and p_train.dtype == np.float64
    assert int((p_test == catvnoncat.test_y).sum()) == 37  # 0.74 of 50


def test_seed_001_one_picture(seed_001_run, catvnoncat, capsys):
    """The form of seeds/001_bc836cd5ba930d3f.txt:93, with training picture 166 (a cat)."""
    picture = catvnoncat.train_x[:, [166]]
    predicted = seed_001.predict(picture, [1], seed_001_run[0])
    label = int(np.squeeze(predicted))
    print(
        "y = " + str(np.squeeze(predicted)) + ', your L-layer model predicts a "'
        f'{catvnoncat.classes[label]}" picture.'
    )
    assert capsys.readouterr().out.splitlines() == [
        "Accuracy: 1.0",
        'y = 1.0, your L-layer model predicts a "cat" picture.',
    ]


def test_seed_001_cost_curve(seed_001_run):
    """nn_model's figure: semilogy of the costs every 500 iterations and the last one."""
    drawn = seed_001_run[2]
    assert drawn["size"] == (8.0, 5.0)
    assert drawn["yscale"] == "log"
    assert drawn["title"] == "Learning Rate = 0.007"
    assert drawn["labels"] == ("Iterations", "Cost")
    np.testing.assert_allclose(drawn["costs"], [float(c) for _, c in SEED_001_COSTS], rtol=1e-15)


def test_seed_001_data(catvnoncat):
    """seeds/001_bc836cd5ba930d3f.txt:13 and :19: picture 166 and the shapes."""
    assert catvnoncat.train_y[0, 166] == 1 and catvnoncat.classes[1] == "cat"
    assert catvnoncat.train_x_orig.shape == (209, 64, 64, 3)
    assert catvnoncat.train_y.shape == (1, 209)
    assert catvnoncat.test_x_orig.shape == (50, 64, 64, 3)
    assert catvnoncat.test_y.shape == (1, 50)
    assert catvnoncat.train_x.shape == (12288, 209) and catvnoncat.test_x.shape == (12288, 50)


def test_seed_001_initialization_draws_privately():
    """The seed's np.random.seed(1) inside initialize_parameters, without the global state."""
    before = np.random.get_state()[1].copy()
    parameters = seed_001.initialize_parameters(7, 3, 1)
    assert np.array_equal(np.random.get_state()[1], before)
    rng = np.random.RandomState(1)
    np.testing.assert_array_equal(parameters["W1"], rng.randn(3, 7) * 0.01)
    np.testing.assert_array_equal(parameters["W2"], rng.randn(1, 3) * 0.01)
    assert not parameters["b1"].any() and parameters["b2"].shape == (1, 1)


def test_seed_001_backwardpass_matches_finite_differences(small_problem):
    X, Y = small_problem
    parameters = seed_001.initialize_parameters(5, 4, 1)
    parameters = {k: v * 50 for k, v in parameters.items()}  # away from the ReLU kink's scale
    A2, cache = seed_001.forwardpass(X, parameters)
    grads = seed_001.backwardpass(parameters, cache, X, Y)

    def cost_of(p):
        return seed_001.compute_cost(seed_001.forwardpass(X, p)[0], Y, p)

    expected = numerical_gradients(cost_of, parameters)
    for key, value in expected.items():
        np.testing.assert_allclose(grads[key], value, rtol=1e-5, atol=1e-9)


def test_seed_001_prints_the_last_cost_even_without_print_cost(tiny_binary, capsys):
    X, Y = tiny_binary
    seed_001.nn_model(X, Y, 3, num_iterations=1001, learning_rate=0.5, plot=False)
    assert [line.split(":")[0] for line in capsys.readouterr().out.splitlines()] == [
        "Cost after iteration 1000"
    ]
    seed_001.nn_model(X, Y, 3, num_iterations=1001, print_cost=True, plot=False)
    printed = [line.split(":")[0] for line in capsys.readouterr().out.splitlines()]
    assert printed == [f"Cost after iteration {i}" for i in (0, 500, 1000, 1000)]


def test_seed_001_update_makes_new_arrays():
    parameters = seed_001.initialize_parameters(3, 2, 1)
    kept = {k: v.copy() for k, v in parameters.items()}
    grads = {f"d{k}": np.ones_like(v) for k, v in parameters.items()}
    updated = seed_001.update_parameters(parameters, grads, learning_rate=0.5)
    for key, value in kept.items():
        np.testing.assert_array_equal(parameters[key], value)
        np.testing.assert_array_equal(updated[key], value - 0.5)


def test_seed_001_saturated_network_is_finite(small_problem):
    """Outputs of exactly 0 and 1: no warning, a finite cost and finite gradients."""
    X, Y = small_problem
    parameters = seed_001.initialize_parameters(5, 4, 1)
    parameters["W1"] = np.full((4, 5), 400.0)
    parameters["W2"] = np.full((1, 4), 500.0)
    parameters["b2"] = np.array([[-1000.0]])
    with warnings_as_errors():
        A2, cache = seed_001.forwardpass(X, parameters)
        assert A2.min() == 0.0 and A2.max() == 1.0
        cost = seed_001.compute_cost(A2, Y, parameters)
        grads = seed_001.backwardpass(parameters, cache, X, Y)
    assert np.isfinite(cost) and cost > 10
    assert all(np.isfinite(g).all() for g in grads.values())


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda X, Y: seed_001.nn_model(X[0], Y, 3), ValueError, r"X must have shape \(n_x, m\)"),
        (lambda X, Y: seed_001.nn_model(X, Y[:, :5], 3), ValueError, r"Y must have shape \(1, m\)"),
        (lambda X, Y: seed_001.nn_model(X, Y, 0), ValueError, "n_h must be an int >= 1"),
        (lambda X, Y: seed_001.nn_model(X, Y, "3"), TypeError, "n_h must be an int"),
        (lambda X, Y: seed_001.nn_model(X, Y, 3, 0), ValueError, "num_iterations"),
        (
            lambda X, Y: seed_001.forwardpass(X, {"W1": np.zeros((2, 4))}),
            ValueError,
            "missing b1, W2, b2",
        ),
        (
            lambda X, Y: seed_001.forwardpass(X[:3], seed_001.initialize_parameters(4, 2, 1)),
            ValueError,
            "X must have n_x = 4 rows",
        ),
    ],
)
def test_seed_001_refuses_bad_input(tiny_binary, call, error, match):
    X, Y = tiny_binary
    with pytest.raises(error, match=match):
        call(X, Y)


# --- seed 000 -------------------------------------------------------------------------------

SEED_000_ACTIVATIONS = ["none", "tanh", "leaky_relu", "relu", "sigmoid"]


def test_seed_000_first_cost_is_the_courses(catvnoncat):
    """seed 000's initialize_parameters and model_forward are the course's at iteration 0.

    With ``seed=1`` its draws are the course's ``initialize_parameters_deep``; the first cost
    of ``[12288, 20, 7, 5, 1]`` is the published 0.771749. After that seed 000 takes ReLU's
    derivative at ``z = 0`` as 1 (its text, 000_dbd5d026220290ea.txt:90), the course as 0, and
    exact zeros do occur (a unit whose bias has not moved and whose inputs are all 0), so the
    later costs are seed 000's own.
    """
    init = seed_000.initialize_parameters(L_LAYER_DIMS, seed=1)
    activations = ["none", "relu", "relu", "relu", "sigmoid"]
    _, costs = seed_000.nn_model(
        catvnoncat.train_x, catvnoncat.train_y, init, activations, 0.0075, 1
    )
    assert len(costs) == 1 and costs[0].shape == ()
    assert round(float(costs[0]), 6) == L_LAYER_COSTS[0]


def test_seed_000_relu_conventions():
    """The seed's text: derivative 1 at z = 0 (000_dbd5d026220290ea.txt:90 and :122)."""
    Z = np.array([[-2.0, 0.0, 3.0]])
    dA = np.array([[5.0, 5.0, 5.0]])
    np.testing.assert_array_equal(seed_000.relu_derivative(Z), [[0.0, 1.0, 1.0]])
    np.testing.assert_array_equal(seed_000.leaky_relu_derivative(Z), [[0.01, 1.0, 1.0]])
    np.testing.assert_array_equal(seed_000.relu_backward(dA, Z), [[0.0, 5.0, 5.0]])
    # dA times the slope, not the slope alone as the listing at line 136 writes it.
    np.testing.assert_array_equal(seed_000.leaky_relu_backward(dA, Z), [[0.05, 5.0, 5.0]])
    A, cache = seed_000.leaky_relu(Z, negative_slope=0.1)
    np.testing.assert_array_equal(A, [[-0.2, 0.0, 3.0]])
    assert cache is Z


@pytest.mark.parametrize("name", seed_000.ACTIVATION_NAMES)
def test_seed_000_activation_returns_value_and_cache(name):
    """Each activation returns ``(A, Z)``; its ``*_derivative`` is the slope of ``A``."""
    Z = np.array([[-3.0, -1.5, -0.2, 0.3, 1.0, 2.5]])
    g = getattr(seed_000, name)
    A, cache = g(Z)
    assert A.shape == Z.shape and cache is Z
    step = 1e-6
    numerical = (g(Z + step)[0] - g(Z - step)[0]) / (2 * step)
    np.testing.assert_allclose(getattr(seed_000, f"{name}_derivative")(Z), numerical, rtol=1e-6)
    dA = np.full(Z.shape, 2.0)
    np.testing.assert_allclose(
        getattr(seed_000, f"{name}_backward")(dA, Z), 2 * numerical, rtol=1e-6
    )


def test_seed_000_model_backward_matches_finite_differences(small_problem):
    X, Y = small_problem
    parameters = seed_000.initialize_parameters([5, 4, 3, 3, 1], seed=0)
    AL, caches = seed_000.model_forward(X, parameters, SEED_000_ACTIVATIONS)
    gradients = seed_000.model_backward(AL, Y, caches, SEED_000_ACTIVATIONS)
    assert sorted(k for k in gradients if k.startswith("dA")) == ["dA0", "dA1", "dA2", "dA3"]
    assert gradients["dA0"].shape == X.shape

    def cost_of(p):
        return seed_000.compute_cost(seed_000.model_forward(X, p, SEED_000_ACTIVATIONS)[0], Y)

    for key, value in numerical_gradients(cost_of, parameters).items():
        np.testing.assert_allclose(gradients[key], value, rtol=1e-5, atol=1e-9)


def test_seed_000_nn_model_leaves_its_start_alone(small_problem):
    X, Y = small_problem
    init = seed_000.initialize_parameters([5, 4, 3, 3, 1], seed=2)
    kept = {k: v.copy() for k, v in init.items()}
    parameters, costs = seed_000.nn_model(X, Y, init, SEED_000_ACTIVATIONS, 0.1, 250)
    for key, value in kept.items():
        np.testing.assert_array_equal(init[key], value)
    assert len(costs) == 3 and float(costs[-1]) < float(costs[0])
    predictions = seed_000.nn_model_predict(X, parameters, SEED_000_ACTIVATIONS)
    assert predictions.shape == (1, 12) and set(np.unique(predictions)) <= {0.0, 1.0}


def test_seed_000_update_ignores_dA_and_copies():
    parameters = seed_000.initialize_parameters([3, 2, 1], seed=0)
    kept = {k: v.copy() for k, v in parameters.items()}
    gradients = {f"d{k}": np.ones_like(v) for k, v in parameters.items()}
    gradients["dA0"] = np.ones((3, 4))
    updated = seed_000.update_parameters(parameters, gradients, 0.25)
    assert sorted(updated) == sorted(parameters)
    for key, value in kept.items():
        np.testing.assert_array_equal(parameters[key], value)
        np.testing.assert_array_equal(updated[key], value - 0.25)


def test_seed_000_unseeded_initialization_leaves_global_state():
    before = np.random.get_state()[1].copy()
    first = seed_000.initialize_parameters([4, 3, 1])
    second = seed_000.initialize_parameters([4, 3, 1])
    assert np.array_equal(np.random.get_state()[1], before)
    assert not np.array_equal(first["W1"], second["W1"])


def test_seed_000_saturated_network_is_finite(small_problem):
    X, Y = small_problem
    parameters = seed_000.initialize_parameters([5, 3, 1], seed=4)
    parameters["W1"] *= 1000
    parameters["W2"] = np.full((1, 3), 1000.0)
    activations = ["none", "tanh", "sigmoid"]
    with warnings_as_errors():
        AL, caches = seed_000.model_forward(X, parameters, activations)
        assert AL.min() == 0.0 and AL.max() == 1.0
        cost = seed_000.compute_cost(AL, Y)
        gradients = seed_000.model_backward(AL, Y, caches, activations)
        seed_000.tanh(np.array([800.0, -800.0]))
    assert np.isfinite(cost) and all(np.isfinite(g).all() for g in gradients.values())


@pytest.mark.parametrize(
    "activations, match",
    [
        (["none", "softmax", "sigmoid"], "Activation function softmax not supported"),
        (["none", "sigmoid"], "so L = 1; parameters must hold W1 to W1"),
        (["none", "relu", "tanh"], "output layer's activation must be 'sigmoid'"),
    ],
)
def test_seed_000_refuses_bad_activations(small_problem, activations, match):
    X, Y = small_problem
    init = seed_000.initialize_parameters([5, 3, 1], seed=0)
    with pytest.raises(ValueError, match=match):
        seed_000.nn_model(X, Y, init, activations, 0.1, 1)


# --- seed 003 -------------------------------------------------------------------------------


def test_seed_003_dnn_model_prints_the_courses_costs(catvnoncat, capsys):
    """dnn_model is the course's L_layer_model: its costs at 0, 100 and 200 (see top).

    Seed 003 prints from iteration 100 on (003_80e2d421b89ff6b1.txt:225, ``i > 0``), in its own
    words; iteration 0 is in the curve it draws.
    """
    plt.close("all")
    seed_003.dnn_model(
        catvnoncat.train_x, catvnoncat.train_y, L_LAYER_DIMS, num_iterations=201, print_cost=True
    )
    assert capsys.readouterr().out.splitlines() == [
        f"训练{i}次后成本是: {L_LAYER_COSTS[i]:f}" for i in (100, 200)
    ]
    axes = plt.gcf().axes[0]
    np.testing.assert_allclose(
        axes.lines[0].get_ydata(), [L_LAYER_COSTS[i] for i in (0, 100, 200)], atol=5e-7
    )
    assert axes.get_title() == "Learning rate =0.0075"
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("iterations (per tens)", "cost")
    plt.close("all")


def test_seed_003_initialization_is_the_courses():
    """initialize_parameters_deep: np.random.seed(1), then randn / sqrt(n_{l-1}) per layer."""
    before = np.random.get_state()[1].copy()
    parameters = seed_003.initialize_parameters_deep([5, 4, 3])
    assert np.array_equal(np.random.get_state()[1], before)
    rng = np.random.RandomState(1)
    np.testing.assert_array_equal(parameters["W1"], rng.randn(4, 5) / np.sqrt(5))
    np.testing.assert_array_equal(parameters["W2"], rng.randn(3, 4) / np.sqrt(4))


def test_seed_003_backward_matches_finite_differences(small_problem):
    X, Y = small_problem
    parameters = seed_003.initialize_parameters_deep([5, 4, 3, 1])
    AL, caches = seed_003.L_model_forward(X, parameters)
    grads = seed_003.L_model_backward(AL, Y.ravel(), caches)
    assert {"dA0", "dA1", "dA2"} <= set(grads)

    def cost_of(p):
        return seed_003.compute_cost(seed_003.L_model_forward(X, p)[0], Y)

    for key, value in numerical_gradients(cost_of, parameters).items():
        np.testing.assert_allclose(grads[key], value, rtol=1e-5, atol=1e-9)


def test_seed_003_update_and_predict(small_problem, capsys):
    X, Y = small_problem
    parameters = seed_003.initialize_parameters_deep([5, 3, 1])
    old_W1 = parameters["W1"]
    kept = old_W1.copy()
    grads = {f"d{k}": np.ones_like(v) for k, v in parameters.items()}
    returned = seed_003.update_parameters(parameters, grads, 0.5)
    assert returned is parameters
    np.testing.assert_array_equal(old_W1, kept)
    np.testing.assert_array_equal(parameters["W1"], kept - 0.5)
    p = seed_003.predict(X, parameters)
    assert p.shape == (1, 12) and set(np.unique(p)) <= {0.0, 1.0}
    assert capsys.readouterr().out == ""


def test_seed_003_saturated_network_is_finite(small_problem):
    X, Y = small_problem
    parameters = seed_003.initialize_parameters_deep([5, 3, 1])
    parameters["W1"] *= 1000
    parameters["W2"] = np.array([[1000.0, -1000.0, 0.0]])
    with warnings_as_errors():
        AL, caches = seed_003.L_model_forward(X, parameters)
        assert AL.min() == 0.0 and AL.max() == 1.0
        cost = seed_003.compute_cost(AL, Y)
        grads = seed_003.L_model_backward(AL, Y, caches)
    assert np.isfinite(cost) and all(np.isfinite(g).all() for g in grads.values())


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda X, Y: seed_003.dnn_model(X, Y, [5, 3, 2]), "layers_dims must end with 1"),
        (lambda X, Y: seed_003.dnn_model(X, Y, [4, 3, 1]), r"X must have shape \(n_x, m\)"),
        (
            lambda X, Y: seed_003.linear_activation_forward(
                X, np.ones((2, 5)), np.ones((2, 1)), "tanh"
            ),
            'activation must be "sigmoid" or "relu"',
        ),
        (
            lambda X, Y: seed_003.compute_cost(np.ones((2, 12)) / 2, Y),
            r"AL must have shape \(1, m\)",
        ),
    ],
)
def test_seed_003_refuses_bad_input(small_problem, call, match):
    X, Y = small_problem
    with pytest.raises(ValueError, match=match):
        call(X, Y)


@contextlib.contextmanager
def warnings_as_errors():
    """Every warning an error, and every floating-point overflow, 0/0 or x/0 (underflow to 0,
    harmless, is NumPy's default silence, as in tests/test_activations.py)."""
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        yield
