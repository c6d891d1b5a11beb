"""§3.6 Delete — DELETE /items/{id}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import TestClient

Item = dict[str, Any]


@pytest.mark.covers("DELETE-204")
def test_delete_of_existing_id_gets_204_with_empty_body(
    client: TestClient, auth: dict[str, str], make_item: Callable[..., Item]
) -> None:
    item = make_item()
    response = client.delete(f"/items/{item['id']}", headers=auth)
    assert response.status_code == 204
    assert response.content == b"", f"expected an empty body, got {response.content!r}"


@pytest.mark.covers("DELETE-GONE", "READ-404")
def test_deleted_item_is_gone_for_every_operation_and_the_list(
    client: TestClient, auth: dict[str, str], make_item: Callable[..., Item]
) -> None:
    kept, doomed, last = make_item(name="kept"), make_item(name="doomed"), make_item(name="last")
    path = f"/items/{doomed['id']}"
    assert client.delete(path, headers=auth).status_code == 204
    assert client.get(path).status_code == 404
    assert client.put(path, json={"name": "back", "price": 1}, headers=auth).status_code == 404
    assert client.patch(path, json={"name": "back"}, headers=auth).status_code == 404
    assert client.delete(path, headers=auth).status_code == 404
    assert client.get("/items").json() == {"items": [kept, last], "total": 2}


@pytest.mark.covers("DELETE-404")
def test_delete_of_missing_id_gets_404(
    client: TestClient, auth: dict[str, str], make_item: Callable[..., Item]
) -> None:
    item = make_item()
    for item_id in [2, 999]:
        response = client.delete(f"/items/{item_id}", headers=auth)
        assert response.status_code == 404, f"expected 404 for id {item_id}, got {response.status_code}"
        assert response.json()["detail"] == f"Item {item_id} does not exist."
    assert client.get("/items").json() == {"items": [item], "total": 1}
