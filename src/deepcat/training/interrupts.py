"""Ctrl-C and SIGTERM during ``fit``: delivered between iterations, never inside an update.

An optimizer step changes the parameters one array after another. A ``KeyboardInterrupt``
raised by Python's signal handler in the middle of it would leave ``W2`` from iteration ``k+1``
beside ``W3`` from iteration ``k``: a network that no iteration ever produced. So while the
training loop runs, :class:`DeferredSignals` stands in for the Python handlers of SIGINT and
SIGTERM: a signal is only noted, and the handler that was installed (for SIGINT, the one that
raises ``KeyboardInterrupt``) runs at the next :meth:`DeferredSignals.deliver`, which the loop
calls at the end of every iteration, or when the block ends. Ctrl-C therefore waits at most one
iteration.

Signal handlers belong to the main thread: in any other thread there are none to defer (Python
delivers no signal there), and the block does nothing. Handlers that are not Python functions
(the operating system's default, or "ignore") are left as they are.
"""

from __future__ import annotations

import signal
import threading

DEFERRED = ("SIGINT", "SIGTERM")
"""The signals whose Python handlers run between iterations rather than at once."""


class DeferredSignals:
    """Within ``with DeferredSignals() as signals:``, SIGINT and SIGTERM wait for
    ``signals.deliver()`` (and for the end of the block)."""

    def __init__(self):
        self.handlers = {}
        self.pending = []

    def __enter__(self):
        if threading.current_thread() is not threading.main_thread():
            return self
        for name in DEFERRED:
            number = getattr(signal, name, None)
            handler = None if number is None else signal.getsignal(number)
            if callable(handler):
                try:
                    signal.signal(number, self._note)
                except ValueError:  # not the main interpreter: no handler is ours to change
                    continue
                self.handlers[number] = handler
        return self

    def _note(self, number, frame):
        self.pending.append((number, frame))

    def deliver(self):
        """Run the original handler of every signal noted since the last call, in order."""
        while self.pending:
            number, frame = self.pending.pop(0)
            self.handlers[number](number, frame)

    def __exit__(self, *exc_info):
        for number, handler in self.handlers.items():
            signal.signal(number, handler)
        self.deliver()
        self.handlers = {}
        return False
