"""One playground: a :class:`~deepcat.web.playground_spec.Spec`'s data and network, trained
step by step, and what the page draws of it.

A :class:`Session` trains with :meth:`deepcat.Network.fit` itself, full-batch gradient
descent, a few updates per request: gradient descent keeps no state between updates and a
full batch is never shuffled, so successive fits continue exactly where the last one stopped
(dropout's masks too: they come from the network's own generator, in the same order).

Everything the page draws is computed here: the cost curve (recorded by ``fit``), the
accuracies (:meth:`~deepcat.Network.score`), P(class 1) over a grid
(:meth:`~deepcat.Network.predict_proba`), and every hidden unit's activation over a coarser
grid (the caches of :func:`deepcat.core.propagation.model_forward`).
"""

from __future__ import annotations

import threading

import numpy as np

from deepcat.core.propagation import model_forward
from deepcat.data.splits import DEFAULT_TEST_FRACTION, split_indices
from deepcat.data.toy_sets import (
    make_toy_set,
)
from deepcat.training.loop import DivergenceError

TEST_FRACTION = DEFAULT_TEST_FRACTION
BOUNDARY_GRID = 50
"""P(class 1) is drawn from a 50 x 50 grid over the data's box."""
UNIT_GRID = 20
"""Each hidden unit's activation is drawn from a 20 x 20 grid over the same box."""
BOX_MARGIN = 0.1
"""The box reaches this share of the data's extent beyond its farthest points."""
MAX_CURVE_POINTS = 1000
"""A cost curve keeps at most about this many points, however long training goes."""


class Session:
    """A playground's data, its network, and the record of its training.

    Attributes
    ----------
    spec : Spec
    lock : threading.Lock
        Held by the one request using the session.
    X_train, Y_train, X_test, Y_test : ndarray, shapes (2, m_train), (1, m_train), ...
    box : tuple of float
        ``(x1_low, x1_high, x2_low, x2_high)``, a square around every point.
    """

    def __init__(self, spec):
        self.spec = spec
        self.lock = threading.Lock()
        X, Y = make_toy_set(spec.dataset, spec.m, spec.noise, spec.data_seed)
        train, test = split_indices(Y[0], TEST_FRACTION, spec.data_seed)
        self.X_train, self.Y_train = X[:, train], Y[:, train]
        self.X_test, self.Y_test = X[:, test], Y[:, test]
        self.box = _square_box(X)
        self.boundary_grid = grid_points(self.box, BOUNDARY_GRID)
        self.unit_grid = grid_points(self.box, UNIT_GRID)
        self.reset()

    def reset(self):
        """Back to the network's first parameters (the seed draws the same ones) and no cost."""
        self.network = self.spec.network()
        self.iteration = 0
        self.train_costs, self.test_costs = Curve(), Curve()
        self.test_costs.add(0, self._test_cost())

    @np.errstate(over="ignore", invalid="ignore")  # an overflow is found and refused here
    def step(self, iterations):
        """Make ``iterations`` more updates with :meth:`Network.fit`.

        The training cost is the one ``fit`` records before each update (with dropout's
        masks, if any); the test cost is taken after the last update, without dropout.

        Raises
        ------
        deepcat.DivergenceError
            With the parameters and the record as before the step: from ``fit``, or when the
            last update leaves a cost or an output NaN or infinite (``fit`` checks the costs
            before each update, and finite parameters can still overflow their outputs).
        """
        before = {key: value.copy() for key, value in self.network.parameters.items()}
        options = self.spec.fit_options()
        history = self.network.fit(self.X_train, self.Y_train, iterations=iterations, **options)
        test_cost = self._test_cost()
        if not self._draws_finite(test_cost):
            self.network.parameters = before
            raise DivergenceError(
                "training diverged: the step's last update made the cost or the outputs NaN or "
                f"infinite. Try a smaller learning rate than {self.spec.learning_rate:g}. The "
                "network's parameters are back to their values before the step."
            )
        for k, cost in history.costs:
            self.train_costs.add(self.iteration + k, cost)
        self.iteration += history.iterations
        self.test_costs.add(self.iteration, test_cost)

    def _draws_finite(self, test_cost):
        """Whether the costs, and the outputs and hidden activations over the grids, are finite."""
        grids = np.hstack([self.boundary_grid, self.unit_grid])
        AL, caches = model_forward(grids, self.network.parameters, self.network.activations)
        layers = [AL, *(cache[0][0] for cache in caches[1:])]  # A[L], then A[1] .. A[L-1]
        costs = [self.network.cost(self.X_train, self.Y_train, lambd=self.spec.lambd), test_cost]
        return np.isfinite(costs).all() and all(np.isfinite(A).all() for A in layers)

    def _test_cost(self):
        return self.network.cost(self.X_test, self.Y_test, lambd=self.spec.lambd)

    def points(self):
        """The data as the page draws it: the box, and each split's points and labels."""
        return {
            "box": list(self.box),
            "train": {"x": self.X_train.T.tolist(), "y": self.Y_train[0].tolist()},
            "test": {"x": self.X_test.T.tolist(), "y": self.Y_test[0].tolist()},
        }

    def state(self):
        """What training has reached: the page's whole picture of it (see ``ROUTES``)."""
        network, lambd = self.network, self.spec.lambd
        probabilities = network.predict_proba(self.boundary_grid)
        _, caches = model_forward(self.unit_grid, network.parameters, network.activations)
        # caches[l] holds (A[l], W[l+1], b[l+1]) first: the activations of hidden layer l.
        layers = [np.round(cache[0][0], 4).tolist() for cache in caches[1:]]
        return {
            "iteration": self.iteration,
            "costs": {"train": self.train_costs.points(), "test": self.test_costs.points()},
            "cost": {
                "train": network.cost(self.X_train, self.Y_train, lambd=lambd),
                "test": self.test_costs.latest[1],
            },
            "accuracy": {
                "train": network.score(self.X_train, self.Y_train),
                "test": network.score(self.X_test, self.Y_test),
            },
            "boundary": {"size": BOUNDARY_GRID, "p": np.round(probabilities[0], 4).tolist()},
            "units": {"size": UNIT_GRID, "layers": layers},
        }


def _square_box(X):
    """The square centred on the points of ``X`` ``(2, m)`` holding all of them, widened by
    :data:`BOX_MARGIN` on each side (at least 1 wide, for points that all coincide)."""
    low, high = X.min(axis=1), X.max(axis=1)
    centre = (low + high) / 2
    half = max(float(np.max(high - low)) / 2, 0.5) * (1 + 2 * BOX_MARGIN)
    return (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)


def grid_points(box, size):
    """The ``size`` x ``size`` points of a grid over ``box``, as columns ``(2, size**2)``.

    Point ``i * size + j`` lies at ``x1 = x1s[j]``, ``x2 = x2s[i]``, with ``x1s`` and ``x2s``
    ``size`` values evenly spaced from the box's low end to its high end: rows go up ``x2``.
    """
    x1s = np.linspace(box[0], box[1], size)
    x2s = np.linspace(box[2], box[3], size)
    x1, x2 = np.meshgrid(x1s, x2s)
    return np.vstack([x1.ravel(), x2.ravel()])


class Curve:
    """One cost curve of a session, ``[iteration, cost]`` points, bounded in length.

    Every ``every``-th point added is kept, from the first; when more than
    :data:`MAX_CURVE_POINTS` are, every other one goes and ``every`` doubles, so that the
    curve stays evenly spaced and its memory bounded however long a session trains. The
    latest point is always shown.
    """

    def __init__(self):
        self.every = 1
        self.added = 0
        self.kept = []
        self.latest = None

    def add(self, iteration, cost):
        self.latest = [iteration, float(cost)]
        self.added += 1
        if (self.added - 1) % self.every:
            return
        self.kept.append(self.latest)
        if len(self.kept) > MAX_CURVE_POINTS:
            self.kept = self.kept[::2]
            self.every *= 2

    def points(self):
        """The kept points and the latest one, in order of iteration."""
        if self.latest is None or self.kept[-1] is self.latest:
            return list(self.kept)
        return [*self.kept, self.latest]
