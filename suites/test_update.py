"""§3.5 Update — PATCH /items/{id}: merge-patch semantics (RFC 7396)."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.checks.items import Items
from conformance.checks.verify import (
    verify_item_response,
    verify_refused,
    verify_status,
    verify_stored,
    verify_unchanged,
)
from conformance.contract.openapi import load_contract
from conformance.target.client import ApiClient
from conformance.target.paths import item_path

CONTRACT = load_contract()

PATCHES: dict[str, dict[str, Any]] = {
    "name-only": {"name": "patched name"},
    "price-only": {"price": 42.5},
    "description-only": {"description": "patched description"},
    "description-cleared": {"description": None},
    "all-members": {"name": "all new", "price": CONTRACT.price_max, "description": "all new too"},
}


@pytest.mark.requirement("UPDATE-200")
@pytest.mark.parametrize("patch", PATCHES.values(), ids=PATCHES.keys())
def test_patch_changes_members_present_and_keeps_the_rest(api: ApiClient, items: Items, patch: dict[str, Any]) -> None:
    """UPDATE-200: members present are changed, members absent are kept, description null clears it."""
    item = items.create(items.body(price=8.5, description="original"))
    expected = {**item, **patch}
    verify_item_response(api.patch(item_path(item["id"]), body=patch), 200, members=expected)
    verify_stored(api, item["id"], expected, read_requirement="READ-200")


@pytest.mark.requirement("UPDATE-EMPTY")
def test_an_empty_patch_changes_nothing(api: ApiClient, items: Items) -> None:
    """UPDATE-EMPTY: {} gets 200 with the Item unchanged."""
    item = items.create(items.body(description="unchanged"))
    verify_item_response(api.patch(item_path(item["id"]), body={}), 200, members=item)
    verify_unchanged(api, item, f"item {item['id']} after an empty PATCH")


@pytest.mark.requirement("UPDATE-404")
def test_patch_of_a_missing_id_gets_404(api: ApiClient, items: Items) -> None:
    """UPDATE-404: a missing id gets 404."""
    missing = items.absent_id()
    response = api.patch(item_path(missing), body={"price": 2})
    verify_status(response, 404, f"PATCH /items/{missing} (does not exist)")


NULL_REQUIRED: dict[str, dict[str, Any]] = {
    "name-null": {"name": None},
    "price-null": {"price": None},
    # After a valid member: nothing of the patch is applied, not even what came before the null.
    "valid-description-then-name-null": {"description": "changed by a refused patch", "name": None},
    "valid-name-then-price-null": {"name": "changed by a refused patch", "price": None},
}


@pytest.mark.requirement("UPDATE-NULL-REQUIRED")
@pytest.mark.parametrize("patch", NULL_REQUIRED.values(), ids=NULL_REQUIRED.keys())
def test_null_for_a_required_member_gets_422_and_changes_nothing(
    api: ApiClient, items: Items, patch: dict[str, Any]
) -> None:
    """UPDATE-NULL-REQUIRED: name: null or price: null gets 422, and nothing changes."""
    item = items.baseline(items.body(description="keep me"))
    verify_refused(api, item, api.patch(item_path(item["id"]), body=patch), 422)
