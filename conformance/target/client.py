"""The one way the suites talk to a target: every request is paced, counted, guarded by the ledger (guard.py)
and kept as redactable evidence (exchange.py)."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Final

import httpx

from conformance.target.errors import MissingToken, NoResponse, ReadOnlyRefused, TargetDown
from conformance.target.exchange import CURL_KEY, CUT_KEY, REDACTOR_KEY, from_request
from conformance.target.guard import WRITE_METHODS, CollectionPermit, check_safe, record
from conformance.target.ledger import Ledger
from conformance.target.open_input import open_input
from conformance.target.pacing import Pacer, Throttled
from conformance.target.paths import operation_of
from conformance.target.redaction import Redactor

NO_BODY: Final = object()

Auth = bool | str | None
"""True: the configured bearer token; False/None: no Authorization header; a str: that exact header value."""


MAX_BODY = 8 * 1024 * 1024
"""Responses larger than this are cut off: a body of that size is a violation on its own."""
DOWN_AFTER = 5
"""Consecutive requests without a response after which the run stops as could-not-judge."""


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
        permit: CollectionPermit | None = None,
    ) -> httpx.Response:
        """`permit`: the proof that the collection holds only the run's items, without which no method but POST
        is sent to it (guard.permit_collection_write)."""
        method = method.upper()
        if self.read_only and method in WRITE_METHODS:
            raise ReadOnlyRefused(f"{method} {path} is a write, and this run is --read-only")
        check_safe(self.ledger, method, path, auth=auth, permit=permit)
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
        record(self.ledger, method, path, response, open_input(content) if method in WRITE_METHODS else None)
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
