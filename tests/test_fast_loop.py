"""The fast training loop: Adam's compiled one-pass step (Numba) against a hand computation and
against the NumPy route, bit for bit; when Numba is imported, and how it is switched off."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from deepcat import Network
from deepcat.core import kernels
from deepcat.core.optimizers import Adam
from deepcat.training.passes import bytes_needed
from deepcat.training.settings import build_config

numba = pytest.importorskip("numba", reason="the compiled kernels need the 'fast' extra")

SHAPE = (200, 300)  # 60,000 elements: above kernels.MIN_SIZE, so the kernel takes them
assert SHAPE[0] * SHAPE[1] >= kernels.MIN_SIZE


def gradients_of_steps(steps, dtype, seed=0):
    """A different gradient for every step, of several magnitudes, with exact zeros."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(steps):
        grad = rng.standard_normal(SHAPE) * 10.0 ** rng.integers(-6, 2, SHAPE)
        grad[rng.random(SHAPE) < 0.1] = 0.0
        out.append(grad.astype(dtype))
    return out


def adam_steps(grads, dtype, numba_on, reuse_gradients=True, **coefficients):
    """``W`` after one ``Adam.update`` per gradient, starting from a fixed ``W``."""
    W = np.random.default_rng(1).standard_normal(SHAPE).astype(dtype)
    b = np.full((SHAPE[0], 1), 0.5, dtype)
    adam = Adam(**coefficients)
    with kernels.use_numba(numba_on):
        for grad in grads:
            given = {"dW": grad.copy(), "db": grad[:, :1].copy()}
            adam.update({"W": W, "b": b}, given, 0.01, reuse_gradients=reuse_gradients)
    return W, b, adam


@pytest.mark.parametrize("numba_on", [False, True])
def test_adam_matches_the_courses_formulas_written_out(numba_on):
    """Five steps of the course's Adam in float64: v, s, their bias corrections, the step."""
    beta1, beta2, eps, alpha = 0.8, 0.99, 1e-7, 0.01
    grads = gradients_of_steps(5, np.float64)
    W, _, _ = adam_steps(grads, np.float64, numba_on, beta1=beta1, beta2=beta2, epsilon=eps)
    expected = np.random.default_rng(1).standard_normal(SHAPE)
    v = np.zeros(SHAPE)
    s = np.zeros(SHAPE)
    for t, dW in enumerate(grads, start=1):
        v = beta1 * v + (1 - beta1) * dW
        s = beta2 * s + (1 - beta2) * dW**2
        v_hat = v / (1 - beta1**t)
        s_hat = s / (1 - beta2**t)
        expected = expected - alpha * v_hat / (np.sqrt(s_hat) + eps)
    # The course writes alpha v_hat / d, deepcat (v_hat / d) alpha: rounding apart, no more.
    np.testing.assert_allclose(W, expected, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reuse_gradients", [True, False])
def test_the_kernel_gives_the_numpy_routes_parameters_and_state_to_the_bit(dtype, reuse_gradients):
    grads = gradients_of_steps(6, dtype, seed=3)
    with_numpy = adam_steps(grads, dtype, False, reuse_gradients)
    with_numba = adam_steps(grads, dtype, True, reuse_gradients)
    for got, expected in [(with_numba[0], with_numpy[0]), (with_numba[1], with_numpy[1])]:
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, expected)
    for state in ("velocity", "squares"):
        np.testing.assert_array_equal(
            getattr(with_numba[2], state)["dW"], getattr(with_numpy[2], state)["dW"]
        )
    # The kernel needs no scratch arrays; the NumPy route keeps its own.
    assert "dW" not in with_numba[2].buffers and "dW" in with_numpy[2].buffers


@pytest.mark.parametrize("numba_on", [False, True])
def test_a_division_left_to_the_step_gives_the_step_of_the_divided_gradient(numba_on):
    """The training loop hands Adam ``m dW`` and ``m``; the result is that of ``dW``."""
    m = 37
    grads = gradients_of_steps(3, np.float32, seed=4)
    divided = adam_steps([g / np.float32(m) for g in grads], np.float32, numba_on)
    W = np.random.default_rng(1).standard_normal(SHAPE).astype(np.float32)
    adam = Adam()
    with kernels.use_numba(numba_on):
        for grad in grads:
            adam.update({"W": W}, {"dW": grad.copy()}, 0.01, True, divisors={"dW": m})
    np.testing.assert_array_equal(W, divided[0])
    with pytest.raises(ValueError, match="divisors need reuse_gradients"):
        adam.update({"W": W}, {"dW": grads[0]}, 0.01, divisors={"dW": m})


def test_the_kernel_leaves_the_gradient_unchanged_when_it_may_not_reuse_it():
    grad = gradients_of_steps(1, np.float32)[0]
    given = grad.copy()
    with kernels.use_numba(True):
        Adam().update({"W": np.ones(SHAPE, np.float32)}, {"dW": given}, 0.1)
    np.testing.assert_array_equal(given, grad)


def fit_pictures(numba_on, dtype="float32"):
    """Two epochs of mini-batch Adam on uint8 pictures; W1 (128, 300) takes the kernel."""
    rng = np.random.default_rng(5)
    pixels = rng.integers(0, 256, (300, 150), dtype=np.uint8)
    Y = (pixels[:10].mean(axis=0, keepdims=True) > 127).astype(float)
    network = Network([300, 128, 64, 1], seed=2, dtype=dtype)
    with kernels.use_numba(numba_on):
        history = network.fit(
            pixels, Y, optimizer="adam", learning_rate=0.01, epochs=2, batch_size=64,
            input_scale=255,
        )  # fmt: skip
    return network, history


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_fit_with_numba_is_the_fit_without_it(dtype):
    fast, fast_history = fit_pictures(True, dtype)
    plain, plain_history = fit_pictures(False, dtype)
    assert fast_history.costs == plain_history.costs
    for key, value in plain.parameters.items():
        np.testing.assert_array_equal(fast.parameters[key], value, err_msg=key)


def test_the_memory_estimate_counts_no_scratch_under_the_kernel():
    X = np.zeros((300, 150), np.uint8)
    network = Network([300, 128, 64, 1], seed=2, dtype="float32")
    config = build_config(network.L - 1, optimizer="adam", batch_size=64, input_scale=255)
    with kernels.use_numba(True):
        fast = bytes_needed(network, X, config, "plain", 64)
    with kernels.use_numba(False):
        plain = bytes_needed(network, X, config, "plain", 64)
    assert plain - fast == 128 * 300 * 4  # W1's scratch; W2 (64, 128) is below MIN_SIZE
    assert Adam().arrays_for(100, np.float32) == 3


def test_use_numba_takes_only_a_bool():
    with pytest.raises(TypeError, match="use_numba takes True or False, got 'no'"):
        with kernels.use_numba("no"):
            pass


PROBE = """
import json, sys
import numpy as np
import deepcat
from deepcat.core import kernels
report = {"after import": "numba" in sys.modules}
rng = np.random.default_rng(0)
X, Y = rng.random((20, 40)), (rng.random((1, 40)) > 0.5).astype(float)
deepcat.Network([20, 8, 1], seed=0).fit(X, Y, optimizer="adam", iterations=2)
report["after a small fit"] = "numba" in sys.modules
X = rng.random((300, 40))
deepcat.Network([300, 128, 1], seed=0).fit(X, Y, optimizer="adam", iterations=2)
report["after a large fit"] = "numba" in sys.modules
report["said"] = kernels.description()
print(json.dumps(report))
"""


def probe(variable=None, hide_numba=False):
    env = {k: v for k, v in os.environ.items() if k != kernels.ENVIRONMENT_VARIABLE}
    if variable is not None:
        env[kernels.ENVIRONMENT_VARIABLE] = variable
    code = ("import sys; sys.modules['numba'] = None\n" if hide_numba else "") + PROBE
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )


def test_numba_is_imported_by_the_first_large_update_only():
    result = probe()
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["said"].startswith(f"Numba {numba.__version__}")
    assert report == {
        "after import": False,
        "said": report["said"],
        "after a small fit": False,
        "after a large fit": True,
    }


def test_deepcat_numba_0_keeps_to_numpy():
    result = probe("0")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["after a large fit"] is False
    assert report["said"] == "NumPy only (DEEPCAT_NUMBA=0 or use_numba(False))"


def test_without_numba_the_fit_runs_on_numpy_and_deepcat_numba_1_says_how_to_install_it():
    result = probe(hide_numba=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["said"] == (
        "NumPy only (numba is not installed: pip install 'deepcat[fast]')"
    )
    result = probe("1", hide_numba=True)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "ValueError: DEEPCAT_NUMBA=1 asks for Numba's kernels, but numba is not installed: "
        "pip install 'deepcat[fast]'"
    )


def test_a_wrong_deepcat_numba_value_is_named():
    result = probe("yes")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "ValueError: DEEPCAT_NUMBA must be 0 (NumPy only) or 1 (Numba's kernels), got 'yes'"
    )


def test_the_command_line_names_a_wrong_deepcat_numba_in_one_line(tmp_path):
    env = {**os.environ, kernels.ENVIRONMENT_VARIABLE: "yes"}
    result = subprocess.run(
        [sys.executable, "-m", "deepcat", "train", "--dataset", "breast-cancer"]
        + ["--optimizer", "adam", "--iterations", "2", "--out", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Error: DEEPCAT_NUMBA must be 0 (NumPy only) or 1 (Numba's kernels), got 'yes'",
        "Nothing was written to run.",
    ]
    assert not (tmp_path / "run").exists()
