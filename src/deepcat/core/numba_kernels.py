"""Numba-compiled kernels; imported only through :func:`deepcat.core.kernels.compiled`.

Importing this module imports Numba. Each kernel performs, element by element, exactly the float
operations of its NumPy counterpart, in the same order and in the arrays' dtype (every
coefficient is passed already cast to it), so the results are identical to the bit:

- no ``fastmath``, so LLVM neither reassociates nor fuses a multiply and an add;
- ``error_model="numpy"``: a division by zero gives inf or nan as NumPy's does, and without the
  Python error checks the loop is vectorised;
- ``np.sqrt`` of a float32 is the correctly rounded float32 square root, as NumPy's.

``cache=True`` writes the compiled code next to this file (or to Numba's cache folder when
that is read-only), so a new process loads it instead of compiling again. ``nogil=True``: two
threads can train two networks at once.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True, error_model="numpy")
def adam_step(
    param,
    grad,
    v,
    s,
    divisor,
    beta1,
    one_minus_beta1,
    beta2,
    one_minus_beta2,
    v_correction,
    s_correction,
    epsilon,
    learning_rate,
):
    """One Adam step on flat C-contiguous arrays of one shape ``(n,)`` and one dtype, in place.

    The operations of :meth:`deepcat.core.optimizers.Adam.update`'s NumPy route, in its order:
    ``d = grad / divisor`` (``grad`` is ``m dW`` when the loop left the division to this pass;
    otherwise ``divisor`` is 1, and ``x / 1 = x`` exactly), ``v = v beta1 + d (1 - beta1)``,
    ``s = s beta2 + (d (1 - beta2)) d``,
    ``theta = theta - ((v / v_correction) / (sqrt(s / s_correction) + epsilon)) alpha``.
    ``grad`` is only read. Every scalar has the arrays' dtype.
    """
    for i in range(param.size):
        d = grad[i] / divisor
        vi = v[i] * beta1 + d * one_minus_beta1
        si = s[i] * beta2 + (d * one_minus_beta2) * d
        v[i] = vi
        s[i] = si
        denominator = np.sqrt(si / s_correction) + epsilon
        param[i] = param[i] - ((vi / v_correction) / denominator) * learning_rate
