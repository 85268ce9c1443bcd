"""deepcat.plots: the PNG files decode, with the sizes the module promises."""

import numpy as np
import pytest
from PIL import Image

from deepcat.plots import (
    MAX_MISLABELED,
    mislabeled_grid_size,
    plot_costs,
    plot_learning_rates,
    plot_mislabeled,
)

COSTS = [(0, 0.77), (100, 0.65), (200, 0.5), (249, 0.45)]


def _png(path):
    with Image.open(path) as image:
        image.load()
        return image.format, image.size


def test_cost_curve_is_a_640x480_png(tmp_path):
    plot_costs(COSTS, 0.0075, tmp_path / "cost.png")
    assert _png(tmp_path / "cost.png") == ("PNG", (640, 480))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cost.png"]  # no temporary left


def test_cost_curve_with_validation_costs(tmp_path):
    plot_costs(COSTS, 0.01, tmp_path / "cost.png", val_costs=[(0, 0.8), (249, 0.5)])
    assert _png(tmp_path / "cost.png") == ("PNG", (640, 480))


def test_learning_rates_on_one_figure(tmp_path):
    curves = {0.0075: COSTS, 0.003: [(0, 0.77), (249, 0.6)], 0.001: [(0, 0.77), (249, 0.7)]}
    plot_learning_rates(curves, tmp_path / "rates.png")
    assert _png(tmp_path / "rates.png") == ("PNG", (640, 480))


def test_no_costs_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="no costs to plot"):
        plot_costs([], 0.1, tmp_path / "cost.png")
    assert not (tmp_path / "cost.png").exists()


def test_grid_size_grows_by_rows_of_five_and_stops_at_the_maximum():
    assert mislabeled_grid_size(0) == mislabeled_grid_size(5) == (1000, 240)
    assert mislabeled_grid_size(6) == (1000, 480)
    assert mislabeled_grid_size(10 * MAX_MISLABELED) == mislabeled_grid_size(MAX_MISLABELED)


@pytest.mark.parametrize(("n_wrong", "channels"), [(0, 3), (3, 3), (7, 1), (25, 3)])
def test_mislabeled_grid_png(tmp_path, n_wrong, channels):
    rng = np.random.default_rng(0)
    pictures = rng.integers(0, 256, size=(30, 16, 16, channels), dtype=np.uint8)
    true = np.zeros((1, 30), dtype=int)
    predicted = true.copy()
    predicted[0, :n_wrong] = 1
    count = plot_mislabeled(pictures, predicted, true, ["non-cat", "cat"], tmp_path / "m.png")
    assert count == n_wrong
    assert _png(tmp_path / "m.png") == ("PNG", mislabeled_grid_size(n_wrong))
