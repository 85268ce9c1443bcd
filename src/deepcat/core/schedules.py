"""Learning-rate decay schedules (Course 2), looked up by name.

Each schedule maps the initial rate ``alpha0``, the epoch number (0-based)
and its two settings to the rate used during that epoch. With full-batch
training an epoch is one iteration.

Every schedule is safe for any finite ``alpha0 > 0``, ``decay_rate >= 0`` and
``decay_every > 0`` (the ranges the settings declare): it returns a finite rate >= 0 and
never raises ``OverflowError`` or warns. A rate that would underflow is 0.0 (training goes
on and learns nothing more); a growing one stops at the largest float.
"""

from __future__ import annotations

import math
import sys

from deepcat.core.registry import lookup


def constant(alpha0, epoch, decay_rate, decay_every):
    """``alpha = alpha0``: no decay."""
    return alpha0


def inverse_time(alpha0, epoch, decay_rate, decay_every):
    """``alpha = alpha0 / (1 + decay_rate * epoch / decay_every)``."""
    return _inverse(alpha0, decay_rate, _intervals(epoch, decay_every))


def exponential(alpha0, epoch, decay_rate, decay_every):
    """``alpha = alpha0 * decay_rate ** (epoch / decay_every)``, e.g. ``decay_rate=0.95``.

    Computed in log space, so that no rate overflows: a rate that would be below the smallest
    float is 0.0 (``decay_rate=1e-308`` after one epoch), one above the largest float is the
    largest float (``decay_rate > 1`` grows the rate; training then diverges and says so).
    ``decay_rate ** 0`` is 1 (the first epoch uses ``alpha0``, even with ``decay_rate=0``).
    """
    intervals = _intervals(epoch, decay_every)
    if intervals == 0 or decay_rate == 1:
        return alpha0
    if decay_rate == 0:
        return 0.0
    log_alpha = math.log(alpha0) + intervals * math.log(decay_rate)  # finite or +-inf, no NaN
    return math.exp(min(log_alpha, _LOG_LARGEST))


def staircase(alpha0, epoch, decay_rate, decay_every):
    """``alpha = alpha0 / (1 + decay_rate * floor(epoch / decay_every))``, a step per interval."""
    intervals = _intervals(epoch, decay_every)
    return _inverse(
        alpha0, decay_rate, intervals if math.isinf(intervals) else math.floor(intervals)
    )


_LOG_LARGEST = math.log(sys.float_info.max)
"""The log of the largest float: a rate whose log is larger would overflow."""


def _intervals(epoch, decay_every):
    """``epoch / decay_every`` as a Python float, ``inf`` when it is too large (a
    ``decay_every`` of ``1e-320``); Python floats, unlike NumPy's, never warn."""
    return float(epoch) / float(decay_every)


def _inverse(alpha0, decay_rate, steps):
    """``alpha0 / (1 + decay_rate * steps)``, ``steps`` >= 0 possibly ``inf``: 0.0 when the
    divisor overflows, ``alpha0`` when ``decay_rate`` or ``steps`` is 0 (never ``0 * inf``)."""
    if decay_rate == 0 or steps == 0:
        return alpha0
    return alpha0 / (1.0 + decay_rate * steps)


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
