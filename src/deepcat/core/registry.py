"""One lookup for every name-to-function registry (activations, initializers, losses, ...)."""

from __future__ import annotations


def lookup(registry: dict, name, what: str):
    """Return ``registry[name]``, or raise an error that lists the valid names.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If ``name`` is not registered.
    """
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a name (str), got {type(name).__name__} {name!r}")
    try:
        return registry[name]
    except KeyError:
        valid = ", ".join(repr(k) for k in registry)
        raise ValueError(f"unknown {what} {name!r}; expected one of {valid}") from None
