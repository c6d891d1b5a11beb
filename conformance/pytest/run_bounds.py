"""--run-timeout and SIGTERM interrupt the run like Ctrl-C: the session still cleans up and reports."""

from __future__ import annotations

import signal
import threading


def _can_signal() -> bool:
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")


class RunBounds:
    """Why the run stopped before its end, once it did (timeout, signal, Ctrl-C, the target down)."""

    def __init__(self) -> None:
        self.aborted: str | None = None

    def start(self, run_timeout: float) -> None:
        def interrupt(signum: int, _: object) -> None:
            self.aborted = (
                f"the run exceeded --run-timeout ({run_timeout:g} s)"
                if signum == signal.SIGALRM
                else f"the run was stopped by signal {signum}"
            )
            raise KeyboardInterrupt(self.aborted)

        if _can_signal():
            signal.signal(signal.SIGALRM, interrupt)
            signal.signal(signal.SIGTERM, interrupt)
            signal.setitimer(signal.ITIMER_REAL, run_timeout)

    def stop(self) -> None:
        if _can_signal():
            signal.setitimer(signal.ITIMER_REAL, 0)

    def abort(self, reason: str) -> None:
        """The first reason stands: a Ctrl-C raised by the timer is the timeout."""
        self.aborted = self.aborted or reason
