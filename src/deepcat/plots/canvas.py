"""What every figure of :mod:`deepcat.plots` is drawn on and saved as.

A figure has a fixed size in inches at :data:`DPI`, so its PNG has a known pixel size; it is
laid out by matplotlib's constrained layout (so wide tick labels never push an axis label off
the picture), and written atomically.
"""

from __future__ import annotations

import io

from deepcat.data.files import atomic_write

DPI = 100
COST_FIGSIZE = (6.4, 4.8)
"""Inches of the cost figures: 640x480 pixels at :data:`DPI`."""


def new_figure(size):
    """A matplotlib Figure of ``size`` (width, height) inches at :data:`DPI`, constrained
    layout, on its own Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # A Figure on its own Agg canvas, not pyplot: no global backend switch for a program that
    # imports deepcat, and no figure registry to leak memory between plots.
    figure = Figure(figsize=size, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def axes_figure(size):
    """:func:`new_figure` with one Axes: ``(figure, axes)``."""
    figure = new_figure(size)
    return figure, figure.add_subplot(1, 1, 1)


def save_png(figure, path):
    """``figure`` as a PNG file at ``path``, written atomically (drawn in memory first)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    atomic_write(path, lambda handle: handle.write(buffer.getvalue()))


def columns(pairs):
    """``[(iteration, cost), ...]`` as ``(iterations, costs)``, two lists of equal length."""
    pairs = list(pairs)
    if not pairs:
        raise ValueError("no costs to plot: the list of (iteration, cost) pairs is empty")
    iterations, values = zip(*pairs, strict=True)
    return list(iterations), list(values)
