"""deepcat.plots: the PNG files decode, with the sizes the module promises; the labels lie
within the picture; the titles and captions say what the figures show."""

import numpy as np
import pytest
from PIL import Image

from deepcat.plots import (
    MAX_MISLABELED,
    cost_figure,
    mislabeled_figure,
    mislabeled_grid_size,
    plot_costs,
    plot_learning_rates,
    plot_mislabeled,
)
from deepcat.runs.files import regularization

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
    # 2.4 inches a row of pictures, 0.4 for the title, at 100 dots per inch.
    assert mislabeled_grid_size(0) == mislabeled_grid_size(5) == (1000, 280)
    assert mislabeled_grid_size(6) == (1000, 520)
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


def _texts(figure):
    return [text.get_text() for text in figure.texts]


@pytest.mark.parametrize(
    ("n_wrong", "title"),
    [
        (0, "Mislabeled test pictures: none"),
        (7, "Mislabeled test pictures: 7, all shown"),
        (20, "Mislabeled test pictures: 20, all shown"),
        (33, "Mislabeled test pictures: the first 20 of 33 shown"),
    ],
)
def test_mislabeled_title_counts_every_error_and_those_shown(n_wrong, title):
    pictures = np.zeros((50, 4, 4, 3), dtype=np.uint8)
    true = np.zeros((1, 50), dtype=int)
    predicted = true.copy()
    predicted[0, 50 - n_wrong :] = 1  # the last ones, so the first 20 are not the first 20
    figure, count = mislabeled_figure(pictures, predicted, true, ["non-cat", "cat"])
    assert count == n_wrong
    assert figure.get_suptitle() == title
    assert len(figure.axes) == min(n_wrong, MAX_MISLABELED)


def test_mislabeled_title_names_the_split():
    pictures = np.zeros((3, 4, 4, 1), dtype=np.uint8)
    figure, _ = mislabeled_figure(pictures, [1, 0, 1], [0, 0, 0], ["a", "b"], split="train")
    assert figure.get_suptitle() == "Mislabeled train pictures: 2, all shown"


def _inside(figure, *artists):
    """Each artist's drawn box lies within the figure's, in pixels."""
    renderer = figure.canvas.get_renderer()
    page = figure.bbox
    for artist in artists:
        box = artist.get_tightbbox(renderer)
        assert box.x0 >= page.x0 and box.y0 >= page.y0, (artist, box, page)
        assert box.x1 <= page.x1 and box.y1 <= page.y1, (artist, box, page)


def test_wide_tick_labels_keep_the_axis_labels_on_the_picture(tmp_path):
    # Without a layout, tick labels like "120000" pushed "cost J" 3 pixels past the left edge.
    costs = [(0, 123456.7), (100, 12345.6), (200, 1234.5)]
    figure = cost_figure(costs, 0.5, val_costs=[(0, 98765.4), (200, 2345.6)], dropout=True)
    figure.savefig(tmp_path / "cost.png")  # lays the figure out as the PNG file gets it
    axes = figure.axes[0]
    # The axes with all they draw around them (tick labels included), and the caption.
    _inside(figure, axes.yaxis.label, axes.xaxis.label, axes.title, axes, *figure.texts)
    assert _png(tmp_path / "cost.png") == ("PNG", (640, 480))


TRAINING = [(0, 0.9), (100, 0.6), (200, 0.5)]
LOWER = [(0, 0.8), (100, 0.5), (200, 0.4)]
HIGHER = [(0, 1.0), (100, 0.7), (200, 0.6)]
DROPOUT_WORDS = "the training cost is taken with dropout on, the validation cost without"
L2_WORDS = "the L2 term (λ/2m) Σ‖W‖² weighs more in training, over m = 64 examples at a time, "
L2_WORDS += "than in validation, over m = 91"
MINI_BATCHES = (64, 91)  # breast-cancer's 456 training examples: 91 held out, batches of 64
FULL_BATCHES = (365, 91)  # the same, full batch: L2 weighs less in training


@pytest.mark.parametrize(
    ("val_costs", "dropout", "l2_examples", "expected"),
    [
        (LOWER, True, None, [DROPOUT_WORDS]),
        (LOWER, False, MINI_BATCHES, [L2_WORDS]),
        (LOWER, True, MINI_BATCHES, [DROPOUT_WORDS, L2_WORDS]),
        (LOWER, True, FULL_BATCHES, [DROPOUT_WORDS]),
        (LOWER, False, FULL_BATCHES, None),  # L2 over more examples cannot lower validation
        (LOWER, False, None, None),  # unregularised: the curves alone are no reason for a note
        (HIGHER, True, MINI_BATCHES, None),  # validation above training: nothing to explain
        (LOWER[:1] + HIGHER[1:], True, None, None),  # below at 1 of 3 recorded iterations only
        (None, True, MINI_BATCHES, None),
    ],
)
def test_caption_explains_a_validation_cost_below_the_training_cost(
    val_costs, dropout, l2_examples, expected
):
    figure = cost_figure(TRAINING, 0.01, val_costs, dropout=dropout, l2_examples=l2_examples)
    captions = _texts(figure)
    if expected is None:
        assert captions == []
        return
    (caption,) = captions
    assert caption == "Validation cost below training cost:\n" + ";\n".join(expected)


@pytest.mark.parametrize(
    ("hyperparameters", "expected"),
    [
        ({"lambd": 0.0, "keep_prob": 1.0}, {"dropout": False, "l2_examples": None}),
        ({"lambd": 0.7, "keep_prob": 1.0}, {"dropout": False, "l2_examples": None}),  # no hold-out
        (
            {"lambd": 0.7, "validation_fraction": 0.2, "batch_size": 64},
            {"dropout": False, "l2_examples": (64, 91)},  # round(456 * 0.2) = 91 held out
        ),
        (
            {"lambd": 0.7, "validation_fraction": 0.2, "batch_size": None},
            {"dropout": False, "l2_examples": (365, 91)},  # full batches: the other 365
        ),
        (
            {"lambd": 0.7, "validation_fraction": 0.2, "batch_size": 1024},
            {"dropout": False, "l2_examples": (365, 91)},  # a batch larger than the data
        ),
        ({"lambd": 0.0, "keep_prob": [1.0, 0.8]}, {"dropout": True, "l2_examples": None}),
        ({"lambd": None, "keep_prob": None}, {"dropout": False, "l2_examples": None}),
    ],
)
def test_a_runs_settings_tell_the_plot_whether_it_was_regularised(hyperparameters, expected):
    assert regularization(hyperparameters, 456) == expected
