"""The reference app deployed the way staging servers are: behind fronts of its own, each switched on by
an option, any of them together. A correct API behind them must still be judged conformant.

    python -m tests.servers.gateway --port P --token T [--prefix /api/v1] [--location absolute|relative]
        [--rate N] [--retry-after seconds|date] [--throttle-after N] [--throttle-status 429|503]
        [--key-header 'X-Gateway-Key: secret'] [--certfile F --keyfile F [--client-ca F]] [--bare-list]
        [--other-items N] [--any-unused-ids]

--prefix       the API lives under this path; anything else is the gateway's own 404 page
--location     rewrite the app's Location (`/items/5`) to an absolute URL or to a relative reference
--rate         at most N requests per second (fixed one-second windows); above it 429 with Retry-After
--throttle-after  after N requests, every request gets --throttle-status with Retry-After: 1, for ever
--key-header   refuse (403) every request without this exact header; add the gateway's own response headers
--certfile     serve HTTPS; with --client-ca, require a client certificate signed by that CA (mutual TLS)
--bare-list    a wrong API: GET /items answers a bare JSON array instead of {"items": …, "total": …}
--other-items  the API already holds N items of other clients (a deleted one among every seven), as staging does
--any-unused-ids  the API gives a new item any id never used, not the highest: a correct choice the contract allows
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import ssl
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import AbstractContextManager
from email.utils import formatdate
from typing import Any

import uvicorn

from target_app import create_app
from target_app.models import Item, ItemCreate
from target_app.store import ItemStore
from tests.servers.running import Server, free_port, serve

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def _answer(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Gateway:
    def __init__(self, app: ASGIApp, options: argparse.Namespace) -> None:
        self.app = app
        self.options = options
        self.seen = 0
        self.window = (0, 0)  # (second, requests in it)
        self.key = None
        if options.key_header:
            name, _, value = options.key_header.partition(":")
            self.key = (name.strip().lower().encode(), value.strip().encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)  # lifespan: the app starts and stops as usual
            return
        self.seen += 1
        own = [(b"server", b"test-gateway/1.0"), (b"x-gateway-request-id", str(self.seen).encode())]
        if self.key is not None and self.key not in scope["headers"]:
            body = b'{"message": "missing or wrong gateway key"}'
            await _answer(send, 403, body, [*own, (b"content-type", b"application/json")])
            return
        if throttled := self._throttled():
            status, retry_after = throttled
            await _answer(send, status, b"slow down", [*own, (b"retry-after", retry_after.encode())])
            return
        prefix = self.options.prefix
        if prefix:
            path = scope["path"]
            if path != prefix and not path.startswith(f"{prefix}/"):
                await _answer(send, 404, b"<html>gateway: no route</html>", [*own, (b"content-type", b"text/html")])
                return
            raw = scope.get("raw_path") or path.encode()
            scope = {**scope, "path": path[len(prefix) :] or "/", "raw_path": raw[len(prefix) :] or b"/"}
        await self.app(scope, receive, self._rewriting(scope, send, own))

    def _throttled(self) -> tuple[int, str] | None:
        """The status and Retry-After to refuse this request with, or None when it may pass."""
        if self.options.throttle_after is not None and self.seen > self.options.throttle_after:
            return self.options.throttle_status, "1"
        if not self.options.rate:
            return None
        second = int(time.time())
        start, count = self.window
        self.window = (second, count + 1 if start == second else 1)
        if self.window[1] <= self.options.rate:
            return None
        return 429, formatdate(second + 1, usegmt=True) if self.options.retry_after == "date" else "1"

    def _rewriting(self, scope: Scope, send: Send, own: list[tuple[bytes, bytes]]) -> Send:
        """The app's answer with the gateway's headers added, Location moved under the prefix, and the
        list reshaped for --bare-list."""
        held: dict[str, Message] = {}
        chunks: list[bytes] = []
        reshape = self.options.bare_list and scope["method"] == "GET" and scope["path"].rstrip("/") == "/items"

        async def rewritten(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, self._location(scope, value) if name == b"location" else value)
                    for name, value in message["headers"]
                ]
                message = {**message, "headers": [*headers, *own]}
                if reshape and message["status"] == 200:
                    held["start"] = message
                    return
            elif "start" in held:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                start = held.pop("start")
                body = json.dumps(json.loads(b"".join(chunks))["items"]).encode()
                await _answer(send, 200, body, [(n, v) for n, v in start["headers"] if n != b"content-length"])
                return
            await send(message)

        return rewritten

    def _location(self, scope: Scope, value: bytes) -> bytes:
        """The app says `/items/5`; behind the prefix that is `{prefix}/items/5`, which a gateway may also
        spell as an absolute URL or as `items/5`, relative to the `{prefix}/items` the POST went to."""
        if self.options.location == "relative":
            return value.lstrip(b"/")
        path = self.options.prefix.encode() + value
        if self.options.location == "absolute":
            host = dict(scope["headers"]).get(b"host", b"")
            return scope["scheme"].encode() + b"://" + host + path
        return path


class AnyUnusedIds(ItemStore):
    """Ids drawn at random and never reused (ITEM-ID-UNIQUE), so a new item may land anywhere in the list."""

    def __init__(self) -> None:
        super().__init__()
        self._random = random.Random(1209)
        self._used: set[int] = set()

    async def page(self, offset: int, limit: int) -> tuple[list[Item], int]:
        with self._lock:
            items = sorted(self._items.values(), key=lambda item: item.id)
        return items[offset : offset + limit], len(items)

    async def create(self, data: ItemCreate) -> Item:
        with self._lock:
            item_id = self._random.randint(1, 2**31 - 1)
            while item_id in self._used:
                item_id = self._random.randint(1, 2**31 - 1)
            self._used.add(item_id)
            item = Item(id=item_id, **data.model_dump())
            self._items[item_id] = item
            return item


async def _fill(store: ItemStore, count: int) -> None:
    """Other clients' items, as varied as the contract allows; every seventh deleted again, leaving gaps."""
    for number in range(count):
        description = [None, "", f"note {number} " * 20, "ünïcödé 🚀"][number % 4]
        name = f"other client's item {number}" if number % 3 else "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 " + str(number)
        price = [0.01, 9.99, 1_000_000][number % 3]
        item = await store.create(ItemCreate(name=name, price=price, description=description))
        if number % 7 == 6:
            await store.delete(item.id)


def running(token: str, *options: str) -> AbstractContextManager[Server]:
    """This gateway on a free port, for a test; stopped when the `with` block ends. Its `url` is the bare
    http://127.0.0.1:PORT: the test adds the scheme and prefix it configured."""
    port = free_port()
    command = [sys.executable, "-m", "tests.servers.gateway", "--port", str(port), "--token", token, *options]
    return serve(command, port, items=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--prefix", default="")
    parser.add_argument("--location", choices=("path", "absolute", "relative"), default="path")
    parser.add_argument("--rate", type=int, default=0)
    parser.add_argument("--retry-after", choices=("seconds", "date"), default="seconds")
    parser.add_argument("--throttle-after", type=int, default=None)
    parser.add_argument("--throttle-status", type=int, choices=(429, 503), default=429)
    parser.add_argument("--key-header", default=None)
    parser.add_argument("--certfile", default=None)
    parser.add_argument("--keyfile", default=None)
    parser.add_argument("--client-ca", default=None)
    parser.add_argument("--bare-list", action="store_true")
    parser.add_argument("--other-items", type=int, default=0)
    parser.add_argument("--any-unused-ids", action="store_true")
    options = parser.parse_args()
    store = AnyUnusedIds() if options.any_unused_ids else ItemStore()
    asyncio.run(_fill(store, options.other_items))
    uvicorn.run(
        Gateway(create_app(tokens=[options.token], store=store), options),
        host="127.0.0.1",
        port=options.port,
        log_level="warning",
        server_header=False,  # the gateway names itself
        ssl_certfile=options.certfile,
        ssl_keyfile=options.keyfile,
        ssl_ca_certs=options.client_ca,
        ssl_cert_reqs=ssl.CERT_REQUIRED if options.client_ca else ssl.CERT_NONE,
    )


if __name__ == "__main__":
    main()
