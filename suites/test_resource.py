"""§1 The resource: the Item's shape, faithful round trips, and ids that are never reused."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.checks.cases import cases
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
from conformance.contract.catalog import load_catalog
from conformance.contract.openapi import load_contract
from conformance.target.client import ApiClient
from conformance.target.paths import ITEMS, item_path

CONTRACT = load_contract()

NORMALISED_BY: dict[str, str] = {
    # A text each normalisation form changes: a server that normalises with it echoes something else.
    "NFC": "Cafe\u0301 \u212b",  # e + combining acute composes to U+00E9; the angstrom sign becomes U+00C5
    "NFD": "Caf\u00e9 \u00c5",  # precomposed letters decompose into base + combining mark
    "NFKC": "\ufb01ne \u2460 \uff21",  # the fi ligature, a circled digit, a fullwidth letter fold to plain ones
    "NFKD": "\ufb01 caf\u00e9 \u00b2",  # compatibility characters fold and precomposed letters decompose
}

COMBINING = "e\u0301"
"""Two code points, one character to a reader: a length counted in grapheme clusters counts it once."""

ROUND_TRIPS: dict[str, dict[str, Any]] = {
    "ascii": {"name": "Plain name", "price": 12.5, "description": "A plain description."},
    "latin-and-cjk": {"name": "Grüße aus Köln — 東京", "price": 3, "description": "Ünïcödé ñ 中文 العربية"},
    "astral-plane": {"name": "Emoji 😀 and clef 𝄞", "price": 0.01, "description": "🚀🌍 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"},
    "whitespace-kept": {"name": "  padded\tname  ", "price": 1, "description": " line one\nline two "},
    "case-kept": {"name": "MiXeD CaSe", "price": 7.25, "description": "UPPER lower"},
    **{
        f"not-{form.lower()}-normalised": {"name": text, "price": 1, "description": f"{text} ({form})"}
        for form, text in NORMALISED_BY.items()
    },
    "name-1-char": {"name": "x", "price": 1},
    "name-1-astral-char": {"name": "😀", "price": 1},
    "name-100-chars": {"name": "n" * (CONTRACT.name_max - 1) + "😀", "price": 1},
    # 100 code points, but 200 UTF-16 units, 400 UTF-8 bytes: only a count of code points lets it in.
    "name-100-astral-chars": {"name": "😀" * CONTRACT.name_max, "price": 1},
    "name-100-chars-combining": {"name": COMBINING * (CONTRACT.name_max // 2), "price": 1},
    "description-1000-chars": {
        "name": "long description",
        "price": 1,
        "description": "d" * (CONTRACT.description_max - 1) + "𝄞",
    },
    "description-1000-astral-chars": {"name": "astral description", "price": 1, "description": "𝄞" * 1000},
    "description-empty": {"name": "empty description", "price": 1, "description": ""},
    "price-maximum": {"name": "max price", "price": CONTRACT.price_max},
    "price-tiny": {"name": "tiny price", "price": 1e-9},
    "price-many-digits": {"name": "precise price", "price": 123456.789012},
}
ROUND_TRIP_ASSERTS: dict[str, str | tuple[str, ...]] = {
    "ascii": ("ITEM-ROUNDTRIP.via-create", "ITEM-ROUNDTRIP.numbers-equal"),
    "latin-and-cjk": "ITEM-ROUNDTRIP.any-unicode",
    "astral-plane": "ITEM-ROUNDTRIP.astral-plane",
    "whitespace-kept": "ITEM-ROUNDTRIP.no-trimming",
    "case-kept": "ITEM-ROUNDTRIP.no-case-change",
    **{f"not-{form.lower()}-normalised": "ITEM-ROUNDTRIP.no-normalisation" for form in NORMALISED_BY},
    "name-1-char": "ITEM-ROUNDTRIP.name-at-1-char",
    "name-1-astral-char": ("ITEM-ROUNDTRIP.name-at-1-char", "ITEM-ROUNDTRIP.astral-plane"),
    "name-100-chars": "ITEM-ROUNDTRIP.name-at-100-chars",
    "name-100-astral-chars": ("ITEM-ROUNDTRIP.name-at-100-chars", "ITEM-ROUNDTRIP.astral-plane"),
    "name-100-chars-combining": "ITEM-ROUNDTRIP.name-at-100-chars",
    "description-1000-chars": "ITEM-ROUNDTRIP.description-at-1000-chars",
    "description-1000-astral-chars": "ITEM-ROUNDTRIP.description-at-1000-chars",
    "description-empty": "ITEM-ROUNDTRIP.description-empty",
    "price-maximum": "ITEM-ROUNDTRIP.price-at-maximum",
    "price-tiny": "ITEM-ROUNDTRIP.price-just-above-0",
    "price-many-digits": "ITEM-ROUNDTRIP.numbers-equal",
}


@pytest.mark.requirement("ITEM-SHAPE")
@pytest.mark.asserts(*(assertion.id for assertion in load_catalog()["ITEM-SHAPE"].assertions))
def test_a_created_item_has_exactly_the_four_members(api: ApiClient, items: Items) -> None:
    """ITEM-SHAPE: every Item the server returns has exactly id, name, price and description."""
    verify_item_response(api.post(ITEMS, body=items.body(description="shape")), 201, requirement="CREATE-201")


@pytest.mark.requirement("ITEM-SHAPE")
@pytest.mark.asserts(*(assertion.id for assertion in load_catalog()["ITEM-SHAPE"].assertions))
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
@pytest.mark.parametrize("members", cases(ROUND_TRIPS, ROUND_TRIP_ASSERTS))
def test_values_come_back_exactly_as_sent(api: ApiClient, members: dict[str, Any]) -> None:
    """ITEM-ROUNDTRIP: strings come back exactly as sent (no trimming, case change or normalisation),
    numbers numerically equal, in the 201 and when read back."""
    sent = {"description": None, **members}
    response = api.post(ITEMS, body=members)
    created = verify_item_response(response, 201, requirement="CREATE-201")
    verify_members(response, created, sent)
    verify_stored(api, created["id"], sent, read_requirement="READ-200")


@pytest.mark.requirement("ITEM-ROUNDTRIP")
@pytest.mark.asserts("ITEM-ROUNDTRIP.via-replace", "ITEM-ROUNDTRIP.via-update", "ITEM-ROUNDTRIP.no-trimming")
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
@pytest.mark.asserts("ITEM-ID-UNIQUE.distinct-across-creates")
def test_ids_are_unique_across_creates(items: Items) -> None:
    """ITEM-ID-UNIQUE: ids are unique while the server runs: new ids differ from each other and from every item
    still there, also after an item that is not the newest was deleted (an id from the count of items repeats)."""
    older = [items.create()["id"] for _ in range(3)]
    items.delete(older[0])
    created = [items.create()["id"] for _ in range(5)]
    verify_distinct_ids(older[1:] + created, f"two items kept and five created after item {older[0]} was deleted")


@pytest.mark.requirement("ITEM-ID-UNIQUE")
@pytest.mark.asserts("ITEM-ID-UNIQUE.not-reused-after-delete-of-highest")
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
