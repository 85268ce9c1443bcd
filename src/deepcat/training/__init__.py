"""Training: the settings of a fit, the loop, its history, and the first-layer formulations.

Built on :mod:`deepcat.core` only; :class:`deepcat.Network` calls into it.
"""
