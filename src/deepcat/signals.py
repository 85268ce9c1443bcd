"""Ctrl-C, SIGTERM and SIGHUP held back while deepcat does something that must not stop halfway.

Two things must never be cut in two: an optimizer step, which changes the parameters one array
after another (stopped in the middle, ``W2`` would be from iteration ``k+1`` beside ``W3`` from
iteration ``k``, a network no iteration produced), and the renames that put a finished run in
place. Within ``with DeferredSignals() as signals:`` those signals are only noted; the handler
that was installed (for SIGINT, the one that raises ``KeyboardInterrupt``) runs at
:meth:`DeferredSignals.deliver`, which the training loop calls after every iteration, or when the
block ends. A signal whose handler is the operating system's default gets that default then.

The signals are held by swapping in a handler that notes them, not by blocking them: another
thread of the process would still receive a blocked signal. Handlers belong to the main
thread; in any other thread (Python delivers no signal there) the block does nothing, and an
ignored signal stays ignored.
"""

from __future__ import annotations

import signal
import threading

DEFERRED = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""The signals a user stops deepcat with."""


class DeferredSignals:
    """Within the block, :data:`DEFERRED` signals wait for :meth:`deliver` (and the block's end)."""

    def __init__(self):
        self.handlers = {}
        self.pending = []

    def __enter__(self):
        if threading.current_thread() is not threading.main_thread():
            return self
        for number in DEFERRED:
            handler = signal.getsignal(number)
            if handler in (signal.SIG_IGN, None):
                continue
            try:
                signal.signal(number, self._note)
            except ValueError:  # not the main interpreter: no handler is ours to change
                continue
            self.handlers[number] = handler
        return self

    def _note(self, number, frame):
        self.pending.append((number, frame))

    def deliver(self):
        """Act on the signals noted since the last call, in the order they came.

        The first one whose handler raises (Ctrl-C's ``KeyboardInterrupt``) ends the delivery:
        the command is stopping, and the signals after it say nothing more.
        """
        while self.pending:
            number, frame = self.pending.pop(0)
            handler = self.handlers[number]
            if callable(handler):
                try:
                    handler(number, frame)
                except BaseException:
                    self.pending.clear()
                    raise
            else:
                self._restore()
                signal.raise_signal(number)  # the default action: the process ends here

    def _restore(self):
        for number, handler in self.handlers.items():
            signal.signal(number, handler)

    def __exit__(self, *exc_info):
        self._restore()
        try:
            self.deliver()
        finally:
            self.handlers = {}
        return False
