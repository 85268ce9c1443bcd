"""The settings of one ``fit``: declared once, validated once, at the library's boundary."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from deepcat.core.optimizers import make_optimizer
from deepcat.core.schedules import get_schedule
from deepcat.core.validation import check_in_range, check_positive_float, check_positive_int


@dataclass
class TrainingConfig:
    """Validated settings of one :meth:`Network.fit` call (see its docstring)."""

    learning_rate: float
    iterations: int | None
    epochs: int | None
    batch_size: int | None
    optimizer: object
    decay: str | None
    decay_rate: float
    decay_every: float
    lambd: float
    keep_prob: list | None
    patience: int | None
    record_every: int
    input_scale: float | None = None


def build_config(
    *,
    learning_rate,
    iterations,
    epochs,
    batch_size,
    optimizer,
    beta,
    beta1,
    beta2,
    epsilon,
    decay,
    decay_rate,
    decay_every,
    lambd,
    keep_prob,
    patience,
    record_every,
    n_hidden,
    input_scale=None,
):
    """Validate :meth:`Network.fit`'s settings into a :class:`TrainingConfig`."""
    learning_rate = check_positive_float(learning_rate, "learning_rate")
    if iterations is not None and epochs is not None:
        raise ValueError("give iterations or epochs, not both")
    if iterations is None and epochs is None:
        iterations = 2500
    if iterations is not None:
        iterations = check_positive_int(iterations, "iterations")
    else:
        epochs = check_positive_int(epochs, "epochs")
    if batch_size is not None:
        batch_size = check_positive_int(batch_size, "batch_size")
    get_schedule(decay)
    decay_rate = check_in_range(decay_rate, "decay_rate", 0.0, math.inf, high_open=True)
    decay_every = check_positive_float(decay_every, "decay_every")
    lambd = check_in_range(lambd, "lambd", 0.0, math.inf, high_open=True)
    keep_prob = _check_keep_prob(keep_prob, n_hidden)
    if patience is not None:
        patience = check_positive_int(patience, "patience")
    if input_scale is not None:
        input_scale = check_positive_float(input_scale, "input_scale")
    return TrainingConfig(
        learning_rate=learning_rate,
        iterations=iterations,
        epochs=epochs,
        batch_size=batch_size,
        optimizer=make_optimizer(optimizer, beta=beta, beta1=beta1, beta2=beta2, epsilon=epsilon),
        decay=decay,
        decay_rate=decay_rate,
        decay_every=decay_every,
        lambd=lambd,
        keep_prob=keep_prob,
        patience=patience,
        record_every=check_positive_int(record_every, "record_every"),
        input_scale=input_scale,
    )


def _check_keep_prob(keep_prob, n_hidden):
    """One value for every hidden layer, or one per hidden layer; None when all are 1."""
    values = list(keep_prob) if isinstance(keep_prob, (list, tuple, np.ndarray)) else None
    if values is None:
        values = [keep_prob] * n_hidden
    elif len(values) != n_hidden:
        raise ValueError(
            f"keep_prob needs one value per hidden layer (L - 1 = {n_hidden}), got {len(values)}"
        )
    values = [
        check_in_range(p, f"keep_prob for layer {l}", 0.0, 1.0, low_open=True)
        for l, p in enumerate(values, start=1)
    ]
    return values if any(p < 1 for p in values) else None
