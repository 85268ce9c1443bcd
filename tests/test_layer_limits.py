"""The most layers a network may have (core.validation.MAX_LAYERS = 1000), refused at once by
Network(), by a model file's header and by the ``--hidden`` option, never at save time."""

import pytest

from cli_runner import assert_user_error, deepcat
from deepcat import Network
from deepcat.core.validation import MAX_LAYERS


def test_the_limit_is_a_thousand_layers():
    assert MAX_LAYERS == 1000
    assert Network([2] + [1] * 999 + [1]).L == 1000


def test_network_refuses_more_layers_at_once():
    with pytest.raises(ValueError, match=r"at most 1001 sizes \(L <= 1000\), got 1,002"):
        Network([2] + [1] * 1000 + [1])


@pytest.mark.parametrize("count", [1000, 3000])
def test_train_refuses_too_many_hidden_layers_as_a_usage_error(tmp_path, count):
    result = deepcat(
        "train", "--dataset", "breast-cancer", "--hidden", ",".join(["1"] * count),
        "--iterations", "5", "--out", "deep", cwd=tmp_path,
    )  # fmt: skip
    assert_user_error(
        result, 2, f"Invalid value for '--hidden': at most 999 hidden layers (L <= 1000), "
        f"got {count:,}",
    )  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_tune_refuses_too_many_hidden_layers_as_a_usage_error(tmp_path):
    result = deepcat(
        "tune", "--dataset", "breast-cancer", "--hidden", ",".join(["1"] * 1000), cwd=tmp_path
    )
    assert_user_error(result, 2, "'--hidden': at most 999 hidden layers (L <= 1000), got 1,000")


def test_999_hidden_layers_train_and_save(tmp_path):
    result = deepcat(
        "train", "--dataset", "breast-cancer", "--hidden", ",".join(["1"] * 999),
        "--iterations", "1", "--out", "deep", cwd=tmp_path, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert Network.load(tmp_path / "deep" / "model.npz").L == 1000
