"""§6 Concurrency: requests from many threads at once against one app."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from litestar.testing import TestClient

Item = dict[str, Any]
WORKERS = 20


@pytest.mark.covers("CONC-CREATE", "ITEM-ID-UNIQUE")
def test_concurrent_creates_all_succeed_with_distinct_ids_and_are_listed(
    client: TestClient, auth: dict[str, str]
) -> None:
    def create(n: int) -> Any:
        return client.post("/items", json={"name": f"item {n}", "price": n + 1}, headers=auth)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        responses = list(pool.map(create, range(WORKERS)))
    statuses = [response.status_code for response in responses]
    assert statuses == [201] * WORKERS, f"expected every create to get 201, got {statuses}"
    created = {response.json()["id"]: response.json() for response in responses}
    assert len(created) == WORKERS, f"expected {WORKERS} distinct ids, got {sorted(created)}"
    listing = client.get("/items", params={"limit": 100}).json()
    assert listing["total"] == WORKERS
    assert listing["items"] == [created[item_id] for item_id in sorted(created)]


@pytest.mark.covers("CONC-UPDATE")
def test_concurrent_patches_leave_the_item_as_some_serial_order_would(
    client: TestClient, auth: dict[str, str], make_item: Callable[..., Item]
) -> None:
    item = make_item(name="start", price=1, description="start")
    # Each patch sets every member, so in any serial order its answer is exactly its own values,
    # and the final state is one patch's values: a mix of members from two patches is an interleaving.
    patches = [{"name": f"patch {n}", "price": n + 1, "description": f"patch {n}"} for n in range(WORKERS)]

    def apply(patch: dict[str, Any]) -> Any:
        return client.patch(f"/items/{item['id']}", json=patch, headers=auth)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        responses = list(pool.map(apply, patches))
    for patch, response in zip(patches, responses, strict=True):
        assert response.status_code == 200, response.text
        assert response.json() == {"id": item["id"], **patch}, f"answer to {patch} was {response.json()}"
    final = client.get(f"/items/{item['id']}").json()
    assert final in [{"id": item["id"], **patch} for patch in patches], f"interleaved final state {final}"


@pytest.mark.covers("CONC-UPDATE")
def test_concurrent_partial_patches_all_take_effect(
    client: TestClient, auth: dict[str, str], make_item: Callable[..., Item]
) -> None:
    item = make_item(name="start", price=1, description="start")
    # Disjoint members: whatever the order, the merged result holds all three changes.
    patches = [{"name": "renamed"}, {"price": 42}, {"description": None}] * 5

    def apply(patch: dict[str, Any]) -> int:
        return client.patch(f"/items/{item['id']}", json=patch, headers=auth).status_code

    with ThreadPoolExecutor(max_workers=len(patches)) as pool:
        assert set(pool.map(apply, patches)) == {200}
    final = client.get(f"/items/{item['id']}").json()
    assert final == {"id": item["id"], "name": "renamed", "price": 42, "description": None}
