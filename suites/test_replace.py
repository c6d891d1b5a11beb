"""§3.4 Replace — PUT /items/{id}: every member replaced, no upsert, idempotent."""

from __future__ import annotations

import json

import pytest

from conformance.client import ApiClient, item_path
from conformance.items import Items
from conformance.verify import fail, same_value, verify_item_response, verify_members, verify_status


@pytest.mark.requirement("REPLACE-200")
def test_put_replaces_every_member_and_keeps_the_id(api: ApiClient, items: Items) -> None:
    """REPLACE-200: a valid ItemCreate gets 200 with the new Item; every member is replaced, the id stays."""
    item = items.create(items.body(price=5, description="old"))
    new = {"name": "replaced name", "price": 77.5, "description": "new"}
    response = api.put(item_path(item["id"]), body=new)
    replaced = verify_item_response(response, 200, "REPLACE-200", f"PUT /items/{item['id']}")
    verify_members(response, replaced, {"id": item["id"], **new}, "REPLACE-200", f"PUT /items/{item['id']}")
    stored = api.get(item_path(item["id"]))
    verify_members(
        stored,
        verify_item_response(stored, 200, "READ-200", "GET after PUT"),
        {"id": item["id"], **new},
        "REPLACE-200",
        f"GET /items/{item['id']} after PUT",
    )


@pytest.mark.requirement("REPLACE-200")
def test_put_without_description_sets_it_to_null(api: ApiClient, items: Items) -> None:
    """REPLACE-200: an absent description becomes null (PUT is not a merge)."""
    item = items.create(items.body(description="will be cleared"))
    response = api.put(item_path(item["id"]), body={"name": "no description", "price": 3})
    replaced = verify_item_response(response, 200, "REPLACE-200", f"PUT /items/{item['id']} without description")
    verify_members(response, replaced, {"description": None}, "REPLACE-200", "PUT without description")
    stored = items.fetch(item["id"])
    if stored["description"] is not None:
        raise fail(
            "REPLACE-200",
            f"GET /items/{item['id']} after PUT without description",
            expected="description null",
            received=f"description {stored['description']!r}",
        )


@pytest.mark.requirement("REPLACE-404")
def test_put_to_a_missing_id_gets_404_and_creates_nothing(api: ApiClient, items: Items) -> None:
    """REPLACE-404: a missing id gets 404, and nothing is created (no upsert)."""
    missing = items.absent_id()
    response = api.put(item_path(missing), body=items.body())
    verify_status(response, 404, "REPLACE-404", f"PUT /items/{missing} (does not exist)")
    after = api.get(item_path(missing))
    verify_status(after, 404, "REPLACE-404", f"GET /items/{missing} after a PUT to it (no upsert)")


@pytest.mark.requirement("REPLACE-IDEMPOTENT")
def test_repeating_a_put_gives_the_same_body_and_state(api: ApiClient, items: Items) -> None:
    """REPLACE-IDEMPOTENT: repeating the same PUT gives the same response body and the same stored state."""
    item = items.create()
    body = {"name": "idempotent 😀", "price": 12.34}
    first = api.put(item_path(item["id"]), body=body)
    once = verify_item_response(first, 200, "REPLACE-200", "the first PUT")
    state_once = items.fetch(item["id"])
    second = api.put(item_path(item["id"]), body=body)
    twice = verify_item_response(second, 200, "REPLACE-200", "the same PUT again")
    state_twice = items.fetch(item["id"])
    if any(not same_value(once[name], twice[name]) for name in once):
        raise fail(
            "REPLACE-IDEMPOTENT",
            "the same PUT twice",
            expected=f"the same body: {json.dumps(once)}",
            received=f"second body: {json.dumps(twice)}",
            response=second,
        )
    if any(not same_value(state_once[name], state_twice[name]) for name in state_once):
        raise fail(
            "REPLACE-IDEMPOTENT",
            "stored item after the same PUT twice",
            expected=json.dumps(state_once),
            received=json.dumps(state_twice),
        )
