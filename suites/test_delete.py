"""§3.6 Delete — DELETE /items/{id}."""

from __future__ import annotations

import pytest

from conformance.checks.cases import cases
from conformance.checks.items import NEWEST_WITH_ROOM, Items, quiet_attempts
from conformance.checks.verify import fail, verify_status, verify_total_change
from conformance.target.client import ApiClient
from conformance.target.paths import item_path


@pytest.mark.requirement("DELETE-204")
@pytest.mark.asserts("DELETE-204.status-204", "DELETE-204.empty-body")
def test_delete_of_an_existing_item_answers_204_with_an_empty_body(api: ApiClient, items: Items) -> None:
    """DELETE-204: an existing id gets 204 with an empty body."""
    item = items.create()
    response = api.delete(item_path(item["id"]))
    verify_status(response, 204)
    if response.content:
        raise fail(
            expected="an empty body",
            received=f"{len(response.content)} bytes of body",
            response=response,
        )


@pytest.mark.requirement("DELETE-GONE")
@pytest.mark.parametrize(
    "method",
    cases(
        {m: m for m in ("GET", "PUT", "PATCH", "DELETE")},
        {m: f"DELETE-GONE.{m.lower()}-404" for m in ("GET", "PUT", "PATCH", "DELETE")},
    ),
)
def test_a_deleted_item_answers_404_to_every_item_method(items: Items, method: str) -> None:
    """DELETE-GONE: afterwards GET, PUT, PATCH and DELETE of that id get 404."""
    item = items.create()
    items.delete(item["id"])
    response = items.send(method, item_path(item["id"]), auth=method != "GET")
    verify_status(response, 404, f"{method} of item {item['id']} after it was deleted")


@pytest.mark.requirement("DELETE-GONE")
@pytest.mark.asserts("DELETE-GONE.left-the-list", "DELETE-GONE.total-one-less")
def test_a_deleted_item_leaves_the_list_and_its_total(items: Items) -> None:
    """DELETE-GONE: the Item is gone from the list, and `total` is one less.

    Judged only on a quiet measurement: the tail of the list before and after differs by nothing
    but this delete; when other clients write meanwhile, it is measured again.
    """
    for _ in quiet_attempts():
        item = items.create()
        before = items.tail(NEWEST_WITH_ROOM)
        items.delete(item["id"])
        after = items.tail(offset=before.offset)
        if after.ids | {item["id"]} != before.ids:
            if item["id"] in after.ids and after.ids == before.ids:
                raise fail(
                    f"the list after deleting item {item['id']}",
                    expected=f"item {item['id']} absent from the list",
                    received="it is still listed",
                )
            continue  # another client wrote meanwhile
        verify_total_change(before, after, -1, f"total after deleting item {item['id']}")
        return


@pytest.mark.requirement("DELETE-404")
@pytest.mark.asserts("DELETE-404.missing-id-404")
def test_delete_of_a_missing_id_answers_404(api: ApiClient, items: Items) -> None:
    """DELETE-404: a missing id gets 404."""
    response = api.delete(item_path(items.absent_id()))
    verify_status(response, 404, "DELETE of an id that does not exist")
