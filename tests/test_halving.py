"""Successive halving: its rounds computed by hand, the best of a planted grid surviving, and
its table ranked by the last round each setting reached."""

import math

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import MinMaxScaler

from deepcat.sklearn.halving import Rung, halving_plan, successive_halving
from deepcat.sklearn.model_selection import cross_validate

PARAMS = {"hidden_layer_sizes": (), "iterations": 90, "batch_size": None, "optimizer": "gd"}


@pytest.fixture(scope="module")
def cancer():
    """Breast cancer in the course layout: X (30, 569) in [0, 1], Y (569,)."""
    X, y = load_breast_cancer(return_X_y=True)
    return MinMaxScaler().fit_transform(X).T, y


@pytest.mark.parametrize(
    ("n", "budget", "factor", "minimum", "expected"),
    [
        # 9 candidates need 1 + log3(9) = 3 rounds; 90 // 3**2 = 10 iterations first.
        (9, 90, 3, None, [(9, 10), (3, 30), (1, 90)]),
        # 10 candidates: still 3 rounds (3**2 <= 10 < 3**3); ceil(10/3) = 4, ceil(4/3) = 2.
        (10, 90, 3, None, [(10, 10), (4, 30), (2, 90)]),
        # A first round of 40 leaves room for 1 + floor(log2(100 // 40)) = 2 rounds of 4; the
        # last one trains the full budget of 100, not 40 * 2.
        (4, 100, 2, 40, [(4, 40), (2, 100)]),
        # One candidate: one round at the full budget.
        (1, 50, 3, None, [(1, 50)]),
    ],
)
def test_rounds_are_those_computed_by_hand(n, budget, factor, minimum, expected):
    plan = halving_plan(n, budget, factor, minimum)
    assert plan == [Rung(k, c, r) for k, (c, r) in enumerate(expected, start=1)]


def test_a_first_round_above_the_budget_is_refused():
    with pytest.raises(ValueError, match=r"min_resources must be at most .* 90 .* got 100"):
        halving_plan(9, 90, 3, 100)


def test_the_resource_cannot_be_in_the_grid(cancer):
    with pytest.raises(ValueError, match=r"'iterations' cannot be in the grid"):
        successive_halving(*cancer, {"iterations": [10, 20]}, PARAMS, cv=2)


def test_the_planted_best_survives_and_each_setting_shows_its_last_round(cancer):
    rates = [1e-6, 1e-5, 2.0, 1e-4, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11]  # 2.0 is the sensible one
    seen = []
    table = successive_halving(
        *cancer, {"learning_rate": rates}, PARAMS, cv=3, progress=lambda d, t: seen.append(t)
    )
    best = table.best
    assert best.params["learning_rate"] == 2.0
    assert (best.rung, best.resources, best.params["iterations"]) == (3, 90, 90)
    # 9 + 3 + 1 settings x 3 folds.
    assert seen == [39] * 39
    # The last round's result is that of a plain cross-validation at its iterations.
    plain = cross_validate(*cancer, {**PARAMS, "learning_rate": 2.0}, cv=3)
    assert best.scores == plain.scores
    assert [result.rung for result in table.results] == [3, 2, 2, 1, 1, 1, 1, 1, 1]
    # Within a round, by accuracy; a round below ranks below every later one.
    rows = table.rows()
    assert rows[1]["mean_accuracy"] >= rows[2]["mean_accuracy"]
    assert [row["rank"] for row in rows] == sorted(row["rank"] for row in rows)
    assert rows[3]["rank"] == 4
    assert all(rows[i]["rung"] >= rows[i + 1]["rung"] for i in range(len(rows) - 1))
    assert all(row["iterations"] == {1: 10, 2: 30, 3: 90}[row["rung"]] for row in rows)


def test_the_ranking_of_a_round_is_by_its_accuracy_with_ties_in_grid_order(cancer):
    table = successive_halving(
        *cancer, {"learning_rate": [1e-9, 3.0, 1.0, 1e-8]}, PARAMS, cv=2, factor=2
    )
    # 4 settings need 1 + log2(4) = 3 rounds: 4 x (90 // 4 = 22), 2 x 44, and the last round
    # the full budget: 1 x 90 iterations.
    by_rate = {r.params["learning_rate"]: r for r in table.results}
    assert {rate: (r.rung, r.resources) for rate, r in by_rate.items()} == {
        3.0: (3, 90),
        1.0: (2, 44),
        1e-9: (1, 22),
        1e-8: (1, 22),
    }
    first_round = [by_rate[rate].mean for rate in (1e-9, 1e-8)]
    assert first_round[0] == first_round[1]  # both always answer the majority class
    assert [r.params["learning_rate"] for r in table.results][2:] == [1e-9, 1e-8]
    assert not any(math.isnan(r.mean) for r in table.results)
    assert np.isfinite(table.best.std)
