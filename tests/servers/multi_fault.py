"""An Items API of its own with many faults at once, each a shape a first run meets in the wild, for the tests of
a first run (tests/test_first_run.py). Without a shape it follows the contract; it starts pre-filled with 50
items that are not the suite's.

    python -m tests.servers.multi_fault --port P --token T [--shape SHAPE ...]   (--shape all: every one)

Shapes:
  no-auth         writes succeed without (or with any) credentials
  string-ids      ids are strings like "a1b1", never integers
  delete-all      DELETE /items deletes every item, PUT /items replaces and PATCH /items updates them all (a
                  body that is not JSON counts as {})
  create-200      a create answers 200 instead of 201
  no-patch        there is no PATCH route: every PATCH of an item answers 405
  any-json        bodies are not validated: any JSON is stored as it comes (arrays and strings as entries
                  without an id, objects with their extra members and without the ones they lack)
  infinite-price  a price past a double's range (1e400) is stored as infinity, and from then on every answer
                  holding it, every list included, is a 500 (its encoder refuses non-finite numbers)

`GET /__store` gives the whole store, independently of the contract's routes: every entry's stored JSON text,
whether it was there at the start, and the key of every entry made since.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.servers.running import Server as Running
from tests.servers.running import free_port, serve

SHAPES = ("no-auth", "string-ids", "delete-all", "create-200", "no-patch", "any-json", "infinite-price")
SEEDED = 50
MAX_PRICE = 1_000_000
CREATE_MEMBERS = {"name", "price", "description"}
STORE_ROUTE = "/__store"
EMPTY = object()
"""No body (a 204), as against a stored JSON null."""


class Invalid(Exception):
    """A body the contract's schema refuses: 422 naming the member."""


class NotJson(Exception):
    """A body that is not well-formed JSON (RFC 8259): 400."""


def parse(body: bytes) -> Any:
    """Strict JSON: no NaN or Infinity tokens; numbers too large for an int's text become floats (infinity)."""

    def no_constant(token: str) -> Any:
        raise NotJson(f"{token} is not JSON")

    try:
        return json.loads(
            body.decode("utf-8"),
            parse_constant=no_constant,
            parse_int=lambda text: int(text) if len(text) <= 300 else float(text),
        )
    except (UnicodeDecodeError, ValueError) as error:
        raise NotJson(str(error)) from error


def finite(value: Any) -> Any:
    """The value with every non-finite float written as a (huge) integer: valid JSON that reads back as infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        return 10**400 if value > 0 else -(10**400)
    if isinstance(value, dict):
        return {key: finite(member) for key, member in value.items()}
    if isinstance(value, list):
        return [finite(member) for member in value]
    return value


def has_infinity(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(has_infinity(member) for member in value.values())
    if isinstance(value, list):
        return any(has_infinity(member) for member in value)
    return False


def check_members(body: Any, required: bool, infinity_passes: bool) -> None:
    """ItemCreate (required) or ItemPatch rules, raising Invalid that names every offending member."""
    if not isinstance(body, dict):
        raise Invalid("body: must be an object")
    wrong = [f"{member}: unknown member" for member in sorted(set(body) - CREATE_MEMBERS)]
    wrong += [f"{member}: required" for member in ("name", "price") if required and member not in body]
    name, price, description = body.get("name"), body.get("price"), body.get("description")
    if "name" in body and (not isinstance(name, str) or not 1 <= len(name) <= 100):
        wrong.append("name: a string of 1 to 100 characters")
    if "price" in body:
        # infinite-price: the upper bound is checked on finite numbers only, so infinity gets through.
        number = isinstance(price, int | float) and not isinstance(price, bool)
        infinite = infinity_passes and isinstance(price, float) and math.isinf(price)
        if not number or not price > 0 or (price > MAX_PRICE and not infinite):
            wrong.append("price: a number greater than 0 and at most 1000000")
    if description is not None and (not isinstance(description, str) or len(description) > 1000):
        wrong.append("description: a string of at most 1000 characters, or null")
    if wrong:
        raise Invalid("; ".join(wrong))


class Store:
    """Entries by key, as their stored JSON values; thread-safe (the suite writes from several threads)."""

    def __init__(self, shapes: set[str]) -> None:
        self.shapes = shapes
        self.lock = threading.Lock()
        self.entries: dict[str, Any] = {}
        self.seeds: set[str] = set()
        self.made: list[str] = []
        self.counter = 0
        for number in range(1, SEEDED + 1):
            key = self.new_key()
            self.entries[key] = {
                "id": self.id_of(key),
                "name": f"Catalogue entry {number:02d}",
                "price": round(number * 1.25, 2),
                "description": None if number % 3 == 0 else f"kept from before the run, number {number}",
            }
            self.seeds.add(key)

    def new_key(self) -> str:
        self.counter += 1
        return f"a{self.counter}b{self.counter % 10}" if "string-ids" in self.shapes else str(self.counter)

    def id_of(self, key: str) -> int | str:
        return key if "string-ids" in self.shapes else int(key)

    def dump(self) -> dict[str, Any]:
        with self.lock:
            return {
                "entries": [
                    {"key": key, "seed": key in self.seeds, "text": json.dumps(finite(value))}
                    for key, value in self.entries.items()
                ],
                "made": list(self.made),
            }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    store: Store
    token: str

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads the store, not the log."""

    @property
    def shapes(self) -> set[str]:
        return self.store.shapes

    # -- the answer -------------------------------------------------------------------------------------------

    def send(self, status: int, value: Any = EMPTY, headers: dict[str, str] | None = None, media: str = "") -> None:
        if "infinite-price" in self.shapes and has_infinity(value):
            status, value, media = 500, {"detail": "Out of range float values are not JSON compliant"}, ""
        content = b"" if value is EMPTY else json.dumps(finite(value)).encode()
        self.send_response(status)
        if value is not EMPTY:
            self.send_header("content-type", media or "application/json")
        for name, text in (headers or {}).items():
            self.send_header(name, text)
        self.send_header("content-length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    def problem(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
        self.send(status, body, headers, "application/problem+json")

    def read_body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def authorised(self) -> bool:
        if "no-auth" in self.shapes:
            return True
        scheme, _, token = (self.headers.get("authorization") or "").partition(" ")
        if scheme.lower() == "bearer" and token == self.token:
            return True
        self.problem(401, "a valid bearer token is required", {"www-authenticate": 'Bearer realm="items"'})
        return False

    # -- routing ----------------------------------------------------------------------------------------------

    def route(self) -> None:
        body = self.read_body()
        url = urlsplit(self.path)
        path = url.path.rstrip("/") if url.path != "/" else url.path
        if path == STORE_ROUTE and self.command == "GET":
            self.send(200, self.store.dump())
            return
        if path == "/items":
            self.collection(url.query, body)
            return
        match = re.fullmatch(r"/items/([^/]+)", path)
        if match:
            self.item(match.group(1), body)
            return
        self.problem(404, f"no such path: {url.path}")

    def collection(self, query: str, body: bytes) -> None:
        methods = ["GET", "POST", *(["PUT", "PATCH", "DELETE"] if "delete-all" in self.shapes else [])]
        actions: dict[str, Callable[[bytes], None]] = {"POST": self.create, "PUT": self.all, "PATCH": self.all}
        if self.command in ("GET", "HEAD"):
            self.list(query)
        elif self.command == "OPTIONS":
            self.send(204, headers={"allow": ", ".join(methods)})
        elif self.command not in methods:
            self.problem(405, f"{self.command} is not allowed here", {"allow": ", ".join(methods)})
        elif self.authorised():
            if self.command == "DELETE":
                with self.store.lock:
                    self.store.entries.clear()
                self.send(204)
            else:
                actions[self.command](body)

    def item(self, segment: str, body: bytes) -> None:
        methods = ["GET", "PUT", *([] if "no-patch" in self.shapes else ["PATCH"]), "DELETE"]
        if self.command == "OPTIONS":
            self.send(204, headers={"allow": ", ".join(methods)})
            return
        if self.command not in (*methods, "HEAD"):
            self.problem(405, f"{self.command} is not allowed here", {"allow": ", ".join(methods)})
            return
        if self.command not in ("GET", "HEAD") and not self.authorised():
            return
        with self.store.lock:
            found, value = segment in self.store.entries, self.store.entries.get(segment)
            if found and self.command == "DELETE":
                del self.store.entries[segment]
        if not found:
            self.problem(404, f"no item {segment}")
        elif self.command in ("GET", "HEAD"):
            self.send(200, value)
        elif self.command == "DELETE":
            self.send(204)
        else:
            self.write(segment, body)

    # -- operations -------------------------------------------------------------------------------------------

    def list(self, query: str) -> None:
        params = parse_qs(query, keep_blank_values=True)
        window = {}
        for name, default, least in (("limit", 10, 1), ("offset", 0, 0)):
            text = params.get(name, [str(default)])[-1]
            if not re.fullmatch(r"[0-9]{1,18}", text) or int(text) < least or (name == "limit" and int(text) > 100):
                self.problem(400, f"{name}: an integer, limit from 1 to 100, offset from 0")
                return
            window[name] = int(text)
        with self.store.lock:
            values = list(self.store.entries.values())
        if "infinite-price" in self.shapes and has_infinity(values):
            self.send(500, {"detail": "Out of range float values are not JSON compliant"})
            return
        start = window["offset"]
        self.send(200, {"items": values[start : start + window["limit"]], "total": len(values)})

    def body_of(self, content: bytes, required: bool) -> tuple[bool, Any]:
        """The parsed body, or (False, None) once a 400 or 422 is sent."""
        try:
            value = parse(content)
            if "any-json" not in self.shapes:
                check_members(value, required, "infinite-price" in self.shapes)
        except NotJson as error:
            self.problem(400, f"the body is not JSON: {error}")
            return False, None
        except Invalid as error:
            self.problem(422, f"invalid body: {error}")
            return False, None
        return True, value

    def create(self, content: bytes) -> None:
        ok, value = self.body_of(content, required=True)
        if not ok:
            return
        with self.store.lock:
            key = self.store.new_key()
            if isinstance(value, dict):
                # any-json keeps whatever members came; otherwise the body is a valid ItemCreate.
                defaults = {} if "any-json" in self.shapes else {"description": None}
                value = {"id": self.store.id_of(key), **defaults, **value} | {"id": self.store.id_of(key)}
            self.store.entries[key] = value
            self.store.made.append(key)
        status = 200 if "create-200" in self.shapes else 201
        self.send(status, value, {"location": f"/items/{key}"})

    def write(self, key: str, content: bytes) -> None:
        """PUT (every member replaced) or PATCH (merged) of one item."""
        ok, value = self.body_of(content, required=self.command == "PUT")
        if not ok:
            return
        with self.store.lock:
            if key not in self.store.entries:
                self.problem(404, f"no item {key}")
                return
            self.store.entries[key] = self.changed(self.store.entries[key], value, key)
            stored = self.store.entries[key]
        self.send(200, stored)

    def changed(self, old: Any, value: Any, key: str) -> Any:
        if not isinstance(value, dict):
            return value  # any-json: stored as it comes, without an id
        if self.command == "PUT":
            return {"id": self.store.id_of(key), "description": None, **value} | {"id": self.store.id_of(key)}
        return {**(old if isinstance(old, dict) else {}), **value}

    def all(self, content: bytes) -> None:
        """delete-all: PUT /items replaces, PATCH /items updates, every stored item, unvalidated. Its body is read
        as a lenient body parser does: what is not JSON counts as an empty object."""
        try:
            value = parse(content)
        except NotJson:
            value = {}
        with self.store.lock:
            for key, old in list(self.store.entries.items()):
                self.store.entries[key] = self.changed(old, value, key)
            values = list(self.store.entries.values())
        self.send(200, {"items": values[:100], "total": len(values)})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_TRACE = route


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    """The suite's concurrency tests open many connections at once: more than the default backlog of 5."""


def shapes_of(names: list[str]) -> set[str]:
    chosen = set(SHAPES) if "all" in names else set(names)
    unknown = chosen - set(SHAPES)
    if unknown:
        raise SystemExit(f"unknown shapes: {', '.join(sorted(unknown))}; known: {', '.join(SHAPES)}, all")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--shape", action="append", default=[], help=f"one of {', '.join(SHAPES)}, or all")
    args = parser.parse_args()
    store = Store(shapes_of(args.shape))
    handler = type("BoundHandler", (Handler,), {"store": store, "token": args.token})
    server = Server(("127.0.0.1", args.port), handler)
    server.serve_forever()


# -- for the tests and the bench: the server on a free port, and what its store holds of a run -------------------


def running(shapes: list[str], token: str) -> AbstractContextManager[Running]:
    """This server with these shapes on a free port, for a test; stopped when the `with` block ends."""
    port = free_port()
    command = [sys.executable, "-m", "tests.servers.multi_fault", "--port", str(port), "--token", token]
    return serve([*command, *(arg for shape in shapes for arg in ("--shape", shape))], port)


def read_store(url: str) -> dict[str, Any]:
    """`GET /__store`: every entry's stored JSON text by key, and the keys made since the start."""
    return httpx.get(f"{url}{STORE_ROUTE}", timeout=30).raise_for_status().json()


@dataclass(frozen=True)
class Accounting:
    """What the store holds after a run, against the store before it (the server was fresh: all it made is
    the run's)."""

    seeds: int
    seeds_changed: list[str]
    """Keys of pre-existing entries whose stored text changed, or that are gone."""
    created: int
    left: list[Any]
    """The ids (as the API shows them) of the run's entries still stored."""
    left_without_id: int
    """The run's entries still stored that carry no id: a client cannot address them."""

    @property
    def deleted(self) -> int:
        return self.created - len(self.left) - self.left_without_id


def account(before: dict[str, Any], after: dict[str, Any]) -> Accounting:
    seeds = {entry["key"]: entry["text"] for entry in before["entries"] if entry["seed"]}
    now = {entry["key"]: entry["text"] for entry in after["entries"]}
    left = [json.loads(now[key]) for key in after["made"] if key in now]
    with_id = [entry["id"] for entry in left if isinstance(entry, dict) and "id" in entry]
    return Accounting(
        seeds=len(seeds),
        seeds_changed=[key for key, text in seeds.items() if now.get(key) != text],
        created=len(after["made"]),
        left=with_id,
        left_without_id=len(left) - len(with_id),
    )


if __name__ == "__main__":
    main()
