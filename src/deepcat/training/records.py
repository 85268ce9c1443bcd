"""How many costs a fit records, and the most it may: a History must fit in memory.

A plan of 10^12 full-batch iterations recorded one by one is only a long run, but its
:class:`~deepcat.training.loop.History` would hold 10^12 costs (about 100 bytes each in
Python). :func:`check_record_count` refuses such a plan before training, saying how to fix it.
"""

from __future__ import annotations

import math

MAX_RECORDS = 1_000_000
"""The most costs one fit records (about 100 MB of History with validation records)."""


def planned_records(config, iterations_per_epoch):
    """How many costs a fit records: one per epoch with mini-batches, one every
    ``record_every`` iterations (and the last) with full batches (``iterations_per_epoch``
    is ``ceil(m / batch_size)``, 1 for full batches)."""
    total = config.iterations or config.epochs * iterations_per_epoch
    if iterations_per_epoch > 1:
        return math.ceil(total / iterations_per_epoch)
    return math.ceil(total / config.record_every) + 1


def check_record_count(config, iterations_per_epoch):
    """Refuse a plan whose History would hold more than :data:`MAX_RECORDS` costs: the run
    would only be long, but its records would exhaust memory."""
    records = planned_records(config, iterations_per_epoch)
    if records <= MAX_RECORDS:
        return
    if iterations_per_epoch > 1:
        fix = "train for fewer epochs"
    else:
        total = config.iterations or config.epochs
        fix = f"raise record_every to at least {math.ceil(total / MAX_RECORDS):,}"
    plan = f"iterations={config.iterations:,}" if config.iterations else f"epochs={config.epochs:,}"
    raise ValueError(
        f"{plan} would record {records:,} costs, more than the {MAX_RECORDS:,} a fit keeps in "
        f"its History; {fix}"
    )
