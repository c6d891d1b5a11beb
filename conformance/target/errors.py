"""Why a request was not sent or got no answer: the exceptions the client raises and the plugin reports."""

from __future__ import annotations

import httpx

from conformance.target.exchange import Exchange


class NoResponse(AssertionError):
    """The target gave no HTTP response (refused, reset, timed out)."""

    def __init__(self, error: httpx.TransportError, exchange: Exchange) -> None:
        self.exchange = exchange
        self.cause = f"{type(error).__name__}: {error}"
        super().__init__(f"no response to {exchange.method} {exchange.url}: {self.cause}")


class NotRun(RuntimeError):
    """A test needs what this run does not allow or have; it is reported as not run, never as passed."""


class UnsafeWrite(NotRun):
    """A write a wrong server could turn into a change of data the run did not create: never sent, and the test
    that needed it is not run (README, "Safety rule")."""


class MissingToken(NotRun):
    """A write needs the bearer token and the run has none."""


class ReadOnlyRefused(NotRun):
    """A write in a --read-only run: refused here, so none is ever sent."""


class TargetDown(RuntimeError):
    """The target stopped answering altogether, or kept answering "later" past the run's bounds: judging it
    further would only pile up timeouts or waits."""
