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

from conformance.target.client import ApiClient
from conformance.target.errors import NoResponse, TargetDown
from conformance.target.ledger import Ledger
from conformance.target.options import TargetOptions
from conformance.target.pacing import Pacer
from conformance.target.paths import ITEMS
from conformance.target.redaction import Redactor
from conformance.target.reference import reference_app

IN_PROCESS_BASE_URL = "http://testserver.local"
REFUSED = frozenset({401, 403, 407})


@dataclass(frozen=True)
class OpenTarget:
    http: httpx.Client
    token: str | None
    asgi_app: object | None


def api_root(options: TargetOptions) -> str:
    """The URL every contract path is appended to: --base-url, path included."""
    return options.base_url or IN_PROCESS_BASE_URL


def curl_options(options: TargetOptions) -> list[str]:
    """The run's TLS options as curl spells them, so a reproduction line reaches the target the same way.
    (curl reads HTTPS_PROXY and NO_PROXY itself.)"""
    flags = ["--insecure"] if options.insecure else []
    files = {"--cacert": options.ca_cert, "--cert": options.client_cert, "--key": options.client_key}
    for flag, path in files.items():
        flags += [flag, shlex.quote(path)] if path else []
    return flags


@contextmanager
def open_target(options: TargetOptions) -> Iterator[OpenTarget]:
    headers = dict(options.headers)
    if options.in_process:
        from litestar.testing import TestClient

        # The suite configures the reference app, so it makes a token only it knows.
        token = options.token or f"inproc-{secrets.token_urlsafe(24)}"
        app = reference_app(token, options.faults)
        with TestClient(app, base_url=IN_PROCESS_BASE_URL, raise_server_exceptions=False) as client:
            client.headers.update(headers)
            yield OpenTarget(http=client, token=token, asgi_app=app)
        return
    # trust_env (httpx's default) honours HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY.
    with httpx.Client(
        base_url=api_root(options),
        headers=headers,
        timeout=httpx.Timeout(options.request_timeout),
        verify=options.tls_verify(),
        follow_redirects=False,
    ) as client:
        yield OpenTarget(http=client, token=options.token, asgi_app=None)


def pacer_for(options: TargetOptions, state_dir: str) -> Pacer:
    """The run's pacing, shared by every process that is given the same `state_dir`."""
    return Pacer(Path(state_dir), options.rate_limit, options.max_retries, options.max_wait)


@contextmanager
def own_pacer(options: TargetOptions) -> Iterator[Pacer]:
    """Pacing for a probe made outside a run (the preflight of `conformance run`)."""
    with tempfile.TemporaryDirectory(prefix="conformance-pacing-") as state_dir:
        pacer = pacer_for(options, state_dir)
        try:
            yield pacer
        finally:
            pacer.close()


def run_client(target: OpenTarget, options: TargetOptions, pacer: Pacer, ledger: Ledger | None = None) -> ApiClient:
    """The client a run sends through: its secrets redacted, its pace kept, its TLS in the curl lines."""
    return ApiClient(
        target.http,
        token=target.token,
        ledger=ledger or Ledger(),
        redactor=Redactor.for_run(target.token, options.headers),
        read_only=options.read_only,
        pacer=pacer,
        curl_options=curl_options(options),
    )


def _who(response: httpx.Response) -> str:
    """What answered, as far as its headers tell."""
    named = [f"{name}: {response.headers[name]}" for name in ("server", "via") if name in response.headers]
    return f" (answered by {'; '.join(named)})" if named else ""


def _unreachable(options: TargetOptions, cause: str) -> str:
    hint = ""
    if "CERTIFICATE_VERIFY_FAILED" in cause:
        hint = " — signed by a private CA? give it with --ca-cert FILE"
    elif "proxy" in cause.lower():
        hint = " — check HTTPS_PROXY / HTTP_PROXY / NO_PROXY"
    return f"cannot reach {options.base_url}: {cause}{hint}"


@dataclass(frozen=True)
class Preflight:
    """What the probe before a run found: why the target cannot be judged at all (`problem`), or what the run,
    which goes ahead, should say first (`note`)."""

    problem: str | None = None
    note: str | None = None


def _redirect(options: TargetOptions, response: httpx.Response) -> Preflight:
    """A redirect of GET /items. One that only adds a trailing slash is the server's router breaking the
    contract's paths (GEN-404 lets it redirect `/items/` to `/items`, not the other way): the run judges
    it. One to another place is a wrong --base-url: the advice names the one whose `/items` it points at."""
    asked = response.request.url
    location = response.headers.get("location", "?")
    target = asked.join(location)
    url = f"{options.base_url}{ITEMS}"
    if target.copy_with(query=None, fragment=None) == asked.copy_with(path=f"{asked.path}/", query=None):
        return Preflight(
            note=f"{url} redirects ({response.status_code}) to {location}: the contract's paths have no"
            f" trailing slash, so the requirements on {ITEMS} will fail; the run judges the server as it is"
        )
    moved = f"{url} redirects ({response.status_code} to {location})"
    path = target.path.rstrip("/")
    if not path.endswith(ITEMS):
        return Preflight(f"{moved}, which is not an {ITEMS} path: is --base-url the root of the Items API?")
    base = str(target.copy_with(path=path[: -len(ITEMS)] or "/", query=None, fragment=None)).rstrip("/")
    return Preflight(f"{moved}: run with --base-url {base}, whose {ITEMS} is where it points")


def preflight(options: TargetOptions, pacer: Pacer) -> Preflight:
    """Why the target cannot be judged at all, or what to say before judging it. A server that answers
    GET /items with JSON, even the wrong JSON, is an implementation of this API and is judged, and so is one
    whose router moves /items to /items/; a typo, a redirect elsewhere, somebody else's page or a gateway
    that refuses the suite is not."""
    with open_target(options) as target:
        api = run_client(target, options, pacer)
        url = f"{options.base_url}{ITEMS}"
        try:
            response = api.get(ITEMS)
            if response.status_code in REFUSED and api.token:
                without = response.status_code
                response = api.get(ITEMS, auth=True)
                if response.status_code not in REFUSED:
                    return Preflight()  # Reads need the token: the API breaks AUTH-READ-OPEN, which the run judges.
                refused = f"{without} without the token and {response.status_code} with it"
            elif response.status_code in REFUSED:
                refused = f"{response.status_code} without credentials, and the run has no token to try"
            else:
                refused = ""
        except NoResponse as error:
            return Preflight(_unreachable(options, error.cause))
        except TargetDown as error:
            return Preflight(f"{url}: {error}")
    if refused:
        cause = (
            "a proxy wants credentials: put them in HTTPS_PROXY (http://user:password@proxy:port)"
            if response.status_code == 407
            else "something in front of the API refuses the suite: a gateway that wants its own header"
            " (--header 'Name: value'), or a proxy"
        )
        return Preflight(api.redactor.text(f"GET {url} answered {refused}: {cause}{_who(response)}"))
    if response.is_redirect:
        return _redirect(options, response)
    if response.status_code == 404:
        return Preflight(
            f"{url} answers 404: is --base-url the root of the Items API, its path included?{_who(response)}"
        )
    if response.is_success:
        try:
            response.json()
        except ValueError:
            kind = response.headers.get("content-type", "no content type")
            return Preflight(
                f"{url} answered {response.status_code} with {kind}: this is not the Items API{_who(response)}"
            )
    return Preflight()
