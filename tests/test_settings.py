"""deepcat.training.settings: every surface of a setting agrees with its one declaration.

Network(...), Network.fit(...), DeepCatClassifier, network_settings, the train and tune options,
metrics.json and the model file's record are each compared with SETTINGS, so that a setting added,
renamed or given another default in one place only fails here.
"""

import inspect
import json
import re

import click
import numpy as np
import pytest

from cli_runner import deepcat
from deepcat import Network
from deepcat.cli.app import cli
from deepcat.runs.option_types import flag
from deepcat.sklearn import DeepCatClassifier
from deepcat.sklearn.model_selection import network_settings
from deepcat.training.settings import (
    BY_NAME,
    FIT,
    INPUT_SCALE,
    NETWORK,
    SETTINGS,
    TUNABLE,
    build_config,
)
from deepcat.training.values import Number

NOT_SETTINGS = {"self", "X", "Y", "validation_data", "callback"}
"""Arguments of Network.fit that are data or hooks, not settings."""


def _defaults(function):
    return {
        name: parameter.default
        for name, parameter in inspect.signature(function).parameters.items()
        if name not in NOT_SETTINGS
    }


def test_network_fit_signature_is_the_declaration(tiny_binary):
    declared = {setting.library: setting.default for setting in (*FIT, INPUT_SCALE)}
    assert _defaults(Network.fit) == declared
    # Learning rate and iterations by position, as the course's models take them.
    X, Y = tiny_binary
    assert Network([4, 1], seed=0).fit(X, Y, 0.1, 7).iterations == 7
    with pytest.raises(TypeError, match="unexpected keyword argument 'lernig_rate'"):
        Network([4, 1]).fit(X, Y, lernig_rate=0.1)
    with pytest.raises(TypeError, match="too many positional arguments"):
        Network([4, 1]).fit(X, Y, 0.1, 7, 3)


def test_network_fit_documents_every_setting():
    documented = set(re.findall(r"^        (\w+)(?:, (\w+))* :", Network.fit.__doc__, re.M))
    names = {name for group in documented for name in group if name}
    assert {setting.library for setting in (*FIT, INPUT_SCALE)} <= names


def test_network_signature_is_the_declaration():
    signature = _defaults(Network.__init__)
    declared = {s.library: s.default for s in NETWORK if s.library is not None}
    assert {name: signature[name] for name in declared} == declared
    assert set(signature) - set(declared) == {"layer_dims", "output"}


def test_estimator_parameters_are_the_declaration():
    declared = {s.estimator: s.sklearn_default for s in SETTINGS if s.estimator is not None}
    assert DeepCatClassifier().get_params() == declared
    assert set(_defaults(DeepCatClassifier.__init__)) == set(declared)


def test_estimator_trains_with_every_setting_it_is_given(tiny_binary):
    """A parameter the estimator forgot to pass on would leave fit at its default: here each
    non-default value changes the trained network, so the two must differ."""
    X, Y = tiny_binary
    base = dict(hidden_layer_sizes=(3,), epochs=2, batch_size=10, random_state=0)
    reference = DeepCatClassifier(**base).fit(X.T, Y.ravel()).network_.parameters["W1"]
    for name, value in [
        ("learning_rate", 0.5),
        ("optimizer", "momentum"),
        ("lambd", 5.0),
        ("keep_prob", 0.5),
        ("decay", "inverse_time"),
        ("batch_size", 7),
    ]:
        trained = DeepCatClassifier(**{**base, name: value}).fit(X.T, Y.ravel())
        assert not np.array_equal(trained.network_.parameters["W1"], reference), name


def test_network_settings_take_the_library_names_and_defaults():
    settings = network_settings([4])
    expected = {s.estimator: s.default for s in SETTINGS if s.estimator and s.library}
    expected |= {"hidden_layer_sizes": (4,), "iterations": 2500}
    del expected["epochs"], expected["random_state"]
    assert settings == expected
    with pytest.raises(TypeError, match="unknown setting 'hidden_layer_size'"):
        network_settings([4], hidden_layer_size=3)
    assert network_settings([4], hidden_activation="tanh", seed=2)["activation"] == "tanh"


def test_build_config_refuses_an_unknown_setting():
    with pytest.raises(TypeError, match="unknown training setting 'learnig_rate'"):
        build_config(1, learnig_rate=0.1)


def _options(command):
    return {
        param.opts[0]: param
        for param in cli.commands[command].params
        if isinstance(param, click.Option) and param.opts[0].startswith("--")
    }


def test_train_has_one_option_per_setting_with_its_help():
    options = _options("train")
    for setting in SETTINGS:
        option = options[flag(setting)]
        assert option.help == setting.help


@pytest.mark.parametrize("setting", [s for s in SETTINGS if isinstance(s.value, Number)])
def test_train_option_ranges_are_the_declared_ones(setting):
    """The option refuses a value just outside the declared interval and takes one inside."""
    option_type = _options("train")[flag(setting)].type
    number = setting.value
    inside = number.low + (1 if number.kind is int else 0.5 * min(1.0, number.high - number.low))
    below = number.low - 1 if not number.low_open else number.low
    assert option_type.convert(str(number.kind(inside)), None, None) in (inside, [inside])
    with pytest.raises(click.BadParameter):
        option_type.convert(str(number.kind(below)), None, None)


def test_help_states_the_declared_command_line_default():
    for setting in SETTINGS:
        stated = re.search(r"\[default: ([^\]]+)\]", setting.help)
        if stated and setting.cli_default is not None:
            default = setting.cli_default
            texts = {str(default)} | ({f"{default:g}"} if isinstance(default, float) else set())
            assert stated.group(1) in texts, setting.name


def test_tune_searches_the_tunable_settings_and_takes_the_others_once():
    options = _options("tune")
    for setting in SETTINGS:
        option = options[flag(setting)]
        if setting.tunable:
            assert option.help == setting.grid_help
            integers = option.type.number.kind is int
            text, values = ("1,2", [1, 2]) if integers else ("1,0.5", [1.0, 0.5])
            assert option.type.convert(text, None, None) == values
        else:
            assert option.help == setting.help
    assert [s.name for s in TUNABLE] == [
        "learning_rate",
        "hidden",
        "lambd",
        "keep_prob",
        "batch_size",
    ]


def test_metrics_and_model_file_record_every_setting(tmp_path):
    result = deepcat(
        "train", "--dataset", "breast-cancer", "--iterations", "3", "--lambd", "0.5",
        "--out", "run", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    recorded = json.loads((tmp_path / "run" / "metrics.json").read_text())["hyperparameters"]
    assert list(recorded) == [s.name for s in SETTINGS if s.name != "learning_rate"] + [
        "learning_rate",
        "output",
        "frozen",
    ]
    assert recorded["lambd"] == 0.5 and recorded["iterations"] == 3
    for name in ("activation", "init", "dtype", "optimizer", "record_every", "seed"):
        assert recorded[name] == BY_NAME[name].cli_default
    network = Network.load(tmp_path / "run" / "model.npz")
    assert network.metadata["training"] == recorded


def test_the_optimizer_first_says_whether_it_takes_a_coefficient(tiny_binary):
    X, Y = tiny_binary
    with pytest.raises(ValueError, match="optimizer 'gd' takes no coefficients; got beta"):
        Network([4, 1]).fit(X, Y, optimizer="gd", beta=1.5)
    with pytest.raises(ValueError, match=r"beta must be in \[0, 1\)"):
        Network([4, 1]).fit(X, Y, optimizer="momentum", beta=1.5)


def test_estimator_without_iterations_needs_epochs(tiny_binary):
    X, Y = tiny_binary
    with pytest.raises(TypeError, match="epochs must be an int >= 1, got None"):
        DeepCatClassifier(epochs=None).fit(X.T, Y.ravel())
    with pytest.raises(TypeError, match=r"^Network.fit\(\) got an unexpected keyword"):
        Network([4, 1]).fit(X, Y, bogus=1)
