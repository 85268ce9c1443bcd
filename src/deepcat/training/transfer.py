"""Transfer learning: a new network that starts from the first layers of a trained one.

The kept layers' parameters are copied, the new output layer is drawn; the first ``freeze``
of the kept layers are then left unchanged by ``fit`` (``network.frozen``), which trains the
layers above them (see :mod:`deepcat.training.passes`).
"""

from __future__ import annotations

from deepcat.core.validation import check_positive_int


def transfer(network, n_outputs, output="sigmoid", keep=None, freeze=0, init="lecun", seed=None):
    """A new network of ``network``'s class, reusing its first ``keep`` layers.

    The arguments are :meth:`deepcat.Network.transfer`'s, which calls this.

    Returns
    -------
    Network
        ``layer_dims[:keep + 1] + [n_outputs]``, with copies of the kept ``W[l]``
        ``(n_l, n_{l-1})`` and ``b[l]`` ``(n_l, 1)``, ``frozen = freeze``, and a copy of the
        metadata.
    """
    keep = network.L - 1 if keep is None else keep
    if network.L < 2:
        raise ValueError("transfer needs a network with at least one hidden layer to keep")
    keep = check_positive_int(keep, "keep")
    if keep > network.L - 1:
        raise ValueError(f"keep must be at most L - 1 = {network.L - 1} hidden layers, got {keep}")
    freeze = check_positive_int(freeze, "freeze", minimum=0)
    if freeze > keep:
        raise ValueError(
            f"cannot freeze {freeze} layers: only {keep} are kept from a network of "
            f"L = {network.L} layers"
        )
    new = type(network)(
        network.layer_dims[: keep + 1] + [n_outputs],
        hidden_activation=network.activations[:keep],
        output=output,
        init=init,
        seed=seed,
        dtype=network.dtype.__name__,
    )
    for l in range(1, keep + 1):
        new.parameters[f"W{l}"] = network.parameters[f"W{l}"].copy()
        new.parameters[f"b{l}"] = network.parameters[f"b{l}"].copy()
    new.frozen = freeze
    new.metadata = dict(network.metadata)
    return new
