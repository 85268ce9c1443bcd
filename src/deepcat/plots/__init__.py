"""The seeds' figures as PNG files: cost curves, learning rates compared, mislabeled
pictures, and the course's decision boundary.

matplotlib is imported only when a figure is drawn, with its non-interactive Agg backend, so
the figures are drawn the same way on a server without a display; pyplot only for a
notebook's current figure (:func:`current_axes`). :mod:`~deepcat.plots.canvas` holds
what every figure shares: its size in inches at a fixed DPI, so each PNG has a known pixel
size, constrained layout, and atomic writing.
"""

from deepcat.plots.boundary import (
    BOUNDARY_BATCH,
    BOUNDARY_MARGIN,
    BOUNDARY_STEP,
    MAX_BOUNDARY_POINTS,
    current_axes,
    draw_decision_boundary,
    plot_decision_boundary,
)
from deepcat.plots.canvas import COST_FIGSIZE, DPI
from deepcat.plots.costs import cost_figure, plot_costs, plot_learning_rates, validation_note
from deepcat.plots.pictures import (
    GRID_CELL,
    GRID_COLUMNS,
    GRID_TITLE,
    MAX_MISLABELED,
    mislabeled_figure,
    mislabeled_grid_size,
    mislabeled_title,
    plot_mislabeled,
)

__all__ = [
    "BOUNDARY_BATCH",
    "BOUNDARY_MARGIN",
    "BOUNDARY_STEP",
    "COST_FIGSIZE",
    "DPI",
    "GRID_CELL",
    "GRID_COLUMNS",
    "GRID_TITLE",
    "MAX_BOUNDARY_POINTS",
    "MAX_MISLABELED",
    "cost_figure",
    "current_axes",
    "draw_decision_boundary",
    "mislabeled_figure",
    "mislabeled_grid_size",
    "mislabeled_title",
    "plot_costs",
    "plot_decision_boundary",
    "plot_learning_rates",
    "plot_mislabeled",
    "validation_note",
]
