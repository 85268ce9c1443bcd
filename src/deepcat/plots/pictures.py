"""The grid of the test pictures a model got wrong, titled with how many it shows of all."""

from __future__ import annotations

import numpy as np

from deepcat.plots.canvas import DPI, new_figure, save_png

GRID_COLUMNS = 5
GRID_CELL = (2.0, 2.4)
"""Inches per picture of the mislabeled grid (width, height with its two-line title)."""
GRID_TITLE = 0.4
"""Inches above the mislabeled grid for the figure's title."""
MAX_MISLABELED = 20
"""The grid shows at most this many pictures, the first ones in test-set order."""


def mislabeled_grid_size(n_pictures):
    """Pixel size ``(width, height)`` of the PNG :func:`plot_mislabeled` draws."""
    rows = _grid_rows(n_pictures)
    return (
        round(GRID_COLUMNS * GRID_CELL[0] * DPI),
        round((rows * GRID_CELL[1] + GRID_TITLE) * DPI),
    )


def _grid_rows(n_pictures):
    return max(1, -(-min(n_pictures, MAX_MISLABELED) // GRID_COLUMNS))


def mislabeled_title(n_wrong, split="test"):
    """The title of :func:`plot_mislabeled`'s grid: how many pictures of ``split`` the model
    got wrong, and how many of them the grid shows (the first :data:`MAX_MISLABELED`)."""
    if n_wrong == 0:
        return f"Mislabeled {split} pictures: none"
    if n_wrong > MAX_MISLABELED:
        return f"Mislabeled {split} pictures: the first {MAX_MISLABELED} of {n_wrong} shown"
    return f"Mislabeled {split} pictures: {n_wrong}, all shown"


def plot_mislabeled(pictures, predicted, true, classes, path, split="test"):
    """:func:`mislabeled_figure` as a PNG at ``path``, of :func:`mislabeled_grid_size` of the
    number of errors; returns that number."""
    figure, n_wrong = mislabeled_figure(pictures, predicted, true, classes, split)
    save_png(figure, path)
    return n_wrong


def mislabeled_figure(pictures, predicted, true, classes, split="test"):
    """A grid of the pictures the model got wrong, with predicted and true labels, titled
    with :func:`mislabeled_title`.

    Parameters
    ----------
    pictures : ndarray, shape (m, height, width, channels)
        Raw pictures: uint8, or values in ``[0, max]`` for other data sets.
    predicted, true : array-like of int, shape (1, m) or (m,)
        Class indices.
    classes : list of str
    split : str, default "test"
        Which part of the data set the pictures are, for the title.

    Returns
    -------
    figure : matplotlib.figure.Figure
    n_wrong : int
        How many pictures were mislabeled (the grid shows at most :data:`MAX_MISLABELED`).
    """
    predicted = np.asarray(predicted).reshape(-1)
    true = np.asarray(true).reshape(-1)
    wrong = np.flatnonzero(predicted != true)
    shown = wrong[:MAX_MISLABELED]
    width, height = mislabeled_grid_size(len(wrong))
    figure = new_figure((width / DPI, height / DPI))
    figure.suptitle(mislabeled_title(len(wrong), split))
    if not len(shown):
        figure.text(0.5, 0.5, f"every {split} picture was predicted right", ha="center")
    rows = _grid_rows(len(wrong))
    for slot, index in enumerate(shown):
        axes = figure.add_subplot(rows, GRID_COLUMNS, slot + 1)
        picture = pictures[index]
        if picture.shape[-1] == 1:
            # One channel: the digits store ink as high values, drawn dark on light.
            axes.imshow(picture[..., 0], cmap="gray_r", interpolation="nearest")
        else:
            axes.imshow(_displayable(picture), interpolation="nearest")
        axes.set_title(
            f"predicted: {classes[predicted[index]]}\ntrue: {classes[true[index]]}", fontsize=9
        )
        axes.axis("off")
    return figure, len(wrong)


def _displayable(picture):
    if picture.dtype == np.uint8:
        return picture
    top = float(picture.max()) or 1.0
    return np.clip(picture / top, 0.0, 1.0)
