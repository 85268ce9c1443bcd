"""Gradient checking (Course 2): backpropagation against centred finite differences."""

from __future__ import annotations

import numpy as np

from deepcat.core.validation import check_positive_float


def parameters_to_vector(parameters):
    """Concatenate ``W1, b1, W2, b2, ...`` (each flattened, row-major) into one vector ``theta``."""
    return np.concatenate([value.ravel() for value in parameters.values()])


def vector_to_parameters(theta, like):
    """Split ``theta`` back into a dict shaped like ``like`` (the inverse of the above)."""
    parameters, start = {}, 0
    for key, value in like.items():
        parameters[key] = theta[start : start + value.size].reshape(value.shape)
        start += value.size
    return parameters


def gradient_check(network, X, Y, epsilon=1e-7, lambd=0.0):
    """Relative difference between backpropagation's gradient and a numerical one.

    Parameters
    ----------
    network : deepcat.Network
        Its parameters are perturbed one at a time and restored afterwards.
    X : array-like, shape (n_x, m)
    Y : array-like, labels as :meth:`Network.fit` takes them
    epsilon : float, default 1e-7
        Step of the centred difference.
    lambd : float, default 0
        L2 strength included in both the cost and the gradient.

    Returns
    -------
    difference : float
        ``||grad - gradapprox|| / (||grad|| + ||gradapprox||)``; below about 1e-7
        means backpropagation is right.

    Notes
    -----
    ``gradapprox_i = (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)``.
    Dropout is never applied during a check. The check is run in float64
    whatever the network's dtype, since float32 cannot resolve ``eps = 1e-7``.
    """
    epsilon = check_positive_float(epsilon, "epsilon")
    original = network.parameters
    original_dtype = network.dtype
    network.dtype = np.float64
    network.parameters = {k: v.astype(np.float64) for k, v in original.items()}
    try:
        gradients = network.gradients(X, Y, lambd=lambd)
        grad = parameters_to_vector({f"d{k}": gradients[f"d{k}"] for k in network.parameters})
        theta = parameters_to_vector(network.parameters)
        gradapprox = np.empty_like(theta)
        for i in range(theta.size):
            saved = theta[i]
            theta[i] = saved + epsilon
            network.parameters = vector_to_parameters(theta, original)
            plus = network.cost(X, Y, lambd=lambd)
            theta[i] = saved - epsilon
            network.parameters = vector_to_parameters(theta, original)
            minus = network.cost(X, Y, lambd=lambd)
            theta[i] = saved
            gradapprox[i] = (plus - minus) / (2 * epsilon)
    finally:
        network.parameters = original
        network.dtype = original_dtype
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(grad - gradapprox) / denominator)
