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

STOPPING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""The signals besides Ctrl-C that stop deepcat, and that the command line handles like it
(:func:`deepcat.cli.errors.stop_on_signals`)."""

DEFERRED = (signal.SIGINT, *STOPPING_SIGNALS)
"""The signals a user stops deepcat with: Ctrl-C and :data:`STOPPING_SIGNALS`."""


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


class QuietWhenInterrupted:
    """While :attr:`interrupted` is set (by the block's owner, or by the block ending in Ctrl-C or
    SIGTERM), an exception that ends a thread of the ``modules`` packages is not printed.

    joblib's process pool runs threads of its own in this process; stopped while it works, one
    of them can end with a ``KeyError`` whose traceback would follow deepcat's one line. Other
    threads, and those threads while no interruption is under way, are reported by the hook
    that was installed before (``threading.excepthook``). After an interruption the hook stays
    until the process ends, since those threads may end at any moment before it does; after a
    block that ends otherwise, the earlier hook is put back.
    """

    def __init__(self, modules):
        self.modules = tuple(modules)
        self.interrupted = False
        self._previous = None

    def __enter__(self):
        self._previous = threading.excepthook
        threading.excepthook = self._hook
        return self

    def _hook(self, args):
        if self.interrupted and self._is_theirs(args):
            return
        self._previous(args)

    def _is_theirs(self, args):
        """Whether the thread is of a class of ``modules``, or failed in their code."""
        names = [type(args.thread).__module__]
        trace = args.exc_traceback
        while trace is not None:
            names.append(trace.tb_frame.f_globals.get("__name__"))
            trace = trace.tb_next
        return any(isinstance(name, str) and name.startswith(self.modules) for name in names)

    def __exit__(self, kind, error, traceback):
        if kind is not None and issubclass(kind, KeyboardInterrupt):
            self.interrupted = True
        if not self.interrupted and threading.excepthook == self._hook:
            threading.excepthook = self._previous
        return False
