"""The cost curves: one run's, with its validation curve and why that may lie lower, and
several learning rates' on one figure."""

from __future__ import annotations

from deepcat.plots.canvas import COST_FIGSIZE, axes_figure, columns, save_png


def plot_costs(costs, learning_rate, path, val_costs=None, *, dropout=False, l2_examples=None):
    """The cost curve of one training run, as in the seeds: :func:`cost_figure` as a PNG
    of 640x480 pixels at ``path``."""
    figure = cost_figure(costs, learning_rate, val_costs, dropout=dropout, l2_examples=l2_examples)
    save_png(figure, path)


def cost_figure(costs, learning_rate, val_costs=None, *, dropout=False, l2_examples=None):
    """The figure of :func:`plot_costs`, with the :func:`validation_note` as its caption.

    Parameters
    ----------
    costs : list of (iteration, cost)
        ``History.costs``.
    learning_rate : float
        Shown in the title.
    val_costs : list of (iteration, cost), optional
        ``History.val_costs``, drawn as a second line when given.
    dropout : bool
        Whether the run had a keep probability below 1.
    l2_examples : (int, int), optional
        For a run with L2: the m of the term (λ/2m) Σ‖W‖² in a training cost and in a
        validation cost (see :func:`validation_note`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    figure, axes = axes_figure(COST_FIGSIZE)
    iterations, values = columns(costs)
    axes.plot(iterations, values, label="training cost")
    if val_costs:
        axes.plot(*columns(val_costs), label="validation cost")
        axes.legend()
    axes.set_xlabel("iteration")
    axes.set_ylabel("cost J")
    axes.set_title(f"Learning rate = {learning_rate:g}")
    note = validation_note(costs, val_costs, dropout, l2_examples)
    if note is not None:
        figure.supxlabel(note, fontsize=8, ha="center")
    return figure


def validation_note(costs, val_costs, dropout=False, l2_examples=None):
    """The caption of a cost figure whose validation cost is below its training cost at most
    of the iterations where both were recorded, when the run's regularisation explains it.

    Dropout can (it is on only for the training cost), and so can L2: each cost takes its
    term (λ/2m) Σ‖W‖² over its own m, so it weighs more in a training cost over fewer
    examples than the validation set has (a mini-batch), and less over more. The curves
    cannot tell a regularised run from an easy validation set: the caller says what it had.

    Parameters
    ----------
    costs, val_costs : list of (iteration, cost)
    dropout : bool
    l2_examples : (int, int) or None
        With L2: the m of a training cost (batch size, or all training examples) and of a
        validation cost. None without L2.
    """
    reasons = []
    if dropout:
        reasons.append("the training cost is taken with dropout on, the validation cost without")
    if l2_examples is not None and l2_examples[0] < l2_examples[1]:
        reasons.append(
            "the L2 term (λ/2m) Σ‖W‖² weighs more in training, over m ="
            f" {l2_examples[0]} examples at a time, than in validation, over m = {l2_examples[1]}"
        )
    if not val_costs or not reasons:
        return None
    training = dict(costs)
    below = [cost < training[i] for i, cost in val_costs if i in training]
    if 2 * sum(below) <= len(below):
        return None
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
    figure, axes = axes_figure(COST_FIGSIZE)
    for learning_rate, costs in curves.items():
        axes.plot(*columns(costs), label=f"learning rate = {learning_rate:g}")
    axes.set_xlabel("iteration")
    axes.set_ylabel("cost J")
    axes.set_title("Cost for each learning rate")
    axes.legend()
    save_png(figure, path)
