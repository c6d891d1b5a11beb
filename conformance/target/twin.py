"""A fresh in-process reference app beside the target: the oracle's model of what the contract expects after a
history. It is sent the same requests, through a client of its own (its own ledger, so its ids stay its own)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from conformance.target.client import ApiClient
from conformance.target.ledger import Ledger
from conformance.target.opening import IN_PROCESS_BASE_URL
from conformance.target.redaction import Redactor
from conformance.target.reference import reference_app


@contextmanager
def open_twin() -> Iterator[ApiClient]:
    """A client of a new reference app holding no items, accepting a token of its own."""
    from litestar.testing import TestClient

    token = f"twin-{secrets.token_urlsafe(16)}"
    with TestClient(reference_app(token), base_url=IN_PROCESS_BASE_URL, raise_server_exceptions=False) as http:
        yield ApiClient(http, token=token, ledger=Ledger(), redactor=Redactor.for_run(token, ()))
