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
        app = create_app(tokens=[token], faults=settings.faults)
        with TestClient(app, base_url=IN_PROCESS_BASE_URL, raise_server_exceptions=False) as client:
            yield OpenTarget(http=client, token=token, asgi_app=app)
        return
    timeout = httpx.Timeout(settings.request_timeout)
    with httpx.Client(base_url=settings.base_url or "", timeout=timeout, follow_redirects=False) as client:
        yield OpenTarget(http=client, token=settings.token, asgi_app=None)


def preflight(settings: RunSettings) -> str | None:
    """Why the target cannot be judged at all, or None. A server that answers GET /items with this
    API's page, even a broken one, is judged; a typo, a redirect or somebody else's site is not."""
    try:
        with httpx.Client(base_url=settings.base_url or "", timeout=settings.request_timeout) as client:
            response = client.get("/items")
    except httpx.HTTPError as error:
        return f"cannot reach {settings.base_url}: {type(error).__name__}: {error}"
    if response.is_redirect:
        return (
            f"{settings.base_url}/items redirects ({response.status_code} to "
            f"{response.headers.get('location', '?')}): give the final address as --base-url"
        )
    if response.status_code == 404:
        return f"{settings.base_url}/items answers 404: is --base-url the root of the Items API?"
    if response.is_success:
        try:
            page = response.json()
        except ValueError:
            page = None
        if not (isinstance(page, dict) and "items" in page):
            kind = response.headers.get("content-type", "no content type")
            return f"{settings.base_url}/items answered {response.status_code} with {kind}: this is not the Items API"
    return None
