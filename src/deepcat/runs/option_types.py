"""The text a person types for a setting, read by the setting's own rule.

The command line's options and the web application's forms take the same text (``0.01,0.001``,
``20,7,5``, ``none``) and read it with the same click types, built here from each setting's
declared range or names (:data:`deepcat.training.settings.SETTINGS`), so that a bad value gets
the same message wherever it was typed.
"""

from __future__ import annotations

import math

import click

from deepcat.formatting import option_flag
from deepcat.training.values import Choice, Number, Sizes


class NumberList(click.ParamType):
    """One number or several separated by commas, each checked against a range."""

    def __init__(self, number, expected, allow_none=False, most=None):
        self.number = number
        self.expected = expected
        self.allow_none = allow_none
        self.most = most  # (count, what is wrong with more), or None for any count
        kind = number.kind.__name__
        self.name = f"{kind}[,{kind}...]"

    def convert(self, value, param, ctx):
        if isinstance(value, list):
            return value
        text = str(value).strip()
        if self.allow_none and text.lower() == "none":
            return []
        try:
            numbers = [self.number.kind(item) for item in text.split(",")]
        except ValueError:
            self.fail(f"expected {self.expected}, separated by commas; got {value!r}", param, ctx)
        if self.most is not None and len(numbers) > self.most[0]:
            self.fail(f"{self.most[1]}, got {len(numbers):,}", param, ctx)
        for number in numbers:
            if not self.number.contains(number):
                self.fail(f"expected {self.expected}; got {number:g}", param, ctx)
        return numbers


def flag(setting):
    """The option a user types for ``setting``: ``--keep-prob``."""
    return option_flag(setting.name)


def list_type(setting):
    """A :class:`NumberList` of ``setting``'s values: ``learning rates > 0``."""
    if isinstance(setting.value, Sizes):
        number = setting.value.size
        return NumberList(
            number,
            f"{setting.plural} {number.text} (or 'none')",
            allow_none=True,
            most=(setting.value.most, setting.value.too_many),
        )
    return NumberList(setting.value, f"{setting.plural} {setting.value.text}")


def value_type(setting):
    """The click type of one value of ``setting``, with its declared range or names."""
    value = setting.value
    if isinstance(value, Choice):
        return click.Choice(list(value.names))
    if isinstance(value, Sizes) or setting.several:
        return list_type(setting)
    if isinstance(value, Number) and value.kind is int:
        return click.IntRange(
            min=int(value.low), max=None if value.high == math.inf else int(value.high)
        )
    high = None if value.high == math.inf else _bound(value.high)
    low = _bound(value.low)
    return click.FloatRange(low, high, min_open=value.low_open, max_open=value.high_open)


def _bound(number):
    """An integral bound as an int, so that ``--help`` says ``[0<=x<1]``, not ``[0.0<=x<1.0]``."""
    return int(number) if float(number).is_integer() else number
