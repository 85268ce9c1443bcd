"""The same trainings written the ordinary PyTorch way, on the CPU: the benchmark's peer.

Idiomatic PyTorch: examples as rows, ``torch.nn.functional.linear``, autograd, the
binary cross-entropy from logits, ``torch.optim.Adam``. Each peer starts from the initial
weights it is given (deepcat's, converted), so the cost curves can be compared number for number.
Importing this module imports torch; :mod:`run` catches the ``ImportError`` when torch is absent.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def describe():
    """One line on the torch build and its threads."""
    return (
        f"torch {torch.__version__}, {torch.get_num_threads()} intra-op threads, "
        f"MKL {'on' if torch.backends.mkl.is_available() else 'off'}, "
        f"oneDNN {'on' if torch.backends.mkldnn.is_available() else 'off'}"
    )


def _parameters(initial, dtype):
    """Leaf tensors ``[W1, b1, ...]`` from deepcat's ``W{l}`` ``(n_l, n_{l-1})`` and ``b{l}``."""
    L = len(initial) // 2
    tensors = []
    for l in range(1, L + 1):
        tensors.append(torch.tensor(initial[f"W{l}"], dtype=dtype, requires_grad=True))
        tensors.append(torch.tensor(initial[f"b{l}"].reshape(-1), dtype=dtype, requires_grad=True))
    return tensors


def _logits(A, tensors):
    """ReLU hidden layers and a linear output layer; ``A`` is ``(m, n_x)``, returns ``(m,)``."""
    L = len(tensors) // 2
    for l in range(L):
        Z = F.linear(A, tensors[2 * l], tensors[2 * l + 1])
        A = torch.relu(Z) if l < L - 1 else Z
    return A.reshape(-1)


def train_full_batch(X, Y, initial, learning_rate, iterations, record):
    """Batch gradient descent in float64, the course's L-layer run.

    Parameters
    ----------
    X : ndarray, shape (n_x, m), float64; used as the ``(m, n_x)`` view ``X.T``
    Y : ndarray, shape (1, m)
    initial : dict of deepcat parameters ``W{l}``, ``b{l}``
    learning_rate : float
    iterations : int
    record : set of int
        Iterations whose cost, before that iteration's update, is returned.

    Returns
    -------
    dict mapping each recorded iteration to its cost
    """
    rows = torch.from_numpy(X.T)
    labels = torch.from_numpy(np.ascontiguousarray(Y.reshape(-1), dtype=np.float64))
    tensors = _parameters(initial, torch.float64)
    costs = {}
    for i in range(iterations):
        loss = F.binary_cross_entropy_with_logits(_logits(rows, tensors), labels)
        if i in record:
            costs[i] = loss.item()
        grads = torch.autograd.grad(loss, tensors)
        with torch.no_grad():
            for tensor, grad in zip(tensors, grads, strict=True):
                tensor.sub_(grad, alpha=learning_rate)
    return costs


def train_adam_epoch(images, Y, initial, order, batch_size, learning_rate, fused=False):
    """One epoch of mini-batch Adam in float32 over uint8 images divided by 255 batch by batch.

    Parameters
    ----------
    images : ndarray of uint8, shape (m, n_x)
    Y : ndarray, shape (1, m)
    initial : dict of deepcat parameters
    order : ndarray of int, shape (m,)
        The epoch's shuffle; each batch takes the next ``batch_size`` indices, sorted.
    batch_size : int
    learning_rate : float
    fused : bool
        ``torch.optim.Adam(fused=True)``: one compiled kernel per step instead of the default
        sequence of tensor operations.

    Returns
    -------
    float
        The mean of the batch costs, weighted by batch size.
    """
    pixels = torch.from_numpy(images)
    labels = torch.from_numpy(np.ascontiguousarray(Y.reshape(-1), dtype=np.float32))
    tensors = _parameters(initial, torch.float32)
    optimizer = torch.optim.Adam(
        tensors, lr=learning_rate, betas=(0.9, 0.999), eps=1e-8, fused=fused or None
    )
    total = 0.0
    m = images.shape[0]
    for first in range(0, m, batch_size):
        batch = torch.from_numpy(np.sort(order[first : first + batch_size]))
        inputs = pixels[batch].to(torch.float32).div_(255)
        loss = F.binary_cross_entropy_with_logits(_logits(inputs, tensors), labels[batch])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch)
    return total / m
