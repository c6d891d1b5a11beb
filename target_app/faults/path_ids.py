"""§3.7 Ids in the path: which paths name an item."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Receive, Scope, Send

from conformance.target.paths import ITEM_PATH
from target_app.errors import problem_response
from target_app.faults.registry import fault
from target_app.faults.seams import edit_requests, handle_errors
from target_app.parts import AppParts


@fault("path-id-500", ("PATH-ID", "GEN-NO-5XX"), "a path id that is not an integer crashes the server: 500")
def _path_id_500(parts: AppParts) -> None:
    def crash(scope: Scope, body: bytes) -> Response | None:
        segment = scope["path"].rsplit("/", 1)[-1]
        if ITEM_PATH.match(scope["path"]) and not segment.isdigit():
            return problem_response(500, f"invalid literal for int() with base 10: {segment!r}")
        return None

    edit_requests(parts, crash)


@fault(
    "path-word-looked-up-as-slug",
    ("PATH-ID", "GEN-NO-5XX"),
    "a path segment of letters is looked up as a slug, a column the store does not have: 500",
)
def _path_word_looked_up_as_slug(parts: AppParts) -> None:
    # The int route finds nothing for a word: the fallback that looks it up is where it crashes.
    def crash(request: Request, exc: HTTPException) -> Response | None:
        path = request.url.path
        segment = path.rsplit("/", 1)[-1]
        if exc.status_code == 404 and ITEM_PATH.match(path) and segment.isalpha():
            return problem_response(500, "no such column: slug")
        return None

    handle_errors(parts, crash)


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

    handle_errors(parts, reroute)


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


@fault(
    "path-id-zero-200",
    ("PATH-ID", "GEN-DOCUMENTED"),
    "id 0 is the empty placeholder of a 1-based store: GET /items/0 answers 200 with {}",
)
def _path_id_zero_200(parts: AppParts) -> None:
    def zero(scope: Scope, body: bytes) -> Response | None:
        if scope["method"] == "GET" and scope["path"].rstrip("/") == "/items/0":
            return Response(content={}, status_code=200)
        return None

    edit_requests(parts, zero)
