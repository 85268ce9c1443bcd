"""Every setting of a network and of its training, declared once, and validated once.

:data:`SETTINGS` is the one list of options. Each :class:`Setting` gives its name, the kind of
value it takes (type and allowed range, or the registry its names come from), its default, one
line of help, whether ``deepcat tune`` can search over it, and what it is called where the
ecosystem names it otherwise (``hidden_layer_sizes`` and ``random_state`` in scikit-learn,
``hidden_activation`` in :class:`deepcat.Network`). Everything else derives from it:

- :meth:`deepcat.Network.fit`'s signature is generated from :data:`FIT` (:data:`FIT_SIGNATURE`,
  which ``help()`` and IDEs show), and it validates its settings with :func:`build_config`;
- :class:`deepcat.sklearn.DeepCatClassifier`'s parameters are the settings' estimator names and
  estimator defaults, and :func:`deepcat.sklearn.model_selection.network_settings` maps one
  to the other with :func:`estimator_settings`;
- the ``train`` and ``tune`` options of the command line are generated from the declarations
  (:mod:`deepcat.cli.options`), and ``metrics.json`` records the settings under their names.

``tests/test_settings.py`` fails as soon as any of those disagrees with :data:`SETTINGS`.
Adding an option means one declaration here plus the code that uses it.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import numpy as np

from deepcat.core.activations import HIDDEN_ACTIVATIONS
from deepcat.core.initializers import INITIALIZERS
from deepcat.core.optimizers import OPTIMIZERS, make_optimizer
from deepcat.core.schedules import CONSTANT_RATE, SCHEDULES
from deepcat.core.validation import DTYPES
from deepcat.training.records import check_record_count
from deepcat.training.values import Choice, IntInterval, Number, Sizes

SAME = object()
"""``estimator_default`` of a setting whose scikit-learn default is its ``default``."""


@dataclass(frozen=True)
class Setting:
    """One option of a network or of its training.

    Attributes
    ----------
    name : str
        Its name in ``metrics.json`` and, with dashes, on the command line (``--keep-prob``).
    value : Number, Choice or Sizes
        What it accepts.
    default :
        The default of :class:`deepcat.Network` and :meth:`~deepcat.Network.fit`: the course's.
    help : str
        One line for ``--help``.
    stage : {"network", "fit"}
        Whether it is an argument of ``Network(...)`` or of ``Network.fit(...)``.
    tunable : int
        0 when ``deepcat tune`` does not search over it; otherwise it does, and this is its
        column in the ranked table (1 first).
    grid_help : str
        For a tunable setting, the help of ``deepcat tune``'s option, which takes the values
        to try.
    several : bool
        Whether one ``deepcat train`` option takes several values (``--learning-rate
        0.01,0.001`` trains one model each; ``--keep-prob`` one per hidden layer).
    plural : str
        The values in words, for a list of them (``learning rates``).
    optional : bool
        ``None`` is a valid value (not given).
    library_name, estimator_name : str or None
        The names in :class:`deepcat.Network` and in scikit-learn, when they differ from
        ``name``; ``None`` where the setting does not exist there.
    estimator_default :
        :class:`~deepcat.sklearn.DeepCatClassifier`'s default, chosen for scikit-learn users.
    command_default :
        The command line's default, where it differs (``deepcat train`` seeds with 1, so that
        a run can be repeated); data sets add their own (:mod:`deepcat.data.datasets`).
    """

    name: str
    value: object
    default: object
    help: str
    stage: str = "fit"
    tunable: int = 0
    grid_help: str = ""
    several: bool = False
    plural: str = ""
    optional: bool = False
    library_name: str | None = field(default=SAME)
    estimator_name: str | None = field(default=SAME)
    estimator_default: object = SAME
    command_default: object = SAME

    @property
    def library(self):
        """The keyword of ``Network(...)`` or ``Network.fit(...)`` (None: not one)."""
        return self.name if self.library_name is SAME else self.library_name

    @property
    def estimator(self):
        """The :class:`~deepcat.sklearn.DeepCatClassifier` parameter (None: not one)."""
        return self.name if self.estimator_name is SAME else self.estimator_name

    @property
    def sklearn_default(self):
        """The estimator's default."""
        return self.default if self.estimator_default is SAME else self.estimator_default

    @property
    def cli_default(self):
        """The command line's default, before a data set's."""
        return self.default if self.command_default is SAME else self.command_default

    def check(self, value, name=None):
        """The value validated (``None`` kept for optional settings), or a ValueError/TypeError."""
        if value is None and self.optional:
            return None
        return self.value.check(value, name or self.library or self.name)


UNIT_COEFFICIENT = Number(float, 0.0, 1.0)
POSITIVE = Number(float, 0.0, low_open=True)
NON_NEGATIVE = Number(float, 0.0)
COUNT = Number(int, 1)


SEEDS = IntInterval(int, 0, 2**32 - 1, high_text="2**32 - 1")
"""Seeds: what ``np.random.RandomState`` accepts."""

SETTINGS = (
    Setting("hidden", Sizes(), (), "Hidden layer sizes, e.g. 20,7,5 ('none' for no hidden "
            "layer); input and output sizes come from the data. Default: see the data sets below.",
            stage="network",
            tunable=2, plural="hidden layer sizes", grid_help="Hidden layer sizes of one "
            "network to try, e.g. 20,7,5 ('none' for no hidden layer); repeat the option for "
            "each: --hidden 20,7,5 --hidden 64 --hidden none.", library_name=None,
            estimator_name="hidden_layer_sizes", estimator_default=(100,)),
    Setting("activation", Choice(HIDDEN_ACTIVATIONS, "hidden-layer activation"), "relu",
            "Hidden-layer activation. [default: relu]", stage="network",
            library_name="hidden_activation"),
    Setting("init", Choice(tuple(INITIALIZERS), "initializer"), "lecun",
            "Weight initialization; lecun is the course's. [default: lecun]", stage="network",
            estimator_default="he"),
    Setting("seed", SEEDS, None, "Seed of the initial weights, shuffling and dropout. "
            "[default: 1]", stage="network", optional=True, estimator_name="random_state",
            command_default=1),
    Setting("dtype", Choice(tuple(DTYPES), "dtype"), "float64",
            "Floating-point type of parameters and data. [default: float64]", stage="network"),
    Setting("learning_rate", POSITIVE, 0.0075, "Learning rate alpha; several, e.g. "
            "0.0075,0.003,0.001, train one model each and compare their cost curves on one "
            "figure.", tunable=1, several=True, plural="learning rates",
            grid_help="Learning rates to try, e.g. 0.01,0.003,0.001.",
            estimator_default=0.001),
    Setting("iterations", COUNT, None, "Parameter updates. [default: the data set's, listed "
            "below]", optional=True),
    Setting("epochs", COUNT, None, "Passes over the data, instead of --iterations.", optional=True,
            estimator_default=100),
    Setting("batch_size", COUNT, None, "Mini-batch size, reshuffled every epoch. [default: the "
            "whole training set]", optional=True, tunable=5, plural="mini-batch sizes",
            grid_help="Mini-batch sizes to try, e.g. 32,128 (the training set size for full "
            "batch).",
            estimator_default=64),
    Setting("optimizer", Choice(tuple(OPTIMIZERS), "optimizer"), "gd",
            "How the gradients update the parameters; gd is the course's. [default: gd]",
            estimator_default="adam"),
    Setting("beta", UNIT_COEFFICIENT, None, "Momentum / RMSprop coefficient in [0, 1).",
            optional=True),
    Setting("beta1", UNIT_COEFFICIENT, None, "Adam's first-moment coefficient.", optional=True),
    Setting("beta2", UNIT_COEFFICIENT, None, "Adam's second-moment coefficient.", optional=True),
    Setting("epsilon", POSITIVE, None, "RMSprop / Adam denominator guard.", optional=True),
    Setting("decay", Choice(tuple(SCHEDULES), "learning-rate decay"), None,
            "Learning-rate decay over epochs. [default: no decay]", optional=True),
    Setting("decay_rate", NON_NEGATIVE, 1.0, "How fast --decay lowers the rate. [default: 1.0]"),
    Setting("decay_every", POSITIVE, 1, "Epochs per decay step. [default: 1]"),
    Setting("lambd", NON_NEGATIVE, 0.0, "L2 regularization. [default: 0]", tunable=3,
            plural="L2 strengths lambd", grid_help="L2 strengths to try, e.g. 0,0.1,1."),
    Setting("keep_prob", Number(float, 0.0, 1.0, low_open=True, high_open=False), 1.0,
            "Dropout keep probability on hidden layers: one value or one per hidden layer. "
            "[default: 1]",
            tunable=4, several=True, plural="keep probabilities", grid_help="Dropout keep "
            "probabilities to try, e.g. 1,0.8; each applies to every hidden layer."),
    Setting("validation_fraction", Number(float, 0.0, 1.0, low_open=True), None,
            "Hold out this share of the training set to report validation cost.",
            optional=True),
    Setting("patience", COUNT, None, "Early stopping after this many recorded costs without a "
            "better validation cost (needs --validation-fraction).", optional=True),
    Setting("record_every", COUNT, 100, "Record the cost every N iterations (full batch). "
            "[default: 100]", estimator_default=1),
)  # fmt: skip
"""The options, in the order of ``--help``, of the tables and of ``metrics.json``."""

BY_NAME = {setting.name: setting for setting in SETTINGS}
NETWORK = tuple(setting for setting in SETTINGS if setting.stage == "network")
FIT = tuple(setting for setting in SETTINGS if setting.stage == "fit")
TUNABLE = tuple(sorted((s for s in SETTINGS if s.tunable), key=lambda s: s.tunable))
"""The settings ``deepcat tune`` searches over, in the order of its table's columns."""
OPTIMIZER_COEFFICIENTS = ("beta", "beta1", "beta2", "epsilon")
"""Settings that :func:`deepcat.core.optimizers.make_optimizer` checks against the optimizer."""
DEFAULT_ITERATIONS = 2500
"""Updates made when neither ``iterations`` nor ``epochs`` is given (the course's)."""

INPUT_SCALE = Setting(
    "input_scale", POSITIVE, None, "Divide X by this, one mini-batch at a time.", optional=True
)
"""``Network.fit(input_scale=...)``: a property of the data handed to ``fit`` rather than of
the network's training, so the command line and scikit-learn set it themselves."""


def _fit_signature():
    """``Network.fit(self, X, Y, learning_rate, iterations, *, ...)`` from :data:`FIT`.

    ``learning_rate`` and ``iterations`` may be passed by position, as in the course's
    ``L_layer_model(X, Y, layers_dims, learning_rate, num_iterations)``; the rest by name.
    """
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [inspect.Parameter(name, positional) for name in ("self", "X", "Y")]
    for setting in (*FIT, INPUT_SCALE):
        kind = positional if setting.name in ("learning_rate", "iterations") else keyword
        parameters.append(inspect.Parameter(setting.library, kind, default=setting.default))
    for name in ("validation_data", "callback"):
        parameters.append(inspect.Parameter(name, keyword, default=None))
    return inspect.Signature(parameters)


FIT_SIGNATURE = _fit_signature()
"""The signature of :meth:`deepcat.Network.fit`, which binds its arguments with it."""


def iterations_or_epochs(iterations, epochs):
    """``(iterations, epochs)``, one of them None: 2500 iterations when neither is given.

    Raises
    ------
    ValueError
        When both are given.
    """
    if iterations is not None and epochs is not None:
        raise ValueError("give iterations or epochs, not both")
    if iterations is None and epochs is None:
        return DEFAULT_ITERATIONS, None
    return iterations, epochs


def validation_count(m, fraction):
    """How many of ``m`` examples ``validation_fraction=fraction`` holds out (0 for None).

    ``Network.fit`` holds out that many, drawn with the network's seed, and trains on the
    ``m - validation_count(m, fraction)`` others.
    """
    return int(round(m * fraction)) if fraction else 0


class TrainingConfig:
    """The validated settings of one :meth:`Network.fit` call.

    One attribute per :data:`FIT` setting (but the optimizer's coefficients) and
    ``input_scale``, holding the checked value; ``optimizer`` is the optimizer object built
    from its name and coefficients, and ``iterations`` is set (2500) when neither it nor
    ``epochs`` was given.
    """

    def __init__(self, **values):
        self.__dict__.update(values)

    def __repr__(self):
        return f"TrainingConfig({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


def check_seed(seed, name="seed"):
    """``seed`` if it is None or an int in [0, 2**32 - 1]; else the ``ValueError`` or
    ``TypeError`` saying so, in the words of every other setting."""
    return None if seed is None else SEEDS.check(seed, name)


def build_config(n_hidden, has_validation=False, **given):
    """Validate :meth:`Network.fit`'s settings into a :class:`TrainingConfig`.

    Parameters
    ----------
    n_hidden : int
        ``L - 1``, the number of hidden layers (``keep_prob`` may give one value per layer).
    has_validation : bool
        Whether validation data is given (early stopping needs some).
    **given
        :data:`FIT` settings by their library names, and ``input_scale``; missing ones take
        their defaults.

    Raises
    ------
    TypeError, ValueError
        Naming the setting and what it accepts; an unknown name too.
    """
    known = {setting.library: setting for setting in (*FIT, INPUT_SCALE)}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise TypeError(f"unknown training setting {unknown[0]!r}; expected one of {list(known)}")
    values = {name: given.get(name, setting.default) for name, setting in known.items()}
    values["iterations"], values["epochs"] = iterations_or_epochs(
        values["iterations"], values["epochs"]
    )
    keep_prob = values.pop("keep_prob")
    # The optimizer checks its own coefficients, after saying whether it takes them at all.
    coefficients = {name: values.pop(name) for name in OPTIMIZER_COEFFICIENTS}
    checked = {name: known[name].check(value) for name, value in values.items()}
    checked["keep_prob"] = _check_keep_prob(keep_prob, n_hidden)
    checked["optimizer"] = make_optimizer(checked["optimizer"], **coefficients)
    if checked["patience"] is not None and not (
        has_validation or checked["validation_fraction"] is not None
    ):
        raise ValueError("early stopping (patience) needs validation_data or validation_fraction")
    _refuse_unused_decay(checked)
    config = TrainingConfig(**checked)
    if config.batch_size is None:  # full batch whatever m is: the plan is known already
        check_record_count(config, iterations_per_epoch=1)
    return config


DECAY_SETTINGS = ("decay_rate", "decay_every")
"""Settings of a learning-rate decay, which a constant rate would silently ignore."""


def _refuse_unused_decay(checked):
    """A decay setting given without a decay is a mistake (the rate would stay constant)."""
    if checked["decay"] not in CONSTANT_RATE:
        return
    for name in DECAY_SETTINGS:
        if checked[name] != BY_NAME[name].default:
            decays = ", ".join(n for n in SCHEDULES if n not in CONSTANT_RATE)
            state = "not set" if checked["decay"] is None else "'constant'"
            raise ValueError(
                f"{name}={checked[name]:g} applies to a decaying learning rate, and decay is "
                f"{state}: the rate would stay constant; give decay ({decays}) or leave "
                f"{name} out"
            )


def _check_keep_prob(keep_prob, n_hidden):
    """One value for every hidden layer, or one per hidden layer; None when all are 1."""
    setting = BY_NAME["keep_prob"]
    values = list(keep_prob) if isinstance(keep_prob, (list, tuple, np.ndarray)) else None
    if n_hidden == 0 and values != []:
        for p in values or [keep_prob]:
            if setting.check(p, "keep_prob") < 1:
                # Dropout would be silently skipped: the output layer never drops units.
                raise ValueError(
                    f"keep_prob={p:g} applies to hidden layers, and this network has none "
                    "(layer_dims [n_x, n_L], L = 1); leave keep_prob out or add a hidden layer"
                )
        return None
    if values is None:
        values = [keep_prob] * n_hidden
    elif len(values) != n_hidden:
        raise ValueError(
            f"keep_prob needs one value per hidden layer (L - 1 = {n_hidden}), got {len(values)}"
        )
    values = [setting.check(p, f"keep_prob for layer {l}") for l, p in enumerate(values, start=1)]
    return values if any(p < 1 for p in values) else None


def estimator_settings(hidden_layer_sizes, **settings):
    """The :class:`~deepcat.sklearn.DeepCatClassifier` parameters of a ``Network`` run.

    Parameters
    ----------
    hidden_layer_sizes : sequence of int
        ``layer_dims[1:-1]``.
    **settings
        Keywords of ``Network(...)`` (``hidden_activation``, ``init``, ``seed``, ``dtype``)
        and ``Network.fit(...)``, by their library names; missing ones take the library's
        defaults (not the estimator's), and ``iterations`` is 2500 when neither it nor
        ``epochs`` is given, so that the estimator trains exactly as ``Network.fit`` would.

    Returns
    -------
    dict
        Estimator parameter to value. Without ``seed``, ``random_state`` is left out, so that
        a caller's own ``random_state`` applies.
    """
    known = {s.library: s for s in SETTINGS if s.library is not None and s.estimator}
    unknown = sorted(set(settings) - set(known))
    if unknown:
        raise TypeError(f"unknown setting {unknown[0]!r}; expected one of {list(known)}")
    result = {"hidden_layer_sizes": hidden_layer_sizes}
    for name, setting in known.items():
        result[setting.estimator] = settings.get(name, setting.default)
    iterations, epochs = iterations_or_epochs(result.pop("iterations"), result.pop("epochs"))
    result.update({"epochs": epochs} if epochs is not None else {"iterations": iterations})
    if result["random_state"] is None:
        result.pop("random_state")
    return result
