"""§6 Concurrency: simultaneous creates and patches behave like some serial order."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from conformance.client import ITEMS, ApiClient, item_path
from conformance.items import Items
from conformance.verify import fail, verify_item_response

CREATES = 16
PATCHES = 12


def in_parallel(count: int, send: Any) -> list[httpx.Response]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(send, range(count)))


@pytest.mark.requirement("CONC-CREATE")
def test_concurrent_creates_all_succeed_with_distinct_ids(api: ApiClient, items: Items) -> None:
    """CONC-CREATE: concurrent creates all succeed, with distinct ids, and all of them are listed afterwards."""
    bodies = [items.body(description=f"concurrent {index}") for index in range(CREATES)]
    responses = in_parallel(CREATES, lambda index: api.post(ITEMS, body=bodies[index]))
    # Each create must succeed: a status other than 201 is judged as CREATE-201 where it is not a 5xx.
    created = [
        verify_item_response(response, 201, "CREATE-201", "one of the concurrent creates") for response in responses
    ]
    ids = [item["id"] for item in created]
    if len(set(ids)) != len(ids):
        duplicates = sorted({item_id for item_id in ids if ids.count(item_id) > 1})
        raise fail(
            "CONC-CREATE",
            f"{CREATES} concurrent creates",
            expected=f"{CREATES} distinct ids",
            received=f"ids {sorted(ids)}; duplicated: {duplicates}",
        )
    for body, item in zip(bodies, created, strict=True):
        response = api.get(item_path(item["id"]))
        stored = verify_item_response(response, 200, "CONC-CREATE", f"GET /items/{item['id']} after the creates")
        if stored["name"] != body["name"]:
            raise fail(
                "CONC-CREATE",
                f"GET /items/{item['id']}",
                expected=f"the item named {body['name']!r}",
                received=f"name {stored['name']!r}",
                response=response,
            )
    total = items.total()
    page = items.page(limit=100, offset=max(0, total - 100))
    listed = {entry.get("id") for entry in page["items"] if isinstance(entry, dict)}
    if missing := sorted(set(ids) - listed):
        raise fail(
            "CONC-CREATE",
            "the list after concurrent creates",
            expected=f"all of ids {sorted(ids)} listed",
            received=f"missing {missing}",
        )


def consistent(item: dict[str, Any]) -> bool:
    """Each patch sets name, price and description from one index; a mix means interleaving."""
    name, description = item.get("name", ""), item.get("description") or ""
    index = name.rsplit(" ", 1)[-1]
    return description == f"description {index}" and item.get("price") == float(index) + 1


@pytest.mark.requirement("CONC-UPDATE")
def test_concurrent_patches_never_interleave_members(api: ApiClient, items: Items) -> None:
    """CONC-UPDATE: after concurrent PATCHes of one Item, its state and every response are what some serial
    order of those PATCHes would give."""
    item = items.create(items.body(price=1, description="description 0"))
    patches = [
        {"name": f"patch {index}", "price": index + 1, "description": f"description {index}"}
        for index in range(PATCHES)
    ]
    responses = in_parallel(PATCHES, lambda index: api.patch(item_path(item["id"]), body=patches[index]))
    for response in responses:
        body = verify_item_response(response, 200, "UPDATE-200", "one of the concurrent PATCHes")
        if not consistent(body):
            raise fail(
                "CONC-UPDATE",
                "a response to concurrent PATCHes",
                expected="name, price and description from one PATCH",
                received=str(body),
                response=response,
            )
    stored = items.fetch(item["id"])
    if not consistent(stored):
        raise fail(
            "CONC-UPDATE",
            f"item {item['id']} after concurrent PATCHes",
            expected="name, price and description from one PATCH",
            received=str(stored),
        )
