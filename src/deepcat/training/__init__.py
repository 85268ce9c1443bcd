"""Training: the settings of a fit, the loop, its history and the exact fast formulation.

Built on :mod:`deepcat.core` only; :class:`deepcat.Network` calls into it.
"""
