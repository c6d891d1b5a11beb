"""The item operations of CONTRACT.md §3, one handler each."""

from __future__ import annotations

import json
from typing import Annotated, ClassVar, TypeVar

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.connection import ASGIConnection
from litestar.datastructures import ResponseHeader
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, QueryParameter, RawBody
from pydantic import BaseModel, ValidationError

from target_app.errors import MalformedBody, UnprocessableBody
from target_app.models import Error, Item, ItemCreate, ItemPage, ItemPatch
from target_app.store import ItemStore

Body = TypeVar("Body", bound=BaseModel)

ITEM_PATH = "/{item_id:int}"
SECURITY = [{"bearerAuth": []}]


async def require_bearer(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    await connection.app.state.auth.guard(connection, handler)


def _error(description: str) -> ResponseSpec:
    return ResponseSpec(data_container=Error, description=description, generate_examples=False)


BAD_REQUEST = {400: _error("Malformed request: not well-formed JSON, or a bad parameter")}
UNAUTHORIZED = {401: _error("Missing or invalid bearer token")}
NOT_FOUND = {404: _error("No item with this id")}
UNPROCESSABLE = {422: _error("The body does not match its schema")}


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


def _int_or_float(digits: str) -> int | float:
    # Python refuses int() of more than 4300 digits; such a number is still well-formed JSON.
    try:
        return int(digits)
    except ValueError:
        return float(digits)


def read_json(raw: bytes) -> object:
    """The body as JSON (RFC 8259: UTF-8 text), or 400: syntax errors, truncation, emptiness, a byte
    order mark, NaN and Infinity, nesting deeper than the parser goes, and strings no UTF-8 response
    could carry back (lone surrogates)."""
    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=_not_json, parse_int=_int_or_float)
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError):
        raise MalformedBody(detail="The request body is not well-formed JSON.") from None
    return document


def parse_body(raw: bytes, model: type[Body]) -> Body:
    """Strict validation: 400 for JSON that is not well-formed, 422 for a schema mismatch."""
    try:
        return model.model_validate(read_json(raw), strict=True)
    except ValidationError as exc:
        raise UnprocessableBody.from_validation_error(exc) from None


async def answer_options(request: Request) -> Response | None:
    """Answers OPTIONS itself: Litestar's automatic answer names only one handler's method in Allow."""
    if request.method != "OPTIONS":
        return None
    template = request.scope["path_template"]
    methods = next((route.methods for route in request.app.routes if route.path_format == template), set())
    return Response(None, status_code=204, headers={"Allow": ", ".join(sorted(methods))})


def _found(item: Item | None, item_id: int) -> Item:
    if item is None:
        raise NotFoundException(detail=f"Item {item_id} does not exist.")
    return item


class ItemController(Controller):
    path = "/items"
    tags: ClassVar[list[str]] = ["items"]

    @get("/", operation_id="listItems", responses=BAD_REQUEST)
    async def list_items(
        self,
        store: NamedDependency[ItemStore],
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 10,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> ItemPage:
        items, total = await store.page(offset, limit)
        return ItemPage(items=items, total=total)

    @post(
        "/",
        operation_id="createItem",
        guards=[require_bearer],
        security=SECURITY,
        responses={**BAD_REQUEST, **UNAUTHORIZED, **UNPROCESSABLE},
        response_headers=[
            ResponseHeader(name="Location", description="Path of the created item", documentation_only=True)
        ],
    )
    async def create_item(self, store: NamedDependency[ItemStore], body: RawBody) -> Response[Item]:
        item = await store.create(parse_body(body, ItemCreate))
        return Response(item, status_code=201, headers={"Location": f"/items/{item.id}"})

    @get(ITEM_PATH, operation_id="getItem", responses={**BAD_REQUEST, **NOT_FOUND})
    async def get_item(self, store: NamedDependency[ItemStore], item_id: FromPath[int]) -> Item:
        return _found(await store.get(item_id), item_id)

    @put(
        ITEM_PATH,
        operation_id="replaceItem",
        guards=[require_bearer],
        security=SECURITY,
        responses={**BAD_REQUEST, **UNAUTHORIZED, **NOT_FOUND, **UNPROCESSABLE},
    )
    async def replace_item(self, store: NamedDependency[ItemStore], item_id: FromPath[int], body: RawBody) -> Item:
        return _found(await store.replace(item_id, parse_body(body, ItemCreate)), item_id)

    @patch(
        ITEM_PATH,
        operation_id="updateItem",
        guards=[require_bearer],
        security=SECURITY,
        responses={**BAD_REQUEST, **UNAUTHORIZED, **NOT_FOUND, **UNPROCESSABLE},
    )
    async def update_item(self, store: NamedDependency[ItemStore], item_id: FromPath[int], body: RawBody) -> Item:
        return _found(await store.update(item_id, parse_body(body, ItemPatch)), item_id)

    @delete(
        ITEM_PATH,
        operation_id="deleteItem",
        guards=[require_bearer],
        security=SECURITY,
        responses={**BAD_REQUEST, **UNAUTHORIZED, **NOT_FOUND},
    )
    async def delete_item(self, store: NamedDependency[ItemStore], item_id: FromPath[int]) -> None:
        if not await store.delete(item_id):
            raise NotFoundException(detail=f"Item {item_id} does not exist.")
