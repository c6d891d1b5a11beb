"""Fixtures for the unit tests of the reference app (target_app), run in-process through Litestar's TestClient."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from target_app import create_app

TOKEN = "reference-test-token"

Item = dict[str, Any]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "covers(*ids): requirement IDs of CONTRACT.md this test exercises")


@pytest.fixture
def token() -> str:
    return TOKEN


@pytest.fixture
def auth() -> dict[str, str]:
    """Headers of an accepted write."""
    return {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    """A fresh app, hence a fresh empty store, for every test; server errors come back as 500s, not exceptions."""
    with TestClient(create_app(tokens=[TOKEN]), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def make_item(client: TestClient, auth: dict[str, str]) -> Callable[..., Item]:
    """`make_item(name=..., price=..., description=...)` creates an item and returns the 201 body."""

    def make(name: str = "widget", price: float = 9.99, **members: Any) -> Item:
        response = client.post("/items", json={"name": name, "price": price, **members}, headers=auth)
        assert response.status_code == 201, (
            f"expected 201 creating an item, got {response.status_code}: {response.text}"
        )
        return response.json()

    return make


@pytest.fixture
def stored(client: TestClient) -> Callable[[], list[Item]]:
    """`stored()` is the whole collection as listed, to prove that a refused request changed nothing."""

    def snapshot() -> list[Item]:
        response = client.get("/items", params={"limit": 100})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == len(body["items"]), "the tests keep collections under 100 items"
        return body["items"]

    return snapshot
