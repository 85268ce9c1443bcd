"""The ``deepcat`` command line: commands, runs, reports and plots.

``main`` is the console script's entry point.
"""

from deepcat.cli.app import main

__all__ = ["main"]
