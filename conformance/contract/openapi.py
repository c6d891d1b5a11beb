"""The facts of contracts/openapi.json as typed values: its operations, the Item's members and bounds, the
request bodies and the list's parameters. Code that needs a path, a status code or a bound reads it here, so
the document is the one place that states it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import contracts

RESOURCE, CREATE_BODY, PATCH_BODY = "Item", "ItemCreate", "ItemPatch"
_PARAMETER = re.compile(r"{[^}]+}")
_Bound = TypeVar("_Bound", int, float)


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    method: str
    template: str
    """The path as the document spells it: `/items/{item_id}`."""
    statuses: tuple[int, ...]
    """The documented status codes, ascending."""
    body: str | None
    """The name of the request body's schema (`ItemCreate`), or None when it takes none."""
    secured: bool

    @property
    def path(self) -> str:
        """The path as the client and the reports spell it: `/items` or `/items/{id}`."""
        return _PARAMETER.sub("{id}", self.template)

    @property
    def key(self) -> str:
        """`METHOD path`: how the client counts and the reports show an operation."""
        return f"{self.method} {self.path}"

    @property
    def success(self) -> int:
        return next(status for status in self.statuses if 200 <= status < 300)

    @property
    def on_item(self) -> bool:
        return self.path != self.template


@dataclass(frozen=True, slots=True)
class Member:
    """A member of a schema, with the bounds JSON Schema gives it (None: no such bound)."""

    name: str
    types: tuple[str, ...]
    required: bool
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    exclusive_minimum: float | None = None
    maximum: float | None = None

    @property
    def nullable(self) -> bool:
        return "null" in self.types


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    minimum: int | None
    maximum: int | None
    default: int | None


@dataclass(frozen=True, slots=True)
class Contract:
    operations: tuple[Operation, ...]
    item: dict[str, Member]
    create: dict[str, Member]
    patch: dict[str, Member]
    list_parameters: dict[str, Parameter]
    document: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The document as read: what the typed values leave out (schema prose, descriptions) for the contract's
    own renderings (contract.md/.html), which restate all of it."""

    def operation(self, operation_id: str) -> Operation:
        return next(op for op in self.operations if op.operation_id == operation_id)

    # The bounds the suites build their values on (a name of exactly the longest length, one over it, ...).
    @property
    def name_max(self) -> int:
        return _stated(self.item["name"].max_length, "name maxLength")

    @property
    def description_max(self) -> int:
        return _stated(self.item["description"].max_length, "description maxLength")

    @property
    def price_max(self) -> float:
        return _stated(self.item["price"].maximum, "price maximum")

    @property
    def limit_max(self) -> int:
        return _stated(self.list_parameters["limit"].maximum, "limit maximum")

    @property
    def limit_default(self) -> int:
        return _stated(self.list_parameters["limit"].default, "limit default")

    @property
    def collection_path(self) -> str:
        """`/items`: the path of the operations without an item id."""
        return next(op.path for op in self.operations if not op.on_item)


def _stated(value: _Bound | None, what: str) -> _Bound:
    if value is None:
        raise ValueError(f"contracts/openapi.json states no {what}")
    return value


def _bound(schema: dict[str, Any], keyword: str) -> Any:
    # The limit of a nullable member sits in its non-null branch of anyOf.
    return next((option[keyword] for option in schema.get("anyOf", [schema]) if keyword in option), None)


def _integer(value: Any) -> int | None:
    return None if value is None else int(value)  # the document writes some integer bounds as 100.0


def _members(schema: dict[str, Any]) -> dict[str, Member]:
    required = set(schema.get("required", ()))
    return {
        name: Member(
            name,
            tuple(str(option.get("type", "any")) for option in member.get("anyOf", [member])),
            name in required,
            _integer(_bound(member, "minLength")),
            _integer(_bound(member, "maxLength")),
            _bound(member, "minimum"),
            _bound(member, "exclusiveMinimum"),
            _bound(member, "maximum"),
        )
        for name, member in schema["properties"].items()
    }


def _operation(template: str, method: str, operation: dict[str, Any]) -> Operation:
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    return Operation(
        operation["operationId"],
        method.upper(),
        template,
        tuple(sorted(int(status) for status in operation["responses"])),
        body.get("$ref", "").rsplit("/", 1)[-1] or None,
        bool(operation.get("security")),
    )


@cache
def parse_contract(path: Path) -> Contract:
    document = json.loads(path.read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    operations = tuple(
        _operation(template, method, operation)
        for template, item in document["paths"].items()
        for method, operation in item.items()
    )
    listing = next(op for op in operations if op.method == "GET" and not op.on_item)
    parameters = document["paths"][listing.template][listing.method.lower()].get("parameters", [])
    return Contract(
        operations,
        _members(schemas[RESOURCE]),
        _members(schemas[CREATE_BODY]),
        _members(schemas[PATCH_BODY]),
        {
            parameter["name"]: Parameter(
                parameter["name"],
                _integer(parameter["schema"].get("minimum")),
                _integer(parameter["schema"].get("maximum")),
                _integer(parameter["schema"].get("default")),
            )
            for parameter in parameters
            if parameter["in"] == "query"
        },
        document,
    )


def load_contract() -> Contract:
    """The published contract; `contracts.OPENAPI` is read when called, so a test may point it elsewhere."""
    return parse_contract(contracts.OPENAPI)
