"""Opening a target: the reference app in-process, or any server over HTTP."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from conformance.settings import RunSettings

IN_PROCESS_BASE_URL = "http://testserver.local"


@dataclass(frozen=True)
class OpenTarget:
    http: httpx.Client
    token: str | None
    asgi_app: object | None


@contextmanager
def open_target(settings: RunSettings) -> Iterator[OpenTarget]:
    if settings.in_process:
        from litestar.testing import TestClient

        from target_app import create_app

        # The suite configures the reference app, so it makes a token only it knows.
        token = settings.token or f"inproc-{secrets.token_urlsafe(24)}"
        faults = [settings.fault] if settings.fault else []
        app = create_app(tokens=[token], faults=faults)
        with TestClient(app, base_url=IN_PROCESS_BASE_URL, raise_server_exceptions=False) as client:
            yield OpenTarget(http=client, token=token, asgi_app=app)
        return
    timeout = httpx.Timeout(settings.request_timeout)
    with httpx.Client(base_url=settings.base_url or "", timeout=timeout, follow_redirects=False) as client:
        yield OpenTarget(http=client, token=settings.token, asgi_app=None)
