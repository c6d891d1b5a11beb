"""§3.1 List — GET /items: ordered pages of the whole collection, with its total."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import TestClient

Item = dict[str, Any]


@pytest.mark.covers("LIST-200", "LIST-TOTAL")
def test_empty_collection_lists_no_items_and_total_zero(client: TestClient) -> None:
    response = client.get("/items")
    assert response.status_code == 200
    assert response.json() == {"items": [], "total": 0}


@pytest.mark.covers("LIST-200", "LIST-DEFAULTS", "LIST-TOTAL", "LIST-ORDER")
def test_without_parameters_the_first_ten_items_are_listed(client: TestClient, make_item: Callable[..., Item]) -> None:
    created = [make_item(name=f"item {n}") for n in range(12)]
    response = client.get("/items")
    assert response.status_code == 200
    assert response.json() == {"items": created[:10], "total": 12}


@pytest.mark.covers("LIST-200")
def test_unknown_query_parameters_are_ignored(client: TestClient, make_item: Callable[..., Item]) -> None:
    item = make_item()
    assert client.get("/items", params={"sort": "-id", "page": "x", "limit": 5}).json() == {"items": [item], "total": 1}


@pytest.mark.covers("LIST-ORDER")
def test_items_stay_in_ascending_id_order_after_deletes_and_replaces(
    client: TestClient, auth: dict[str, str], make_item: Callable[..., Item]
) -> None:
    ids = [make_item(name=f"item {n}")["id"] for n in range(5)]
    client.delete(f"/items/{ids[1]}", headers=auth)
    client.put(f"/items/{ids[0]}", json={"name": "replaced", "price": 1}, headers=auth)
    client.patch(f"/items/{ids[2]}", json={"name": "patched"}, headers=auth)
    ids.append(make_item()["id"])
    listed = [item["id"] for item in client.get("/items").json()["items"]]
    assert listed == sorted(listed), f"expected ascending ids, got {listed}"
    assert listed == [ids[0], *ids[2:]]


# (limit, offset) windows over a collection of seven items; the last three start at or past its end.
WINDOWS = [(3, 0), (3, 2), (3, 5), (1, 6), (100, 0), (7, 0), (5, 7), (1, 100), (100, 10**30)]


@pytest.mark.covers("LIST-WINDOW", "LIST-TOTAL", "LIST-ORDER")
def test_page_is_the_window_offset_to_offset_plus_limit(client: TestClient, make_item: Callable[..., Item]) -> None:
    created = [make_item(name=f"item {n}") for n in range(7)]
    for limit, offset in WINDOWS:
        response = client.get("/items", params={"limit": limit, "offset": offset})
        assert response.status_code == 200
        expected = {"items": created[offset : offset + limit], "total": 7}
        assert response.json() == expected, f"limit={limit} offset={offset}: expected {expected}, got {response.json()}"


@pytest.mark.covers("LIST-PARAMS-400")
@pytest.mark.parametrize("parameter", ["limit", "offset"])
def test_bad_limit_or_offset_gets_400_problem(
    client: TestClient, make_item: Callable[..., Item], parameter: str
) -> None:
    make_item()
    bad = ["-1", "abc", "1.5", "", "1e1x", "%00"] + (
        ["0", "101", "99999999999999999999999"] if parameter == "limit" else []
    )
    for value in bad:
        response = client.get(f"/items?{parameter}={value}")
        assert response.status_code == 400, f"expected 400 for {parameter}={value!r}, got {response.status_code}"
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 400


@pytest.mark.covers("LIST-PARAMS-400", "LIST-WINDOW")
def test_limit_and_offset_bounds_are_inclusive(client: TestClient, make_item: Callable[..., Item]) -> None:
    item = make_item()
    for limit, offset in [(1, 0), (100, 0), (100, 1)]:
        response = client.get("/items", params={"limit": limit, "offset": offset})
        assert response.status_code == 200, f"limit={limit} offset={offset} is in range, got {response.status_code}"
        assert response.json()["items"] == [item][offset:]
