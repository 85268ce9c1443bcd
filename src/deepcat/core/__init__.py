"""The seeds' mathematics: activations, initialization, propagation, costs, optimizers.

Every formula of the seed articles and of Course 2 is written once here, under the seeds' name
and in their notation (``X`` is ``(n_x, m)``, ``W[l]`` is ``(n_l, n_{l-1})``). Nothing here
imports from the other layers of deepcat.
"""
