"""§1 The resource: the Item's shape, faithful round trips, and ids that are never reused."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.checks.items import Items, outside_the_contract
from conformance.checks.verify import (
    fail,
    verify_distinct_ids,
    verify_item,
    verify_item_response,
    verify_json_success,
    verify_members,
    verify_stored,
)
from conformance.contract.openapi import load_contract
from conformance.target.client import ApiClient
from conformance.target.paths import ITEMS, item_path

CONTRACT = load_contract()

ROUND_TRIPS: dict[str, dict[str, Any]] = {
    "ascii": {"name": "Plain name", "price": 12.5, "description": "A plain description."},
    "latin-and-cjk": {"name": "Grüße aus Köln — 東京", "price": 3, "description": "Ünïcödé ñ 中文 العربية"},
    "astral-plane": {"name": "Emoji 😀 and clef 𝄞", "price": 0.01, "description": "🚀🌍 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"},
    "whitespace-kept": {"name": "  padded\tname  ", "price": 1, "description": " line one\nline two "},
    "case-kept": {"name": "MiXeD CaSe", "price": 7.25, "description": "UPPER lower"},
    "name-1-char": {"name": "x", "price": 1},
    "name-100-chars": {"name": "n" * (CONTRACT.name_max - 1) + "😀", "price": 1},
    "description-1000-chars": {
        "name": "long description",
        "price": 1,
        "description": "d" * (CONTRACT.description_max - 1) + "𝄞",
    },
    "description-empty": {"name": "empty description", "price": 1, "description": ""},
    "price-maximum": {"name": "max price", "price": CONTRACT.price_max},
    "price-tiny": {"name": "tiny price", "price": 1e-9},
    "price-many-digits": {"name": "precise price", "price": 123456.789012},
}


@pytest.mark.requirement("ITEM-SHAPE")
def test_a_created_item_has_exactly_the_four_members(api: ApiClient, items: Items) -> None:
    """ITEM-SHAPE: every Item the server returns has exactly id, name, price and description."""
    verify_item_response(api.post(ITEMS, body=items.body(description="shape")), 201, requirement="CREATE-201")


@pytest.mark.requirement("ITEM-SHAPE")
def test_every_listed_item_has_the_item_shape(api: ApiClient, items: Items) -> None:
    """ITEM-SHAPE: items in a list page are Items too, whoever created them."""
    items.create()
    response = api.get(ITEMS, params={"limit": CONTRACT.limit_max})
    page = verify_json_success(response)
    listed = page.get("items") if isinstance(page, dict) else None
    if not isinstance(listed, list):
        raise fail(expected="an 'items' array", received=str(page)[:200], response=response, requirement="LIST-200")
    for entry in listed:
        if not outside_the_contract(entry):
            verify_item(response, entry, f"an item in GET /items?limit={CONTRACT.limit_max}")


@pytest.mark.requirement("ITEM-ROUNDTRIP")
@pytest.mark.parametrize("members", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_values_come_back_exactly_as_sent(api: ApiClient, members: dict[str, Any]) -> None:
    """ITEM-ROUNDTRIP: strings come back exactly as sent (no trimming, case change or normalisation),
    numbers numerically equal, in the 201 and when read back."""
    sent = {"description": None, **members}
    response = api.post(ITEMS, body=members)
    created = verify_item_response(response, 201, requirement="CREATE-201")
    verify_members(response, created, sent)
    verify_stored(api, created["id"], sent, read_requirement="READ-200")


@pytest.mark.requirement("ITEM-ROUNDTRIP")
def test_values_written_by_put_and_patch_come_back_exactly(api: ApiClient, items: Items) -> None:
    """ITEM-ROUNDTRIP: accepted values come back unchanged after PUT and PATCH as well."""
    item = items.create()
    replaced = {"name": " Ωmega 𝄞 ", "price": 0.5, "description": "tab\there"}
    response = api.put(item_path(item["id"]), body=replaced)
    verify_members(response, verify_item_response(response, 200, requirement="REPLACE-200"), replaced)
    patched = {"description": "  ünïcode 😀  "}
    response = api.patch(item_path(item["id"]), body=patched)
    verify_members(response, verify_item_response(response, 200, requirement="UPDATE-200"), patched)
    verify_stored(api, item["id"], {**replaced, **patched}, read_requirement="READ-200")


@pytest.mark.requirement("ITEM-ID-UNIQUE")
def test_ids_are_unique_across_creates(items: Items) -> None:
    """ITEM-ID-UNIQUE: ids are unique while the server runs."""
    verify_distinct_ids([items.create()["id"] for _ in range(5)], "five creates in a row")


@pytest.mark.requirement("ITEM-ID-UNIQUE")
def test_the_highest_id_is_not_reused_after_its_item_is_deleted(items: Items) -> None:
    """ITEM-ID-UNIQUE: ids are never reused, also after the item with the highest id is deleted."""
    first = items.create()
    highest = items.create()
    items.delete(highest["id"])
    again = items.create()
    if again["id"] in (first["id"], highest["id"]):
        raise fail(
            f"create after deleting item {highest['id']}, the newest",
            expected=f"an id other than {first['id']} and {highest['id']}",
            received=f"id {again['id']}",
        )
