"""§3.4 Replace — PUT /items/{id}: a full replacement, never an upsert."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import TestClient

Item = dict[str, Any]


@pytest.mark.covers("REPLACE-200")
@pytest.mark.parametrize(
    ("body", "description"),
    [
        ({"name": "new", "price": 2.5}, None),
        ({"name": "new", "price": 2.5, "description": None}, None),
        ({"name": "new", "price": 2.5, "description": "fresh"}, "fresh"),
    ],
    ids=["description-absent", "description-null", "description-set"],
)
def test_put_replaces_every_member_and_keeps_the_id(
    client: TestClient,
    auth: dict[str, str],
    make_item: Callable[..., Item],
    body: dict[str, Any],
    description: str | None,
) -> None:
    item = make_item(name="old", price=1, description="stale")
    expected = {"id": item["id"], "name": "new", "price": 2.5, "description": description}
    response = client.put(f"/items/{item['id']}", json=body, headers=auth)
    assert response.status_code == 200, response.text
    assert response.json() == expected
    assert client.get(f"/items/{item['id']}").json() == expected


@pytest.mark.covers("REPLACE-404")
def test_put_of_missing_id_gets_404_and_creates_nothing(
    client: TestClient, auth: dict[str, str], make_item: Callable[..., Item], stored: Callable[[], list[Item]]
) -> None:
    body = {"name": "upsert?", "price": 1}
    assert client.put("/items/1", json=body, headers=auth).status_code == 404, "empty store"
    assert stored() == []
    make_item()
    before = stored()
    for item_id in [2, 3, 999]:
        response = client.put(f"/items/{item_id}", json=body, headers=auth)
        assert response.status_code == 404, f"expected 404 (no upsert) for id {item_id}, got {response.status_code}"
        assert client.get(f"/items/{item_id}").status_code == 404
    assert stored() == before
    assert make_item()["id"] == 2, "a refused PUT must not consume ids either"


@pytest.mark.covers("REPLACE-IDEMPOTENT")
def test_repeating_a_put_gives_the_same_body_and_state(
    client: TestClient, auth: dict[str, str], make_item: Callable[..., Item], stored: Callable[[], list[Item]]
) -> None:
    item = make_item()
    make_item(name="bystander")
    body = {"name": "same", "price": 3}
    first = client.put(f"/items/{item['id']}", json=body, headers=auth)
    state = stored()
    second = client.put(f"/items/{item['id']}", json=body, headers=auth)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json() == first.json()
    assert stored() == state
