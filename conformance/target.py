"""Opening a target: the reference app in-process, or any server over HTTP(S), and the probe before a run."""

from __future__ import annotations

import secrets
import shlex
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from conformance.client import ITEMS, ApiClient, NoResponse, TargetDown
from conformance.ledger import Ledger
from conformance.pacing import Pacer
from conformance.redaction import Redactor
from conformance.settings import RunSettings

IN_PROCESS_BASE_URL = "http://testserver.local"
REFUSED = frozenset({401, 403, 407})


@dataclass(frozen=True)
class OpenTarget:
    http: httpx.Client
    token: str | None
    asgi_app: object | None


def api_root(settings: RunSettings) -> str:
    """The URL every contract path is appended to: --base-url, path included."""
    return settings.base_url or IN_PROCESS_BASE_URL


def curl_options(settings: RunSettings) -> list[str]:
    """The run's TLS options as curl spells them, so a reproduction line reaches the target the same way.
    (curl reads HTTPS_PROXY and NO_PROXY itself.)"""
    options = ["--insecure"] if settings.insecure else []
    files = {"--cacert": settings.ca_cert, "--cert": settings.client_cert, "--key": settings.client_key}
    for flag, path in files.items():
        options += [flag, shlex.quote(path)] if path else []
    return options


@contextmanager
def open_target(settings: RunSettings) -> Iterator[OpenTarget]:
    headers = dict(settings.headers)
    if settings.in_process:
        from litestar.testing import TestClient

        from target_app import create_app

        # The suite configures the reference app, so it makes a token only it knows.
        token = settings.token or f"inproc-{secrets.token_urlsafe(24)}"
        app = create_app(tokens=[token], faults=settings.faults)
        with TestClient(app, base_url=IN_PROCESS_BASE_URL, raise_server_exceptions=False) as client:
            client.headers.update(headers)
            yield OpenTarget(http=client, token=token, asgi_app=app)
        return
    # trust_env (httpx's default) honours HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY.
    with httpx.Client(
        base_url=api_root(settings),
        headers=headers,
        timeout=httpx.Timeout(settings.request_timeout),
        verify=settings.tls_verify(),
        follow_redirects=False,
    ) as client:
        yield OpenTarget(http=client, token=settings.token, asgi_app=None)


def pacer_for(settings: RunSettings, state_dir: str) -> Pacer:
    """The run's pacing, shared by every process that is given the same `state_dir`."""
    return Pacer(Path(state_dir), settings.rate_limit, settings.max_retries, settings.max_wait)


@contextmanager
def own_pacer(settings: RunSettings) -> Iterator[Pacer]:
    """Pacing for a probe made outside a run (the preflight of `conformance run`)."""
    with tempfile.TemporaryDirectory(prefix="conformance-pacing-") as state_dir:
        pacer = pacer_for(settings, state_dir)
        try:
            yield pacer
        finally:
            pacer.close()


def run_client(target: OpenTarget, settings: RunSettings, pacer: Pacer, ledger: Ledger | None = None) -> ApiClient:
    """The client a run sends through: its secrets redacted, its pace kept, its TLS in the curl lines."""
    return ApiClient(
        target.http,
        token=target.token,
        ledger=ledger or Ledger(),
        redactor=Redactor.for_run(target.token, settings.headers),
        read_only=settings.read_only,
        pacer=pacer,
        curl_options=curl_options(settings),
    )


def _who(response: httpx.Response) -> str:
    """What answered, as far as its headers tell."""
    named = [f"{name}: {response.headers[name]}" for name in ("server", "via") if name in response.headers]
    return f" (answered by {'; '.join(named)})" if named else ""


def _unreachable(settings: RunSettings, cause: str) -> str:
    hint = ""
    if "CERTIFICATE_VERIFY_FAILED" in cause:
        hint = " — signed by a private CA? give it with --ca-cert FILE"
    elif "proxy" in cause.lower():
        hint = " — check HTTPS_PROXY / HTTP_PROXY / NO_PROXY"
    return f"cannot reach {settings.base_url}: {cause}{hint}"


def preflight(settings: RunSettings, pacer: Pacer) -> str | None:
    """Why the target cannot be judged at all, or None. A server that answers GET /items with JSON, even
    the wrong JSON, is an implementation of this API and is judged; a typo, a redirect, somebody else's page
    or a gateway that refuses the suite is not."""
    with open_target(settings) as target:
        api = run_client(target, settings, pacer)
        url = f"{settings.base_url}{ITEMS}"
        try:
            response = api.get(ITEMS)
            if response.status_code in REFUSED and api.token:
                without = response.status_code
                response = api.get(ITEMS, auth=True)
                if response.status_code not in REFUSED:
                    return None  # Reads need the token: the API breaks AUTH-READ-OPEN, which the run judges.
                refused = f"{without} without the token and {response.status_code} with it"
            elif response.status_code in REFUSED:
                refused = f"{response.status_code} without credentials, and the run has no token to try"
            else:
                refused = ""
        except NoResponse as error:
            return _unreachable(settings, error.cause)
        except TargetDown as error:
            return f"{url}: {error}"
    if refused:
        cause = (
            "a proxy wants credentials: put them in HTTPS_PROXY (http://user:password@proxy:port)"
            if response.status_code == 407
            else "something in front of the API refuses the suite: a gateway that wants its own header"
            " (--header 'Name: value'), or a proxy"
        )
        return api.redactor.text(f"GET {url} answered {refused}: {cause}{_who(response)}")
    if response.is_redirect:
        return (
            f"{url} redirects ({response.status_code} to {response.headers.get('location', '?')}): "
            "give the final address as --base-url"
        )
    if response.status_code == 404:
        return f"{url} answers 404: is --base-url the root of the Items API, its path included?{_who(response)}"
    if response.is_success:
        try:
            response.json()
        except ValueError:
            kind = response.headers.get("content-type", "no content type")
            return f"{url} answered {response.status_code} with {kind}: this is not the Items API{_who(response)}"
    return None
