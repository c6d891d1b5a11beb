"""§3.1 List — GET /items: a window over the whole collection in id order, with its total."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.checks.cases import cases
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
@pytest.mark.asserts("LIST-200.status-200", "LIST-200.items-array", "LIST-200.total-integer")
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
@pytest.mark.asserts("LIST-ORDER.ascending-id")
def test_items_are_listed_in_ascending_id_order(items: Items) -> None:
    """LIST-ORDER: items are in ascending id order."""
    for _ in range(3):
        items.create()
    tail = items.tail()
    verify_ascending(listed_ids(tail.entries), f"GET /items?limit={PAGE_MAX}&offset={tail.offset}", strictly=True)
    verify_ascending(listed_ids(items.page(limit=PAGE_MAX)["items"]), f"GET /items?limit={PAGE_MAX}", strictly=False)


@pytest.mark.requirement("LIST-WINDOW")
@pytest.mark.asserts("LIST-WINDOW.limit-and-offset", "LIST-WINDOW.one-item-at-min-limit")
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
@pytest.mark.parametrize(
    "past_end",
    cases(
        {"0": 0, "1": 1, "1000": 1000},
        {
            "0": "LIST-WINDOW.offset-at-end-empty",
            "1": "LIST-WINDOW.offset-past-end-empty",
            "1000": "LIST-WINDOW.offset-past-end-empty",
        },
    ),
)
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
@pytest.mark.asserts("LIST-TOTAL.whole-collection-not-page", "LIST-TOTAL.on-an-empty-page")
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
@pytest.mark.asserts("LIST-DEFAULTS.limit-10", "LIST-DEFAULTS.offset-0")
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


WINDOWS: dict[str, tuple[dict[str, int], int, int]] = {
    # The query, where its window starts and how long it is; each needs more items after it than it holds,
    # so that a page cut short (a server that stops at 50) shows.
    "limit-alone-at-the-maximum": ({"limit": PAGE_MAX}, 0, PAGE_MAX),
    "limit-and-offset-at-the-maximum": ({"limit": PAGE_MAX, "offset": 1}, 1, PAGE_MAX),
    "offset-alone": ({"offset": 3}, 3, CONTRACT.limit_default),
    "limit-at-the-minimum": ({"limit": 1, "offset": 2}, 2, 1),
}
WINDOW_ASSERTS: dict[str, str | tuple[str, ...]] = {
    "limit-alone-at-the-maximum": ("LIST-WINDOW.limit-alone", "LIST-WINDOW.full-page-at-max-limit"),
    "limit-and-offset-at-the-maximum": ("LIST-WINDOW.limit-and-offset", "LIST-WINDOW.full-page-at-max-limit"),
    "offset-alone": "LIST-WINDOW.offset-alone",
    "limit-at-the-minimum": "LIST-WINDOW.one-item-at-min-limit",
}
READING_PAGE = 25
"""The page size the collection is read with to know what a window must hold: far from either bound of limit."""


def first_ids(items: Items, count: int) -> list[Any]:
    """The ids of the first `count` items of the collection, read in pages of READING_PAGE."""
    ids: list[Any] = []
    while len(ids) < count:
        page = listed_ids(items.page(offset=len(ids), limit=READING_PAGE)["items"])
        if not page:
            break
        ids += page
    return ids[:count]


def fill_to(items: Items, count: int) -> None:
    """Creates what the collection lacks to hold `count` items (a pre-filled server may hold them already):
    the run's own items, deleted at the end like every other."""
    for _ in range(max(0, count - items.total())):
        items.create()


@pytest.mark.requirement("LIST-WINDOW")
@pytest.mark.parametrize("window", cases(WINDOWS, WINDOW_ASSERTS))
def test_each_parameter_alone_and_together_gives_its_window(
    items: Items, window: tuple[dict[str, int], int, int]
) -> None:
    """LIST-WINDOW: `limit` alone, `offset` alone and both give the window [offset, offset + limit), at both
    bounds of `limit` too: a page at limit=100 on a collection of more than 100 items holds 100 items."""
    params, start, size = window
    fill_to(items, start + size + 1)
    query = "&".join(f"{name}={value}" for name, value in params.items())
    for _ in quiet_attempts():
        expected = first_ids(items, start + size)[start:]
        received = listed_ids(items.page(**params)["items"])
        if first_ids(items, start + size)[start:] != expected:
            continue  # another client wrote meanwhile: the window moved under the measurement
        if "limit" not in params and received:
            # Without a limit the page's length is the default's, which LIST-DEFAULTS judges: here, its start.
            expected = first_ids(items, start + len(received))[start:]
        if received != expected:
            raise fail(
                f"GET /items?{query} on a collection of more than {start + size} items",
                expected=f"{len(expected)} items, the window [{start}, {start + size}): ids {expected}",
                received=f"{len(received)} items: ids {received}",
            )
        return


@pytest.mark.requirement("LIST-WINDOW")
@pytest.mark.asserts("LIST-WINDOW.short-last-page")
def test_a_window_that_reaches_past_the_end_holds_the_items_up_to_the_end(items: Items) -> None:
    """LIST-WINDOW: a window [offset, offset + limit) that reaches past the end holds the items up to the end."""
    created = [items.create()["id"] for _ in range(2)]
    for _ in quiet_attempts():
        before = items.tail(NEWEST_WITH_ROOM)
        page = listed_ids(items.page(offset=before.total - 2, limit=5)["items"])
        if items.tail(offset=before.offset) != before or sorted(before.ids)[-2:] != created:
            continue  # another client wrote meanwhile, or new items do not take the highest ids
        if page != created:
            raise fail(
                f"GET /items?offset={before.total - 2}&limit=5 (total {before.total})",
                expected=f"the last 2 items: ids {created}",
                received=f"{len(page)} items: ids {page}",
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
BAD_PARAMETER_ASSERTS = {
    "limit-zero": "LIST-PARAMS-400.limit-below-1",
    "limit-over-100": "LIST-PARAMS-400.limit-above-100",
    "limit-negative": "LIST-PARAMS-400.limit-below-1",
    "limit-text": "LIST-PARAMS-400.limit-not-integer",
    "limit-fraction": "LIST-PARAMS-400.limit-not-integer",
    "limit-empty": "LIST-PARAMS-400.limit-not-integer",
    "offset-negative": "LIST-PARAMS-400.offset-below-0",
    "offset-text": "LIST-PARAMS-400.offset-not-integer",
    "offset-fraction": "LIST-PARAMS-400.offset-not-integer",
}


@pytest.mark.requirement("LIST-PARAMS-400")
@pytest.mark.parametrize("params", cases(BAD_PARAMETERS, BAD_PARAMETER_ASSERTS))
def test_a_bad_limit_or_offset_gets_400(api: ApiClient, params: dict[str, str]) -> None:
    """LIST-PARAMS-400: a `limit` or `offset` that is not an integer or is out of range gets 400."""
    response = api.get(ITEMS, params=params)
    verify_status(response, 400)
    verify_error_body(response)


@pytest.mark.requirement("LIST-200")
@pytest.mark.parametrize("params", [{"limit": "1"}, {"limit": str(PAGE_MAX)}, {"offset": "0"}, {"unknown": "x"}])
@pytest.mark.asserts("LIST-200.in-range-parameters-accepted")
def test_in_range_and_unknown_parameters_are_accepted(api: ApiClient, params: dict[str, str]) -> None:
    """LIST-200: limits 1 and 100 are valid; other query parameters are ignored."""
    response = api.get(ITEMS, params=params)
    verify_status(response, 200)
