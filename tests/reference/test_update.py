"""§3.5 Update — PATCH /items/{id}: RFC 7396 merge patch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import TestClient

Item = dict[str, Any]
ORIGINAL = {"name": "widget", "price": 9.99, "description": "blue"}


@pytest.mark.covers("UPDATE-200")
@pytest.mark.parametrize(
    ("patch", "changed"),
    [
        ({"name": "gadget"}, {"name": "gadget"}),
        ({"price": 1}, {"price": 1}),
        ({"description": "red"}, {"description": "red"}),
        ({"description": None}, {"description": None}),
        ({"name": "all", "price": 2.5, "description": None}, {"name": "all", "price": 2.5, "description": None}),
    ],
    ids=["name", "price", "description", "description-null-clears", "everything"],
)
def test_patch_changes_members_present_and_keeps_the_others(
    client: TestClient,
    auth: dict[str, str],
    make_item: Callable[..., Item],
    patch: dict[str, Any],
    changed: dict[str, Any],
) -> None:
    item = make_item(**ORIGINAL)
    expected = {**item, **changed}
    response = client.patch(f"/items/{item['id']}", json=patch, headers=auth)
    assert response.status_code == 200, response.text
    assert response.json() == expected
    assert client.get(f"/items/{item['id']}").json() == expected


@pytest.mark.covers("UPDATE-EMPTY")
def test_empty_patch_gets_200_and_changes_nothing(
    client: TestClient, auth: dict[str, str], make_item: Callable[..., Item]
) -> None:
    item = make_item(**ORIGINAL)
    response = client.patch(f"/items/{item['id']}", json={}, headers=auth)
    assert response.status_code == 200
    assert response.json() == item
    assert client.get(f"/items/{item['id']}").json() == item


@pytest.mark.covers("UPDATE-404")
@pytest.mark.parametrize("patch", [{}, {"name": "x"}])
def test_patch_of_missing_id_gets_404(
    client: TestClient, auth: dict[str, str], make_item: Callable[..., Item], patch: dict[str, Any]
) -> None:
    make_item()
    response = client.patch("/items/2", json=patch, headers=auth)
    assert response.status_code == 404
    assert client.get("/items").json()["total"] == 1


@pytest.mark.covers("UPDATE-NULL-REQUIRED", "VALID-FIELDS")
@pytest.mark.parametrize(
    "patch",
    [{"name": None}, {"price": None}, {"name": None, "price": None}, {"name": None, "description": "ignored"}],
)
def test_patch_with_null_name_or_price_gets_422_and_changes_nothing(
    client: TestClient, auth: dict[str, str], make_item: Callable[..., Item], patch: dict[str, Any]
) -> None:
    item = make_item(**ORIGINAL)
    response = client.patch(f"/items/{item['id']}", json=patch, headers=auth)
    assert response.status_code == 422, f"expected 422, got {response.status_code}"
    offending = {member for member, value in patch.items() if value is None}
    assert {error["field"] for error in response.json()["errors"]} == offending
    assert client.get(f"/items/{item['id']}").json() == item
