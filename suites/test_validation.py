"""§4 Validation: 422 for well-formed JSON that breaks the schema, 400 for JSON that is not well-formed.

Every refused body also proves that nothing was stored or changed.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.client import ITEMS, ApiClient, item_path
from conformance.items import Items
from conformance.verify import fail, verify_not_created, verify_refused, verify_status

NAME = "__name__"
"""Stands for the unique name a test gives its body, so a stored body can be found again."""

INVALID_CREATES: dict[str, Any] = {
    "missing-name": {"price": 1},
    "missing-price": {"name": NAME},
    "price-as-string": {"name": NAME, "price": "9.99"},
    "price-as-boolean": {"name": NAME, "price": True},
    "price-zero": {"name": NAME, "price": 0},
    "price-negative": {"name": NAME, "price": -5},
    "price-over-maximum": {"name": NAME, "price": 1000000.01},
    "price-null": {"name": NAME, "price": None},
    "name-as-number": {"name": 1, "price": 1},
    "name-empty": {"name": "", "price": 1},
    "name-101-chars": {"name": "n" * 101, "price": 1},
    "name-null": {"name": None, "price": 1},
    "description-1001-chars": {"name": NAME, "price": 1, "description": "d" * 1001},
    "description-as-number": {"name": NAME, "price": 1, "description": 5},
    "unknown-member": {"name": NAME, "price": 1, "colour": "red"},
    "id-member": {"name": NAME, "price": 1, "id": 12345},
    "array-body": [{"name": NAME, "price": 1}],
    "string-body": "name",
    "number-body": 5,
    "null-body": None,
}

INVALID_PATCHES: dict[str, Any] = {
    "price-as-string": {"price": "9.99"},
    "price-as-boolean": {"price": False},
    "price-zero": {"price": 0},
    "name-empty": {"name": ""},
    "name-101-chars": {"name": "n" * 101},
    "description-1001-chars": {"description": "d" * 1001},
    "unknown-member": {"colour": "red"},
    "id-member": {"id": 12345},
    "array-body": [],
    "null-body": None,
}

MALFORMED: dict[str, bytes] = {
    "syntax-error": b'{"name": "x", price: 1}',
    "truncated": b'{"name": "x", "price": 1',
    "empty": b"",
    "trailing-garbage": b'{"name": "x", "price": 1} }',
    "single-quotes": b"{'name': 'x', 'price': 1}",
}

FIELD_PROBLEMS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "missing-both": ({}, ["name", "price"]),
    "wrong-price-and-unknown": ({"name": "ok", "price": "cheap", "colour": "red"}, ["price", "colour"]),
    "empty-name": ({"name": "", "price": 1}, ["name"]),
    "long-description": ({"name": "ok", "price": 1, "description": "d" * 1001}, ["description"]),
}


def with_name(body: Any, name: str) -> Any:
    if isinstance(body, dict):
        return {key: name if value == NAME else value for key, value in body.items()}
    if isinstance(body, list):
        return [with_name(entry, name) for entry in body]
    return body


@pytest.mark.requirement("VALID-422")
@pytest.mark.parametrize("body", INVALID_CREATES.values(), ids=INVALID_CREATES.keys())
def test_an_invalid_create_gets_422_and_stores_nothing(api: ApiClient, items: Items, body: Any) -> None:
    """VALID-422: well-formed JSON that does not match ItemCreate gets 422, and nothing is stored."""
    name = items.body()["name"]
    verify_status(api.post(ITEMS, body=with_name(body, name)), 422, "VALID-422")
    verify_not_created(items, name, "VALID-422")


@pytest.mark.requirement("VALID-422")
@pytest.mark.parametrize("body", INVALID_CREATES.values(), ids=INVALID_CREATES.keys())
def test_an_invalid_replace_gets_422_and_changes_nothing(api: ApiClient, items: Items, body: Any) -> None:
    """VALID-422: well-formed JSON that does not match ItemCreate gets 422 on PUT, and nothing changes."""
    item = items.create(items.body(description="before"))
    response = api.put(item_path(item["id"]), body=with_name(body, "replaced by an invalid body"))
    verify_refused(api, item, response, 422, "VALID-422")


@pytest.mark.requirement("VALID-422")
@pytest.mark.parametrize("body", INVALID_PATCHES.values(), ids=INVALID_PATCHES.keys())
def test_an_invalid_patch_gets_422_and_changes_nothing(api: ApiClient, items: Items, body: Any) -> None:
    """VALID-422: well-formed JSON that does not match ItemPatch gets 422, and nothing changes."""
    item = items.create(items.body(description="before"))
    verify_refused(api, item, api.patch(item_path(item["id"]), body=body), 422, "VALID-422")


@pytest.mark.requirement("VALID-400")
@pytest.mark.parametrize("raw", MALFORMED.values(), ids=MALFORMED.keys())
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_a_body_that_is_not_json_gets_400_and_changes_nothing(
    api: ApiClient, items: Items, method: str, raw: bytes
) -> None:
    """VALID-400: a body that is not well-formed JSON gets 400, and nothing is stored or changed."""
    item = items.create(items.body(description="before"))
    path = ITEMS if method == "POST" else item_path(item["id"])
    response = api.request(method, path, raw=raw, headers={"Content-Type": "application/json"})
    if method == "POST":
        # A refused POST of unparseable bytes has nothing to find again; its status is the evidence.
        verify_status(response, 400, "VALID-400")
    else:
        verify_refused(api, item, response, 400, "VALID-400")


@pytest.mark.requirement("VALID-FIELDS")
@pytest.mark.parametrize(("body", "members"), FIELD_PROBLEMS.values(), ids=FIELD_PROBLEMS.keys())
def test_a_422_names_each_offending_member(api: ApiClient, body: dict[str, Any], members: list[str]) -> None:
    """VALID-FIELDS: a 422 body names each offending member (a missing one included)."""
    response = api.post(ITEMS, body=body)
    verify_status(response, 422, "VALID-422")
    text = response.text
    if missing := [member for member in members if member not in text]:
        raise fail(
            "VALID-FIELDS",
            expected=f"the body names {members}",
            received=f"it does not name {missing}",
            response=response,
        )
