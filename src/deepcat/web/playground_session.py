"""One playground: a 2-D data set, a small network on it, and what the page draws of it.

A request names a data set of :mod:`deepcat.data.toy_sets` and the network's settings as the
text a person types after ``deepcat train``'s options (``--hidden 4,4``): :func:`read_spec`
reads them with the options' own click types (:func:`deepcat.web.forms.read_settings`) and
checks them with :func:`deepcat.training.settings.build_config`, :meth:`deepcat.Network.fit`'s
own rules, so that a bad value gets the command line's message.

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
from dataclasses import dataclass

import numpy as np

from deepcat.core.propagation import model_forward
from deepcat.data.splits import DEFAULT_TEST_FRACTION, split_indices
from deepcat.data.toy_sets import (
    DEFAULT_SEED,
    DEFAULT_SIZE,
    NOISE_LIMITS,
    SIZE_LIMITS,
    TOY_SETS,
    make_toy_set,
)
from deepcat.formatting import printable, value_text
from deepcat.network import Network
from deepcat.runs.messages import option_names
from deepcat.runs.option_types import flag
from deepcat.training.loop import DivergenceError
from deepcat.training.settings import BY_NAME, SEEDS, build_config
from deepcat.training.values import IntInterval, Number
from deepcat.web.forms import read_settings
from deepcat.web.http import WebError

PLAYGROUND_SETTINGS = (
    "hidden",
    "activation",
    "init",
    "seed",
    "learning_rate",
    "lambd",
    "keep_prob",
)
"""The settings of ``deepcat train`` a playground takes; it always trains full batch with "gd"."""
STARTING_SETTINGS = {"hidden": [4, 4], "activation": "tanh", "learning_rate": 0.3}
"""The network a playground starts with where its settings are not given (the others take the
command line's defaults): small enough to watch, and it learns every set in a few hundred
updates."""
MAX_HIDDEN_LAYERS = 6
MAX_UNITS = 16
"""The playground draws every hidden unit: at most 6 hidden layers of at most 16 units."""
SIZE = IntInterval(int, *SIZE_LIMITS)
NOISE = Number(float, *NOISE_LIMITS, high_open=False)
SEED = SEEDS
"""The data's size, noise and seed as deepcat's settings take values: from the limits of
:mod:`deepcat.data.toy_sets` (whose seeds are every seed of deepcat)."""
STEP = IntInterval(int, 1, 100)
"""Updates one step may make: the largest network on 1,000 points answers in about a second."""
DEFAULT_DATASET = "flower"
TEST_FRACTION = DEFAULT_TEST_FRACTION
BOUNDARY_GRID = 50
"""P(class 1) is drawn from a 50 x 50 grid over the data's box."""
UNIT_GRID = 20
"""Each hidden unit's activation is drawn from a 20 x 20 grid over the same box."""
BOX_MARGIN = 0.1
"""The box reaches this share of the data's extent beyond its farthest points."""
MAX_CURVE_POINTS = 1000
"""A cost curve keeps at most about this many points, however long training goes."""


@dataclass(frozen=True)
class Spec:
    """What a playground was made from: its data and its network, checked."""

    dataset: str
    m: int
    noise: float
    data_seed: int
    hidden: tuple
    activation: str
    init: str
    seed: int
    learning_rate: float
    lambd: float
    keep_prob: object  # a float for every hidden layer, or a tuple of one per hidden layer

    def texts(self):
        """The settings as ``deepcat train``'s options take them (``4,4``), every digit kept."""
        return {
            "hidden": value_text(list(self.hidden)),
            "activation": self.activation,
            "init": self.init,
            "seed": str(self.seed),
            "learning_rate": value_text(self.learning_rate, exact=True),
            "lambd": value_text(self.lambd, exact=True),
            "keep_prob": value_text(self.keep_prob, exact=True),
        }

    def network(self):
        """A fresh :class:`~deepcat.Network` ``[2, *hidden, 1]``: the same one every call."""
        return Network(
            [2, *self.hidden, 1], self.activation, init=self.init, seed=self.seed, dtype="float64"
        )

    def fit_options(self):
        """``Network.fit``'s keywords for these settings, but ``iterations``."""
        keep = list(self.keep_prob) if isinstance(self.keep_prob, tuple) else self.keep_prob
        return {
            "learning_rate": self.learning_rate,
            "lambd": self.lambd,
            "keep_prob": keep,
            "record_every": 1,
        }


def read_spec(body):
    """The :class:`Spec` of a request's JSON body, or a :class:`WebError` in deepcat's words.

    Parameters
    ----------
    body : dict
        ``dataset``, ``m``, ``noise`` and ``data_seed`` (as text, or JSON numbers; missing or
        empty ones take their defaults), and ``settings``: setting name to the text a person
        types after its ``deepcat train`` option (``{"hidden": "4,4"}``).
    """
    unknown = sorted(set(body) - {"dataset", "m", "noise", "data_seed", "settings"})
    if unknown:
        raise WebError(
            400, f"unknown field {unknown[0]!r}; expected dataset, m, noise, data_seed, settings"
        )
    dataset = _text(body.get("dataset"), "dataset") or DEFAULT_DATASET
    if dataset not in TOY_SETS:
        _refuse(lambda: make_toy_set(dataset))
    spec = Spec(
        dataset,
        read_number(body.get("m"), "m", SIZE, DEFAULT_SIZE),
        read_number(body.get("noise"), "noise", NOISE, TOY_SETS[dataset].noise),
        read_number(body.get("data_seed"), "data_seed", SEED, DEFAULT_SEED),
        **_network_settings(body.get("settings", {})),
    )
    # Network.fit's own rules before anything is drawn (keep_prob against the hidden layers).
    _refuse(lambda: build_config(len(spec.hidden), iterations=STEP.high, **spec.fit_options()))
    return spec


def _network_settings(texts):
    """The playground's settings from their texts, refused in the command line's words."""
    for name in texts if isinstance(texts, dict) else ():
        if name not in PLAYGROUND_SETTINGS:
            said = flag(BY_NAME[name]) if name in BY_NAME else repr(str(name)[:40])
            takes = ", ".join(flag(BY_NAME[n]) for n in PLAYGROUND_SETTINGS)
            raise WebError(
                400,
                f"{said} is not a playground setting: the playground trains with full-batch "
                f"gradient descent and takes {takes}",
            )
    given = read_settings(texts)
    values = {
        name: STARTING_SETTINGS.get(name, BY_NAME[name].cli_default)
        if given[name] is None
        else given[name]
        for name in PLAYGROUND_SETTINGS
    }
    hidden = values["hidden"]
    if len(hidden) > MAX_HIDDEN_LAYERS or any(n > MAX_UNITS for n in hidden):
        raise WebError(
            400,
            f"Invalid value for '--hidden': the playground draws at most {MAX_HIDDEN_LAYERS} "
            f"hidden layers of at most {MAX_UNITS} units each; got {value_text(hidden)}",
        )
    rates = values["learning_rate"]
    if isinstance(rates, list) and len(rates) != 1:
        raise WebError(
            400,
            "Invalid value for '--learning-rate': a playground trains one network, with one "
            f"learning rate; got {len(rates)}",
        )
    keep = values["keep_prob"]
    if isinstance(keep, list):
        keep = keep[0] if len(keep) == 1 else tuple(keep)
    return {
        **values,
        "hidden": tuple(hidden),
        "learning_rate": rates[0] if isinstance(rates, list) else rates,
        "keep_prob": keep,
    }


def _refuse(check):
    """Run ``check``; its ``ValueError`` or ``TypeError`` becomes a 400 in the options' words."""
    try:
        return check()
    except (ValueError, TypeError) as error:
        raise WebError(400, option_names(printable(str(error)))) from None


def _text(value, name):
    if value is None:
        return ""
    if not isinstance(value, str):
        raise WebError(400, f"{name} must be given as text, got {type(value).__name__}")
    return value.strip()


def read_number(value, name, number, default):
    """A value given as text or as a JSON number, checked by ``number`` (a
    :class:`~deepcat.training.values.Number`); ``default`` if missing. Every refusal states
    the range: a number out of it in the library's words, anything else (``true``, an array,
    an int too large for a float) as ``m must be an int in [20, 1000], got ...``."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return default
        try:
            value = number.kind(text)
        except ValueError:
            raise _not_a_number(name, number, text) from None
    if value is None:
        return default
    try:
        return number.check(value, name)
    except ValueError as error:
        raise WebError(400, printable(str(error))) from None
    except (TypeError, OverflowError):
        raise _not_a_number(name, number, value) from None


def _not_a_number(name, number, value):
    kind = "an int" if number.kind is int else "a number"
    return WebError(400, printable(f"{name} must be {kind} {number.text}, got {value!r}"))


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
