"""§3.4 Replace — PUT /items/{id}: every member replaced, no upsert, idempotent."""

from __future__ import annotations

import pytest

from conformance.checks.items import Items
from conformance.checks.verify import verify_item_response, verify_members, verify_status, verify_stored
from conformance.target.client import ApiClient
from conformance.target.paths import item_path


@pytest.mark.requirement("REPLACE-200")
@pytest.mark.asserts("REPLACE-200.status-200", "REPLACE-200.every-member-replaced", "REPLACE-200.id-kept")
def test_put_replaces_every_member_and_keeps_the_id(api: ApiClient, items: Items) -> None:
    """REPLACE-200: a valid ItemCreate gets 200 with the new Item; every member is replaced, the id stays."""
    item = items.create(items.body(price=5, description="old"))
    new = {"name": "replaced name", "price": 77.5, "description": "new"}
    expected = {"id": item["id"], **new}
    verify_item_response(api.put(item_path(item["id"]), body=new), 200, members=expected)
    verify_stored(api, item["id"], expected, read_requirement="READ-200")


@pytest.mark.requirement("REPLACE-200")
@pytest.mark.asserts("REPLACE-200.absent-description-null")
def test_put_without_description_sets_it_to_null(api: ApiClient, items: Items) -> None:
    """REPLACE-200: an absent description becomes null (PUT is not a merge)."""
    item = items.create(items.body(description="will be cleared"))
    response = api.put(item_path(item["id"]), body={"name": "no description", "price": 3})
    verify_item_response(response, 200, members={"description": None})
    stored = items.fetch(item["id"])
    verify_members(None, stored, {"description": None}, f"item {item['id']} after PUT")


@pytest.mark.requirement("REPLACE-200", "READ-200")
@pytest.mark.asserts(
    "REPLACE-200.every-member-replaced", "REPLACE-200.absent-description-null", "READ-200.body-is-the-item"
)
def test_put_replaces_an_item_with_a_history(api: ApiClient, items: Items) -> None:
    """REPLACE-200: a PUT replaces what the item holds now, whatever wrote it (an earlier PUT and PATCH), also
    after the items beside it were deleted; and the item reads back as last written."""
    before, item, after = (items.create(items.body(description=f"neighbour {n}")) for n in range(3))
    path = item_path(item["id"])
    verify_item_response(
        api.put(path, body={"name": "first replace", "price": 2, "description": "put"}), 200, requirement="REPLACE-200"
    )
    verify_item_response(
        api.patch(path, body={"name": "then patched", "description": "patched"}), 200, requirement="UPDATE-200"
    )
    items.delete(before["id"])
    items.delete(after["id"])
    new = {"name": "replaced with a history", "price": 8.25}
    expected = {"id": item["id"], **new, "description": None}
    verify_item_response(api.put(path, body=new), 200, members=expected, requirement="REPLACE-200")
    verify_stored(api, item["id"], expected, read_requirement="READ-200", requirement="REPLACE-200")


@pytest.mark.requirement("REPLACE-404")
@pytest.mark.asserts("REPLACE-404.missing-id-404", "REPLACE-404.no-upsert")
def test_put_to_a_missing_id_gets_404_and_creates_nothing(api: ApiClient, items: Items) -> None:
    """REPLACE-404: a missing id gets 404, and nothing is created (no upsert)."""
    missing = items.absent_id()
    response = api.put(item_path(missing), body=items.body())
    verify_status(response, 404, f"PUT /items/{missing} (does not exist)")
    verify_status(api.get(item_path(missing)), 404, f"GET /items/{missing} after a PUT to it")


@pytest.mark.requirement("REPLACE-IDEMPOTENT")
@pytest.mark.asserts("REPLACE-IDEMPOTENT.same-body", "REPLACE-IDEMPOTENT.same-state")
def test_repeating_a_put_gives_the_same_body_and_state(api: ApiClient, items: Items) -> None:
    """REPLACE-IDEMPOTENT: repeating the same PUT gives the same response body and the same stored state."""
    item = items.create()
    body = {"name": "idempotent 😀", "price": 12.34}
    first = api.put(item_path(item["id"]), body=body)
    once = verify_item_response(first, 200, "the first PUT", requirement="REPLACE-200")
    state_once = items.fetch(item["id"])
    second = api.put(item_path(item["id"]), body=body)
    twice = verify_item_response(second, 200, "the same PUT again", requirement="REPLACE-200")
    state_twice = items.fetch(item["id"])
    verify_members(second, twice, once, "the same PUT again")
    verify_members(None, state_twice, state_once, f"item {item['id']} after the same PUT twice")
