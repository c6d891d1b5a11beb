"""§3.1 List — GET /items: a window over the whole collection in id order, with its total."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.client import ITEMS, ApiClient
from conformance.items import QUIET_ATTEMPTS, Items, tail_snapshot
from conformance.verify import fail, verify_error_body, verify_item, verify_json_success, verify_status
from conformance.violations import blocked


def listed_ids(page: dict[str, Any]) -> list[Any]:
    return [entry.get("id") if isinstance(entry, dict) else entry for entry in page["items"]]


def tail(items: Items, count: int) -> tuple[int, dict[str, Any]]:
    """The last `count` items of the collection (the newest, as ids only grow) and the total seen."""
    total = items.total()
    return total, items.page(limit=count, offset=max(0, total - count))


@pytest.mark.requirement("LIST-200")
def test_the_list_answers_200_with_items_and_total(api: ApiClient, items: Items) -> None:
    """LIST-200: 200 with {"items": [Item, …], "total": integer}."""
    items.create()
    response = api.get(ITEMS)
    verify_status(response, 200, "LIST-200", "GET /items")
    page = verify_json_success(response, "GET /items")
    if not (isinstance(page, dict) and isinstance(page.get("items"), list) and type(page.get("total")) is int):
        raise fail(
            "LIST-200",
            "GET /items",
            expected='an object {"items": [...], "total": integer}',
            received=str(page)[:300],
            response=response,
        )
    for entry in page["items"]:
        verify_item(response, entry, "an item of GET /items")


@pytest.mark.requirement("LIST-ORDER")
def test_items_are_listed_in_ascending_id_order(api: ApiClient, items: Items) -> None:
    """LIST-ORDER: items are in ascending id order."""
    for _ in range(3):
        items.create()
    total, page = tail(items, 100)
    ids = listed_ids(page)
    if ids != sorted(ids, key=lambda value: value if isinstance(value, int) else -1) or len(set(ids)) != len(ids):
        raise fail(
            "LIST-ORDER",
            f"GET /items?limit=100&offset={max(0, total - 100)}",
            expected="strictly ascending ids",
            received=f"ids {ids}",
        )
    first = items.page(limit=100)
    first_ids = listed_ids(first)
    if first_ids != sorted(first_ids, key=lambda value: value if isinstance(value, int) else -1):
        raise fail("LIST-ORDER", "GET /items?limit=100", expected="ascending ids", received=f"ids {first_ids}")


@pytest.mark.requirement("LIST-WINDOW")
def test_a_page_is_the_window_offset_to_offset_plus_limit(items: Items) -> None:
    """LIST-WINDOW: `items` is the window [offset, offset + limit) of the whole ordered collection.

    New items take the highest ids, so the four just created are the last four of the collection,
    unless another client writes meanwhile: then the measurement is repeated, never judged.
    """
    for _ in range(QUIET_ATTEMPTS):
        created = [items.create()["id"] for _ in range(4)]
        before = tail_snapshot(items)
        total = before.total
        start = total - 4
        # Windows inside the collection only: one that reaches past the end would also see items other
        # clients create and delete in passing, which no snapshot can rule out.
        expected = {(start, 4): created, (start + 1, 2): created[1:3], (start + 3, 1): created[3:]}
        received = {window: listed_ids(items.page(offset=window[0], limit=window[1])) for window in expected}
        # Quiet only if the newest items and the total held still (a delete and a create elsewhere show
        # up as a new id), and the four created are the newest.
        if tail_snapshot(items, offset=before.offset) != before or sorted(before.ids)[-4:] != created:
            continue  # another client wrote meanwhile: these pages prove nothing
        if received == expected:
            return
        wrong = {window: ids for window, ids in received.items() if ids != expected[window]}
        raise fail(
            "LIST-WINDOW",
            f"pages over the last 4 items (total {total})",
            expected="; ".join(f"offset={o}&limit={n}: ids {expected[(o, n)]}" for o, n in wrong),
            received="; ".join(f"offset={o}&limit={n}: ids {ids}" for (o, n), ids in wrong.items()),
        )
    raise blocked(f"other clients kept writing: no quiet moment in {QUIET_ATTEMPTS} attempts to measure windows")


@pytest.mark.requirement("LIST-WINDOW")
@pytest.mark.parametrize("past_end", [0, 1, 1000])
def test_an_offset_at_or_past_the_end_gives_an_empty_page(items: Items, past_end: int) -> None:
    """LIST-WINDOW: an offset at or past the end gives []."""
    items.create()
    for _ in range(QUIET_ATTEMPTS):
        before = tail_snapshot(items)
        total = before.total
        page = items.page(offset=total + past_end, limit=10)
        newer = [item_id for item_id in listed_ids(page) if isinstance(item_id, int) and item_id > max(before.ids)]
        if newer or tail_snapshot(items, offset=before.offset) != before:
            continue  # another client wrote meanwhile: items created since stand at that offset
        if page["items"] != []:
            raise fail(
                "LIST-WINDOW",
                f"GET /items?offset={total + past_end} (total {total})",
                expected="items []",
                received=f"ids {listed_ids(page)}",
            )
        return
    raise blocked(f"other clients kept writing: no quiet moment in {QUIET_ATTEMPTS} attempts")


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
            "LIST-TOTAL",
            "total reported by small pages after creating 3 items",
            expected="a total of at least 3 for every page",
            received=", ".join(f"{page}: {total}" for page, total in totals.items()),
        )


@pytest.mark.requirement("LIST-DEFAULTS")
def test_without_parameters_limit_is_10_and_offset_is_0(api: ApiClient, items: Items) -> None:
    """LIST-DEFAULTS: without parameters, `limit` is 10 and `offset` is 0."""
    for _ in range(max(0, 11 - items.total())):
        items.create()
    for _ in range(QUIET_ATTEMPTS):
        explicit = items.page(limit=10, offset=0)
        default = items.page()
        if listed_ids(items.page(limit=10, offset=0)) == listed_ids(explicit):
            break  # the first page held still while the default page was read
    else:
        raise blocked(f"other clients kept changing the first page in {QUIET_ATTEMPTS} attempts")
    if len(default["items"]) != 10 or listed_ids(default) != listed_ids(explicit):
        raise fail(
            "LIST-DEFAULTS",
            "GET /items with no parameters",
            expected=f"the 10 items of ?limit=10&offset=0: ids {listed_ids(explicit)}",
            received=f"{len(default['items'])} items: ids {listed_ids(default)}",
        )


BAD_PARAMETERS = {
    "limit-zero": {"limit": "0"},
    "limit-over-100": {"limit": "101"},
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
    query = "&".join(f"{name}={value}" for name, value in params.items())
    verify_status(response, 400, "LIST-PARAMS-400", f"GET /items?{query}")
    verify_error_body(response, f"the 400 to GET /items?{query}")


@pytest.mark.requirement("LIST-200")
@pytest.mark.parametrize("params", [{"limit": "1"}, {"limit": "100"}, {"offset": "0"}, {"unknown": "x"}])
def test_in_range_and_unknown_parameters_are_accepted(api: ApiClient, params: dict[str, str]) -> None:
    """LIST-200: limits 1 and 100 are valid; other query parameters are ignored."""
    response = api.get(ITEMS, params=params)
    verify_status(response, 200, "LIST-200", f"GET /items with {params}")
