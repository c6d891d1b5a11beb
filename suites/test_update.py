"""§3.5 Update — PATCH /items/{id}: merge-patch semantics (RFC 7396)."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.checks.cases import cases
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
@pytest.mark.parametrize(
    "patch",
    cases(
        PATCHES,
        {
            "name-only": (
                "UPDATE-200.status-200",
                "UPDATE-200.present-members-changed",
                "UPDATE-200.absent-members-kept",
            ),
            "price-only": ("UPDATE-200.present-members-changed", "UPDATE-200.absent-members-kept"),
            "description-only": ("UPDATE-200.present-members-changed", "UPDATE-200.absent-members-kept"),
            "description-cleared": ("UPDATE-200.description-null-clears", "UPDATE-200.absent-members-kept"),
            "all-members": ("UPDATE-200.status-200", "UPDATE-200.present-members-changed"),
        },
    ),
)
def test_patch_changes_members_present_and_keeps_the_rest(api: ApiClient, items: Items, patch: dict[str, Any]) -> None:
    """UPDATE-200: members present are changed, members absent are kept, description null clears it."""
    item = items.create(items.body(price=8.5, description="original"))
    expected = {**item, **patch}
    verify_item_response(api.patch(item_path(item["id"]), body=patch), 200, members=expected)
    verify_stored(api, item["id"], expected, read_requirement="READ-200")


@pytest.mark.requirement("UPDATE-200", "READ-200")
@pytest.mark.asserts(
    "UPDATE-200.absent-members-kept", "UPDATE-200.present-members-changed", "READ-200.body-is-the-item"
)
def test_patch_keeps_what_the_last_writes_left(api: ApiClient, items: Items) -> None:
    """UPDATE-200: members a PATCH leaves out keep the values last written (by a PUT and a PATCH after the
    create, not the create's), also after the items beside it were deleted."""
    before, item, after = (items.create(items.body(description=f"neighbour {n}")) for n in range(3))
    path = item_path(item["id"])
    verify_item_response(
        api.put(path, body={"name": "replaced", "price": 3.5, "description": "put"}), 200, requirement="REPLACE-200"
    )
    verify_item_response(api.patch(path, body={"description": "patched"}), 200, requirement="UPDATE-200")
    items.delete(before["id"])
    items.delete(after["id"])
    expected = {"id": item["id"], "name": "replaced", "price": 9.75, "description": "patched"}
    verify_item_response(api.patch(path, body={"price": 9.75}), 200, members=expected, requirement="UPDATE-200")
    verify_stored(api, item["id"], expected, read_requirement="READ-200", requirement="UPDATE-200")


@pytest.mark.requirement("UPDATE-EMPTY")
@pytest.mark.asserts("UPDATE-EMPTY.status-200", "UPDATE-EMPTY.unchanged")
def test_an_empty_patch_changes_nothing(api: ApiClient, items: Items) -> None:
    """UPDATE-EMPTY: {} gets 200 with the Item unchanged."""
    item = items.create(items.body(description="unchanged"))
    verify_item_response(api.patch(item_path(item["id"]), body={}), 200, members=item)
    verify_unchanged(api, item, f"item {item['id']} after an empty PATCH")


@pytest.mark.requirement("UPDATE-404")
@pytest.mark.asserts("UPDATE-404.missing-id-404")
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
@pytest.mark.parametrize(
    "patch",
    cases(
        NULL_REQUIRED,
        {
            "name-null": ("UPDATE-NULL-REQUIRED.name-null-422", "UPDATE-NULL-REQUIRED.nothing-changes"),
            "price-null": ("UPDATE-NULL-REQUIRED.price-null-422", "UPDATE-NULL-REQUIRED.nothing-changes"),
            "valid-description-then-name-null": (
                "UPDATE-NULL-REQUIRED.name-null-422",
                "UPDATE-NULL-REQUIRED.nothing-changes",
            ),
            "valid-name-then-price-null": (
                "UPDATE-NULL-REQUIRED.price-null-422",
                "UPDATE-NULL-REQUIRED.nothing-changes",
            ),
        },
    ),
)
def test_null_for_a_required_member_gets_422_and_changes_nothing(
    api: ApiClient, items: Items, patch: dict[str, Any]
) -> None:
    """UPDATE-NULL-REQUIRED: name: null or price: null gets 422, and nothing changes."""
    item = items.baseline(items.body(description="keep me"))
    verify_refused(api, item, api.patch(item_path(item["id"]), body=patch), 422)
