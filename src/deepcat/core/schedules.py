"""Learning-rate decay schedules (Course 2), looked up by name.

Each schedule maps the initial rate ``alpha0``, the epoch number (0-based)
and its two settings to the rate used during that epoch. With full-batch
training an epoch is one iteration.
"""

from __future__ import annotations

import math

from deepcat.core.registry import lookup


def constant(alpha0, epoch, decay_rate, decay_every):
    """``alpha = alpha0``: no decay."""
    return alpha0


def inverse_time(alpha0, epoch, decay_rate, decay_every):
    """``alpha = alpha0 / (1 + decay_rate * epoch / decay_every)``."""
    return alpha0 / (1.0 + decay_rate * epoch / decay_every)


def exponential(alpha0, epoch, decay_rate, decay_every):
    """``alpha = alpha0 * decay_rate ** (epoch / decay_every)``, e.g. ``decay_rate=0.95``."""
    return alpha0 * decay_rate ** (epoch / decay_every)


def staircase(alpha0, epoch, decay_rate, decay_every):
    """``alpha = alpha0 / (1 + decay_rate * floor(epoch / decay_every))``, a step per interval."""
    return alpha0 / (1.0 + decay_rate * math.floor(epoch / decay_every))


SCHEDULES = {
    "constant": constant,
    "inverse_time": inverse_time,
    "exponential": exponential,
    "staircase": staircase,
}

CONSTANT_RATE = (None, "constant")
"""The ``decay`` values that keep the rate at ``alpha0``: ``decay_rate`` and ``decay_every``
mean nothing with them."""


def get_schedule(name):
    """Return the schedule registered under ``name`` (``None`` means ``"constant"``)."""
    return lookup(SCHEDULES, "constant" if name is None else name, "learning-rate decay")
