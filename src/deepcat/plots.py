"""The seeds' figures as PNG files: cost curves, learning rates compared, mislabeled pictures.

matplotlib is imported here only, with its non-interactive Agg backend, so the
figures are drawn the same way on a server without a display. Every figure
has a fixed size in inches at :data:`DPI`, so its PNG has a known pixel size,
and is written atomically.
"""

from __future__ import annotations

import io

import numpy as np

from deepcat.data.files import atomic_write

DPI = 100
COST_FIGSIZE = (6.4, 4.8)
"""Inches of the cost figures: 640x480 pixels at :data:`DPI`."""
GRID_COLUMNS = 5
GRID_CELL = (2.0, 2.4)
"""Inches per picture of the mislabeled grid (width, height with its two-line title)."""
MAX_MISLABELED = 20
"""The grid shows at most this many pictures, the first ones in test-set order."""


def plot_costs(costs, learning_rate, path, val_costs=None):
    """The cost curve of one training run, as in the seeds.

    Parameters
    ----------
    costs : list of (iteration, cost)
        ``History.costs``.
    learning_rate : float
        Shown in the title.
    path : str or Path
        Where the PNG goes (640x480 pixels).
    val_costs : list of (iteration, cost), optional
        ``History.val_costs``, drawn as a second line when given.
    """
    figure, axes = _figure(COST_FIGSIZE)
    iterations, values = _columns(costs)
    axes.plot(iterations, values, label="training cost")
    if val_costs:
        axes.plot(*_columns(val_costs), label="validation cost")
        axes.legend()
    axes.set_xlabel("iteration")
    axes.set_ylabel("cost J")
    axes.set_title(f"Learning rate = {learning_rate:g}")
    _save(figure, path)


def plot_learning_rates(curves, path):
    """Several runs' cost curves on one figure, one line per learning rate (seed 002).

    Parameters
    ----------
    curves : dict of float to list of (iteration, cost)
        Learning rate to ``History.costs``.
    path : str or Path
        Where the PNG goes (640x480 pixels).
    """
    figure, axes = _figure(COST_FIGSIZE)
    for learning_rate, costs in curves.items():
        axes.plot(*_columns(costs), label=f"learning rate = {learning_rate:g}")
    axes.set_xlabel("iteration")
    axes.set_ylabel("cost J")
    axes.set_title("Cost for each learning rate")
    axes.legend()
    _save(figure, path)


def mislabeled_grid_size(n_pictures):
    """Pixel size ``(width, height)`` of the PNG :func:`plot_mislabeled` draws."""
    rows = max(1, -(-min(n_pictures, MAX_MISLABELED) // GRID_COLUMNS))
    return (
        round(GRID_COLUMNS * GRID_CELL[0] * DPI),
        round(rows * GRID_CELL[1] * DPI),
    )


def plot_mislabeled(pictures, predicted, true, classes, path):
    """A grid of the test pictures the model got wrong, with predicted and true labels.

    Parameters
    ----------
    pictures : ndarray, shape (m, height, width, channels)
        Raw pictures: uint8, or values in ``[0, max]`` for other data sets.
    predicted, true : array-like of int, shape (1, m) or (m,)
        Class indices.
    classes : list of str
    path : str or Path
        Where the PNG goes; its size is :func:`mislabeled_grid_size` of the number of errors.

    Returns
    -------
    int
        How many mislabeled pictures there were (the grid shows at most
        :data:`MAX_MISLABELED`).
    """
    predicted = np.asarray(predicted).reshape(-1)
    true = np.asarray(true).reshape(-1)
    wrong = np.flatnonzero(predicted != true)
    shown = wrong[:MAX_MISLABELED]
    width, height = mislabeled_grid_size(len(wrong))
    figure = _new_figure((width / DPI, height / DPI))
    if not len(shown):
        figure.text(0.5, 0.5, "no mislabeled test picture", ha="center", va="center")
    rows = height // round(GRID_CELL[1] * DPI)
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
    figure.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.9, hspace=0.45)
    _save(figure, path)
    return len(wrong)


def _displayable(picture):
    if picture.dtype == np.uint8:
        return picture
    top = float(picture.max()) or 1.0
    return np.clip(picture / top, 0.0, 1.0)


def _columns(pairs):
    pairs = list(pairs)
    if not pairs:
        raise ValueError("no costs to plot: the list of (iteration, cost) pairs is empty")
    iterations, values = zip(*pairs, strict=True)
    return list(iterations), list(values)


def _new_figure(size):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # A Figure on its own Agg canvas, not pyplot: no global backend switch for a program that
    # imports deepcat, and no figure registry to leak memory between plots.
    figure = Figure(figsize=size, dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _figure(size):
    figure = _new_figure(size)
    return figure, figure.add_subplot(1, 1, 1)


def _save(figure, path):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    atomic_write(path, lambda handle: handle.write(buffer.getvalue()))
