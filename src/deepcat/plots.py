"""The seeds' figures as PNG files: cost curves, learning rates compared, mislabeled pictures.

matplotlib is imported here only, with its non-interactive Agg backend, so the
figures are drawn the same way on a server without a display. Every figure
has a fixed size in inches at :data:`DPI`, so its PNG has a known pixel size,
is laid out by matplotlib's constrained layout (so wide tick labels never push an axis
label off the picture), and is written atomically.

:func:`draw_decision_boundary` is the course's decision-boundary drawing (Course 1 week 3),
made on an Axes the caller owns: pyplot's current one in a notebook
(:func:`current_axes`, for :func:`deepcat.course.planar.plot_decision_boundary`), or one of a
figure saved as a PNG. pyplot, which picks a backend, is imported only by :func:`current_axes`.
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
GRID_TITLE = 0.4
"""Inches above the mislabeled grid for the figure's title."""
MAX_MISLABELED = 20
"""The grid shows at most this many pictures, the first ones in test-set order."""


def plot_costs(costs, learning_rate, path, val_costs=None, *, lambd=0.0, dropout=False):
    """The cost curve of one training run, as in the seeds: :func:`cost_figure` as a PNG
    of 640x480 pixels at ``path``."""
    _save(cost_figure(costs, learning_rate, val_costs, lambd=lambd, dropout=dropout), path)


def cost_figure(costs, learning_rate, val_costs=None, *, lambd=0.0, dropout=False):
    """The figure of :func:`plot_costs`, with the :func:`validation_note` as its caption.

    Parameters
    ----------
    costs : list of (iteration, cost)
        ``History.costs``.
    learning_rate : float
        Shown in the title.
    val_costs : list of (iteration, cost), optional
        ``History.val_costs``, drawn as a second line when given.
    lambd, dropout : float, bool
        The run's L2 strength, and whether it had a keep probability below 1.

    Returns
    -------
    matplotlib.figure.Figure
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
    note = validation_note(costs, val_costs, lambd, dropout)
    if note is not None:
        figure.supxlabel(note, fontsize=8, ha="center")
    return figure


def validation_note(costs, val_costs, lambd=0.0, dropout=False):
    """The caption of a cost figure whose validation cost lies below its training cost at most
    of the iterations where both were recorded, in a run with L2 or dropout; None otherwise.

    Both curves hold the L2 term, each over its own m, and dropout is on only for the training
    cost. Whether either was on is the caller's to say: the curves cannot tell a regularised
    run from an easy validation set.

    Parameters
    ----------
    costs, val_costs : list of (iteration, cost)
    lambd, dropout : float, bool
        The run's L2 strength, and whether it trained with dropout.
    """
    if not val_costs or not (lambd or dropout):
        return None
    training = dict(costs)
    below = [cost < training[i] for i, cost in val_costs if i in training]
    if 2 * sum(below) <= len(below):
        return None
    reasons = []
    if dropout:
        reasons.append("the training cost is taken with dropout on, the validation cost without")
    if lambd:
        reasons.append(
            "both hold the L2 term (λ/2m) Σ‖W‖², m the batch size in training and the"
            " validation set's size in validation"
        )
    return "Validation cost below training cost:\n" + ";\n".join(reasons)


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
    _save(figure, path)
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
    figure = _new_figure((width / DPI, height / DPI))
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
    figure = Figure(figsize=size, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _figure(size):
    figure = _new_figure(size)
    return figure, figure.add_subplot(1, 1, 1)


def _save(figure, path):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    atomic_write(path, lambda handle: handle.write(buffer.getvalue()))


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
    figure, axes = _figure(COST_FIGSIZE)
    draw_decision_boundary(axes, predict, X, y)
    # Spectral runs from red (label 0) to blue (the last label).
    key = f"red {classes[0]}, blue {classes[1]}" if len(classes) == 2 else " / ".join(classes)
    axes.set_title(f"{title} ({key})")
    _save(figure, path)


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
