"""Each optimizer's update against one written out by hand, on a one-layer network."""

import numpy as np
import pytest

from deepcat import Network
from deepcat.core.activations import sigmoid
from deepcat.core.optimizers import (
    OPTIMIZERS,
    Adam,
    Momentum,
    RMSprop,
    make_optimizer,
    update_parameters,
)

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]])
Y = np.array([[1.0, 0.0, 1.0]])


def logistic_gradients(W, b):
    """dW, db of the cross-entropy for A = sigmoid(W X + b), from the formulas."""
    dZ = sigmoid(W @ X + b) - Y
    return dZ @ X.T / 3, dZ.sum(axis=1, keepdims=True) / 3


def trained(steps, **fit):
    net = Network([2, 1], init="small", seed=0)
    W, b = net.parameters["W1"].copy(), net.parameters["b1"].copy()
    net.fit(X, Y, learning_rate=0.1, iterations=steps, **fit)
    return net, W, b


def test_gradient_descent():
    net, W, b = trained(3)
    for _ in range(3):
        dW, db = logistic_gradients(W, b)
        W, b = W - 0.1 * dW, b - 0.1 * db
    np.testing.assert_allclose(net.parameters["W1"], W, rtol=1e-14)
    np.testing.assert_allclose(net.parameters["b1"], b, rtol=1e-14)


def test_momentum():
    net, W, b = trained(3, optimizer="momentum", beta=0.8)
    vW, vb = np.zeros_like(W), np.zeros_like(b)
    for _ in range(3):
        dW, db = logistic_gradients(W, b)
        vW, vb = 0.8 * vW + 0.2 * dW, 0.8 * vb + 0.2 * db
        W, b = W - 0.1 * vW, b - 0.1 * vb
    np.testing.assert_allclose(net.parameters["W1"], W, rtol=1e-14)
    np.testing.assert_allclose(net.parameters["b1"], b, rtol=1e-14)


def test_rmsprop():
    net, W, b = trained(3, optimizer="rmsprop", beta=0.9, epsilon=1e-6)
    sW, sb = np.zeros_like(W), np.zeros_like(b)
    for _ in range(3):
        dW, db = logistic_gradients(W, b)
        sW, sb = 0.9 * sW + 0.1 * dW**2, 0.9 * sb + 0.1 * db**2
        W = W - 0.1 * dW / (np.sqrt(sW) + 1e-6)
        b = b - 0.1 * db / (np.sqrt(sb) + 1e-6)
    np.testing.assert_allclose(net.parameters["W1"], W, rtol=1e-13)
    np.testing.assert_allclose(net.parameters["b1"], b, rtol=1e-13)


def test_adam_with_bias_correction():
    net, W, b = trained(4, optimizer="adam", beta1=0.8, beta2=0.95, epsilon=1e-7)
    state = {k: np.zeros_like(v) for k, v in {"vW": W, "sW": W, "vb": b, "sb": b}.items()}
    for t in range(1, 5):
        dW, db = logistic_gradients(W, b)
        for name, grad in (("W", dW), ("b", db)):
            state["v" + name] = 0.8 * state["v" + name] + 0.2 * grad
            state["s" + name] = 0.95 * state["s" + name] + 0.05 * grad**2
        v_hat_W, s_hat_W = state["vW"] / (1 - 0.8**t), state["sW"] / (1 - 0.95**t)
        v_hat_b, s_hat_b = state["vb"] / (1 - 0.8**t), state["sb"] / (1 - 0.95**t)
        W = W - 0.1 * v_hat_W / (np.sqrt(s_hat_W) + 1e-7)
        b = b - 0.1 * v_hat_b / (np.sqrt(s_hat_b) + 1e-7)
    np.testing.assert_allclose(net.parameters["W1"], W, rtol=1e-13)
    np.testing.assert_allclose(net.parameters["b1"], b, rtol=1e-13)


def test_l2_weight_decay_in_the_update():
    net, W, b = trained(2, lambd=0.6)
    for _ in range(2):
        dW, db = logistic_gradients(W, b)
        W, b = W - 0.1 * (dW + 0.6 / 3 * W), b - 0.1 * db
    np.testing.assert_allclose(net.parameters["W1"], W, rtol=1e-14)
    np.testing.assert_allclose(net.parameters["b1"], b, rtol=1e-14)


def test_l2_in_the_recorded_cost():
    net = Network([2, 1], init="small", seed=0)
    W = net.parameters["W1"].copy()
    history = net.fit(X, Y, iterations=1, lambd=0.6)
    A = sigmoid(W @ X)
    cross_entropy = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    assert history.costs[0][1] == pytest.approx(cross_entropy + 0.6 / 6 * np.sum(W**2), rel=1e-12)


def test_registry_defaults():
    assert set(OPTIMIZERS) == {"gd", "momentum", "rmsprop", "adam"}
    adam = make_optimizer("adam")
    assert (adam.beta1, adam.beta2, adam.epsilon) == (0.9, 0.999, 1e-8)
    assert make_optimizer("momentum").beta == 0.9 and make_optimizer("rmsprop").beta == 0.999


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: Momentum(beta=1.0), r"beta must be in \[0, 1\), got 1.0"),
        (lambda: Momentum(beta=-0.1), r"beta must be in \[0, 1\)"),
        (lambda: RMSprop(beta=1.5), r"beta must be in \[0, 1\)"),
        (lambda: Adam(beta1=1.0), r"beta1 must be in \[0, 1\)"),
        (lambda: Adam(beta2=-1), r"beta2 must be in \[0, 1\)"),
        (lambda: Adam(epsilon=0), r"epsilon must be a positive finite number"),
        (
            lambda: make_optimizer("sgd"),
            r"unknown optimizer 'sgd'; expected one of 'gd', 'momentum'",
        ),
        (lambda: make_optimizer("momentum", beta1=0.9), r"'momentum' takes beta; got beta1"),
        (lambda: make_optimizer("gd", beta=0.9), r"'gd' takes no coefficients; got beta"),
    ],
)
def test_bad_coefficients(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def _formula_steps(name, params, grads_per_step, lr):
    """Each optimizer's update as its docstring writes it, one new NumPy array per operation."""
    state = {}
    for t, grads in enumerate(grads_per_step, start=1):
        for key, g in grads.items():
            p = params[key[1:]]
            a = p.dtype.type(lr)
            v = state.get("v" + key, np.zeros_like(g))
            s = state.get("s" + key, np.zeros_like(g))
            if name == "gd":
                p -= a * g
            elif name == "momentum":
                v = v * 0.9 + (1 - 0.9) * g
                p -= a * v
            elif name == "rmsprop":
                s = s * 0.999 + (1 - 0.999) * g * g
                p -= a * g / (np.sqrt(s) + 1e-8)
            else:
                v = v * 0.9 + (1 - 0.9) * g
                s = s * 0.999 + (1 - 0.999) * g * g
                p -= a * ((v / (1 - 0.9**t)) / (np.sqrt(s / (1 - 0.999**t)) + 1e-8))
            state["v" + key], state["s" + key] = v, s
    return state


@pytest.mark.parametrize("name", ["gd", "momentum", "rmsprop", "adam"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_updates_are_the_formulas_bit_for_bit(name, dtype):
    rng = np.random.RandomState(8)
    shapes = {"W1": (5, 7), "b1": (5, 1), "W2": (1, 5), "b2": (1, 1)}
    params = {key: rng.randn(*shape).astype(dtype) for key, shape in shapes.items()}
    by_formula = {key: value.copy() for key, value in params.items()}
    steps = [
        {f"d{key}": rng.randn(*shape).astype(dtype) for key, shape in shapes.items()}
        for _ in range(3)
    ]
    optimizer = make_optimizer(name)
    for grads in steps:
        kept = {key: g.copy() for key, g in grads.items()}
        optimizer.update(params, grads, 0.01)
        for key, g in grads.items():
            np.testing.assert_array_equal(g, kept[key])  # the gradients are left alone
    state = _formula_steps(name, by_formula, steps, 0.01)
    for key, value in by_formula.items():
        assert params[key].dtype == dtype
        np.testing.assert_array_equal(params[key], value)
    # The state the optimizer keeps is the formulas' v and s, key by key.
    for attribute, prefix in (("velocity", "v"), ("squares", "s")):
        for key, value in getattr(optimizer, attribute, {}).items():
            np.testing.assert_array_equal(value, state[prefix + key])
    assert getattr(optimizer, "t", 3) == 3


def test_momentum_step_by_hand():
    W = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    g = np.array([[10.0, 0.0, -10.0], [1.0, 2.0, 4.0]])
    momentum = Momentum(beta=0.5)
    momentum.update({"W1": W}, {"dW1": g}, 0.1)  # v = 0.5 g, W -= 0.1 v
    momentum.update({"W1": W}, {"dW1": g}, 0.1)  # v = 0.25 g + 0.5 g = 0.75 g
    np.testing.assert_allclose(momentum.velocity["dW1"], 0.75 * g, rtol=1e-15)
    expected = [[1.0 - 1.25, 2.0, 3.0 + 1.25], [4.0 - 0.125, 5.0 - 0.25, 6.0 - 0.5]]
    np.testing.assert_allclose(W, expected, rtol=1e-15)


@pytest.mark.parametrize("name", ["gd", "momentum", "rmsprop", "adam"])
def test_updates_allocate_nothing_after_the_first(name):
    import tracemalloc

    rng = np.random.RandomState(0)
    params = {"W1": rng.randn(100, 100), "b1": rng.randn(100, 1)}
    grads = {"dW1": rng.randn(100, 100), "db1": rng.randn(100, 1)}
    optimizer = make_optimizer(name)
    optimizer.update(params, grads, 0.01)  # state and scratch arrays are made here
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        optimizer.update(params, grads, 0.01)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert peak < 2000, f"{name} allocated {peak} bytes; W1 is {params['W1'].nbytes}"


def test_zero_dimensional_parameters_take_the_same_steps():
    """The Gram path steps a scalar coefficient with the optimizer; 0-d arrays must work."""
    scalar, array = {"s1": np.array(2.0)}, {"s1": np.array([2.0])}
    momentum_a, momentum_b = Momentum(0.5), Momentum(0.5)
    for g in (0.3, -1.0):
        momentum_a.update(scalar, {"ds1": np.array(g)}, 0.1)
        momentum_b.update(array, {"ds1": np.array([g])}, 0.1)
    assert scalar["s1"].shape == ()
    assert float(scalar["s1"]) == array["s1"][0]


@pytest.mark.parametrize("name", ["gd", "momentum", "rmsprop", "adam"])
def test_reusing_the_gradients_as_room_gives_the_same_steps(name):
    """The training loop lets the optimizer write into the gradients once it has read them:
    the parameters come out identical, and RMSprop and Adam keep one scratch array, not two."""
    rng = np.random.RandomState(3)
    start = {"W1": rng.randn(4, 6), "b1": rng.randn(4, 1)}
    steps = [{f"d{k}": rng.randn(*v.shape) for k, v in start.items()} for _ in range(3)]
    results = []
    for reuse in (False, True):
        params = {key: value.copy() for key, value in start.items()}
        optimizer = make_optimizer(name)
        for grads in steps:
            copies = {key: g.copy() for key, g in grads.items()}
            optimizer.update(params, copies, 0.05, reuse_gradients=reuse)
        results.append(params)
        scratch = {len(buffers) for buffers in optimizer.buffers.values()}
        assert scratch == ({2} if name in ("rmsprop", "adam") and not reuse else {1})
    for key in start:
        np.testing.assert_array_equal(results[0][key], results[1][key])


def test_update_parameters_steps_only_dW_and_db_of_the_courses_grads():
    """The course's L_model_backward also returns dA0 .. dA{L-1}; they are not parameters."""
    parameters = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.5]])}
    grads = {
        "dA0": np.ones((2, 3)),
        "dW1": np.array([[10.0, -20.0]]),
        "db1": np.array([[4.0]]),
    }
    update_parameters(parameters, grads, 0.1)
    np.testing.assert_allclose(parameters["W1"], [[0.0, 4.0]])  # 1 - 0.1*10, 2 + 0.1*20
    np.testing.assert_allclose(parameters["b1"], [[0.1]])  # 0.5 - 0.1*4
    assert sorted(parameters) == ["W1", "b1"]


def test_update_parameters_names_a_gradient_without_a_parameter():
    parameters = {"W1": np.ones((1, 2)), "b1": np.zeros((1, 1))}
    with pytest.raises(ValueError, match="gradients hold dW2 but parameters have no W2"):
        update_parameters(parameters, {"dW2": np.ones((1, 1))}, 0.1)
    with pytest.raises(ValueError, match=r"dW1 must have W1's shape \(1, 2\), got \(2, 1\)"):
        update_parameters(parameters, {"dW1": np.ones((2, 1))}, 0.1)
    np.testing.assert_array_equal(parameters["W1"], np.ones((1, 2)))
