"""Whatever ends Network.fit (an exception in the callback, Ctrl-C, a real SIGINT), every
parameter comes from the same iteration, on the Gram path as on the plain one."""

import os
import signal
import subprocess
import sys
import threading

import numpy as np
import pytest

from deepcat import Network
from deepcat.training.methods import use_method


class Stop(Exception):
    pass


def wide_data():
    """X (40, 25), Y (1, 25): m < n_x, so the Gram path applies."""
    rng = np.random.RandomState(0)
    X = rng.rand(40, 25)
    return X, (X[0] + X[1] > 1.0).astype(int).reshape(1, -1)


OPTIONS = {
    "gd": dict(learning_rate=0.1),
    "momentum, dropout, L2": dict(
        learning_rate=0.1, optimizer="momentum", keep_prob=0.8, lambd=0.5
    ),
    "mini-batches": dict(learning_rate=0.1, batch_size=10, optimizer="momentum"),
}


def trained(method, iterations, options, callback=None):
    network = Network([40, 6, 4, 1], seed=3)
    X, Y = wide_data()
    with use_method(method):
        history = network.fit(X, Y, iterations=iterations, callback=callback, **options)
    return network, history


def raise_at(k, error):
    def callback(iteration, cost):
        if iteration == k:
            raise error

    return callback


@pytest.mark.parametrize("method", ["plain", "gram"])
@pytest.mark.parametrize("name", OPTIONS)
@pytest.mark.parametrize("error", [Stop, KeyboardInterrupt])
def test_an_exception_in_the_callback_leaves_the_parameters_of_k_plus_1_updates(
    method, name, error
):
    # callback(k, cost) runs after update k (counting from 0): k + 1 updates are made.
    network = Network([40, 6, 4, 1], seed=3)
    X, Y = wide_data()
    with use_method(method), pytest.raises(error):
        network.fit(X, Y, iterations=50, callback=raise_at(6, error), **OPTIONS[name])
    reference, history = trained(method, 7, OPTIONS[name])
    assert history.method == method
    for key, value in reference.parameters.items():
        np.testing.assert_array_equal(network.parameters[key], value, err_msg=key)


@pytest.mark.parametrize("method", ["plain", "gram"])
def test_the_first_update_by_hand(method):
    # Logistic regression (no hidden layer), one gradient-descent step, then the callback
    # raises: W1 = W1_0 - alpha (A - Y) Xᵀ / m and b1 = b1_0 - alpha mean(A - Y).
    X, Y = wide_data()
    network = Network([40, 1], seed=3)
    W0, b0 = network.parameters["W1"].copy(), network.parameters["b1"].copy()
    with use_method(method), pytest.raises(Stop):
        network.fit(X, Y, learning_rate=0.5, iterations=10, callback=raise_at(0, Stop))
    A = 1 / (1 + np.exp(-(W0 @ X + b0)))
    np.testing.assert_allclose(network.parameters["W1"], W0 - 0.5 * (A - Y) @ X.T / 25, rtol=1e-12)
    np.testing.assert_allclose(network.parameters["b1"], b0 - 0.5 * np.mean(A - Y), rtol=1e-12)
    assert not np.array_equal(network.parameters["W1"], W0)


@pytest.mark.parametrize("method", ["plain", "gram"])
def test_a_real_sigint_during_fit_stops_between_iterations(method):
    """SIGINT sent by the process to itself inside iteration 4: KeyboardInterrupt, after it."""
    seen = []

    def callback(iteration, cost):
        seen.append(iteration)
        if iteration == 4:
            os.kill(os.getpid(), signal.SIGINT)

    network = Network([40, 6, 4, 1], seed=3)
    X, Y = wide_data()
    with use_method(method), pytest.raises(KeyboardInterrupt):
        network.fit(X, Y, iterations=50, learning_rate=0.1, callback=callback)
    assert seen == [0, 1, 2, 3, 4]
    reference, _ = trained(method, 5, dict(learning_rate=0.1))
    for key, value in reference.parameters.items():
        np.testing.assert_array_equal(network.parameters[key], value, err_msg=key)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def interrupted_from_a_thread(method, out):
    """Fit with SIGINT sent by another thread once iteration 20 is done; save what it left.

    Run in a child process (see the test below): if fit ends before the signal lands, the
    signal ends this child, never the test session. Exits 0 when fit raised
    KeyboardInterrupt, having written ``out`` (.npz): the iterations the callback saw and
    every parameter.
    """
    seen = []
    started = threading.Event()

    def callback(iteration, cost):
        seen.append(iteration)
        if iteration == 20:
            started.set()

    def interrupt():
        started.wait()
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt, daemon=True).start()
    network = Network([40, 6, 4, 1], seed=3)
    X, Y = wide_data()
    try:
        with use_method(method):
            network.fit(X, Y, iterations=100_000, learning_rate=0.01, callback=callback)
    except KeyboardInterrupt:
        np.savez(out, seen=np.array(seen), **network.parameters)
        raise SystemExit(0) from None
    raise SystemExit(f"fit ended without KeyboardInterrupt after {len(seen)} iterations")


@pytest.mark.parametrize("method", ["plain", "gram"])
def test_a_sigint_from_another_thread_at_any_moment_leaves_one_iteration(method, tmp_path):
    """The signal lands wherever the main thread is (often inside an update): the parameters
    are still those after the last iteration the callback saw, plus that one."""
    out = tmp_path / "left.npz"
    here = os.path.dirname(os.path.abspath(__file__))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([here, os.environ.get("PYTHONPATH", "")])}
    script = f"import test_fit_exits as t; t.interrupted_from_a_thread({method!r}, {str(out)!r})"
    child = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert child.returncode == 0, child.stderr
    with np.load(out) as left:
        seen = left["seen"].tolist()
        assert seen == list(range(len(seen))) and len(seen) > 20
        reference, _ = trained(method, len(seen), dict(learning_rate=0.01))
        for key, value in reference.parameters.items():
            np.testing.assert_array_equal(left[key], value, err_msg=key)


def test_fit_in_a_thread_leaves_the_signal_handlers_alone():
    result = {}

    def work():
        network, history = trained("gram", 5, dict(learning_rate=0.1))
        result["iterations"] = history.iterations

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert result == {"iterations": 5}
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_callback_that_is_not_a_function_is_refused_before_training():
    network = Network([40, 6, 4, 1], seed=3)
    before = {key: value.copy() for key, value in network.parameters.items()}
    X, Y = wide_data()
    with pytest.raises(TypeError, match=r"callback must be a function callback\(iteration, cost\)"):
        network.fit(X, Y, iterations=5, callback=42)
    for key, value in before.items():
        np.testing.assert_array_equal(network.parameters[key], value)
