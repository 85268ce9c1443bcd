"""The kinds of value a setting takes, each with its one rule (see deepcat.training.settings).

``check`` is the library's validation, with the messages of :mod:`deepcat.core.validation`; the
command line builds its click types from the same interval or names (:mod:`deepcat.cli.options`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from deepcat.core.registry import lookup
from deepcat.core.validation import (
    MAX_LAYERS,
    check_in_range,
    check_int_in_range,
    check_positive_float,
    check_positive_int,
    in_interval,
    interval_text,
)


@dataclass(frozen=True)
class Number:
    """A real number or an int in an interval, e.g. ``keep_prob`` in (0, 1].

    ``check`` raises the library's messages: an int ``>= low``, "a positive finite number" for
    floats in (0, inf), and the interval otherwise. ``text`` is the range as the command line
    states it (``> 0``, ``in (0, 1]``).
    """

    kind: type
    low: float = 0.0
    high: float = math.inf
    low_open: bool = False
    high_open: bool = True

    def contains(self, number):
        """Whether ``number`` lies in the interval (finite, and of the right side of each end)."""
        return in_interval(number, self.low, self.high, self.low_open, self.high_open)

    def check(self, value, name):
        if self.kind is int:
            return check_positive_int(value, name, minimum=int(self.low))
        if self.low == 0 and self.low_open and self.high == math.inf:
            return check_positive_float(value, name)
        return check_in_range(
            value, name, self.low, self.high, low_open=self.low_open, high_open=self.high_open
        )

    @property
    def text(self):
        if self.high == math.inf:
            return f"{'>' if self.low_open else '>='} {self.low:g}"
        return f"in {interval_text(self.low, self.high, self.low_open, self.high_open)}"


@dataclass(frozen=True)
class IntInterval(Number):
    """An int in ``[low, high]``, both ends included, e.g. a seed in [0, 2**32 - 1], the range
    NumPy's generators take. ``high_text`` writes the upper end as people know it."""

    high_open: bool = False
    high_text: str | None = None

    def check(self, value, name):
        return check_int_in_range(value, name, int(self.low), int(self.high), self.high_text)

    @property
    def text(self):
        return f"in [{int(self.low)}, {self.high_text or int(self.high)}]"


@dataclass(frozen=True)
class Choice:
    """One name of a registry (activations, initializers, optimizers, ...)."""

    names: tuple
    what: str

    def check(self, value, name):
        lookup(dict.fromkeys(self.names), value, self.what)
        return value


@dataclass(frozen=True)
class Sizes:
    """Hidden layer sizes ``(n_1, ..., n_{L-1})``, each an int >= 1; empty for no hidden layer.

    At most ``MAX_LAYERS - 1`` of them, so that the network has L <= ``MAX_LAYERS`` layers.
    """

    size = Number(int, 1)
    most = MAX_LAYERS - 1

    @property
    def too_many(self):
        """What is wrong with more than :attr:`most` sizes, in the words of an option's error."""
        return f"at most {self.most} hidden layers (L <= {MAX_LAYERS})"

    def check(self, value, name):
        if len(value) > self.most:
            raise ValueError(f"{name} must list {self.too_many}, got {len(value):,}")
        return [check_positive_int(n, f"{name}[{l - 1}] (n_{l})") for l, n in enumerate(value, 1)]
