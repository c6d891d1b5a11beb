"""§3.2 Create — POST /items."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import TestClient

Item = dict[str, Any]


@pytest.mark.covers("CREATE-201")
@pytest.mark.parametrize(
    ("body", "description"),
    [
        ({"name": "widget", "price": 9.99}, None),
        ({"name": "widget", "price": 9.99, "description": None}, None),
        ({"name": "widget", "price": 9.99, "description": "blue"}, "blue"),
    ],
    ids=["description-absent", "description-null", "description-set"],
)
def test_valid_create_gets_201_with_the_item_and_absent_description_is_null(
    client: TestClient, auth: dict[str, str], body: dict[str, Any], description: str | None
) -> None:
    response = client.post("/items", json=body, headers=auth)
    assert response.status_code == 201, response.text
    assert response.json() == {"id": 1, "name": "widget", "price": 9.99, "description": description}


@pytest.mark.covers("CREATE-READBACK")
def test_created_item_is_readable_listed_and_counted(client: TestClient, make_item: Callable[..., Item]) -> None:
    first = make_item(name="first")
    second = make_item(name="second", description="two")
    assert client.get(f"/items/{second['id']}").json() == second
    assert client.get("/items").json() == {"items": [first, second], "total": 2}


@pytest.mark.covers("CREATE-LOCATION")
def test_201_location_is_the_path_of_the_new_item(client: TestClient, auth: dict[str, str]) -> None:
    client.post("/items", json={"name": "first", "price": 1}, headers=auth)
    response = client.post("/items", json={"name": "second", "price": 2}, headers=auth)
    item = response.json()
    assert response.headers.get("Location") == f"/items/{item['id']}", (
        f"got Location {response.headers.get('Location')}"
    )
    assert client.get(response.headers["Location"]).json() == item
