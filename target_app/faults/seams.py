"""Seams on the wire: ASGI middleware that edits responses or requests, and exception handlers put in front.

Each seam wraps what the faults before it installed, so several faults of one kind all apply: a later
middleware is inner (it edits a response first and a request last), a later error handler is asked first.
"""

from __future__ import annotations

import copy
import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

# The self-test's faults read the contract's paths where the suites do; the reference itself never imports this.
from conformance.target.paths import ITEM_PATH
from target_app.faults.registry import installed_by
from target_app.parts import AppParts

Headers = list[tuple[bytes, bytes]]
ResponseEdit = Callable[[Scope, int, Headers, bytes], tuple[int, Headers, bytes]]


def is_request(scope: Scope, method: str, path: str = "item") -> bool:
    """Whether the request is `method` on the collection (`path="/items"`) or on an item."""
    matches = ITEM_PATH.match(scope["path"]) if path == "item" else scope["path"].rstrip("/") == path
    return scope.get("method") == method and bool(matches)


def without(headers: Headers, *names: bytes) -> Headers:
    return [(key, value) for key, value in headers if key.lower() not in names]


def json_response(
    status: int, headers: Headers, body: object, media: bytes | None = None
) -> tuple[int, Headers, bytes]:
    """`body` as JSON; the Content-Type becomes `media` when given, else stays as another edit may have set it."""
    content = json.dumps(body).encode()
    if media is None:
        return status, without(headers, b"content-length"), content
    return status, [*without(headers, b"content-type", b"content-length"), (b"content-type", media)], content


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
                        headers = [*without(headers, b"content-length"), (b"content-length", str(len(body)).encode())]
                        await send({"type": "http.response.start", "status": status, "headers": headers})
                        await send({"type": "http.response.body", "body": body})

            await app(scope, receive, capture)

        return wrapped

    parts.middleware.append(middleware)


def response_fault(
    name: str, violates: tuple[str, ...], description: str, contradicts: tuple[str, ...] = ()
) -> Callable[[ResponseEdit], ResponseEdit]:
    """For a fault that only edits responses: the decorated function is the edit."""
    return installed_by(edit_responses, name, violates, description, contradicts)


def restatus(method: str, path: str, old: int, new: int, body: bytes | None = None) -> ResponseEdit:
    """The edit answering `new` (with `body`, when given) where `method` on `path` answered `old`."""

    def edit(scope: Scope, status: int, headers: Headers, content: bytes) -> tuple[int, Headers, bytes]:
        if status == old and is_request(scope, method, path):
            return new, headers, content if body is None else body
        return status, headers, content

    return edit


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
        if method is not None and not is_request(scope, method):
            return None
        try:
            document = json.loads(body)
        except ValueError:
            return None
        if not isinstance(document, dict):
            return None
        original = copy.deepcopy(document)
        change(document)
        # A body the change left alone goes on as sent: encoding it again would fail on what JSON lets a
        # body hold and UTF-8 cannot (a lone surrogate), a crash that is no part of the fault.
        return None if document == original else json.dumps(document, ensure_ascii=False).encode()

    edit_requests(parts, edit)


def body_fault(
    name: str, violates: tuple[str, ...], description: str, method: str | None = None
) -> Callable[[DocumentChange], DocumentChange]:
    """For a fault that only bends JSON request bodies: the decorated function changes each document."""
    return installed_by(lambda parts, change: edit_json_bodies(parts, change, method), name, violates, description)


def edit_list_queries(parts: AppParts, change: Callable[[dict[str, str]], None]) -> None:
    """Lets `change` edit the query parameters of every GET /items before the app reads them."""

    def edit(scope: Scope, body: bytes) -> None:
        if is_request(scope, "GET", "/items"):
            query = dict(parse_qsl(scope["query_string"].decode(), keep_blank_values=True))
            change(query)
            scope["query_string"] = urlencode(query).encode()

    edit_requests(parts, edit)


ErrorAnswer = Callable[[Request, HTTPException], Response | None]


def handle_errors(parts: AppParts, respond: ErrorAnswer) -> None:
    """Routing errors (404 for unknown paths, 405) never reach middleware: they pass the exception handler.
    `respond` is asked first and may answer; when it does not, the handler it was put in front of does."""
    previous = parts.exception_handlers[HTTPException]

    def handler(request: Request, exc: HTTPException) -> Response:
        return respond(request, exc) or previous(request, exc)

    parts.exception_handlers[HTTPException] = handler


def answer_with_status(parts: AppParts, kind: type[HTTPException], status: int) -> None:
    """Exceptions of `kind` are answered with `status`, then as every other HTTPException is answered: by the
    handler chain as it stands when the error comes, so a fault put in front of it later still applies."""

    def handler(request: Request, exc: HTTPException) -> Response:
        exc.status_code = status
        return parts.exception_handlers[HTTPException](request, exc)

    parts.exception_handlers[kind] = handler
