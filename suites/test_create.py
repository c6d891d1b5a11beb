"""§3.2 Create — POST /items."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.checks.cases import cases
from conformance.checks.items import NEWEST_WITH_ROOM, Items, quiet_attempts
from conformance.checks.verify import (
    fail,
    verify_item_response,
    verify_listed,
    verify_status,
    verify_stored,
    verify_total_change,
)
from conformance.target.client import ApiClient
from conformance.target.paths import ITEMS, item_path

VALID_BODIES: dict[str, dict[str, Any]] = {
    "without-description": {"price": 9.99},
    "with-description": {"price": 20, "description": "described"},
    "with-null-description": {"price": 1, "description": None},
}


@pytest.mark.requirement("CREATE-201")
@pytest.mark.parametrize(
    "members",
    cases(
        VALID_BODIES,
        {
            "without-description": (
                "CREATE-201.status-201",
                "CREATE-201.body-is-the-item",
                "CREATE-201.absent-description-null",
            ),
            "with-description": ("CREATE-201.status-201", "CREATE-201.body-is-the-item"),
            "with-null-description": ("CREATE-201.status-201", "CREATE-201.body-is-the-item"),
        },
    ),
)
def test_a_valid_create_gets_201_with_the_item(api: ApiClient, items: Items, members: dict[str, Any]) -> None:
    """CREATE-201: a valid ItemCreate gets 201 with the created Item; an absent description is stored as null."""
    body = items.body(**members)
    verify_item_response(api.post(ITEMS, body=body), 201, members={"description": None, **body})


@pytest.mark.requirement("CREATE-READBACK")
@pytest.mark.asserts("CREATE-READBACK.read-by-id")
def test_a_created_item_can_be_read_by_id(api: ApiClient, items: Items) -> None:
    """CREATE-READBACK: the created Item is then returned by GET /items/{id}."""
    created = items.create(items.body(description="read me back"))
    verify_stored(api, created["id"], created)


@pytest.mark.requirement("CREATE-READBACK")
@pytest.mark.asserts("CREATE-READBACK.listed", "CREATE-READBACK.total-grows-by-one")
def test_a_created_item_is_listed_and_the_total_grows_by_one(items: Items) -> None:
    """CREATE-READBACK: the created Item appears in the list, and `total` grows by one.

    Judged only on a quiet measurement: the tail of the list before and after differs by nothing
    but this create; when other clients write meanwhile, it is measured again.
    """
    for _ in quiet_attempts():
        before = items.tail(NEWEST_WITH_ROOM)
        created = items.create()
        after = items.tail(offset=before.offset)
        if after.ids - {created["id"]} != before.ids:
            continue  # another client wrote meanwhile
        listed = items.spanning([created["id"]])
        verify_listed(listed, [created["id"]], f"the list after creating item {created['id']}")
        if items.page(offset=after.total, limit=1)["items"]:
            return  # items past `total`: a wrong total is judged by LIST-TOTAL's own test, not here
        verify_total_change(before, after, +1, "total after one create")
        return


@pytest.mark.requirement("CREATE-LOCATION")
@pytest.mark.asserts("CREATE-LOCATION.header-present", "CREATE-LOCATION.resolves-to-the-item")
def test_the_201_has_a_location_resolving_to_the_item(api: ApiClient, items: Items) -> None:
    """CREATE-LOCATION: the 201 carries a Location header that resolves to /items/{id}."""
    response = api.post(ITEMS, body=items.body())
    created = verify_item_response(response, 201, requirement="CREATE-201")
    location = response.headers.get("location")
    expected_path = item_path(created["id"])
    if location is None:
        raise fail(
            expected=f"a Location header for {expected_path}",
            received="no Location header",
            response=response,
        )
    # Relative or absolute, it resolves against the request's URL, under the API's root (a --base-url path).
    resolved = api.api_path(response.request.url.join(location))
    if (resolved or "").rstrip("/") != expected_path:
        raise fail(
            expected=f"Location resolving to {expected_path}",
            received=f"Location: {location}",
            response=response,
        )
    verify_status(api.get(expected_path), 200, f"GET of the Location {location}")
