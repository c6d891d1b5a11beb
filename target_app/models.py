"""The Item resource and the request bodies that create or change it (CONTRACT.md §1).

Request bodies are validated strictly: JSON types are never coerced (`"9.99"` and `true` are not
prices) and unknown members are rejected, which Litestar's lax default validation would not do.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

Name = Annotated[str, Field(min_length=1, max_length=100)]
Price = Annotated[float, Field(gt=0, le=1_000_000)]
Description = Annotated[str, Field(max_length=1000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ItemCreate(_Body):
    """Body of POST and PUT: every member is set, an absent description means null."""

    name: Name
    price: Price
    description: Description | None = None


class ItemPatch(_Body):
    """Body of PATCH (RFC 7396 merge patch): only the members present change."""

    name: Name | MISSING = MISSING
    price: Price | MISSING = MISSING
    description: Description | MISSING | None = MISSING


class Item(BaseModel):
    """The resource as the server returns it: exactly these four members (ITEM-SHAPE)."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[int, Field(ge=1)]
    name: Name
    price: Price
    description: Description | None


class ItemPage(BaseModel):
    items: list[Item]
    total: Annotated[int, Field(ge=0)]


class Error(BaseModel):
    """What the contract promises of every 4xx body (ERR-BODY); servers may add members."""

    model_config = ConfigDict(extra="allow")

    detail: str


class FieldError(BaseModel):
    field: str
    message: str


class Problem(Error):
    """RFC 9457 problem details; `errors` is present on 422 and names each offending member."""

    type: str = "about:blank"
    title: str
    status: int
    errors: list[FieldError] | MISSING = MISSING
