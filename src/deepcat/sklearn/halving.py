"""Successive halving: a grid search that trains every setting briefly and only the best ones
for long, as scikit-learn's ``HalvingGridSearchCV`` does.

Round 1 trains every candidate with ``min_resources`` iterations (or epochs) on every fold;
each round after keeps the best ``ceil(n / factor)`` of the ``n`` candidates of the round
before and trains them ``factor`` times longer, up to the settings' own budget. A grid of
``n`` candidates with a budget of ``R`` costs about ``R * n * cv`` updates in a grid search
and ``R * cv * (rounds * n / factor**(rounds - 1))`` here, fewer the larger the grid.

Use it for large grids where a setting's accuracy after a short training already tells
whether it is promising: the cost of a fit grows with its iterations, and settings that
train well early keep doing so. Its caveat: small learning rates learn slowly, so after a
few iterations they look worse than they are and can be dropped before they catch up (as can
strong regularization, or large networks); give such grids a larger ``min_resources``.

Each fit is seeded as in :func:`deepcat.sklearn.model_selection.grid_search`, and every round
retrains from the start, so the table is the same for any ``n_jobs`` and on a Dask cluster.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from deepcat.core.validation import check_positive_int
from deepcat.sklearn.fits import fit_runner
from deepcat.sklearn.model_selection import (
    counter,
    cv_results,
    majority_baseline,
    search_inputs,
)
from deepcat.sklearn.results import SearchResults

RESOURCES = ("iterations", "epochs")
"""What a round gives more of: parameter updates, or passes over the data."""


@dataclass(frozen=True)
class Rung:
    """One round of a successive halving.

    Attributes
    ----------
    number : int
        1 for the first round.
    candidates : int
        Settings trained in this round.
    resources : int
        The iterations (or epochs) each of them trains for.
    """

    number: int
    candidates: int
    resources: int


def halving_plan(n_candidates, max_resources, factor=3, min_resources=None) -> list[Rung]:
    """The rounds of a successive halving, as scikit-learn's ``HalvingGridSearchCV`` plans them.

    Parameters
    ----------
    n_candidates : int >= 1
    max_resources : int >= 1
        The settings' own iterations (or epochs): no round trains longer.
    factor : int >= 2, default 3
        Each round keeps ``ceil(n / factor)`` of its ``n`` candidates and trains them
        ``factor`` times longer.
    min_resources : int, optional
        The first round's iterations (or epochs). By default the largest that lets the rounds
        grow by ``factor`` up to ``max_resources`` (scikit-learn's ``"exhaust"``):
        ``max_resources // factor**(rounds - 1)``. Round ``k`` trains ``min_resources *
        factor**k``, and the last round always the full ``max_resources``.

    Returns
    -------
    list of Rung

    Notes
    -----
    Rounds needed to come down to one candidate: ``1 + floor(log_factor(n_candidates))``;
    rounds the budget allows: ``1 + floor(log_factor(max_resources / min_resources))``; the
    plan has the fewer of the two. Round ``i`` (from 0) trains ``min_resources * factor**i``.
    """
    n_candidates = check_positive_int(n_candidates, "n_candidates")
    max_resources = check_positive_int(max_resources, "max_resources")
    factor = check_positive_int(factor, "factor", minimum=2)
    needed = 1 + _log_floor(n_candidates, factor)
    if min_resources is None:
        min_resources = max(1, max_resources // factor ** (needed - 1))
    min_resources = check_positive_int(min_resources, "min_resources")
    if min_resources > max_resources:
        raise ValueError(
            f"min_resources must be at most the settings' own budget of {max_resources} "
            f"iterations or epochs; got {min_resources}"
        )
    possible = 1 + _log_floor(max_resources // min_resources, factor)
    rungs, candidates = [], n_candidates
    count = min(needed, possible)
    for index in range(count):
        # The last round trains the settings' own budget, which the floor above may miss
        # (90 // 4 * 4 = 88): the best setting is scored as the table's train command trains it.
        resources = max_resources if index == count - 1 else min_resources * factor**index
        rungs.append(Rung(number=index + 1, candidates=candidates, resources=resources))
        candidates = math.ceil(candidates / factor)
    return rungs


def successive_halving(
    X,
    Y,
    grid,
    params=None,
    *,
    factor=3,
    min_resources=None,
    cv=5,
    random_state=0,
    n_jobs=None,
    progress=None,
    preprocessing=None,
    scheduler=None,
) -> SearchResults:
    """A grid search that spends its budget on the promising settings (see the module).

    Parameters
    ----------
    X : array-like, shape (n_x, m)
    Y : array-like, shape (1, m) or (m,), or one-hot (n_classes, m)
    grid, params :
        As in :func:`~deepcat.sklearn.model_selection.grid_search`. The resource is the
        settings' ``iterations`` when they set it, else their ``epochs`` (100 by default);
        it cannot be in the grid.
    factor, min_resources :
        As in :func:`halving_plan`.
    cv, random_state, n_jobs, progress, preprocessing, scheduler :
        As in :func:`~deepcat.sklearn.model_selection.grid_search`; ``progress`` counts the
        fits of every round.

    Returns
    -------
    SearchResults
        One result per candidate, from the last round it was trained in (its ``rung`` and
        ``resources``, the ``params`` it was trained with): ranked by that round, latest
        first, then by its mean accuracy there, so a setting dropped early ranks below every
        setting that went further.
    """
    X, y, folds, candidates = search_inputs(X, Y, grid, params, cv, random_state, scheduler)
    resource, budget = _resource(grid, candidates)
    plan = halving_plan(len(candidates), budget, factor, min_resources)
    baseline = majority_baseline(y, folds)
    step = counter(progress, len(folds) * sum(rung.candidates for rung in plan))
    last = {}
    alive = list(range(len(candidates)))
    with fit_runner(X, y, preprocessing, n_jobs, scheduler) as run:
        for rung in plan:
            trained = [
                {**candidates[i], resource: rung.resources} for i in alive[: rung.candidates]
            ]
            alive = alive[: rung.candidates]
            tasks = [(params, train, test) for params in trained for train, test in folds]
            results = cv_results(trained, run(tasks, step), baseline)
            for index, result in zip(alive, results, strict=True):
                last[index] = _with_rung(result, rung)
            # The best first; ties keep the grid's order, so the survivors are seeded too.
            alive.sort(key=lambda i: (math.isnan(last[i].mean), -_finite(last[i].mean), i))
    return SearchResults.ranked(
        [last[i] for i in sorted(last)], names=tuple(grid), resource=resource
    )


def _resource(grid, candidates):
    """``("iterations", budget)`` or ``("epochs", budget)``: what the rounds ration."""
    from deepcat.sklearn.estimator import DeepCatClassifier

    defaults = DeepCatClassifier().get_params()
    for name in RESOURCES:
        if name in grid:
            raise ValueError(
                f"successive halving gives each round more {name}, so {name!r} cannot be "
                "in the grid; set it in params, as the last round's budget"
            )
    settings = {**defaults, **candidates[0]}
    resource = "iterations" if settings["iterations"] is not None else "epochs"
    return resource, settings[resource]


def _with_rung(result, rung):
    from dataclasses import replace

    return replace(result, rung=rung.number, resources=rung.resources)


def _finite(value):
    return -math.inf if math.isnan(value) else value


def _log_floor(value, base):
    """The largest ``k`` with ``base**k <= value`` (integers, no rounding of a float log)."""
    k = 0
    while base ** (k + 1) <= value:
        k += 1
    return k
