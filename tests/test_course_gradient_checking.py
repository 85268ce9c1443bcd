"""deepcat.course.gradient_checking against Course 2 week 1, "Gradient Checking" (v2.0).

Sources:
- RaphaFang/SDU-DataScience-2025, coursera_self_learning/c2_w3/Gradient_Checking.ipynb: the
  notebook (v2.0) with its printed output: ``J = 8``, ``dtheta = 3``, "Your backward
  propagation works perfectly fine! difference = 7.814075313343006e-11" (x, theta = 3, 4),
  "There is a mistake in the backward propagation! difference = 0.2850931567761623" and the
  accepted ``expected_values = [0.2850931567761623, 1.1890913024229996e-07]``; the code it gives
  for forward_propagation_n and backward_propagation_n (with dW2 doubled and db1 four times).
- david-d-an/Chapter2Week1, testCases.py (gradient_check_n_test_case: seed 1, X randn(4, 3),
  Y = [1, 1, 0], W1 (5, 4), b1, W2 (3, 5), b2, W3 (1, 3), b3) and gc_utils.py
  (dictionary_to_vector's W1, b1, ..., b3 order, vector_to_dictionary's slices 20/25/40/43/46/47).
"""

import warnings

import numpy as np
import pytest

from deepcat.course.gradient_checking import (
    backward_propagation,
    backward_propagation_n,
    backward_propagation_n_buggy,
    dictionary_to_vector,
    forward_propagation,
    forward_propagation_n,
    gradient_check,
    gradient_check_n,
    gradient_check_n_test_case,
    gradients_to_vector,
    vector_to_dictionary,
)

FINE_1D = 7.814075313343006e-11
BUGGY = 0.2850931567761623
FIXED = 1.1890913024229996e-07
GREEN, YELLOW, RESET = "\033[92m", "\033[93m", "\033[0m"


def test_forward_and_backward_propagation():
    assert forward_propagation(2, 4) == 8
    assert backward_propagation(3, 4) == 3


def test_gradient_check_1d(capsys):
    difference = gradient_check(3, 4, print_msg=True)
    assert difference == pytest.approx(FINE_1D, rel=1e-12)
    assert capsys.readouterr().out == (
        f"{GREEN}Your backward propagation works perfectly fine! difference = {difference}{RESET}\n"
    )
    assert gradient_check(3, 4) == difference
    assert capsys.readouterr().out == ""  # print_msg defaults to False


def test_gradient_check_test_case_is_the_courses():
    X, Y, parameters = gradient_check_n_test_case()
    rng = np.random.RandomState(1)
    np.testing.assert_array_equal(X, rng.randn(4, 3))
    np.testing.assert_array_equal(Y, [1, 1, 0])
    np.testing.assert_array_equal(parameters["W1"], rng.randn(5, 4))
    assert [parameters[k].shape for k in parameters] == [
        (5, 4),
        (5, 1),
        (3, 5),
        (3, 1),
        (1, 3),
        (1, 1),
    ]


def test_the_notebooks_buggy_backward_propagation_gives_its_figure(capsys):
    X, Y, parameters = gradient_check_n_test_case()
    cost, cache = forward_propagation_n(X, Y, parameters)
    gradients = backward_propagation_n_buggy(X, Y, cache)
    difference = gradient_check_n(parameters, gradients, X, Y, 1e-7, True)
    assert difference == pytest.approx(BUGGY, rel=1e-12)
    out = capsys.readouterr().out
    assert out.startswith(
        f"{YELLOW}There is a mistake in the backward propagation! difference = 0.28509315677616"
    )
    assert out.endswith(f"{RESET}\n")


def test_the_corrected_backward_propagation_passes_the_check(capsys):
    """The published 1.1890913024229996e-07 is the rounding of the cost formula amplified by
    1 / (2 epsilon); deepcat evaluates it the same way and agrees to 10 digits."""
    X, Y, parameters = gradient_check_n_test_case()
    cost, cache = forward_propagation_n(X, Y, parameters)
    gradients = backward_propagation_n(X, Y, cache)
    difference = gradient_check_n(parameters, gradients, X, Y, print_msg=True)
    assert difference == pytest.approx(FIXED, rel=1e-9)
    assert capsys.readouterr().out.startswith(f"{GREEN}Your backward propagation works perfectly")


def test_backward_propagation_n_differs_from_the_notebooks_only_where_the_mistakes_are():
    X, Y, parameters = gradient_check_n_test_case()
    cache = forward_propagation_n(X, Y, parameters)[1]
    right, wrong = backward_propagation_n(X, Y, cache), backward_propagation_n_buggy(X, Y, cache)
    assert list(right) == [
        "dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"
    ]  # fmt: skip
    np.testing.assert_array_equal(wrong["dW2"], 2 * right["dW2"])
    np.testing.assert_array_equal(wrong["db1"], 4 * right["db1"])
    for key in ("dW1", "dW3", "db2", "db3"):
        np.testing.assert_array_equal(wrong[key], right[key])


def test_forward_propagation_n_cost_is_the_cross_entropy():
    X, Y, parameters = gradient_check_n_test_case()
    cost, cache = forward_propagation_n(X, Y, parameters)
    A3 = cache[9]
    expected = -np.mean(Y * np.log(A3) + (1 - Y) * np.log(1 - A3))
    assert cost == pytest.approx(expected, rel=1e-14)
    assert len(cache) == 12


def test_vectors_roll_and_unroll_as_gc_utils():
    X, Y, parameters = gradient_check_n_test_case()
    theta, keys = dictionary_to_vector(parameters)
    assert theta.shape == (47, 1)
    assert keys[:20] == ["W1"] * 20 and keys[20:25] == ["b1"] * 5 and keys[46:] == ["b3"]
    np.testing.assert_array_equal(theta[20:25, 0], parameters["b1"].ravel())
    back = vector_to_dictionary(theta)
    for key, value in parameters.items():
        np.testing.assert_array_equal(back[key], value)
    gradients = {f"d{key}": value for key, value in parameters.items()}
    np.testing.assert_array_equal(gradients_to_vector({**gradients, "dZ3": 0}), theta)


def test_gradient_check_n_works_for_other_networks():
    rng = np.random.RandomState(0)
    shapes = {"W1": (3, 2), "b1": (3, 1), "W2": (1, 3), "b2": (1, 1)}
    parameters = {key: 0.5 * rng.randn(*shape) for key, shape in shapes.items()}
    X, Y = rng.randn(2, 4), np.array([[0, 1, 1, 0]])
    cache = forward_propagation_n(X, Y, parameters)[1]
    assert gradient_check_n(parameters, backward_propagation_n(X, Y, cache), X, Y) < 2e-7


def test_saturated_network_is_finite_without_warnings():
    X, Y, parameters = gradient_check_n_test_case()
    parameters = {key: value * 50 for key, value in parameters.items()}
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        cost, cache = forward_propagation_n(X, Y, parameters)
        assert np.isfinite(cost) and cost > 100
        backward_propagation_n(X, Y, cache)


def test_bad_input_is_refused():
    X, Y, parameters = gradient_check_n_test_case()
    with pytest.raises(TypeError, match="theta must be a real number"):
        forward_propagation(2, "4")
    with pytest.raises(ValueError, match="epsilon must be a positive finite number"):
        gradient_check(3, 4, epsilon=0)
    with pytest.raises(ValueError, match="theta must hold the 47 parameters"):
        vector_to_dictionary(np.zeros(46))
    with pytest.raises(ValueError, match="missing"):
        gradients_to_vector({"dW1": 0})
    with pytest.raises(ValueError, match=r"Y must have shape \(1, m\) = \(1, 3\)"):
        forward_propagation_n(X, [1, 0], parameters)
