"""The one way the suites talk to a target: every request is counted, guarded by the ledger and redacted."""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Final

import httpx

from conformance.target.exchange import CUT_KEY, Exchange, from_request, from_response
from conformance.target.ledger import Ledger
from conformance.target.pacing import Pacer, Throttled
from conformance.target.redaction import Redactor

ITEMS = "/items"
_ITEM_PATH = re.compile(r"^/items/([^/?#]+)$")
NO_BODY: Final = object()
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REDACTOR_KEY = "conformance.redactor"
CURL_KEY = "conformance.curl"

Auth = bool | str | None
"""True: the configured bearer token; False/None: no Authorization header; a str: that exact header value."""


class UnsafeWrite(RuntimeError):
    """The suite tried to change an item it did not create: a bug in the suite, never sent."""


class NoResponse(AssertionError):
    """The target gave no HTTP response (refused, reset, timed out)."""

    def __init__(self, error: httpx.TransportError, exchange: Exchange) -> None:
        self.exchange = exchange
        self.cause = f"{type(error).__name__}: {error}"
        super().__init__(f"no response to {exchange.method} {exchange.url}: {self.cause}")


class NotRun(RuntimeError):
    """A test needs what this run does not allow or have; it is reported as not run, never as passed."""


class MissingToken(NotRun):
    """A write needs the bearer token and the run has none."""


class ReadOnlyRefused(NotRun):
    """A write in a --read-only run: refused here, so none is ever sent."""


class TargetDown(RuntimeError):
    """The target stopped answering altogether, or kept answering "later" past the run's bounds: judging it
    further would only pile up timeouts or waits."""


MAX_BODY = 8 * 1024 * 1024
"""Responses larger than this are cut off: a body of that size is a violation on its own."""
DOWN_AFTER = 5
"""Consecutive requests without a response after which the run stops as could-not-judge."""


def exchange_of(response: httpx.Response) -> Exchange:
    """The evidence for a response the client received, redacted with the run's secrets."""
    extensions = response.extensions
    return from_response(response, extensions.get(REDACTOR_KEY) or Redactor(), extensions.get(CURL_KEY, ()))


def item_path(item_id: int | str) -> str:
    return f"{ITEMS}/{item_id}"


def operation_of(method: str, path: str) -> str:
    """The contract operation a request addresses, as `METHOD /items` or `METHOD /items/{id}`."""
    bare = path.split("?", 1)[0]
    if bare == ITEMS:
        return f"{method} {ITEMS}"
    if _ITEM_PATH.match(bare):
        return f"{method} {ITEMS}/{{id}}"
    return f"{method} (outside the contract)"


def path_item_id(path: str) -> int | None:
    """The item id a server might read from this path, counting forms like `05`, `+5` or `5.0` (§8)."""
    match = _ITEM_PATH.match(path)
    if match is None:
        return None
    try:
        number = float(match.group(1).replace("_", ""))
    except ValueError:
        return None
    if not math.isfinite(number) or number != int(number) or number < 1:
        return None
    return int(number)


def encode_json(value: Any) -> bytes:
    # Raw UTF-8, not \u escapes: a server must read real multi-byte and astral characters.
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


class ApiClient:
    def __init__(
        self,
        http: httpx.Client,
        *,
        token: str | None,
        ledger: Ledger,
        redactor: Redactor,
        read_only: bool = False,
        pacer: Pacer | None = None,
        curl_options: Sequence[str] = (),
    ) -> None:
        """`http` carries the target's base URL (its path is the API's root), TLS and --header values;
        `pacer` the run's rate and its waiting for 429/503; `curl_options` what evidence adds to curl lines."""
        self.http = http
        self.token = token
        self.ledger = ledger
        self.redactor = redactor
        self.read_only = read_only
        self.pacer = pacer
        self.curl_options = tuple(curl_options)
        self._count = 0
        self._silent = 0
        self._lock = threading.Lock()
        self.observed: Counter[tuple[str, int]] = Counter()
        """(operation, status) for every response: which documented codes a run actually saw."""

    @property
    def request_count(self) -> int:
        return self._count

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = NO_BODY,
        raw: bytes | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: Auth = True,
    ) -> httpx.Response:
        method = method.upper()
        if self.read_only and method in WRITE_METHODS:
            raise ReadOnlyRefused(f"{method} {path} is a write, and this run is --read-only")
        self._check_safe(method, path)
        sent_headers = dict(headers or {})
        if auth is True:
            if not self.token:
                raise MissingToken(f"{method} {path} needs a bearer token (--token or $CONFORMANCE_TOKEN)")
            sent_headers["Authorization"] = f"Bearer {self.token}"
        elif isinstance(auth, str):
            sent_headers["Authorization"] = auth
        content = encode_json(body) if body is not NO_BODY else raw
        if content is not None:
            sent_headers.setdefault("Content-Type", "application/json")
        request = self.http.build_request(method, path, params=params, headers=sent_headers, content=content)
        try:
            response = self._send(request)
        except Throttled as error:
            raise TargetDown(str(error)) from None
        except httpx.LocalProtocolError:
            raise  # The suite built a request HTTP cannot carry: a suite bug, not the target's.
        except httpx.TransportError as error:
            with self._lock:
                self._silent += 1
                down = self._silent >= DOWN_AFTER
            if down:
                raise TargetDown(
                    f"the target stopped answering: {DOWN_AFTER} requests in a row got no response "
                    f"(last: {type(error).__name__} on {method} {path})"
                ) from None
            raise NoResponse(error, from_request(request, self.redactor, self.curl_options)) from None
        with self._lock:
            self._silent = 0
        response.extensions[REDACTOR_KEY] = self.redactor
        response.extensions[CURL_KEY] = self.curl_options
        with self._lock:
            self.observed[(operation_of(method, path), response.status_code)] += 1
        self._record(method, path, response)
        return response

    def _send(self, request: httpx.Request) -> httpx.Response:
        """At the run's rate; a 429 or 503 that asks to wait is waited out and the request sent again."""
        retries = 0
        while True:
            if self.pacer is not None:
                self.pacer.before_send()
            with self._lock:
                self._count += 1
            response = self._receive(request)
            delay = self.pacer.delay_for(response, retries) if self.pacer is not None else None
            if delay is None:
                return response
            retries += 1
            time.sleep(delay)

    def api_path(self, url: httpx.URL | str) -> str | None:
        """The path of `url` below the API's root (`/items/5` for `…/api/v1/items/5` when the base URL is
        `…/api/v1`), or None when it lies outside it."""
        root = self.http.base_url.path.rstrip("/")
        path = httpx.URL(str(url)).path
        if root and path != root and not path.startswith(f"{root}/"):
            return None
        return path[len(root) :] or "/"

    def _receive(self, request: httpx.Request) -> httpx.Response:
        """Reads at most MAX_BODY bytes of the body; a larger one is cut, and marked so in the response."""
        response = self.http.send(request, stream=True)
        if response.is_stream_consumed:
            return response  # built in memory by an in-process transport: already whole
        try:
            chunks, size = [], 0
            for chunk in response.iter_raw():
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_BODY:
                    break
        finally:
            response.close()
        complete = httpx.Response(
            response.status_code,
            headers=response.headers,
            content=b"".join(chunks)[:MAX_BODY],
            request=request,
            extensions={**response.extensions, CUT_KEY: size > MAX_BODY},
        )
        complete.elapsed = response.elapsed  # Schemathesis reads it; a response built here has none.
        return complete

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("auth", False)
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def _check_safe(self, method: str, path: str) -> None:
        if method not in WRITE_METHODS:
            return
        item_id = path_item_id(path)
        if item_id is not None and not self.ledger.may_write(item_id):
            raise UnsafeWrite(f"refusing {method} {path}: item {item_id} was not created by this run")

    def _record(self, method: str, path: str, response: httpx.Response) -> None:
        """Keeps the ledger true to what the server says it did, whatever the test expected."""
        if method not in WRITE_METHODS or not response.is_success:
            if method == "GET" and response.status_code == 404 and (item_id := path_item_id(path)):
                self.ledger.proved_absent(item_id)
            return
        item_id = path_item_id(path)
        if method == "DELETE" and item_id is not None:
            self.ledger.deleted(item_id)
            return
        created = _body_id(response)
        if created is not None and (path.rstrip("/") == ITEMS or item_id == created):
            # A 2xx write to an absent id means the server upserted: that item is ours to clean up.
            self.ledger.created(created)


def _body_id(response: httpx.Response) -> int | None:
    try:
        data = response.json()
    except ValueError:
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
