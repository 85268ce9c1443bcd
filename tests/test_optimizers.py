"""Each optimizer's update against one written out by hand, on a one-layer network."""

import numpy as np
import pytest

from deepcat import Network
from deepcat.core.activations import sigmoid
from deepcat.core.optimizers import OPTIMIZERS, Adam, Momentum, RMSprop, make_optimizer

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
