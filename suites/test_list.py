"""§3.1 List — GET /items: a window over the whole collection in id order, with its total."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.checks.items import NEWEST_WITH_ROOM, PAGE_MAX, Items, quiet_attempts
from conformance.checks.verify import fail, verify_error_body, verify_item, verify_json_success, verify_status
from conformance.checks.violations import not_run
from conformance.contract.openapi import load_contract
from conformance.target.client import ApiClient
from conformance.target.paths import ITEMS

CONTRACT = load_contract()


def listed_ids(entries: list[Any]) -> list[Any]:
    return [entry.get("id") if isinstance(entry, dict) else entry for entry in entries]


def verify_ascending(ids: list[Any], summary: str, *, strictly: bool) -> None:
    """LIST-ORDER: the ids ascend; `strictly`, none of them repeats either."""
    ascending = ids == sorted(ids, key=lambda value: value if isinstance(value, int) else -1)
    if not ascending or (strictly and len(set(ids)) != len(ids)):
        expected = "strictly ascending ids" if strictly else "ascending ids"
        raise fail(summary, expected=expected, received=f"ids {ids}")


@pytest.mark.requirement("LIST-200")
def test_the_list_answers_200_with_items_and_total(api: ApiClient, items: Items) -> None:
    """LIST-200: 200 with {"items": [Item, …], "total": integer}."""
    items.create()
    response = api.get(ITEMS)
    verify_status(response, 200)
    page = verify_json_success(response)
    if not (isinstance(page, dict) and isinstance(page.get("items"), list) and type(page.get("total")) is int):
        raise fail(
            expected='an object {"items": [...], "total": integer}',
            received=str(page)[:300],
            response=response,
        )
    for entry in page["items"]:
        verify_item(response, entry, "an item of GET /items")


@pytest.mark.requirement("LIST-ORDER")
def test_items_are_listed_in_ascending_id_order(items: Items) -> None:
    """LIST-ORDER: items are in ascending id order."""
    for _ in range(3):
        items.create()
    tail = items.tail()
    verify_ascending(listed_ids(tail.entries), f"GET /items?limit={PAGE_MAX}&offset={tail.offset}", strictly=True)
    verify_ascending(listed_ids(items.page(limit=PAGE_MAX)["items"]), f"GET /items?limit={PAGE_MAX}", strictly=False)


@pytest.mark.requirement("LIST-WINDOW")
def test_a_page_is_the_window_offset_to_offset_plus_limit(items: Items) -> None:
    """LIST-WINDOW: `items` is the window [offset, offset + limit) of the whole ordered collection.

    New items take the highest ids, so the four just created are the last four of the collection,
    unless another client writes meanwhile: then the measurement is repeated, never judged.
    """
    for _ in quiet_attempts():
        created = [items.create()["id"] for _ in range(4)]
        if not all(isinstance(item_id, int) for item_id in created):
            raise not_run(f"ids {created} are not integers: which items are newest is unknown", needs="ITEM-SHAPE")
        before = items.tail(NEWEST_WITH_ROOM)
        total = before.total
        start = total - 4
        # Windows inside the collection only: one that reaches past the end would also see items other
        # clients create and delete in passing, which no snapshot can rule out.
        expected = {(start, 4): created, (start + 1, 2): created[1:3], (start + 3, 1): created[3:]}
        received = {window: listed_ids(items.page(offset=window[0], limit=window[1])["items"]) for window in expected}
        # Quiet only if the newest items and the total held still (a delete and a create elsewhere show
        # up as a new id), and the four created are the newest.
        if items.tail(offset=before.offset) != before or sorted(before.ids)[-4:] != created:
            continue  # another client wrote meanwhile: these pages prove nothing
        if received == expected:
            return
        wrong = {window: ids for window, ids in received.items() if ids != expected[window]}
        raise fail(
            f"pages over the last 4 items (total {total})",
            expected="; ".join(f"offset={o}&limit={n}: ids {expected[(o, n)]}" for o, n in wrong),
            received="; ".join(f"offset={o}&limit={n}: ids {ids}" for (o, n), ids in wrong.items()),
        )


@pytest.mark.requirement("LIST-WINDOW")
@pytest.mark.parametrize("past_end", [0, 1, 1000])
def test_an_offset_at_or_past_the_end_gives_an_empty_page(items: Items, past_end: int) -> None:
    """LIST-WINDOW: an offset at or past the end gives []."""
    items.create()
    for _ in quiet_attempts():
        before = items.tail(NEWEST_WITH_ROOM)
        total = before.total
        page = items.page(offset=total + past_end, limit=10)
        listed = listed_ids(page["items"])
        newer = [item_id for item_id in listed if isinstance(item_id, int) and item_id > max(before.ids)]
        if newer or items.tail(offset=before.offset) != before:
            continue  # another client wrote meanwhile: items created since stand at that offset
        if page["items"] != []:
            raise fail(
                f"GET /items?offset={total + past_end} (total {total})",
                expected="items []",
                received=f"ids {listed}",
            )
        return


@pytest.mark.requirement("LIST-TOTAL")
def test_total_counts_the_whole_collection_not_the_page(items: Items) -> None:
    """LIST-TOTAL: `total` counts the whole collection, not the page: with three items of its own alive,
    every page, however small or far past the end, reports a total of at least three."""
    for _ in range(3):
        items.create()
    totals = {f"limit={limit}": items.page(limit=limit)["total"] for limit in (1, 2)}
    totals["an empty page past the end"] = items.page(offset=10**6, limit=5)["total"]
    if any(total < 3 for total in totals.values()):
        raise fail(
            "total reported by small pages after creating 3 items",
            expected="a total of at least 3 for every page",
            received=", ".join(f"{page}: {total}" for page, total in totals.items()),
        )


@pytest.mark.requirement("LIST-DEFAULTS")
def test_without_parameters_limit_is_10_and_offset_is_0(items: Items) -> None:
    """LIST-DEFAULTS: without parameters, `limit` is 10 and `offset` is 0."""
    for _ in range(max(0, CONTRACT.limit_default + 1 - items.total())):
        items.create()
    for _ in quiet_attempts():
        explicit = listed_ids(items.page(limit=CONTRACT.limit_default, offset=0)["items"])
        default = listed_ids(items.page()["items"])
        if listed_ids(items.page(limit=CONTRACT.limit_default, offset=0)["items"]) != explicit:
            continue  # the first page changed while the default page was read
        if len(default) != CONTRACT.limit_default or default != explicit:
            raise fail(
                "GET /items with no parameters",
                expected=f"the first items of ?limit={CONTRACT.limit_default}&offset=0: ids {explicit}",
                received=f"{len(default)} items: ids {default}",
            )
        return


BAD_PARAMETERS = {
    "limit-zero": {"limit": "0"},
    "limit-over-100": {"limit": str(PAGE_MAX + 1)},
    "limit-negative": {"limit": "-1"},
    "limit-text": {"limit": "ten"},
    "limit-fraction": {"limit": "2.5"},
    "limit-empty": {"limit": ""},
    "offset-negative": {"offset": "-1"},
    "offset-text": {"offset": "first"},
    "offset-fraction": {"offset": "0.5"},
}


@pytest.mark.requirement("LIST-PARAMS-400")
@pytest.mark.parametrize("params", BAD_PARAMETERS.values(), ids=BAD_PARAMETERS.keys())
def test_a_bad_limit_or_offset_gets_400(api: ApiClient, params: dict[str, str]) -> None:
    """LIST-PARAMS-400: a `limit` or `offset` that is not an integer or is out of range gets 400."""
    response = api.get(ITEMS, params=params)
    verify_status(response, 400)
    verify_error_body(response)


@pytest.mark.requirement("LIST-200")
@pytest.mark.parametrize("params", [{"limit": "1"}, {"limit": str(PAGE_MAX)}, {"offset": "0"}, {"unknown": "x"}])
def test_in_range_and_unknown_parameters_are_accepted(api: ApiClient, params: dict[str, str]) -> None:
    """LIST-200: limits 1 and 100 are valid; other query parameters are ignored."""
    response = api.get(ITEMS, params=params)
    verify_status(response, 200)
