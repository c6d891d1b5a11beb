"""§3.3 Read — GET /items/{id}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import TestClient

Item = dict[str, Any]


@pytest.mark.covers("READ-200")
def test_existing_id_gets_200_with_that_item(client: TestClient, make_item: Callable[..., Item]) -> None:
    make_item(name="first")
    second = make_item(name="second", price=2, description="two")
    response = client.get(f"/items/{second['id']}")
    assert response.status_code == 200
    assert response.json() == second


@pytest.mark.covers("READ-404")
def test_id_never_created_gets_404_problem(client: TestClient, make_item: Callable[..., Item]) -> None:
    assert client.get("/items/1").status_code == 404, "empty store"
    make_item()
    for item_id in [2, 999, 99999999999999999999999]:
        response = client.get(f"/items/{item_id}")
        assert response.status_code == 404, f"expected 404 for never-created id {item_id}, got {response.status_code}"
        assert response.json()["detail"] == f"Item {item_id} does not exist."


@pytest.mark.covers("READ-404")
def test_deleted_id_gets_404(client: TestClient, auth: dict[str, str], make_item: Callable[..., Item]) -> None:
    item = make_item()
    client.delete(f"/items/{item['id']}", headers=auth)
    assert client.get(f"/items/{item['id']}").status_code == 404
