"""The course's decision-boundary drawing (Course 1 week 3), on an Axes the caller owns.

Pyplot's current one in a notebook (:func:`current_axes`, for
:func:`deepcat.course.planar.plot_decision_boundary`), or one of a figure saved as a PNG.
pyplot, which picks a backend, is imported only by :func:`current_axes`.
"""

from __future__ import annotations

import numpy as np

from deepcat.plots.canvas import COST_FIGSIZE, axes_figure, save_png

BOUNDARY_STEP = 0.01
"""Grid spacing of :func:`draw_decision_boundary`, the course's ``h``."""
BOUNDARY_MARGIN = 1.0
"""How far the grid reaches beyond the data on every side, the course's ``- 1`` / ``+ 1``."""
MAX_BOUNDARY_POINTS = 4_000_000
"""The most grid points :func:`draw_decision_boundary` evaluates; a wider grid is coarsened."""
BOUNDARY_BATCH = 65_536
"""Grid points handed to ``predict`` in one call, so a wide network needs little memory."""


def draw_decision_boundary(
    axes,
    predict,
    X,
    y,
    step=BOUNDARY_STEP,
    margin=BOUNDARY_MARGIN,
    cmap="Spectral",
    max_points=MAX_BOUNDARY_POINTS,
):
    """Shade the plane by the class a classifier predicts there, and scatter the data over it.

    This is the drawing of the course's ``plot_decision_boundary`` (Course 1 week 3, "Planar
    data classification with one hidden layer", ``planar_utils``), on any matplotlib Axes:
    a grid of spacing ``step`` covers the data's bounding box widened by ``margin``, its
    points are classified, the regions are filled with ``contourf`` and the examples are
    scattered on top, coloured by their label; the axes are labelled ``x1`` and ``x2``.

    Parameters
    ----------
    axes : matplotlib.axes.Axes
    predict : callable
        Takes grid points as **columns**, an ndarray of shape ``(2, k)`` (deepcat's ``(n_x, m)``
        layout, what :func:`deepcat.predict` and the course's ``predict(parameters, X)``
        take), and returns ``k`` labels: any array with ``k`` elements, e.g. ``(1, k)`` or
        ``(k,)``, of bools, ints or floats. It is called on batches of at most
        :data:`BOUNDARY_BATCH` points, so it must classify each column on its own.
        (The course's ``model`` takes rows, ``(k, 2)``; pass ``lambda P: model(P.T)``.)
    X : array-like, shape (2, m)
        The examples, one column each.
    y : array-like, shape (1, m) or (m,)
        Their labels, used as colours.
    step : float, default 0.01
        Grid spacing. Should the grid exceed ``max_points`` points, the spacing is widened
        until it does not (the course's figures, on data spanning about ten units, never are).
    margin : float, default 1.0
    cmap : str or matplotlib colormap, default "Spectral"
        The course's ``plt.cm.Spectral``.
    max_points : int, default :data:`MAX_BOUNDARY_POINTS`

    Returns
    -------
    axes : the Axes drawn on.

    Raises
    ------
    ValueError
        When ``X`` is not ``(2, m)`` with finite values, ``y`` does not hold ``m`` labels,
        ``step`` or ``margin`` is not a finite number (``step > 0``, ``margin >= 0``), or
        ``predict`` does not return one label per point.
    """
    X, y = _boundary_data(X, y)
    step = _grid_step(X, step, margin, max_points)
    xx, yy = np.meshgrid(
        np.arange(X[0].min() - margin, X[0].max() + margin, step),
        np.arange(X[1].min() - margin, X[1].max() + margin, step),
    )
    points = np.vstack([xx.ravel(), yy.ravel()])
    labels = np.empty(points.shape[1])
    for start in range(0, points.shape[1], BOUNDARY_BATCH):
        batch = points[:, start : start + BOUNDARY_BATCH]
        predicted = np.asarray(predict(batch))
        if predicted.size != batch.shape[1]:
            raise ValueError(
                f"predict must return one label per point: given points of shape {batch.shape} "
                f"(2, k), it returned an array of shape {predicted.shape}"
            )
        labels[start : start + batch.shape[1]] = predicted.reshape(-1)
    axes.contourf(xx, yy, labels.reshape(xx.shape), cmap=cmap)
    axes.set_xlabel("x1")
    axes.set_ylabel("x2")
    axes.scatter(X[0], X[1], c=y, cmap=cmap)
    return axes


def plot_decision_boundary(predict, X, y, classes, path, title="Decision boundary"):
    """The decision boundary of a model on 2-D data, as a PNG of :data:`COST_FIGSIZE`.

    Parameters
    ----------
    predict : callable
        ``(2, k)`` points as columns to ``k`` labels; see :func:`draw_decision_boundary`.
    X : ndarray, shape (2, m)
    y : ndarray, shape (1, m)
        The labels, drawn as the points' colours.
    classes : list of str
        ``classes[k]`` names label ``k``, in the title.
    path : str or Path
    title : str
    """
    figure, axes = axes_figure(COST_FIGSIZE)
    draw_decision_boundary(axes, predict, X, y)
    # Spectral runs from red (label 0) to blue (the last label).
    key = f"red {classes[0]}, blue {classes[1]}" if len(classes) == 2 else " / ".join(classes)
    axes.set_title(f"{title} ({key})")
    save_png(figure, path)


def current_axes():
    """pyplot's current Axes, made with a figure if there is none (``plt.gca()``).

    For drawings that, like the course's, go on the figure a notebook is building. pyplot is
    imported here, on the first call, so that importing deepcat never selects a backend.
    """
    import matplotlib.pyplot as plt

    return plt.gca()


def _boundary_data(X, y):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] != 2 or X.shape[1] == 0:
        raise ValueError(
            f"X must have shape (2, m): two features, one column per example; got {X.shape}"
        )
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinity; the points must be finite")
    y = np.asarray(y)
    if y.size != X.shape[1] or y.ndim > 2 or (y.ndim == 2 and 1 not in y.shape):
        raise ValueError(
            f"y must hold one label per example, shape (1, m) or (m,) with m = {X.shape[1]}; "
            f"got {y.shape}"
        )
    return X, y.reshape(-1)


def _grid_step(X, step, margin, max_points):
    _check_real(step, "step", strictly_positive=True)
    _check_real(margin, "margin", strictly_positive=False)
    width = X[0].max() - X[0].min() + 2 * margin
    height = X[1].max() - X[1].min() + 2 * margin
    if width <= 0 or height <= 0:
        raise ValueError(
            f"the grid would be empty: every point has the same x1 or x2 and margin = {margin}; "
            "give a margin > 0"
        )
    points = (width / step + 1) * (height / step + 1)
    if points > max_points:
        # Both axes share the reduction, so the spacing grows with the square root of the excess.
        step *= float(np.sqrt(points / max_points)) * 1.001
    return step


def _check_real(value, name, strictly_positive):
    real = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not real or not np.isfinite(value) or value < 0 or (strictly_positive and value == 0):
        bound = "> 0" if strictly_positive else ">= 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
