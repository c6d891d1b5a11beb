"""The Items API as a Litestar user writes it by following the framework's defaults.

It gets everything right that the defaults allow, and keeps what they do differently from the
contract: validation failures are 400 (not 422), Pydantic coerces loosely and ignores unknown
members, error bodies are Litestar's own JSON rather than RFC 9457 problem details, and unknown pages
below the docs (/schema/…) get the framework's HTML 404.

    uvicorn tests.servers.litestar_defaults:app   (token from ITEMS_API_TOKENS)
"""

from __future__ import annotations

import itertools
import os
from typing import Annotated

from litestar import Controller, Litestar, Response, delete, get, patch, post, put
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, ValidationException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, JSONBody, QueryParameter
from pydantic import BaseModel, Field, field_validator

TOKENS = {token for token in os.environ.get("ITEMS_API_TOKENS", "").split(",") if token}


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    price: float = Field(gt=0, le=1_000_000)
    description: str | None = Field(default=None, max_length=1000)


class ItemChanges(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    price: float | None = Field(default=None, gt=0, le=1_000_000)
    description: str | None = Field(default=None, max_length=1000)

    @field_validator("name", "price", mode="before")
    @classmethod
    def not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may not be null")
        return value


class Item(ItemIn):
    id: int


class Page(BaseModel):
    items: list[Item]
    total: int


ITEMS: dict[int, Item] = {}
IDS = itertools.count(1)


def bearer(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or token not in TOKENS:
        raise NotAuthorizedException(headers={"WWW-Authenticate": "Bearer"})


def found(item_id: int) -> Item:
    if item_id not in ITEMS:
        raise NotFoundException()
    return ITEMS[item_id]


class Items(Controller):
    path = "/items"

    @get("/")
    async def list_items(
        self,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 10,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> Page:
        values = list(ITEMS.values())
        return Page(items=values[offset : offset + limit], total=len(values))

    @post("/", guards=[bearer])
    async def create(self, data: JSONBody[ItemIn]) -> Response[Item]:
        item = Item(id=next(IDS), **data.model_dump())
        ITEMS[item.id] = item
        return Response(item, status_code=201, headers={"Location": f"/items/{item.id}"})

    @get("/{item_id:int}")
    async def read(self, item_id: FromPath[int]) -> Item:
        return found(item_id)

    @put("/{item_id:int}", guards=[bearer])
    async def replace(self, item_id: FromPath[int], data: JSONBody[ItemIn]) -> Item:
        found(item_id)
        ITEMS[item_id] = Item(id=item_id, **data.model_dump())
        return ITEMS[item_id]

    @patch("/{item_id:int}", guards=[bearer])
    async def update(self, item_id: FromPath[int], data: JSONBody[ItemChanges]) -> Item:
        current = found(item_id)
        ITEMS[item_id] = current.model_copy(update=data.model_dump(exclude_unset=True))
        return ITEMS[item_id]

    @delete("/{item_id:int}", guards=[bearer])
    async def remove(self, item_id: FromPath[int]) -> None:
        found(item_id)
        del ITEMS[item_id]


app = Litestar([Items])
__all__ = ["ValidationException", "app"]
