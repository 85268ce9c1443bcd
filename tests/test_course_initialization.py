"""deepcat.course.initialization against Course 2 week 1, "Initialization" (newest version,
with public_tests.py), and its init_utils.py.

Sources of the published figures:
- the exercises' expected values: the notebook's public_tests.py (initialize_parameters_zeros_test,
  initialize_parameters_random_test with layer_dims [3, 2, 1], initialize_parameters_he_test
  with [3, 1, 2]) and the notebook's printed ``initialize_parameters_he([2, 4, 1])``; the same
  in every public copy of the assignment found.
- the three training runs' costs: RaphaFang/SDU-DataScience-2025,
  coursera_self_learning/c2_w1/note_1.py (the runs' printed output, newest notebook);
  accuracies: the notebook's "On the train set: Accuracy: ..." lines, also in
  Anosy/Ng_DL 2_1_init_regular_gradient/Initialization/README.md (zeros: 0.5 and 0.5,
  random: 0.83) and tests/test_cli_2d_sets.py's He run (0.9933333333333333 and 0.96).
- init_utils.py: david-d-an/Chapter2Week1, init_utils.py (circles after seeds 1 and 2).
"""

import contextlib
import io
import warnings

import numpy as np
import pytest

from deepcat.course import initialization as course
from deepcat.course.initialization import (
    backward_propagation,
    compute_loss,
    forward_propagation,
    initialize_parameters_he,
    initialize_parameters_random,
    initialize_parameters_zeros,
    load_dataset,
    model,
    predict,
    predict_dec,
    update_parameters,
)

RANDOM_321 = {  # initialize_parameters_random([3, 2, 1])
    "W1": [[17.88628473, 4.36509851, 0.96497468], [-18.63492703, -2.77388203, -3.54758979]],
    "W2": [[-0.82741481, -6.27000677]],
}
HE_312 = {"W1": [[1.46040903, 0.3564088, 0.07878985]], "W2": [[-2.63537665], [-0.39228616]]}
HE_241 = {
    "W1": [[1.78862847, 0.43650985], [0.09649747, -1.8634927], [-0.2773882, -0.35475898],
           [-0.08274148, -0.62700068]],
    "W2": [[-0.03098412, -0.33744411, -0.92904268, 0.62552248]],
}  # fmt: skip

LOG2 = 0.6931471805599453
# The zeros run prints log 2 at every 1000th iteration; the notebook's iteration 10000 line
# reads 0.6931471805599455 (a last-digit wobble of its sums), hence the 1e-15 tolerance.
ZEROS_COSTS = {i: LOG2 for i in range(0, 15000, 1000)}
ZEROS_COSTS[10000] = 0.6931471805599455
RANDOM_COSTS = {
    1000: 0.6247924745506072, 2000: 0.5980258056061102, 3000: 0.5637539062842213,
    4000: 0.5501256393526495, 5000: 0.5443826306793814, 6000: 0.5373895855049121,
    7000: 0.47157999220550006, 8000: 0.39770475516243037, 9000: 0.3934560146692851,
    10000: 0.3920227137490125, 11000: 0.38913700035966736, 12000: 0.3861358766546214,
    13000: 0.38497629552893475, 14000: 0.38276694641706693,
}  # fmt: skip
HE_COSTS = {
    0: 0.8830537463419761, 1000: 0.6879825919728063, 2000: 0.6751286264523371,
    3000: 0.6526117768893805, 4000: 0.6082958970572938, 5000: 0.5304944491717495,
    6000: 0.4138645817071794, 7000: 0.3117803464844441, 8000: 0.23696215330322562,
    9000: 0.1859728720920684, 10000: 0.15015556280371808, 11000: 0.12325079292273551,
    12000: 0.09917746546525937, 13000: 0.08457055954024283, 14000: 0.07357895962677366,
}  # fmt: skip
ACCURACY = {
    "zeros": ("0.5", "0.5"),
    "random": ("0.83", "0.86"),
    "he": ("0.9933333333333333", "0.96"),
}


def run(initialization):
    """The notebook's cell: train, then predict on both sets; the printed lines."""
    train_X, train_Y, test_X, test_Y = load_dataset()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        parameters = model(train_X, train_Y, initialization=initialization)
        print("On the train set:")
        predict(train_X, train_Y, parameters)
        print("On the test set:")
        predict(test_X, test_Y, parameters)
    return out.getvalue().splitlines()


def printed_costs(lines):
    costs = {}
    for line in lines:
        if line.startswith("Cost after iteration "):
            iteration, cost = line[len("Cost after iteration ") :].split(": ")
            costs[int(iteration)] = float(cost)
    return costs


def printed_accuracies(lines):
    return tuple(line[len("Accuracy: ") :] for line in lines if line.startswith("Accuracy: "))


@pytest.fixture(scope="module")
def runs():
    return {name: run(name) for name in ("zeros", "random", "he")}


# -- the exercises ------------------------------------------------------------------------------


def test_load_dataset_is_the_courses_circles():
    train_X, train_Y, test_X, test_Y = load_dataset()
    assert train_X.shape == (2, 300) and train_Y.shape == (1, 300)
    assert test_X.shape == (2, 100) and test_Y.shape == (1, 100)
    assert set(np.unique(train_Y)) == {0, 1}


def test_initialize_parameters_zeros():
    parameters = initialize_parameters_zeros([3, 2, 1])
    assert list(parameters) == ["W1", "b1", "W2", "b2"]
    for key, shape in {"W1": (2, 3), "b1": (2, 1), "W2": (1, 2), "b2": (1, 1)}.items():
        assert parameters[key].shape == shape
        assert not parameters[key].any()


def test_initialize_parameters_random():
    parameters = initialize_parameters_random([3, 2, 1])
    for key in ("W1", "W2"):
        np.testing.assert_allclose(parameters[key], RANDOM_321[key], atol=5e-9)
    assert parameters["b1"].shape == (2, 1) and not parameters["b1"].any()
    assert parameters["b2"].shape == (1, 1) and not parameters["b2"].any()


@pytest.mark.parametrize("layers_dims, expected", [([3, 1, 2], HE_312), ([2, 4, 1], HE_241)])
def test_initialize_parameters_he(layers_dims, expected):
    parameters = initialize_parameters_he(layers_dims)
    for key in ("W1", "W2"):
        np.testing.assert_allclose(parameters[key], expected[key], atol=5e-9)
    assert not parameters["b1"].any() and not parameters["b2"].any()


def test_initializers_leave_numpys_global_state_alone():
    np.random.seed(0)
    expected = np.random.rand()
    np.random.seed(0)
    initialize_parameters_random([3, 2, 1])
    initialize_parameters_he([3, 2, 1])
    assert np.random.rand() == expected


# -- the training runs --------------------------------------------------------------------------


def test_zeros_run(runs):
    costs = printed_costs(runs["zeros"])
    assert sorted(costs) == list(range(0, 15000, 1000))
    for iteration, published in ZEROS_COSTS.items():
        assert costs[iteration] == pytest.approx(published, abs=1e-15)
    assert printed_accuracies(runs["zeros"]) == ACCURACY["zeros"]


def test_he_run(runs):
    costs = printed_costs(runs["he"])
    for iteration, published in HE_COSTS.items():
        assert costs[iteration] == pytest.approx(published, abs=1e-13)
    assert printed_accuracies(runs["he"]) == ACCURACY["he"]


def test_random_run(runs):
    """Weights of size 10 saturate the sigmoid at once: the notebook's first cost is ``inf``
    (log 0) and deepcat's, computed from Z3, a large finite number. The run then amplifies
    last-bit differences; the public copies of the notebook already disagree with each other
    from the third decimal at iteration 1000 (0.6237..., 0.6240..., 0.6243..., 0.6247...).
    deepcat's costs stay within that spread of the newest copy, and the accuracies are the
    published ones."""
    costs = printed_costs(runs["random"])
    assert np.isfinite(costs[0]) and costs[0] > 100
    for iteration, published in RANDOM_COSTS.items():
        assert costs[iteration] == pytest.approx(published, abs=1.5e-3)
    assert printed_accuracies(runs["random"]) == ACCURACY["random"]


def test_printed_lines_are_the_notebooks(runs):
    lines = runs["he"]
    assert lines[0].startswith("Cost after iteration 0: 0.88305374634197")
    assert lines[-4:-2] == ["On the train set:", "Accuracy: 0.9933333333333333"]
    assert lines[-2:] == ["On the test set:", "Accuracy: 0.96"]


# -- init_utils ---------------------------------------------------------------------------------


@pytest.fixture
def small_network():
    rng = np.random.RandomState(2)
    parameters = initialize_parameters_he([2, 4, 3, 1])
    parameters["b1"] = rng.randn(4, 1)
    X = rng.randn(2, 6)
    Y = np.array([[1, 0, 1, 1, 0, 0]])
    return X, Y, parameters


def test_forward_propagation_cache_is_the_courses(small_network):
    X, Y, parameters = small_network
    a3, cache = forward_propagation(X, parameters)
    z1, a1, W1, b1, z2, a2, W2, b2, z3, a3_cached, W3, b3 = cache
    np.testing.assert_allclose(z1, W1 @ X + b1)
    np.testing.assert_allclose(a1, np.maximum(z1, 0))
    np.testing.assert_allclose(a3, 1 / (1 + np.exp(-(W3 @ a2 + b3))))
    assert a3 is a3_cached
    np.testing.assert_array_equal(W2, parameters["W2"])


def test_backward_propagation_has_the_courses_keys_and_scale(small_network):
    """init_utils' dz3 = (a3 - Y) / m and dW3 = dz3 a2ᵀ: gradients of the mean cost."""
    X, Y, parameters = small_network
    a3, cache = forward_propagation(X, parameters)
    grads = backward_propagation(X, Y, cache)
    assert list(grads) == [
        "dz3", "dW3", "db3", "da2", "dz2", "dW2", "db2", "da1", "dz1", "dW1", "db1"
    ]  # fmt: skip
    m = X.shape[1]
    np.testing.assert_allclose(grads["dz3"], (a3 - Y) / m)
    np.testing.assert_allclose(grads["dW3"], grads["dz3"] @ cache[5].T)
    np.testing.assert_allclose(grads["da2"], parameters["W3"].T @ grads["dz3"])
    # A centred difference of the cost confirms one entry of each dW.
    eps = 1e-6
    for key in ("W1", "W2", "W3"):
        shifted = {k: v.copy() for k, v in parameters.items()}
        shifted[key][0, 0] += eps
        plus = compute_loss(forward_propagation(X, shifted)[0], Y)
        shifted[key][0, 0] -= 2 * eps
        minus = compute_loss(forward_propagation(X, shifted)[0], Y)
        assert grads["d" + key][0, 0] == pytest.approx((plus - minus) / (2 * eps), abs=1e-7)


def test_update_parameters_leaves_the_old_arrays(small_network):
    X, Y, parameters = small_network
    old_W1 = parameters["W1"]
    before = old_W1.copy()
    grads = backward_propagation(X, Y, forward_propagation(X, parameters)[1])
    updated = update_parameters(parameters, grads, 0.1)
    assert updated is parameters
    np.testing.assert_array_equal(old_W1, before)
    np.testing.assert_allclose(updated["W1"], before - 0.1 * grads["dW1"])


def test_predict_prints_the_accuracy(small_network, capsys):
    X, Y, parameters = small_network
    p = predict(X, Y, parameters)
    assert p.shape == (1, 6) and p.dtype.kind == "i"
    expected = np.mean(p == Y)
    assert capsys.readouterr().out == f"Accuracy: {expected}\n"
    np.testing.assert_array_equal(predict_dec(parameters, X), p == 1)


def test_saturated_cost_is_finite_without_warnings():
    # Underflow to 0 is exact enough and NumPy never warns of it; the rest would be errors.
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        loss = compute_loss(np.array([[1.0, 0.0, 1.0]]), np.array([[0, 1, 1]]))
        assert np.isfinite(loss) and loss > 20
        parameters = initialize_parameters_random([2, 10, 5, 1])
        X = np.array([[50.0, -50.0], [40.0, 60.0]])
        a3, cache = forward_propagation(X, parameters)
        backward_propagation(X, np.array([[0, 1]]), cache)


def test_bad_input_is_refused_in_course_terms(small_network):
    X, Y, parameters = small_network
    with pytest.raises(ValueError, match="unknown initialization 'xavier'"):
        model(X, Y, initialization="xavier")
    with pytest.raises(ValueError, match=r"n_x = layer_dims\[0\] = 2 rows"):
        forward_propagation(X.T, parameters)
    with pytest.raises(ValueError, match=r"Y must have shape \(1, m\) = \(1, 6\)"):
        backward_propagation(X, Y[:, :4], forward_propagation(X, parameters)[1])
    with pytest.raises(ValueError, match="grads has no dW1"):
        update_parameters(parameters, {"dW2": parameters["W2"]}, 0.1)
    with pytest.raises(ValueError, match="W1, b1, ..., WL, bL"):
        forward_propagation(X, {"W1": parameters["W1"]})


def test_plot_decision_boundary_draws_the_notebooks_figure():
    """The notebook's call: plot_decision_boundary(lambda x: predict_dec(parameters, x.T), X, Y)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    train_X, train_Y, _, _ = course.load_dataset()
    inside = lambda x: np.hypot(x[:, 0], x[:, 1]) < 0.9  # noqa: E731 - rows (k, 2), as the course
    plt.figure()
    try:
        course.plot_decision_boundary(inside, train_X, train_Y)
        axes = plt.gca()
        assert axes.get_xlabel() == "x1" and axes.get_ylabel() == "x2"
        (points,) = axes.collections[-1:]
        assert points.get_offsets().shape == (300, 2)
        np.testing.assert_allclose(points.get_offsets(), train_X.T)
    finally:
        plt.close("all")
