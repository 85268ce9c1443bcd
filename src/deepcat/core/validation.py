"""Checks at the library's boundary, with errors in course notation.

Every public entry point passes user input through these functions, which
raise ``TypeError`` or ``ValueError`` saying what was expected and what was
received. Nothing here uses ``assert``: Python drops asserts under ``-O``.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from deepcat.core.activations import HIDDEN_ACTIVATIONS, get_derivative
from deepcat.core.losses import get_loss
from deepcat.formatting import printable

DTYPES = {"float64": np.float64, "float32": np.float32}

MAX_LAYERS = 1_000
"""The most layers (L) a network may have, so ``layer_dims`` holds at most 1,001 sizes. The
deepest networks trained in practice have a few hundred layers; a model file or an option that
claims more is refused before anything is allocated."""

MAX_CLASS_NAME = 100
"""The longest class name (in characters) deepcat accepts, from a model, an .h5 file or a
folder: every report prints it in a column."""


def resolve_dtype(dtype) -> type:
    """Map ``"float64"``/``"float32"`` (or the NumPy types) to the NumPy scalar type."""
    try:
        resolved = None if dtype is None else np.dtype(dtype)
    except TypeError:
        resolved = None
    if resolved is None or resolved.name not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(map(repr, DTYPES))}, got {dtype!r}")
    return DTYPES[resolved.name]


def check_layer_dims(layer_dims) -> list[int]:
    """``[n_x, n_1, ..., n_L]`` as a list of positive ints, L >= 1."""
    if isinstance(layer_dims, (str, bytes)) or not hasattr(layer_dims, "__len__"):
        raise TypeError(
            f"layer_dims must be a list of layer sizes [n_x, n_1, ..., n_L], got {layer_dims!r}"
        )
    if len(layer_dims) > MAX_LAYERS + 1:
        raise ValueError(
            f"layer_dims must hold at most {MAX_LAYERS + 1} sizes (L <= {MAX_LAYERS}), "
            f"got {len(layer_dims):,}"
        )
    dims = list(layer_dims)
    if len(dims) < 2:
        raise ValueError(
            f"layer_dims needs at least 2 sizes, the input n_x and the output n_L; got {dims!r}"
        )
    for l, n in enumerate(dims):
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"layer_dims[{l}] (n_{l}) must be an int, got {n!r}")
        if n < 1:
            raise ValueError(f"layer_dims[{l}] (n_{l}) must be a positive size, got {n}")
    return [int(n) for n in dims]


def class_name_problem(name):
    """Why ``name`` is not a class name deepcat accepts, or ``None`` when it is one.

    A class name is a non-empty string of at most :data:`MAX_CLASS_NAME` characters with no
    control character (a newline would forge a line of ``predict``'s output, an escape
    sequence would act on the terminal). The problem names the class as
    :func:`~deepcat.formatting.printable` shows it.
    """
    if not isinstance(name, str) or not name:
        return f"a class name must be a non-empty string, got {name!r}"
    shown = printable(name)
    if len(name) > MAX_CLASS_NAME:
        return (
            f"the class name '{shown[:40]}...' has {len(name):,} characters, more than the "
            f"{MAX_CLASS_NAME} a class name may have"
        )
    if shown != name:
        return f"the class name '{shown}' holds control characters"
    return None


def parameter_shapes(layer_dims) -> dict[str, tuple[int, int]]:
    """The shape of every parameter: ``"W{l}"`` ``(n_l, n_{l-1})`` and ``"b{l}"`` ``(n_l, 1)``."""
    shapes = {}
    for l in range(1, len(layer_dims)):
        shapes[f"W{l}"] = (layer_dims[l], layer_dims[l - 1])
        shapes[f"b{l}"] = (layer_dims[l], 1)
    return shapes


def check_parameter_shape(name: str, shape, layer_dims) -> None:
    """Refuse a parameter whose shape is not the one ``layer_dims`` gives it."""
    expected = parameter_shapes(layer_dims)[name]
    if tuple(shape) != expected:
        raise ValueError(f"{name} has shape {tuple(shape)}, expected {expected}")


def check_parameters(parameters, layer_dims, dtype) -> dict[str, np.ndarray]:
    """The arrays ``W1, b1, ..., WL, bL`` of a network of ``layer_dims``, finite, in ``dtype``.

    Parameters
    ----------
    parameters : mapping of str to array-like
        ``"W{l}"`` ``(n_l, n_{l-1})`` and ``"b{l}"`` ``(n_l, 1)`` for ``l = 1..L``, nothing else.
    layer_dims : list of int, ``[n_x, n_1, ..., n_L]``
    dtype : NumPy float type

    Returns
    -------
    dict of str to ndarray
        C-contiguous arrays in ``dtype`` (the given arrays themselves when they already are).
    """
    if not hasattr(parameters, "keys"):
        raise TypeError(
            f"parameters must be a dict of W1, b1, ..., got {type(parameters).__name__}"
        )
    shapes = parameter_shapes(layer_dims)
    extra = sorted(map(str, set(parameters) - set(shapes)))
    if extra:
        raise ValueError(
            f"parameters holds {', '.join(extra)}, which a network of L = {len(shapes) // 2} "
            "layers does not have"
        )
    checked = {}
    for name in shapes:
        if name not in parameters:
            raise ValueError(f"parameters lacks {name} (layer {name[1:]})")
        array = _as_numeric_array(parameters[name], name)
        check_parameter_shape(name, array.shape, layer_dims)
        array = np.ascontiguousarray(array, dtype=dtype)
        if not np.isfinite(array).all():
            bad = int(array.size - np.count_nonzero(np.isfinite(array)))
            raise ValueError(
                f"{name} holds NaN or infinity ({bad:,} of its {array.size:,} numbers); "
                "every parameter must be finite"
            )
        checked[name] = array
    return checked


def check_positive_int(value, name: str, minimum: int = 1) -> int:
    """An int >= ``minimum`` (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value}")
    return int(value)


def check_int_in_range(value, name: str, low: int, high: int, high_text: str | None = None) -> int:
    """An int in ``[low, high]``, both ends included (bools are refused).

    Every refusal states the whole range, whatever was given: ``seed must be an int in
    [0, 2**32 - 1], got -1``. ``high_text`` writes the upper end as people know it.
    """
    expected = f"{name} must be an int in [{low}, {high_text or high}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{expected}, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{expected}, got {value}")
    return int(value)


def check_positive_float(value, name: str) -> float:
    """A finite real number > 0 (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive finite number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return value


def check_in_range(value, name: str, low: float, high: float, *, low_open=False, high_open=False):
    """A finite real number in the interval given, e.g. ``keep_prob`` in (0, 1]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not in_interval(value, low, high, low_open, high_open):
        raise ValueError(
            f"{name} must be in {interval_text(low, high, low_open, high_open)}, got {value}"
        )
    return value


def in_interval(value, low, high, low_open=False, high_open=False):
    """Whether the finite ``value`` lies between ``low`` and ``high`` (open ends excluded)."""
    above = value > low if low_open else value >= low
    below = value < high if high_open else value <= high
    # An int is finite however large; math.isfinite would overflow converting it to a float.
    finite = isinstance(value, numbers.Integral) or math.isfinite(value)
    return finite and above and below


def interval_text(low, high, low_open=False, high_open=False):
    """The interval in mathematical notation: ``(0, 1]``."""
    return f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


def check_X(X, n_x: int, dtype, keep_integers: bool = False) -> np.ndarray:
    """Input ``X`` of shape ``(n_x, m)``, finite, converted to ``dtype`` (no copy if it already is).

    Parameters
    ----------
    X : array-like, shape (n_x, m)
    n_x : int
        ``layer_dims[0]``, the number of input features the network expects.
    dtype : NumPy float type of the network.
    keep_integers : bool, default False
        Return integer ``X`` (uint8 pixels) unconverted, for training that divides it by an
        input scale one mini-batch at a time (see :mod:`deepcat.training.batches`).

    Examples on disk are checked by :func:`deepcat.core.streams.check_inputs` instead.
    """
    X = _as_numeric_array(X, "X")
    if X.ndim != 2:
        raise ValueError(
            f"X must be 2-D with shape (n_x, m) = ({n_x}, m), one column per example; "
            f"got an array of shape {X.shape}"
        )
    if X.shape[1] == 0:
        raise ValueError(f"X has no examples: shape {X.shape}, expected (n_x, m) with m >= 1")
    if X.shape[0] != n_x:
        hint = ""
        if X.shape[1] == n_x:
            hint = f"; it looks transposed (m, n_x): pass X.T, shape ({n_x}, {X.shape[0]})"
        raise ValueError(
            f"X must have n_x = layer_dims[0] = {n_x} rows (features), got shape {X.shape}{hint}"
        )
    if keep_integers and X.dtype.kind in "iu":
        return X  # integers are always finite
    X = np.asarray(X, dtype=dtype)
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinity; every feature must be a finite number")
    return X


def check_binary_Y(Y, m: int, dtype) -> np.ndarray:
    """Labels of shape ``(1, m)`` (``(m,)`` is accepted and reshaped), each 0 or 1."""
    Y = _as_numeric_array(Y, "Y")
    if Y.shape == (m,):
        Y = Y.reshape(1, m)
    if Y.shape != (1, m):
        raise ValueError(f"Y must have shape (1, m) = (1, {m}) to match X, got {Y.shape}")
    if not np.isfinite(Y).all():
        raise ValueError("Y contains NaN or infinity; labels must be 0 or 1")
    bad = ~((Y == 0) | (Y == 1))
    if bad.any():
        found = np.unique(Y[bad])[:5].tolist()
        raise ValueError(f"Y labels must be 0 or 1 for a sigmoid output, found {found}")
    return np.asarray(Y, dtype=dtype)


def check_categorical_Y(Y, m: int, n_classes: int, dtype) -> np.ndarray:
    """Class labels as one-hot ``(n_classes, m)``.

    Accepts integer labels in ``(1, m)`` or ``(m,)`` with values in ``0..n_classes-1``,
    or an already one-hot ``(n_classes, m)`` array.
    """
    Y = _as_numeric_array(Y, "Y")
    if not np.isfinite(Y).all():
        raise ValueError("Y contains NaN or infinity")
    if Y.shape in ((m,), (1, m)) and n_classes != 1:
        labels = Y.reshape(m)
        if not np.array_equal(labels, np.round(labels)):
            raise ValueError("integer class labels are expected in Y, got fractional values")
        labels = labels.astype(np.int64)
        if labels.min() < 0 or labels.max() >= n_classes:
            raise ValueError(
                f"Y class labels must be in 0..{n_classes - 1} for a softmax output of "
                f"n_L = {n_classes} classes, got labels from {labels.min()} to {labels.max()}"
            )
        one_hot = np.zeros((n_classes, m), dtype=dtype)
        one_hot[labels, np.arange(m)] = 1
        return one_hot
    if Y.shape != (n_classes, m):
        raise ValueError(
            f"Y must be integer labels of shape (1, m) = (1, {m}) or one-hot of shape "
            f"(n_L, m) = ({n_classes}, {m}) for a softmax output; got {Y.shape}"
        )
    if not (((Y == 0) | (Y == 1)).all() and (Y.sum(axis=0) == 1).all()):
        raise ValueError("one-hot Y must hold a single 1 in each column and 0 elsewhere")
    return np.asarray(Y, dtype=dtype)


def _as_numeric_array(value, name: str) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a numeric array, got dtype {array.dtype}")
    return array


def check_activations(hidden_activation, output, layer_dims):
    """The activations ``g[1..L]`` of a network: its hidden ones, then its output.

    Parameters
    ----------
    hidden_activation : str or list of str
        One name for every hidden layer, or L - 1 names.
    output : {"sigmoid", "softmax"}
    layer_dims : list of int, ``[n_x, n_1, ..., n_L]``

    Returns
    -------
    list of str, length L
    """
    L = len(layer_dims) - 1
    if isinstance(hidden_activation, str):
        hidden = [hidden_activation] * (L - 1)
    elif isinstance(hidden_activation, (list, tuple)):
        hidden = list(hidden_activation)
        if len(hidden) != L - 1:
            raise ValueError(
                f"hidden_activation lists {len(hidden)} names but the network has "
                f"L - 1 = {L - 1} hidden layers"
            )
    else:
        raise TypeError(
            f"hidden_activation must be a name or a list of names, got {hidden_activation!r}"
        )
    for name in hidden:
        if name not in HIDDEN_ACTIVATIONS:
            get_derivative(name)  # raises the registry's error listing valid names
    get_loss(output)
    n_L = layer_dims[-1]
    if output == "sigmoid" and n_L != 1:
        raise ValueError(
            f"a sigmoid output has n_L = 1 unit, got layer_dims[-1] = {n_L}; "
            "use output='softmax' for several classes"
        )
    if output == "softmax" and n_L < 2:
        raise ValueError(f"a softmax output needs n_L >= 2 classes, got {n_L}")
    return hidden + [output]
