"""Optional compiled kernels: Adam's step in one pass over the weights, with Numba.

NumPy runs Adam's update as 14 separate passes over each weight array (the ufuncs of
:class:`deepcat.core.optimizers.Adam`), 15 with the division of ``m dW`` by ``m`` that the
training loop leaves to it. With the ``fast`` extra (``pip install 'deepcat[fast]'``,
which installs Numba), :mod:`deepcat.core.numba_kernels` does the same float operations, in the
same order and in the same dtype, element by element in one pass: the results are identical to
the bit (``tests/test_fast_loop.py`` checks it), only sooner.

Whether the kernel runs:

- ``DEEPCAT_NUMBA=0`` in the environment, or ``with use_numba(False):``, keeps to NumPy;
- ``DEEPCAT_NUMBA=1`` (or ``use_numba(True)``) requires Numba: without it, a ``ValueError``
  (the setting cannot be met, and the command line shows it as one line) says how to install it;
- unset, Numba is used when it is installed.

Even then the kernel is used only for arrays of at least :data:`MIN_SIZE` elements, C-contiguous
and of one float dtype, where one pass instead of 14 pays; smaller ones take the NumPy route,
whose results are the same. Numba is imported on the first such update, never by ``import
deepcat``; its compiled code is cached on disk (``cache=True``), so only the first use on a
machine compiles (about a second), and later processes load it in a fraction of that.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib.util
import os

import numpy as np

ENVIRONMENT_VARIABLE = "DEEPCAT_NUMBA"
"""``0`` keeps deepcat to NumPy, ``1`` requires Numba; unset, Numba is used if installed."""
MIN_SIZE = 1 << 15
"""Elements an array needs for the compiled kernel to be used on it (32,768; 128 KiB of
float32): below that, the 14 NumPy passes run in cache and importing Numba would not pay."""
INSTALL = "pip install 'deepcat[fast]'"

_CHOICE = contextvars.ContextVar("deepcat_numba", default=None)
# "module": deepcat.core.numba_kernels once imported, or "error": why it was not;
# "installed": whether Numba can be found, asked once.
_loaded = {}


@contextlib.contextmanager
def use_numba(wanted):
    """Inside the ``with`` block, use Numba's kernels (True) or NumPy only (False).

    Takes precedence over ``DEEPCAT_NUMBA``. The results are the same either way.
    """
    if not isinstance(wanted, bool):
        raise TypeError(f"use_numba takes True or False, got {wanted!r}")
    token = _CHOICE.set(wanted)
    try:
        yield
    finally:
        _CHOICE.reset(token)


def _wanted():
    """True, False, or None (no preference): ``use_numba``'s choice, else the environment's."""
    choice = _CHOICE.get()
    if choice is not None:
        return choice
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not value:
        return None
    if value not in ("0", "1"):
        raise ValueError(
            f"{ENVIRONMENT_VARIABLE} must be 0 (NumPy only) or 1 (Numba's kernels), got {value!r}"
        )
    return value == "1"


def _installed():
    if "error" in _loaded:
        return False
    if "installed" not in _loaded:  # find_spec costs ~70 µs; an update of small arrays ~20
        _loaded["installed"] = "module" in _loaded or importlib.util.find_spec("numba") is not None
    return _loaded["installed"]


def numba_active():
    """Whether updates of large arrays will run Numba's kernel (without importing Numba).

    Raises
    ------
    ValueError
        When ``DEEPCAT_NUMBA=1`` or ``use_numba(True)`` asks for Numba and it is not installed,
        or could not be loaded; or when ``DEEPCAT_NUMBA`` is neither 0 nor 1.
    """
    wanted = _wanted()
    if wanted is False:
        return False
    installed = _installed()
    if wanted and not installed:
        why = _loaded.get("error", "numba is not installed")
        raise ValueError(f"{ENVIRONMENT_VARIABLE}=1 asks for Numba's kernels, but {why}: {INSTALL}")
    return installed


def covers(size, dtype, active=None):
    """Whether arrays of ``size`` elements and ``dtype`` get the kernel, when contiguous: at
    least :data:`MIN_SIZE` of them, float32 or float64, and :func:`numba_active` (or
    ``active``, when the caller has asked it already)."""
    if size < MIN_SIZE or np.dtype(dtype) not in (np.float32, np.float64):
        return False
    return numba_active() if active is None else active


def applies(arrays, active=None):
    """Whether the kernel will run on ``arrays``: one size and dtype that :func:`covers`
    takes, and all C-contiguous."""
    first = arrays[0]
    same = all(a.dtype == first.dtype and a.size == first.size for a in arrays)
    contiguous = all(a.flags.c_contiguous for a in arrays)
    return same and contiguous and covers(first.size, first.dtype, active)


def compiled():
    """The module of compiled kernels, :mod:`deepcat.core.numba_kernels`, imported once; None
    when it cannot be loaded, and from then on :func:`numba_active` is False.

    A Numba that is installed but cannot load (a broken install, or nowhere to write its cache:
    no writable folder beside the package nor in the user's cache) leaves deepcat on NumPy,
    whose results are the same; :func:`description` says why.
    """
    if "module" not in _loaded and "error" not in _loaded:
        try:
            from deepcat.core import numba_kernels
        except (ImportError, RuntimeError, OSError) as error:
            _loaded["error"] = f"numba could not be loaded ({type(error).__name__}: {error})"
            if _wanted():
                raise ValueError(f"{ENVIRONMENT_VARIABLE}=1: {_loaded['error']}") from error
        else:
            _loaded["module"] = numba_kernels
    return _loaded.get("module")


def description():
    """Which kernels the training loop runs, in words, for benchmarks and reports."""
    try:
        active = numba_active()
    except ValueError as error:
        return f"none: {error}"
    if active:
        import numba

        return (
            f"Numba {numba.__version__} (Adam's step in one pass, arrays of {MIN_SIZE:,}+ elements)"
        )
    if _wanted() is False:
        return f"NumPy only ({ENVIRONMENT_VARIABLE}=0 or use_numba(False))"
    return f"NumPy only ({_loaded.get('error', 'numba is not installed')}: {INSTALL})"


def warm_up(dtypes=(np.float32, np.float64)):
    """Import Numba and load (or compile) the kernels for ``dtypes`` now; returns the seconds.

    The first fit would otherwise pay for it; the benchmark calls this first and reports it.
    """
    import time

    start = time.perf_counter()
    module = compiled()
    if module is None:
        raise ValueError(_loaded["error"])
    for dtype in dtypes:
        arrays = [np.zeros(4, dtype) for _ in range(4)]
        module.adam_step(*arrays, *np.ones(9, dtype))
    return time.perf_counter() - start
