"""§6 Concurrency: simultaneous creates and patches behave like some serial order."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from conformance.client import ITEMS, ApiClient, item_path
from conformance.items import Items
from conformance.verify import fail, verify_distinct_ids, verify_item_response, verify_listed, verify_stored

CREATES = 16
PATCHES = 12
PATCH_ROUNDS = 3
"""A race shows only when requests overlap: on a busy machine one round may happen to run serially."""


def in_parallel(count: int, send: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    # Every thread waits at the barrier, so the requests leave together rather than as the threads start.
    start = threading.Barrier(count)

    def together(index: int) -> httpx.Response:
        start.wait()
        return send(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(together, range(count)))


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
    verify_distinct_ids(ids, "CONC-CREATE", f"{CREATES} concurrent creates")
    for body, item in zip(bodies, created, strict=True):
        verify_stored(api, item["id"], {"name": body["name"]}, "CONC-CREATE", read_requirement="CONC-CREATE")
    verify_listed(items.spanning(ids), ids, "CONC-CREATE", "the list after concurrent creates")


def verify_consistent(item: dict[str, Any], summary: str, response: httpx.Response | None = None) -> None:
    """Each patch sets name, price and description from one index; a mix means interleaving."""
    name, description = item.get("name", ""), item.get("description") or ""
    index = name.rsplit(" ", 1)[-1]
    if not (description == f"description {index}" and item.get("price") == float(index) + 1):
        raise fail(
            "CONC-UPDATE",
            summary,
            expected="name, price and description from one PATCH",
            received=str(item),
            response=response,
        )


@pytest.mark.requirement("CONC-UPDATE")
def test_concurrent_patches_never_interleave_members(api: ApiClient, items: Items) -> None:
    """CONC-UPDATE: after concurrent PATCHes of one Item, its state and every response are what some serial
    order of those PATCHes would give."""
    item = items.create(items.body(price=1, description="description 0"))
    patches = [
        {"name": f"patch {index}", "price": index + 1, "description": f"description {index}"}
        for index in range(PATCHES)
    ]
    for _ in range(PATCH_ROUNDS):
        responses = in_parallel(PATCHES, lambda index: api.patch(item_path(item["id"]), body=patches[index]))
        for response in responses:
            body = verify_item_response(response, 200, "UPDATE-200", "one of the concurrent PATCHes")
            verify_consistent(body, "a response to concurrent PATCHes", response)
        verify_consistent(items.fetch(item["id"]), f"item {item['id']} after concurrent PATCHes")
