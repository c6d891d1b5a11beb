"""The contract read from contracts/openapi.json, not restated: the facts match CONTRACT.md §1, §3.1 and §7, and
a document with another bound moves the checks with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import contracts
from conformance.checks.generated import ACCEPTED, POSITIVE_REQUIREMENT, WITH_BODY
from conformance.checks.item_shape import item_shape_problems
from conformance.contract.openapi import load_contract, parse_contract
from conformance.reports.json_report import documented_statuses
from conformance.target.paths import ITEMS, item_path, operation_of

# CONTRACT.md §7, written out here on purpose: the module must read exactly these from the document.
SECTION_7 = {
    "GET /items": (200, 400),
    "POST /items": (201, 400, 401, 422),
    "GET /items/{id}": (200, 400, 404),
    "PUT /items/{id}": (200, 400, 401, 404, 422),
    "PATCH /items/{id}": (200, 400, 401, 404, 422),
    "DELETE /items/{id}": (204, 400, 401, 404),
}


def test_the_six_operations_have_exactly_the_documented_statuses() -> None:
    operations = load_contract().operations
    assert {op.key: op.statuses for op in operations} == SECTION_7
    assert documented_statuses() == {key: [str(status) for status in codes] for key, codes in SECTION_7.items()}


def test_operations_name_their_bodies_security_and_paths() -> None:
    contract = load_contract()
    bodies = {op.operation_id: op.body for op in contract.operations}
    assert bodies == {
        "listItems": None,
        "createItem": "ItemCreate",
        "getItem": None,
        "replaceItem": "ItemCreate",
        "updateItem": "ItemPatch",
        "deleteItem": None,
    }
    assert {op.operation_id for op in contract.operations if op.secured} == WITH_BODY | {"deleteItem"}
    assert contract.operation("getItem").template == "/items/{item_id}"
    assert (ITEMS, item_path(5)) == ("/items", "/items/5")
    assert operation_of("PATCH", "/items/5?x=1") == "PATCH /items/{id}"


def test_every_operation_has_the_requirement_its_positive_cases_judge() -> None:
    assert POSITIVE_REQUIREMENT.keys() == ACCEPTED.keys()
    assert ACCEPTED["createItem"] == [201]
    assert ACCEPTED["deleteItem"] == [204, 404]


def test_the_item_and_bodies_have_the_bounds_of_section_1() -> None:
    contract = load_contract()
    item = contract.item
    assert list(item) == ["id", "name", "price", "description"]
    assert all(m.required for m in item.values())
    assert item["id"].types == ("integer",)
    assert item["id"].minimum == 1
    assert (item["name"].types, item["name"].min_length, item["name"].max_length) == (("string",), 1, 100)
    assert (item["price"].types, item["price"].exclusive_minimum, item["price"].maximum) == (("number",), 0, 1_000_000)
    assert item["description"].nullable
    assert item["description"].max_length == 1000
    assert not item["name"].nullable
    assert not item["price"].nullable
    assert [name for name, member in contract.create.items() if member.required] == ["name", "price"]
    assert contract.create["description"].nullable
    assert set(contract.patch) == {"name", "price", "description"}
    assert not any(member.required for member in contract.patch.values())
    assert (contract.name_max, contract.price_max, contract.description_max) == (100, 1_000_000, 1000)


def test_the_list_parameters_have_the_bounds_of_section_3_1() -> None:
    contract = load_contract()
    limit, offset = contract.list_parameters["limit"], contract.list_parameters["offset"]
    assert (limit.minimum, limit.maximum, limit.default) == (1, 100, 10)
    assert (offset.minimum, offset.maximum, offset.default) == (0, None, 0)
    assert (contract.limit_max, contract.limit_default) == (100, 10)


def test_a_contract_with_another_bound_moves_the_shape_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = json.loads(contracts.OPENAPI.read_text(encoding="utf-8"))
    document["components"]["schemas"]["Item"]["properties"]["name"]["maxLength"] = 50
    other = tmp_path / "openapi.json"
    other.write_text(json.dumps(document), encoding="utf-8")
    item = {"id": 1, "price": 1, "description": None}
    assert item_shape_problems({**item, "name": "n" * 60}) == []

    monkeypatch.setattr(contracts, "OPENAPI", other)
    assert load_contract() is parse_contract(other)
    assert load_contract().name_max == 50
    assert item_shape_problems({**item, "name": "n" * 50}) == []
    assert item_shape_problems({**item, "name": "n" * 60}) == [
        f"name must be a string of 1 to 50 characters, got {'n' * 60!r}"
    ]
