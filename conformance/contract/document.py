"""The human-readable contract (contracts/contract.md and contract.html), generated from the requirement
catalog and the OpenAPI document, so the prose a reader follows and the data the suites judge by are one.

Every requirement ID is an anchor (`contract.html#CREATE-201`): the reports and the matrix link to it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import contracts
from conformance.contract.catalog import Level, load_catalog
from conformance.contract.openapi import CREATE_BODY, PATCH_BODY, RESOURCE, Contract, load_contract
from conformance.templating import html_templates, markdown_templates

DOCUMENT_HTML = "contract.html"
DOCUMENTS = {"contract.md": markdown_templates, DOCUMENT_HTML: html_templates}
"""File name to the environment that renders it from `<file name>.j2`."""


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def schema_type(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " or ".join(schema_type(option) for option in schema["anyOf"])
    return str(schema.get("type", "any"))


def schema_bounds(schema: dict[str, Any]) -> str:
    """The bounds of a member in words: `1 to 100 characters`, `> 0, ≤ 1,000,000`."""
    parts = []
    for option in schema.get("anyOf", [schema]):
        shortest, longest = option.get("minLength"), option.get("maxLength")
        if shortest is not None and longest is not None:
            parts.append(f"{_number(shortest)} to {_number(longest)} characters")
        elif longest is not None:
            parts.append(f"at most {_number(longest)} characters")
        elif shortest is not None:
            parts.append(f"at least {_number(shortest)} characters")
        for keyword, sign in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<")):
            if keyword in option:
                parts.append(f"{sign} {_number(option[keyword])}")
    return ", ".join(parts)


def _nullable(schema: dict[str, Any]) -> bool:
    return any(option.get("type") == "null" for option in schema.get("anyOf", [schema]))


def _in_body(body: dict[str, Any], member: str) -> str:
    schema = body["properties"].get(member)
    if schema is None:
        return "—"
    if member in body.get("required", ()):
        return "required"
    if "default" in schema:
        return f"optional (absent: {json.dumps(schema['default'])})"
    return "optional" + (", may be null" if _nullable(schema) else ", never null")


def _members(schemas: dict[str, Any]) -> list[dict[str, str]]:
    item = schemas[RESOURCE]
    return [
        {
            "name": name,
            "type": schema_type(schema),
            "bounds": schema_bounds(schema) or "—",
            "create": _in_body(schemas[CREATE_BODY], name),
            "patch": _in_body(schemas[PATCH_BODY], name),
        }
        for name, schema in item["properties"].items()
    ]


def _operations(contract: Contract) -> dict[str, dict[str, Any]]:
    operations = {}
    for op in contract.operations:
        raw = contract.document["paths"][op.template][op.method.lower()]
        operations[op.operation_id] = {
            "method": op.method,
            "path": op.template,
            "statuses": [str(status) for status in op.statuses],
            "secured": op.secured,
            "body": op.body,
            "query": [
                {
                    "name": parameter["name"],
                    "type": schema_type(parameter["schema"]),
                    "bounds": schema_bounds(parameter["schema"]),
                    "default": parameter["schema"].get("default"),
                }
                for parameter in raw.get("parameters", [])
                if parameter["in"] == "query"
            ],
        }
    return operations


def contract_sha256() -> str:
    return hashlib.sha256(contracts.OPENAPI.read_bytes()).hexdigest()


def contract_model() -> dict[str, Any]:
    """What the documents say, from the catalog and the OpenAPI document alone."""
    catalog = load_catalog()
    contract = load_contract()
    document = contract.document
    schemas = document["components"]["schemas"]
    operations = _operations(contract)
    bodies = [
        {
            "name": name,
            "description": schemas[name].get("description", ""),
            "closed": schemas[name].get("additionalProperties") is False,
            "used_by": [f"{op['method']} {op['path']}" for op in operations.values() if op["body"] == name],
        }
        for name in (CREATE_BODY, PATCH_BODY)
    ]
    return {
        "catalog": catalog,
        "openapi_version": document["openapi"],
        "openapi_sha256": contract_sha256(),
        "counts": {level.value: sum(r.level is level for r in catalog.requirements) for level in Level}
        | {"assertions": len(catalog.assertions)},
        "members": _members(schemas),
        "bodies": bodies,
        "operations": operations,
        "sections": [
            {
                "section": section,
                "operation": operations.get(section.operation or ""),
                "requirements": [r for r in catalog.requirements if r.section == section],
            }
            for section in catalog.sections
        ],
    }


def render_documents() -> dict[str, str]:
    model = contract_model()
    return {name: env.get_template(f"{name}.j2").render(**model) for name, env in DOCUMENTS.items()}


def stale_documents(directory: Path) -> list[Path]:
    """The documents in `directory` that differ from what the catalog and openapi.json give now."""
    return [
        directory / name
        for name, text in render_documents().items()
        if not (directory / name).exists() or (directory / name).read_text(encoding="utf-8") != text
    ]


def write_documents(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_documents().items():
        (directory / name).write_text(text, encoding="utf-8")
        written.append(directory / name)
    return written


def place_contract_beside(directory: Path) -> str:
    """Copies the published contract.html into a folder of reports, so their requirement links work offline
    wherever the folder goes (a CI artifact, a laptop); returns the file name the links use."""
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(contracts.CONTRACT_HTML, directory / DOCUMENT_HTML)
    return DOCUMENT_HTML
