"""``deepcat train`` on the course's 2-D data sets, in subprocesses."""

import json

import numpy as np
from PIL import Image

from cli_runner import deepcat

# Course 2 week 1, "Initialization", He initialization: model(train_X, train_Y,
# initialization="he") prints "Cost after iteration 0: 0.8830537463419761",
# "Cost after iteration 1000: 0.6879825919728063", ..., "Cost after iteration 14000:
# 0.07357895962677366", then "On the train set: Accuracy: 0.9933333333333333" and
# "On the test set: Accuracy: 0.96" (the notebook's printed output, identical in the public
# copies of Initialization.ipynb; its later digits differ by 1e-16 between copies).
HE_CIRCLES_COSTS = {
    0: 0.8830537463419761,
    1000: 0.6879825919728063,
    2000: 0.6751286264523371,
    14000: 0.07357895962677366,
}
HE_CIRCLES_ACCURACY = {"train": 0.9933333333333333, "test": 0.96}


def test_circles_defaults_are_the_courses_he_run(tmp_path):
    result = deepcat(
        "train", "--dataset", "circles", "--record-every", "1000", "--out", "run", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["layer_dims"] == [2, 10, 5, 1]
    costs = dict(metrics["costs"])
    for iteration, published in HE_CIRCLES_COSTS.items():
        assert abs(costs[iteration] - published) < 1e-13
    assert metrics["train_accuracy"] == HE_CIRCLES_ACCURACY["train"]
    assert metrics["test_accuracy"] == HE_CIRCLES_ACCURACY["test"]
    assert "decision_boundary.png" in result.stdout
    with Image.open(tmp_path / "run" / "decision_boundary.png") as picture:
        assert picture.size == (640, 480)
        pixels = np.asarray(picture.convert("RGB")).reshape(-1, 3)
    # The Spectral map shades class 0 red and class 1 blue: both regions are drawn.
    reddish = (pixels[:, 0] > 150) & (pixels[:, 2] < 120)
    bluish = (pixels[:, 2] > 150) & (pixels[:, 0] < 120)
    assert reddish.mean() > 0.05 and bluish.mean() > 0.05


def test_flower_and_moons_train_with_their_defaults(tmp_path):
    for name, layer_dims in (("flower", [2, 4, 1]), ("moons", [2, 5, 2, 1])):
        result = deepcat(
            "train", "--dataset", name, "--iterations", "300", "--out", name, cwd=tmp_path
        )
        assert result.returncode == 0, result.stderr
        metrics = json.loads((tmp_path / name / "metrics.json").read_text())
        assert metrics["layer_dims"] == layer_dims
        assert metrics["dataset"] == name


def test_force_replaces_a_two_feature_run_with_its_decision_boundary(tmp_path):
    # decision_boundary.png is one of a run's own files, so --force may replace the run.
    for attempt in range(2):
        extra = ["--force"] if attempt else []
        result = deepcat(
            "train", "--dataset", "flower", "--iterations", "50", "--out", "run", *extra,
            cwd=tmp_path,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "run" / "decision_boundary.png").is_file()
    assert not list(tmp_path.glob("run.replaced-*"))
