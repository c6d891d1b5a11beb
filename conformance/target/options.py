"""How a run reaches its target: the server (or the in-process reference), credentials, headers, TLS,
timeouts and pacing. The part of a run's settings that everything which sends a request needs."""

from __future__ import annotations

import ssl
from dataclasses import dataclass

from conformance.target.pacing import RateLimit
from conformance.target.tls import ssl_context

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RETRIES = 5
DEFAULT_MAX_WAIT = 300.0


@dataclass(frozen=True)
class TargetOptions:
    base_url: str | None
    """None: the reference app, in-process."""
    token: str | None = None
    read_only: bool = False
    faults: tuple[str, ...] = ()
    """In-process only: deliberate bugs switched on in the reference app (the self-test)."""
    request_timeout: float = DEFAULT_TIMEOUT
    headers: tuple[tuple[str, str], ...] = ()
    rate_limit: RateLimit | None = None
    max_retries: int = DEFAULT_MAX_RETRIES
    max_wait: float = DEFAULT_MAX_WAIT
    ca_cert: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    insecure: bool = False

    @property
    def in_process(self) -> bool:
        return self.base_url is None

    def tls_verify(self) -> ssl.SSLContext | bool:
        """httpx's `verify` for this run: an SSL context, or False with --insecure."""
        return ssl_context(self.ca_cert, self.client_cert, self.client_key, self.insecure)

    @property
    def label(self) -> str:
        if self.base_url is None:
            return "reference app, in-process" + (f" (fault: {','.join(self.faults)})" if self.faults else "")
        return self.base_url
