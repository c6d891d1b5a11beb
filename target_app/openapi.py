"""The published contract document: Litestar's generated OpenAPI, completed where its exporter falls short.

Litestar drops zero-valued bounds and `maxLength` on optional members, never emits
`additionalProperties: false` or links, and cannot describe a body the handler validates itself.
Component schemas therefore come from the Pydantic models, and the rest is added here, so the
document the app serves and the one `export-contract` writes are the same.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from litestar import Litestar, Request
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from target_app.errors import PROBLEM_JSON
from target_app.models import Error, Item, ItemCreate, ItemPage, ItemPatch

TITLE = "Items API"
CONTRACT_VERSION = "1.0.0"
SCHEMA_REF = "#/components/schemas/{model}"
DOCUMENTED_MODELS: tuple[type[BaseModel], ...] = (Item, ItemPage, ItemCreate, ItemPatch, Error)
REQUEST_BODIES = {"createItem": ItemCreate, "replaceItem": ItemCreate, "updateItem": ItemPatch}
LINKED_FROM_CREATE = {
    "GetItem": "getItem",
    "ReplaceItem": "replaceItem",
    "UpdateItem": "updateItem",
    "DeleteItem": "deleteItem",
}
ITEM_ID_PARAMETER = "item_id"


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": SCHEMA_REF.format(model=model.__name__)}


def _component_schemas() -> dict[str, Any]:
    _, definitions = models_json_schema([(model, "validation") for model in DOCUMENTED_MODELS], ref_template=SCHEMA_REF)
    return definitions["$defs"]


def _complete_operation(operation: dict[str, Any]) -> None:
    operation_id = operation["operationId"]
    if model := REQUEST_BODIES.get(operation_id):
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(model)}}}
    for parameter in operation.get("parameters", []):
        if parameter["name"] == ITEM_ID_PARAMETER:
            parameter["schema"]["minimum"] = 1
    for status, response in operation["responses"].items():
        if status.startswith("4"):
            # Problem details are a SHOULD (ERR-PROBLEM): plain JSON errors conform as well.
            response["content"] = {media: {"schema": _ref(Error)} for media in ("application/json", PROBLEM_JSON)}
        for header in response.get("headers", {}).values():
            header.setdefault("schema", {"type": "string"})
    if operation_id == "createItem":
        operation["responses"]["201"]["links"] = {
            name: {"operationId": target, "parameters": {ITEM_ID_PARAMETER: "$response.body#/id"}}
            for name, target in LINKED_FROM_CREATE.items()
        }


def contract_document(app: Litestar) -> dict[str, Any]:
    document = copy.deepcopy(app.openapi_schema.to_schema())
    document["components"]["schemas"] = _component_schemas()
    for path_item in document["paths"].values():
        for operation in path_item.values():
            _complete_operation(operation)
    return document


def render_contract(app: Litestar) -> str:
    """The document as committed under contracts/: stable key order, one trailing newline."""
    return json.dumps(contract_document(app), indent=2, ensure_ascii=False) + "\n"


class ContractJsonPlugin(JsonRenderPlugin):
    """Serves the completed document at /schema/openapi.json instead of Litestar's raw export."""

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        return render_contract(request.app).encode()


def openapi_config() -> OpenAPIConfig:
    """What Litestar generates the document from; the completion above and the plugin make it the contract."""
    return OpenAPIConfig(
        title=TITLE,
        version=CONTRACT_VERSION,
        create_examples=False,
        components=Components(security_schemes={"bearerAuth": SecurityScheme(type="http", scheme="bearer")}),
        render_plugins=[ContractJsonPlugin()],
    )
