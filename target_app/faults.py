"""Deliberate, realistic implementation bugs, one per name, to prove that the suites catch them.

Each fault swaps one seam of the app (the store, the authenticator, an error handler) or wraps it
in ASGI middleware that bends requests or responses the way a buggy server would, and names the
requirements it violates. The clean app never imports this module unless a fault is asked for.
A fault registers with @fault on its `inject(parts)`; one that is only a store subclass, a response
edit or a change of JSON request bodies registers that itself with @store_fault, @response_fault or
@body_fault.

    create_app(faults=["list-offset-off-by-one"])      python -m target_app --fault NAME
"""

from __future__ import annotations

import asyncio
import inspect
import json
import math
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException, NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from pydantic import ValidationError

from target_app.auth import BearerAuth
from target_app.errors import MalformedBody, UnprocessableBody, http_exception_to_problem, problem_response
from target_app.models import FieldError, Item, ItemCreate, ItemPatch
from target_app.parts import AppParts
from target_app.routes import read_json
from target_app.store import ItemStore

Inject = Callable[[AppParts], None]
Part = TypeVar("Part")


@dataclass(frozen=True)
class Fault:
    name: str
    violates: tuple[str, ...]
    description: str
    inject: Inject


FAULTS: dict[str, Fault] = {}


def fault(name: str, violates: tuple[str, ...], description: str) -> Callable[[Inject], Inject]:
    """Registers the decorated `inject(parts)` under `name` and returns it unchanged."""

    def register(inject: Inject) -> Inject:
        FAULTS[name] = Fault(name, violates, description, inject)
        return inject

    return register


def _installed_by(
    install: Callable[[AppParts, Part], None], name: str, violates: tuple[str, ...], description: str
) -> Callable[[Part], Part]:
    """A decorator registering the fault `install(parts, decorated)`; it returns what it decorates unchanged."""

    def register(part: Part) -> Part:
        fault(name, violates, description)(lambda parts: install(parts, part))
        return part

    return register


def inject(parts: AppParts, names: Iterable[str]) -> None:
    for name in names:
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(sorted(FAULTS))}")
        FAULTS[name].inject(parts)


# --- Seams ----------------------------------------------------------------------------------------

Headers = list[tuple[bytes, bytes]]
ResponseEdit = Callable[[Scope, int, Headers, bytes], tuple[int, Headers, bytes]]
ITEM_PATH = re.compile(r"^/items/[^/]+$")


def _is(scope: Scope, method: str, path: str = "item") -> bool:
    """Whether the request is `method` on the collection (`path="/items"`) or on an item."""
    matches = ITEM_PATH.match(scope["path"]) if path == "item" else scope["path"].rstrip("/") == path
    return scope.get("method") == method and bool(matches)


def _without(headers: Headers, *names: bytes) -> Headers:
    return [(key, value) for key, value in headers if key.lower() not in names]


def _json_response(
    status: int, headers: Headers, body: object, media: bytes = b"application/json"
) -> tuple[int, Headers, bytes]:
    content = json.dumps(body).encode()
    return status, [*_without(headers, b"content-type", b"content-length"), (b"content-type", media)], content


def edit_responses(parts: AppParts, edit: ResponseEdit) -> None:
    """Buffers every response and lets `edit` change its status, headers or body."""

    def middleware(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            start: dict[str, Any] = {}
            chunks: list[bytes] = []

            async def capture(message: Message) -> None:
                if message["type"] == "http.response.start":
                    start.update(message)
                elif message["type"] == "http.response.body":
                    chunks.append(message.get("body", b""))
                    if not message.get("more_body", False):
                        status, headers, body = edit(
                            scope, start["status"], list(start.get("headers", [])), b"".join(chunks)
                        )
                        headers = [*_without(headers, b"content-length"), (b"content-length", str(len(body)).encode())]
                        await send({"type": "http.response.start", "status": status, "headers": headers})
                        await send({"type": "http.response.body", "body": body})

            await app(scope, receive, capture)

        return wrapped

    parts.middleware.append(middleware)


def response_fault(name: str, violates: tuple[str, ...], description: str) -> Callable[[ResponseEdit], ResponseEdit]:
    """For a fault that only edits responses: the decorated function is the edit."""
    return _installed_by(edit_responses, name, violates, description)


RequestEdit = Callable[[Scope, bytes], bytes | Response | Awaitable[bytes | Response | None] | None]


def edit_requests(parts: AppParts, edit: RequestEdit) -> None:
    """Reads every request body first; `edit` (a coroutine if it must await the store) may return a new body,
    or a response to answer with at once."""

    def middleware(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            body, more = b"", True
            while more:
                message = await receive()
                body += message.get("body", b"")
                more = message.get("more_body", False)
            edited = edit(scope, body)
            if inspect.isawaitable(edited):
                edited = await edited
            if isinstance(edited, Response):
                await edited.to_asgi_response(app=None, request=Request(scope))(scope, receive, send)  # type: ignore[arg-type]
                return
            replay = edited if edited is not None else body

            async def replayed() -> Message:
                return {"type": "http.request", "body": replay, "more_body": False}

            await app(scope, replayed, send)

        return wrapped

    parts.middleware.append(middleware)


DocumentChange = Callable[[dict[str, Any]], None]


def edit_json_bodies(parts: AppParts, change: DocumentChange, method: str | None = None) -> None:
    """Applies `change` to every JSON-object request body (only those of `method` on an item, when given);
    anything else, an empty body included, passes untouched."""

    def edit(scope: Scope, body: bytes) -> bytes | None:
        if method is not None and not _is(scope, method):
            return None
        try:
            document = json.loads(body)
        except ValueError:
            return None
        if not isinstance(document, dict):
            return None
        change(document)
        return json.dumps(document, ensure_ascii=False).encode()

    edit_requests(parts, edit)


def body_fault(
    name: str, violates: tuple[str, ...], description: str, method: str | None = None
) -> Callable[[DocumentChange], DocumentChange]:
    """For a fault that only bends JSON request bodies: the decorated function changes each document."""
    return _installed_by(lambda parts, change: edit_json_bodies(parts, change, method), name, violates, description)


def _swap_store(parts: AppParts, store_class: type[ItemStore]) -> None:
    parts.store = store_class()


def store_fault(name: str, violates: tuple[str, ...], description: str) -> Callable[[type[ItemStore]], type[ItemStore]]:
    """For a buggy store: the decorated ItemStore subclass replaces the clean one."""
    return _installed_by(_swap_store, name, violates, description)


class _Wrapped(BearerAuth):
    """An authenticator that decides differently from the configured one in some cases."""

    def __init__(self, inner: BearerAuth) -> None:
        self.inner = inner

    def accepts(self, authorization: str | None) -> bool:
        return self.inner.accepts(authorization)


def _auth(parts: AppParts, decide: Callable[[BearerAuth, str | None], bool]) -> None:
    class Decided(_Wrapped):
        def accepts(self, authorization: str | None) -> bool:
            return decide(self.inner, authorization)

    parts.auth = Decided(parts.auth)


# --- §1 The resource ------------------------------------------------------------------------------


@body_fault("trims-strings", ("ITEM-ROUNDTRIP",), "names and descriptions are stored with surrounding spaces trimmed")
def _trims_strings(document: dict[str, Any]) -> None:
    for member in ("name", "description"):
        if isinstance(document.get(member), str) and document[member].strip():
            document[member] = document[member].strip()


@fault(
    "astral-plane-500",
    ("GEN-NO-5XX", "CREATE-201", "ITEM-ROUNDTRIP"),
    "a body with characters beyond the BMP (emoji) crashes the server: 500",
)
def _astral_plane_500(parts: AppParts) -> None:
    astral = re.compile(rb"[\xf0-\xf4][\x80-\xbf]{3}|\\u[dD][89abAB]")
    edit_requests(parts, lambda scope, body: problem_response(500, "crash") if astral.search(body) else None)


@store_fault(
    "name-100-chars-500", ("GEN-NO-5XX", "CREATE-201"), "a name of exactly 100 characters crashes the insert: 500"
)
class _NameLimitCrash(ItemStore):
    async def create(self, data: ItemCreate) -> Item:
        if len(data.name) == 100:
            raise RuntimeError("value too long for type character varying(99)")
        return await super().create(data)


def _edit_items(change: DocumentChange) -> ResponseEdit:
    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        if status not in (200, 201) or not scope["path"].startswith("/items"):
            return status, headers, body
        document = json.loads(body)
        for item in document.get("items", [document]):
            change(item)
        return _json_response(status, headers, document)

    return edit


@fault("item-extra-member", ("ITEM-SHAPE",), "every returned item carries an extra 'created_at' member")
def _item_extra_member(parts: AppParts) -> None:
    edit_responses(parts, _edit_items(lambda item: item.update(created_at="2026-01-01T00:00:00Z")))


@fault("price-as-string", ("ITEM-SHAPE",), "prices are returned as strings ('9.99'), as a Decimal serialiser does")
def _price_as_string(parts: AppParts) -> None:
    edit_responses(parts, _edit_items(lambda item: item.update(price=str(item["price"]))))


@store_fault(
    "ids-from-max-plus-one", ("ITEM-ID-UNIQUE",), "ids are max(id) + 1, so the highest id is reused after delete"
)
class _MaxPlusOne(ItemStore):
    async def create(self, data: ItemCreate) -> Item:
        self._last_id = max(self._items, default=0)
        return await super().create(data)


# --- §2 Authentication ----------------------------------------------------------------------------


@fault("auth-any-token", ("AUTH-INVALID",), "any bearer token is accepted, configured or not")
def _auth_any_token(parts: AppParts) -> None:
    _auth(parts, lambda inner, header: bool(header) and header.lower().startswith("bearer ") and bool(header[7:]))


@fault("auth-basic-accepted", ("AUTH-INVALID",), "any Basic credentials are accepted as well as the bearer token")
def _auth_basic_accepted(parts: AppParts) -> None:
    _auth(parts, lambda inner, header: inner.accepts(header) or (header or "").lower().startswith("basic "))


@fault("auth-scheme-ignored", ("AUTH-INVALID",), "the last word of the header is the token, whatever the scheme")
def _auth_scheme_ignored(parts: AppParts) -> None:
    # e.g. `header.split(" ")[-1]`: Basic <token>, Token <token> and <token> alone are all let in.
    _auth(parts, lambda inner, header: bool(header) and inner.accepts(f"Bearer {header.split(' ')[-1]}"))


@fault("auth-token-prefix", ("AUTH-INVALID",), "a token that starts with a configured one is accepted")
def _auth_token_prefix(parts: AppParts) -> None:
    def decide(inner: BearerAuth, header: str | None) -> bool:
        scheme, _, presented = (header or "").partition(" ")
        return scheme.lower() == "bearer" and any(inner.accepts(f"Bearer {presented[:n]}") for n in range(1, 200))

    _auth(parts, decide)


@fault(
    "auth-token-case-insensitive",
    ("AUTH-INVALID",),
    "the whole header is compared case-insensitively, the token too (AUTH-SCHEME-CASE done on the wrong part)",
)
def _auth_token_case_insensitive(parts: AppParts) -> None:
    def decide(inner: BearerAuth, header: str | None) -> bool:
        scheme, _, presented = (header or "").partition(" ")
        variants = {presented, presented.lower(), presented.upper(), presented.swapcase()}
        return any(inner.accepts(f"{scheme} {variant}") for variant in variants)

    _auth(parts, decide)


@fault("auth-optional", ("AUTH-REQUIRED",), "a write without an Authorization header is let through")
def _auth_optional(parts: AppParts) -> None:
    _auth(parts, lambda inner, header: header is None or inner.accepts(header))


@fault("auth-scheme-case-sensitive", ("AUTH-SCHEME-CASE",), "only 'Bearer' with a capital B is accepted")
def _auth_scheme_case_sensitive(parts: AppParts) -> None:
    _auth(parts, lambda inner, header: (header or "").startswith("Bearer ") and inner.accepts(header))


class _ExistenceFirst(_Wrapped):
    def __init__(self, inner: BearerAuth, store: ItemStore) -> None:
        super().__init__(inner)
        self.store = store

    async def guard(self, connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        item_id = connection.path_params.get("item_id")
        if item_id is not None and await self.store.get(item_id) is None:
            raise NotFoundException(detail=f"Item {item_id} does not exist.")
        await super().guard(connection, handler)


@fault(
    "auth-after-existence", ("AUTH-FIRST",), "the item is looked up before the token: a missing id gets 404, not 401"
)
def _auth_after_existence(parts: AppParts) -> None:
    parts.auth = _ExistenceFirst(parts.auth, parts.store)


REFUSED_AFTERWARDS = "fault.refused-afterwards"


class _RefusesAfterWriting(_Wrapped):
    async def guard(self, connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        if not self.accepts(connection.headers.get("authorization")):
            connection.scope[REFUSED_AFTERWARDS] = True  # type: ignore[literal-required]


@fault("auth-refuses-after-writing", ("AUTH-NO-EFFECT",), "a bad token gets 401, but only after the write was done")
def _auth_refuses_after_writing(parts: AppParts) -> None:
    parts.auth = _RefusesAfterWriting(parts.auth)

    def refuse(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        if not scope.get(REFUSED_AFTERWARDS):
            return status, headers, body
        return _json_response(
            401,
            [(b"www-authenticate", b"Bearer")],
            {"detail": "Unauthorized", "status": 401, "title": "Unauthorized"},
            b"application/problem+json",
        )

    edit_responses(parts, refuse)


@fault("auth-on-reads", ("AUTH-READ-OPEN",), "GET requests need the bearer token too")
def _auth_on_reads(parts: AppParts) -> None:
    auth = parts.auth

    def guard_reads(scope: Scope, body: bytes) -> Response | None:
        headers = dict(scope["headers"])
        if scope["method"] == "GET" and scope["path"].startswith("/items"):
            header = headers.get(b"authorization")
            if not auth.accepts(header.decode("latin-1") if header else None):
                return problem_response(401, "A valid bearer token is required.", {"WWW-Authenticate": "Bearer"})
        return None

    edit_requests(parts, guard_reads)


@response_fault("auth-no-challenge", ("AUTH-CHALLENGE",), "401 answers carry no WWW-Authenticate header")
def _auth_no_challenge(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    return status, _without(headers, b"www-authenticate"), body


# --- §3.1 List ------------------------------------------------------------------------------------


@store_fault("list-offset-off-by-one", ("LIST-WINDOW",), "the page starts one item after `offset`")
class _OffsetOffByOne(ItemStore):
    async def page(self, offset: int, limit: int) -> tuple[list[Item], int]:
        return await super().page(offset + 1, limit)


@store_fault("list-total-counts-page", ("LIST-TOTAL",), "`total` is the size of the page, not of the collection")
class _TotalCountsPage(ItemStore):
    async def page(self, offset: int, limit: int) -> tuple[list[Item], int]:
        items, _ = await super().page(offset, limit)
        return items, len(items)


@store_fault("list-newest-first", ("LIST-ORDER",), "items are listed newest first (descending ids)")
class _NewestFirst(ItemStore):
    async def page(self, offset: int, limit: int) -> tuple[list[Item], int]:
        items, total = await super().page(0, len(self._items))
        return items[::-1][offset : offset + limit], total


def edit_list_queries(parts: AppParts, change: Callable[[dict[str, str]], None]) -> None:
    """Lets `change` edit the query parameters of every GET /items before the app reads them."""

    def edit(scope: Scope, body: bytes) -> None:
        if _is(scope, "GET", "/items"):
            query = dict(parse_qsl(scope["query_string"].decode(), keep_blank_values=True))
            change(query)
            scope["query_string"] = urlencode(query).encode()

    edit_requests(parts, edit)


@fault("list-default-limit-20", ("LIST-DEFAULTS",), "without `limit`, pages hold 20 items instead of 10")
def _list_default_limit_20(parts: AppParts) -> None:
    edit_list_queries(parts, lambda query: query.setdefault("limit", "20"))


@fault("list-params-clamped", ("LIST-PARAMS-400",), "an out-of-range limit or offset is clamped instead of refused")
def _list_params_clamped(parts: AppParts) -> None:
    def clamp(query: dict[str, str]) -> None:
        for name, low, high in (("limit", 1, 100), ("offset", 0, 10**9)):
            if re.fullmatch(r"-?\d+", query.get(name, "x")):
                query[name] = str(min(max(int(query[name]), low), high))

    edit_list_queries(parts, clamp)


@response_fault(
    "list-params-422", ("LIST-PARAMS-400", "GEN-DOCUMENTED"), "a bad limit or offset gets 422 instead of 400"
)
def _list_params_422(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    return (422 if status == 400 and _is(scope, "GET", "/items") else status), headers, body


@response_fault("list-items-renamed", ("LIST-200",), "the page holds its items under 'data' instead of 'items'")
def _list_items_renamed(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    if status != 200 or not _is(scope, "GET", "/items"):
        return status, headers, body
    page = json.loads(body)
    return _json_response(200, headers, {"data": page["items"], "total": page["total"]})


# --- §3.2 Create ----------------------------------------------------------------------------------


def _restatus(method: str, path: str, old: int, new: int, body: bytes | None = None) -> ResponseEdit:
    def edit(scope: Scope, status: int, headers: Headers, content: bytes) -> tuple[int, Headers, bytes]:
        if status == old and _is(scope, method, path):
            return new, headers, content if body is None else body
        return status, headers, content

    return edit


@fault("create-200", ("CREATE-201",), "a create answers 200 instead of 201")
def _create_200(parts: AppParts) -> None:
    edit_responses(parts, _restatus("POST", "/items", 201, 200))


@response_fault("create-no-location", ("CREATE-LOCATION",), "the 201 has no Location header")
def _create_no_location(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    return status, _without(headers, b"location"), body


@store_fault("create-not-stored", ("CREATE-READBACK",), "a create answers 201 but the item is never stored")
class _CreateNotStored(ItemStore):
    async def create(self, data: ItemCreate) -> Item:
        item = await super().create(data)
        await super().delete(item.id)  # e.g. a transaction never committed
        return item


# --- §3.3 Read ------------------------------------------------------------------------------------


@fault("read-missing-200-null", ("READ-404",), "reading a missing id answers 200 with null")
def _read_missing_200_null(parts: AppParts) -> None:
    edit_responses(parts, _restatus("GET", "item", 404, 200, b"null"))


@store_fault("read-drops-description", ("READ-200",), "GET /items/{id} returns the item without its description")
class _ReadDropsDescription(ItemStore):
    async def get(self, item_id: int) -> Item | None:
        item = await super().get(item_id)
        return item.model_copy(update={"description": None}) if item else None


# --- §3.4 Replace ---------------------------------------------------------------------------------


@store_fault("put-upserts", ("REPLACE-404",), "PUT to a missing id creates the item (upsert)")
class _PutUpserts(ItemStore):
    async def replace(self, item_id: int, data: ItemCreate) -> Item | None:
        if await self.get(item_id) is None:
            self._items[item_id] = Item(id=item_id, **data.model_dump())
        return await super().replace(item_id, data)


@store_fault("put-keeps-description", ("REPLACE-200",), "PUT merges like PATCH: an absent description is kept")
class _PutMerges(ItemStore):
    async def replace(self, item_id: int, data: ItemCreate) -> Item | None:
        return await self.update(item_id, ItemPatch(**data.model_dump(exclude_unset=True)))


@store_fault(
    "put-returns-previous", ("REPLACE-200", "REPLACE-IDEMPOTENT"), "PUT answers with the item as it was before"
)
class _PutReturnsPrevious(ItemStore):
    async def replace(self, item_id: int, data: ItemCreate) -> Item | None:
        previous = await self.get(item_id)
        await super().replace(item_id, data)
        return previous


# --- §3.5 Update ----------------------------------------------------------------------------------


@store_fault("patch-resets-description", ("UPDATE-200",), "PATCH treats an absent description as null, like PUT")
class _PatchResetsDescription(ItemStore):
    async def update(self, item_id: int, patch: ItemPatch) -> Item | None:
        if "description" not in patch.model_fields_set:
            patch = patch.model_copy(update={"description": None})
        return await super().update(item_id, patch)


@store_fault("patch-empty-refused", ("UPDATE-EMPTY",), "an empty patch {} is refused with 422")
class _EmptyPatchRefused(ItemStore):
    async def update(self, item_id: int, patch: ItemPatch) -> Item | None:
        if not patch.model_fields_set:
            raise UnprocessableBody([FieldError(field="(body)", message="nothing to update")])
        return await super().update(item_id, patch)


@fault("patch-missing-204", ("UPDATE-404",), "PATCH of a missing id answers 204 instead of 404")
def _patch_missing_204(parts: AppParts) -> None:
    edit_responses(parts, _restatus("PATCH", "item", 404, 204, b""))


@body_fault(
    "patch-null-ignored",
    ("UPDATE-NULL-REQUIRED",),
    "name: null or price: null in a patch is ignored, not refused",
    method="PATCH",
)
def _patch_null_ignored(document: dict[str, Any]) -> None:
    for member in ("name", "price"):
        if member in document and document[member] is None:
            del document[member]


# --- §3.6 Delete ----------------------------------------------------------------------------------


@store_fault("delete-keeps-item", ("DELETE-GONE",), "DELETE answers 204 but the item stays")
class _DeleteKeepsItem(ItemStore):
    async def delete(self, item_id: int) -> bool:
        return await self.get(item_id) is not None


@fault("delete-200-with-body", ("DELETE-204",), "DELETE answers 200 with a body instead of 204")
def _delete_200_with_body(parts: AppParts) -> None:
    edit_responses(parts, _restatus("DELETE", "item", 204, 200, b'{"deleted": true}'))


@fault("delete-missing-204", ("DELETE-404",), 'DELETE of a missing id answers 204 ("idempotent" delete)')
def _delete_missing_204(parts: AppParts) -> None:
    edit_responses(parts, _restatus("DELETE", "item", 404, 204, b""))


# --- §3.7 Ids in the path ---------------------------------------------------------------------------


@fault("path-id-500", ("PATH-ID", "GEN-NO-5XX"), "a path id that is not an integer crashes the server: 500")
def _path_id_500(parts: AppParts) -> None:
    def crash(scope: Scope, body: bytes) -> Response | None:
        segment = scope["path"].rsplit("/", 1)[-1]
        if ITEM_PATH.match(scope["path"]) and not segment.isdigit():
            return problem_response(500, f"invalid literal for int() with base 10: {segment!r}")
        return None

    edit_requests(parts, crash)


ASGI_REQUEST_KEYS = ("type", "asgi", "http_version", "method", "scheme", "root_path", "query_string", "headers")
ASGI_REQUEST_KEYS += ("client", "server", "extensions")


class _Rerouted(Response):
    """Answers a request as if it had been sent to `path`: the whole app again, on a fresh scope."""

    def __init__(self, path: str) -> None:
        super().__init__(None)
        self.path = path

    def to_asgi_response(self, app: Any, request: Request, **kwargs: Any) -> ASGIApp:  # type: ignore[override]
        async def rerouted(scope: Scope, receive: Receive, send: Send) -> None:
            fresh = {key: scope[key] for key in ASGI_REQUEST_KEYS if key in scope}
            await request.app({**fresh, "path": self.path, "raw_path": self.path.encode()}, receive, send)  # type: ignore[arg-type]

        return rerouted


def _serve_as_item(parts: AppParts, leading_id: re.Pattern[str]) -> None:
    """Paths that the router finds nothing for but that `leading_id` matches are served as that item."""

    def reroute(request: Request, exc: HTTPException) -> Response | None:
        match = leading_id.match(request.url.path)
        return _Rerouted(f"/items/{match.group(1)}") if exc.status_code == 404 and match else None

    _handle_errors(parts, reroute)


@fault(
    "unanchored-item-routes",
    ("GEN-404",),
    "paths below an item's are served as that item: /items/5/children is item 5 (a route pattern without its end)",
)
def _unanchored_item_routes(parts: AppParts) -> None:
    _serve_as_item(parts, re.compile(r"^/items/(\d+)/."))


@fault(
    "path-id-read-as-leading-digits",
    ("PATH-ID",),
    "a path id is read from its leading digits (parseInt): /items/5abc and /items/5.5 are item 5",
)
def _path_id_read_as_leading_digits(parts: AppParts) -> None:
    _serve_as_item(parts, re.compile(r"^/items/(\d+)[^\d/]"))


# --- §4 Validation --------------------------------------------------------------------------------


def _answer_with_status(kind: type[HTTPException], status: int) -> Callable[[Request, HTTPException], Response]:
    """The clean handler, except that exceptions of `kind` are answered with `status`."""

    def handler(request: Request, exc: HTTPException) -> Response:
        if isinstance(exc, kind):
            exc.status_code = status
        return http_exception_to_problem(request, exc)

    return handler


@fault("validation-400", ("VALID-422",), "schema-invalid bodies get 400 instead of 422")
def _validation_400(parts: AppParts) -> None:
    parts.exception_handlers[HTTPException] = _answer_with_status(UnprocessableBody, 400)


@fault("malformed-json-422", ("VALID-400",), "bodies that are not JSON get 422 instead of 400")
def _malformed_json_422(parts: AppParts) -> None:
    parts.exception_handlers[HTTPException] = _answer_with_status(MalformedBody, 422)


@body_fault("lax-coercion", ("VALID-422",), 'strings and booleans are coerced: "9.99" and true are accepted as prices')
def _lax_coercion(document: dict[str, Any]) -> None:
    price = document.get("price")
    if isinstance(price, str | bool):
        try:
            document["price"] = float(price)
        except ValueError:
            return
    if isinstance(document.get("name"), int | float):
        document["name"] = str(document["name"])


@body_fault("unknown-members-ignored", ("VALID-422",), "unknown members, `id` included, are silently dropped")
def _unknown_members_ignored(document: dict[str, Any]) -> None:
    for member in set(document) - {"name", "price", "description"}:
        del document[member]


def _has_non_finite(value: object) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_non_finite(member) for member in value.values())
    return isinstance(value, list) and any(_has_non_finite(entry) for entry in value)


@fault(
    "lenient-json-numbers",
    ("VALID-400",),
    "NaN, Infinity and -Infinity are read as numbers (Python's json.loads default), then fail validation: 422",
)
def _lenient_json_numbers(parts: AppParts) -> None:
    def lenient(scope: Scope, body: bytes) -> Response | None:
        try:
            document = json.loads(body)
        except ValueError:
            return None
        if not _has_non_finite(document):
            return None
        return problem_response(422, "The request body does not match the schema.")

    edit_requests(parts, lenient)


RELAXED_JSON = (
    (re.compile(rb"//[^\n]*"), b""),
    (re.compile(rb"/\*.*?\*/", re.DOTALL), b""),
    (re.compile(rb",(\s*[}\]])"), rb"\1"),
)


@fault(
    "lenient-json-syntax",
    ("VALID-400",),
    "comments and trailing commas in bodies are accepted (a relaxed JSON parser, as for config files)",
)
def _lenient_json_syntax(parts: AppParts) -> None:
    def relax(scope: Scope, body: bytes) -> bytes:
        for pattern, replacement in RELAXED_JSON:
            body = pattern.sub(replacement, body)
        return body

    edit_requests(parts, relax)


def _item_id(scope: Scope) -> int | None:
    segment = scope["path"].rsplit("/", 1)[-1]
    return int(segment) if ITEM_PATH.match(scope["path"]) and segment.isdigit() else None


def _authorized(parts: AppParts, scope: Scope) -> bool:
    header = dict(scope["headers"]).get(b"authorization")
    return parts.auth.accepts(header.decode("latin-1") if header else None)


@fault(
    "partial-write-on-422",
    ("VALID-422", "UPDATE-NULL-REQUIRED"),
    "PATCH writes member by member: a 422 for one member comes after the members before it were written",
)
def _partial_write_on_422(parts: AppParts) -> None:
    store = parts.store

    async def member_by_member(scope: Scope, body: bytes) -> Response | None:
        item_id = _item_id(scope)
        if scope["method"] != "PATCH" or item_id is None or not _authorized(parts, scope):
            return None
        try:
            document = read_json(body)
        except MalformedBody:
            return None
        if not isinstance(document, dict) or await store.get(item_id) is None:
            return None
        for member, value in document.items():
            try:
                patch = ItemPatch.model_validate({member: value}, strict=True)
            except ValidationError as error:
                return http_exception_to_problem(Request(scope), UnprocessableBody.from_validation_error(error))
            await store.update(item_id, patch)
        return None

    edit_requests(parts, member_by_member)


@fault(
    "create-stored-before-validation",
    ("VALID-422",),
    "POST stores the body first and validates it after: the 422 comes, but the item stays",
)
def _create_stored_before_validation(parts: AppParts) -> None:
    store = parts.store

    def store_first(scope: Scope, body: bytes) -> None:
        if not _is(scope, "POST", "/items") or not _authorized(parts, scope):
            return
        try:
            document = read_json(body)
        except MalformedBody:
            return
        try:
            ItemCreate.model_validate(document, strict=True)
        except ValidationError:
            if isinstance(document, dict) and isinstance(document.get("name"), str):
                store._last_id += 1  # e.g. an ORM row saved before the model's checks run
                fields = {member: document.get(member) for member in ("name", "price", "description")}
                store._items[store._last_id] = Item.model_construct(id=store._last_id, **fields)

    edit_requests(parts, store_first)


def _anonymous_422(request: Request, exc: HTTPException) -> Response:
    if isinstance(exc, UnprocessableBody):
        return problem_response(422, "The request body is invalid.")
    return http_exception_to_problem(request, exc)


@fault("validation-names-nothing", ("VALID-FIELDS",), "a 422 says the body is invalid without naming the members")
def _validation_names_nothing(parts: AppParts) -> None:
    parts.exception_handlers[HTTPException] = _anonymous_422


# --- §5 Responses in general ----------------------------------------------------------------------


@response_fault("success-text-plain", ("GEN-JSON",), "200 and 201 answers say Content-Type: text/plain")
def _success_text_plain(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    if status in (200, 201) and scope["path"].startswith("/items"):
        headers = [*_without(headers, b"content-type"), (b"content-type", b"text/plain; charset=utf-8")]
    return status, headers, body


@response_fault("errors-without-detail", ("ERR-BODY",), "error bodies say 'message' instead of 'detail'")
def _errors_without_detail(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    if 400 <= status < 500 and body:
        problem = json.loads(body)
        problem["message"] = problem.pop("detail", "")
        return _json_response(status, headers, problem, b"application/problem+json")
    return status, headers, body


@response_fault("errors-plain-json", ("ERR-PROBLEM",), "error bodies are application/json without status or title")
def _errors_plain_json(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    if 400 <= status < 500 and body:
        return _json_response(status, headers, {"detail": json.loads(body)["detail"]})
    return status, headers, body


@response_fault(
    "docs-pages-html-404",
    ("ERR-BODY", "ERR-PROBLEM"),
    "unknown pages below the framework's docs (/schema/…) get its HTML 404, not an error body",
)
def _docs_pages_html_404(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    if status != 404 or not scope["path"].startswith("/schema/"):
        return status, headers, body
    page = b"<html><body><h1>404 Not Found</h1></body></html>"
    return status, [*_without(headers, b"content-type"), (b"content-type", b"text/html; charset=utf-8")], page


@fault(
    "options-500", ("GEN-NO-5XX",), "OPTIONS requests crash the server: 500 (a preflight handler that wants an Origin)"
)
def _options_500(parts: AppParts) -> None:
    # §8 leaves OPTIONS to the server, but not a 5xx: "outside the contract" is no licence to crash.
    edit_requests(parts, lambda scope, body: problem_response(500, "crash") if scope["method"] == "OPTIONS" else None)


@fault("huge-integer-500", ("GEN-NO-5XX",), "an integer of more than 4300 digits in a body crashes the server: 500")
def _huge_integer_500(parts: AppParts) -> None:
    # Python's int() refuses longer strings (CVE-2020-10735); a parser that lets the ValueError escape fails so.
    huge = re.compile(rb"\d{4301}")
    edit_requests(parts, lambda scope, body: problem_response(500, "crash") if huge.search(body) else None)


def _handle_errors(parts: AppParts, respond: Callable[[Request, HTTPException], Response | None]) -> None:
    """Routing errors (404 for unknown paths, 405) never reach middleware: they pass the exception handler."""
    clean = parts.exception_handlers[HTTPException]

    def handler(request: Request, exc: HTTPException) -> Response:
        return respond(request, exc) or clean(request, exc)

    parts.exception_handlers[HTTPException] = handler


@fault("method-not-allowed-without-allow", ("GEN-405",), "405 answers have no Allow header")
def _method_not_allowed_without_allow(parts: AppParts) -> None:
    def no_allow(request: Request, exc: HTTPException) -> Response | None:
        return problem_response(405, "Method Not Allowed") if exc.status_code == 405 else None

    _handle_errors(parts, no_allow)


@fault("unknown-paths-200", ("GEN-404",), "any path outside the contract answers 200 with an empty object")
def _unknown_paths_200(parts: AppParts) -> None:
    def catch_all(request: Request, exc: HTTPException) -> Response | None:
        outside = exc.status_code == 404 and not request.url.path.startswith("/items")
        return Response({}, status_code=200) if outside else None

    _handle_errors(parts, catch_all)


# --- §6 Concurrency -------------------------------------------------------------------------------


@store_fault("create-race", ("CONC-CREATE",), "concurrent creates can get the same id: read, await, then write")
class _CreateRace(ItemStore):
    async def create(self, data: ItemCreate) -> Item:
        next_id = self._last_id + 1
        await asyncio.sleep(0.002)  # e.g. a round trip to the database between read and write
        self._last_id = next_id
        item = Item(id=next_id, **data.model_dump())
        self._items[next_id] = item
        return item


@store_fault(
    "patch-interleaves", ("CONC-UPDATE",), "PATCH writes member by member without a lock, so patches interleave"
)
class _PatchInterleaves(ItemStore):
    async def update(self, item_id: int, patch: ItemPatch) -> Item | None:
        for member, value in patch.model_dump(exclude_unset=True).items():
            current = await self.get(item_id)
            if current is None:
                return None
            self._items[item_id] = current.model_copy(update={member: value})
            await asyncio.sleep(0.001)  # one UPDATE statement per member, no transaction
        return await self.get(item_id)


@store_fault(
    "patch-lost-update",
    ("CONC-UPDATE",),
    "PATCH reads the item, awaits, then writes it whole: a concurrent patch of other members is lost",
)
class _PatchLostUpdate(ItemStore):
    async def update(self, item_id: int, patch: ItemPatch) -> Item | None:
        current = await self.get(item_id)
        if current is None:
            return None
        await asyncio.sleep(0.001)  # read, then write back the whole row: no lock, no version check
        item = current.model_copy(update=patch.model_dump(exclude_unset=True))
        self._items[item_id] = item
        return item


__all__ = ["FAULTS", "Fault", "inject"]
