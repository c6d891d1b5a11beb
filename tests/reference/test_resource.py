"""§1 The resource: the shape of an Item, values read back unchanged, ids never reused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import TestClient

Item = dict[str, Any]


def assert_item_shape(item: Any) -> None:
    assert isinstance(item, dict), f"expected an Item object, got {item!r}"
    assert set(item) == {"id", "name", "price", "description"}, f"expected exactly four members, got {sorted(item)}"
    assert type(item["id"]) is int, item
    assert item["id"] >= 1, item
    assert isinstance(item["name"], str), item
    assert 1 <= len(item["name"]) <= 100, item
    assert type(item["price"]) in {int, float}, item
    assert 0 < item["price"] <= 1_000_000, item
    assert isinstance(item["description"], str | None), item
    assert len(item["description"] or "") <= 1000, item


@pytest.mark.covers("ITEM-SHAPE")
def test_every_operation_returns_items_with_exactly_the_four_members(
    client: TestClient, auth: dict[str, str], make_item: Callable[..., Item]
) -> None:
    created = make_item(description="first")
    make_item(name="second", price=1)
    path = f"/items/{created['id']}"
    returned = [
        created,
        client.get(path).json(),
        client.put(path, json={"name": "replaced", "price": 2.5}, headers=auth).json(),
        client.patch(path, json={"description": "patched"}, headers=auth).json(),
        *client.get("/items").json()["items"],
    ]
    for item in returned:
        assert_item_shape(item)


@pytest.mark.covers("ITEM-ROUNDTRIP")
@pytest.mark.parametrize(
    ("name", "price", "description"),
    [
        ("  padded  ", 19.99, "  keeps its spaces\n"),
        ("MiXeD CaSe", 0.01, "MiXeD"),
        ("e\u0301 vs \u00e9", 1, "\u212b is not normalised to \u00c5"),
        ("😀" * 100, 1_000_000, "𝕏" * 1000),
        ("zero\u0000width\u200djoiner", 5e-324, None),
        ("日本語", 123456.789, ""),
    ],
    ids=["spaces", "case", "unnormalised", "astral-at-max-length", "control-chars", "cjk-empty-description"],
)
def test_accepted_values_read_back_exactly_as_sent(
    client: TestClient, auth: dict[str, str], name: str, price: float, description: str | None
) -> None:
    sent = {"name": name, "price": price, "description": description}
    created = client.post("/items", json=sent, headers=auth)
    assert created.status_code == 201, created.text
    expected = {"id": created.json()["id"], **sent}
    path = f"/items/{expected['id']}"
    assert created.json() == expected
    assert client.get(path).json() == expected
    assert client.get("/items").json()["items"] == [expected]
    assert client.put(path, json=sent, headers=auth).json() == expected
    assert client.patch(path, json=sent, headers=auth).json() == expected


@pytest.mark.covers("ITEM-ID-UNIQUE")
def test_ids_are_never_reused_after_deleting_the_highest_or_all(
    client: TestClient, auth: dict[str, str], make_item: Callable[..., Item]
) -> None:
    ids = [make_item()["id"] for _ in range(3)]
    assert len(set(ids)) == 3
    assert client.delete(f"/items/{ids[-1]}", headers=auth).status_code == 204
    after_highest = make_item()["id"]
    assert after_highest not in ids, f"id {after_highest} of the deleted highest item was reused"
    for item_id in [*ids[:-1], after_highest]:
        assert client.delete(f"/items/{item_id}", headers=auth).status_code == 204
    after_all = make_item()["id"]
    assert after_all not in {*ids, after_highest}, f"id {after_all} was reused once the store was empty"
