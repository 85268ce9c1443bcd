"""deepcat.course.optimization against Course 2 week 2, "Optimization Methods" (newest version:
5000 epochs, learning-rate decay, public_tests.py) and its opt_utils_v1a.py.

Sources:
- the exercises' test cases and expected values: the notebook's testCases.py and
  public_tests.py (update_parameters_with_gd_test, random_mini_batches_test,
  update_parameters_with_momentum_test, update_parameters_with_adam_test with t = 2,
  learning_rate = 0.02, beta1 = 0.8, beta2 = 0.888, epsilon = 1e-2, update_lr_test,
  schedule_lr_decay_test), as in the public copies of the assignment; the notebook's printed
  random_mini_batches sanity check and learning-rate lines;
- the seven training runs' printed "Cost after epoch" and "learning rate after epoch" lines:
  the notebook's output (public copies agree); the gradient descent and momentum runs'
  "Accuracy: 0.7166666666666667"; the accuracy table of section 7.4 (Adam with decay: 94%) in
  NitinJoshi10/Deep-Learning-Specialization-Coursera-2023, Optimization_methods.ipynb;
- opt_utils_v1a.py: nguyenlinhvn512/Optimization-Methods, opt_utils_v1a.py (moons after seed 3,
  He initialization after seed 3, the summed cost).
"""

import contextlib
import io
import warnings
from functools import cache

import numpy as np
import pytest

from deepcat.course.optimization import (
    compute_cost,
    initialize_adam,
    initialize_parameters,
    initialize_velocity,
    load_dataset,
    load_params_and_grads,
    model,
    predict,
    random_mini_batches,
    schedule_lr_decay,
    update_lr,
    update_parameters_with_adam,
    update_parameters_with_gd,
    update_parameters_with_momentum,
)

KEYS = ["W1", "b1", "W2", "b2"]
SHAPES_23 = [(2, 3), (2, 1), (3, 2), (3, 1)]
HALF_LAST_DIGIT = 5e-9  # the expected arrays carry 8 decimals


def draws(shapes, seed=1):
    rng = np.random.RandomState(seed)
    return [rng.randn(*shape) for shape in shapes]


def parameters_and_grads():
    """update_parameters_with_gd_test_case (and _momentum_'s): seed 1, W1 b1 W2 b2 dW1 ... db2."""
    values = draws(SHAPES_23 * 2)
    parameters = dict(zip(KEYS, values[:4], strict=True))
    grads = dict(zip(["d" + k for k in KEYS], values[4:], strict=True))
    return parameters, grads


def test_update_parameters_with_gd():
    parameters, grads = parameters_and_grads()
    updated = update_parameters_with_gd(parameters, grads, 0.01)
    expected = {
        "W1": [[1.63312395, -0.61217855, -0.5339999], [-1.06196243, 0.85396039, -2.3105546]],
        "b1": [[1.73978682], [-0.77021546]],
        "W2": [[0.32587637, -0.24814147], [1.47146563, -2.05746183], [-0.32772076, -0.37713775]],
        "b2": [[1.13773698], [-1.09301954], [-0.16397615]],
    }
    for key, value in expected.items():
        np.testing.assert_allclose(updated[key], value, atol=HALF_LAST_DIGIT)


def test_random_mini_batches_small_case():
    X, Y = draws([(5, 7), (1, 7)])
    batches = random_mini_batches(X, Y < 0.5, 2)
    expected_X = [
        [[1.74481176, -0.52817175], [-0.38405435, -0.24937038], [-1.10061918, -0.17242821],
         [-0.93576943, 0.50249434], [-0.67124613, -0.69166075]],
        [[-0.61175641, -1.07296862], [0.3190391, 1.46210794], [-1.09989127, -0.87785842],
         [0.90159072, 0.90085595], [0.53035547, -0.39675353]],
        [[1.62434536, -2.3015387], [-0.7612069, -0.3224172], [1.13376944, 0.58281521],
         [1.14472371, -0.12289023], [-0.26788808, -0.84520564]],
        [[0.86540763], [-2.06014071], [0.04221375], [-0.68372786], [-0.6871727]],
    ]  # fmt: skip
    expected_Y = [[[True, True]], [[True, False]], [[True, True]], [[False]]]
    assert len(batches) == 4
    for (batch_X, batch_Y), want_X, want_Y in zip(batches, expected_X, expected_Y, strict=True):
        np.testing.assert_allclose(batch_X, want_X, atol=HALF_LAST_DIGIT)
        np.testing.assert_array_equal(batch_Y, want_Y)


def test_random_mini_batches_notebook_sanity_check():
    X, Y = draws([(12288, 148), (1, 148)])
    batches = random_mini_batches(X, Y < 0.5, 64)
    assert [b[0].shape for b in batches] == [(12288, 64), (12288, 64), (12288, 20)]
    assert [b[1].shape for b in batches] == [(1, 64), (1, 64), (1, 20)]
    np.testing.assert_allclose(
        batches[0][0][0][0:3], [0.90085595, -0.7612069, 0.2344157], atol=HALF_LAST_DIGIT
    )


def test_initialize_velocity_and_adam():
    values = draws([(3, 2), (3, 1), (3, 3), (3, 1)])  # initialize_velocity_test_case
    parameters = dict(zip(KEYS, values, strict=True))
    v = initialize_velocity(parameters)
    assert {k: a.shape for k, a in v.items()} == {
        "dW1": (3, 2), "db1": (3, 1), "dW2": (3, 3), "db2": (3, 1)
    }  # fmt: skip
    assert not any(a.any() for a in v.values())
    v, s = initialize_adam(parameters)
    assert v.keys() == s.keys() == {"dW1", "db1", "dW2", "db2"}
    assert v["dW1"] is not s["dW1"] and not s["dW2"].any()


def test_update_parameters_with_momentum():
    parameters, grads = parameters_and_grads()
    v = initialize_velocity(parameters)
    parameters, v = update_parameters_with_momentum(parameters, grads, v, 0.9, 0.01)
    expected = {
        "W1": [[1.62522322, -0.61179863, -0.52875457], [-1.071868, 0.86426291, -2.30244029]],
        "b1": [[1.74430927], [-0.76210776]],
        "W2": [[0.31972282, -0.24924749], [1.46304371, -2.05987282], [-0.32294756, -0.38336269]],
        "b2": [[1.1341662], [-1.09920409], [-0.171583]],
        "dW1": [[-0.08778584, 0.00422137, 0.05828152], [-0.11006192, 0.11447237, 0.09015907]],
        "dW2": [[-0.06837279, -0.01228902], [-0.09357694, -0.02678881], [0.05303555, -0.06916608]],
        "db1": [[0.05024943], [0.09008559]],
        "db2": [[-0.03967535], [-0.06871727], [-0.08452056]],
    }
    for key, value in expected.items():
        got = v[key] if key.startswith("d") else parameters[key]
        np.testing.assert_allclose(got, value, atol=HALF_LAST_DIGIT)


def test_update_parameters_with_adam():
    v, s = initialize_adam(dict(zip(KEYS, draws(SHAPES_23), strict=True)))
    parameters, grads = parameters_and_grads()
    t, learning_rate, beta1, beta2, epsilon = 2, 0.02, 0.8, 0.888, 1e-2
    parameters, v, s, vc, sc = update_parameters_with_adam(
        parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon
    )
    expected_v = {
        "dW1": [-0.17557168, 0.00844275, 0.11656304], "dW2": [-0.13674557, -0.02457805],
        "db1": [0.10049887], "db2": [-0.07935071],
    }  # fmt: skip
    expected_s = {
        "dW1": [0.08631117, 0.00019958, 0.03804344], "dW2": [0.05235818, 0.00169142],
        "db1": [0.02828006], "db2": [0.0176303],
    }  # fmt: skip
    expected_parameters = {
        "W1": [1.63937725, -0.62327448, -0.54308727], "W2": [0.33400549, -0.23563857],
        "b1": [1.72995096], "b2": [1.14852557],
    }  # fmt: skip
    c1, c2 = 1 / (1 - beta1**t), 1 / (1 - beta2**t)
    for key in expected_v:  # public_tests compares the first row of each array
        np.testing.assert_allclose(v[key][0], expected_v[key], atol=HALF_LAST_DIGIT)
        np.testing.assert_allclose(s[key][0], expected_s[key], atol=HALF_LAST_DIGIT)
        # v_corrected = v c1: the printed v's rounding, scaled by c1 (and s's by c2)
        np.testing.assert_allclose(
            vc[key][0], np.array(expected_v[key]) * c1, atol=HALF_LAST_DIGIT * c1
        )
        np.testing.assert_allclose(
            sc[key][0], np.array(expected_s[key]) * c2, atol=HALF_LAST_DIGIT * c2
        )
    for key, value in expected_parameters.items():
        np.testing.assert_allclose(parameters[key][0], value, atol=HALF_LAST_DIGIT)


def test_updates_leave_the_callers_arrays_unchanged():
    parameters, grads = parameters_and_grads()
    v, s = initialize_adam(parameters)
    old = {"W1": parameters["W1"], "v": v["dW1"], "s": s["dW1"]}
    copies = {key: value.copy() for key, value in old.items()}
    update_parameters_with_adam(parameters, grads, v, s, 1)
    update_parameters_with_momentum(parameters, grads, v, 0.9, 0.01)
    for key, value in old.items():
        np.testing.assert_array_equal(value, copies[key])
    assert parameters["W1"] is not old["W1"] and v["dW1"] is not old["v"]


def test_update_lr(capsys):
    assert update_lr(0.5, 2, 1) == pytest.approx(0.16666666666666666, rel=1e-15)
    print("Updated learning rate: ", update_lr(0.5, 2, 1))
    assert capsys.readouterr().out == "Updated learning rate:  0.16666666666666666\n"


def test_schedule_lr_decay(capsys):
    assert schedule_lr_decay(0.5, 100, 1, 100) == 0.25
    assert schedule_lr_decay(0.5, 10, 1, 100) == 0.5
    # public_tests writes 0.3 / 3.5 = 0.0857142857... cut after nine decimals
    assert schedule_lr_decay(0.3, 1000, 0.25, 100) == pytest.approx(0.085714285, abs=1e-9)
    assert schedule_lr_decay(0.3, 100, 0.25, 100) == pytest.approx(0.24, abs=1e-15)
    assert schedule_lr_decay(0.5, 999, 1) == 0.5 and schedule_lr_decay(0.5, 1000, 1) == 0.25
    print("Updated learning rate after 100 epochs: ", schedule_lr_decay(0.5, 100, 0.3, 100))
    assert capsys.readouterr().out.endswith(":  0.3846153846153846\n")


def test_opt_utils_helpers():
    train_X, train_Y = load_dataset()
    assert train_X.shape == (2, 300) and train_Y.shape == (1, 300)
    parameters = initialize_parameters([2, 5, 2, 1])
    rng = np.random.RandomState(3)
    np.testing.assert_array_equal(parameters["W1"], rng.randn(5, 2) * np.sqrt(2 / 2))
    W1, *_ = load_params_and_grads()
    np.testing.assert_array_equal(W1, draws([(2, 3)])[0])
    a3 = np.array([[0.9, 0.2]])
    assert compute_cost(a3, np.array([[1, 0]])) == pytest.approx(-np.log(0.9) - np.log(0.8))


# -- the training runs --------------------------------------------------------------------------

RUNS = {
    "gd": {"optimizer": "gd"},
    "momentum": {"optimizer": "momentum", "beta": 0.9},
    "adam": {"optimizer": "adam"},
    "gd_update_lr": {"optimizer": "gd", "learning_rate": 0.1, "decay": update_lr},
    "gd_schedule": {"optimizer": "gd", "learning_rate": 0.1, "decay": schedule_lr_decay},
    "momentum_schedule": {
        "optimizer": "momentum",
        "learning_rate": 0.1,
        "decay": schedule_lr_decay,
    },
    "adam_schedule": {"optimizer": "adam", "learning_rate": 0.01, "decay": schedule_lr_decay},
}
PUBLISHED_COSTS = {
    "gd": ["0.702405", "0.668101", "0.635288", "0.600491", "0.573367"],
    "momentum": ["0.702413", "0.668167", "0.635388", "0.600591", "0.573444"],
    "adam": ["0.702166", "0.167845", "0.141316", "0.138788", "0.136066"],
    "gd_update_lr": ["0.701091", "0.661884", "0.658620", "0.656765", "0.655486"],
    "gd_schedule": ["0.701091", "0.127161", "0.120304", "0.117033", "0.117512"],
    "momentum_schedule": ["0.702226", "0.128974", "0.125965", "0.123375", "0.123218"],
    "adam_schedule": ["0.699346", "0.130074", "0.129826", "0.129282", "0.128361"],
}
PUBLISHED_RATES = {
    "gd_update_lr": ["0.100000", "0.000100", "0.000050", "0.000033", "0.000025"],
    "gd_schedule": ["0.100000", "0.050000", "0.033333", "0.025000", "0.020000"],
    "momentum_schedule": ["0.100000", "0.050000", "0.033333", "0.025000", "0.020000"],
    "adam_schedule": ["0.010000", "0.005000", "0.003333", "0.002500", "0.002000"],
}


@cache
def run(name):
    """The notebook's cell for one run: train [2, 5, 2, 1] on the moons, then predict."""
    train_X, train_Y = load_dataset()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        parameters = model(train_X, train_Y, [2, 5, 2, 1], num_epochs=5000, **RUNS[name])
        predict(train_X, train_Y, parameters)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("name", list(RUNS))
def test_run_prints_the_notebooks_lines(name):
    lines = run(name)
    expected = []
    for k, cost in enumerate(PUBLISHED_COSTS[name]):
        expected.append(f"Cost after epoch {1000 * k}: {cost}")
        if name in PUBLISHED_RATES:
            expected.append(f"learning rate after epoch {1000 * k}: {PUBLISHED_RATES[name][k]}")
    assert lines[:-1] == expected
    assert lines[-1].startswith("Accuracy: ")


@pytest.mark.parametrize("name", ["gd", "momentum"])
def test_gd_and_momentum_accuracy(name):
    assert run(name)[-1] == "Accuracy: 0.7166666666666667"


def test_adam_with_decay_accuracy():
    assert run("adam_schedule")[-1] == "Accuracy: 0.94"


@pytest.mark.xfail(
    strict=True,
    reason="the notebook's section 7.4 table claims >94.6% and "
    ">95.6%; its runs, whose every printed cost deepcat reproduces, end lower",
)
def test_decay_accuracy_table_of_section_7_4():
    accuracy = {
        name: float(run(name)[-1].split(": ")[1]) for name in ("gd_schedule", "momentum_schedule")
    }
    assert accuracy["gd_schedule"] > 0.946 and accuracy["momentum_schedule"] > 0.956


def test_model_leaves_numpys_global_state_alone():
    np.random.seed(7)
    expected = np.random.rand()
    np.random.seed(7)
    train_X, train_Y = load_dataset()
    model(train_X, train_Y, [2, 5, 2, 1], "adam", num_epochs=2, print_cost=False)
    assert np.random.rand() == expected


def test_saturation_is_finite_without_warnings():
    train_X, train_Y = load_dataset()
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        model(train_X * 1e4, train_Y, [2, 5, 2, 1], "adam", learning_rate=1.0, num_epochs=3,
              print_cost=False)  # fmt: skip
        assert np.isfinite(compute_cost(np.array([[1.0, 0.0]]), np.array([[0, 1]])))


def test_bad_input_is_refused():
    parameters, grads = parameters_and_grads()
    train_X, train_Y = load_dataset()
    with pytest.raises(ValueError, match="optimizer must be one of 'gd', 'momentum', 'adam'"):
        model(train_X, train_Y, [2, 5, 2, 1], "rmsprop")
    with pytest.raises(ValueError, match=r"n_x = layers_dims\[0\] = 3 rows"):
        model(train_X, train_Y, [3, 5, 2, 1], "gd")
    with pytest.raises(ValueError, match="beta must be in"):
        update_parameters_with_momentum(
            parameters, grads, initialize_velocity(parameters), 1.5, 0.1
        )
    with pytest.raises(ValueError, match=r"v\['dW1'\] must be an array of W1's shape"):
        update_parameters_with_momentum(parameters, grads, {}, 0.9, 0.1)
    with pytest.raises(ValueError, match="t must be an int >= 1"):
        update_parameters_with_adam(parameters, grads, *initialize_adam(parameters), 0)
    with pytest.raises(ValueError, match=r"Y must have shape \(1, m\) = \(1, 300\)"):
        random_mini_batches(train_X, train_Y[:, :10])
    with pytest.raises(ValueError, match="epoch_num must be an int >= 0"):
        update_lr(0.1, -1, 1)
