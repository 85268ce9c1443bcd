"""What a playground is made of, read from a request: a data set and a small network.

A request names a data set of :mod:`deepcat.data.toy_sets` and the network's settings as the
text a person types after ``deepcat train``'s options (``--hidden 4,4``): :func:`read_spec`
reads them with the options' own click types (:func:`deepcat.web.forms.read_settings`) and
checks them with :func:`deepcat.training.settings.build_config`, :meth:`deepcat.Network.fit`'s
own rules, so that a bad value gets the command line's message. The playground's own limits
(:data:`MAX_HIDDEN_LAYERS`, :data:`MAX_UNITS`, :data:`STEP`) are stated in its refusals.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from deepcat.runs.messages import usage_message
from deepcat.runs.option_types import flag
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
        raise WebError(400, usage_message(error)) from None


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
