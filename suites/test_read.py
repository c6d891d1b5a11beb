"""§3.3 Read — GET /items/{id}."""

from __future__ import annotations

import pytest

from conformance.checks.items import Items
from conformance.checks.verify import verify_error_body, verify_status, verify_stored
from conformance.target.client import ApiClient
from conformance.target.paths import item_path


@pytest.mark.requirement("READ-200")
@pytest.mark.asserts("READ-200.status-200", "READ-200.body-is-the-item")
def test_an_existing_id_gets_200_with_the_item(api: ApiClient, items: Items) -> None:
    """READ-200: an existing id gets 200 with the Item."""
    created = items.create(items.body(description="to read"))
    verify_stored(api, created["id"], created)


@pytest.mark.requirement("READ-404")
@pytest.mark.asserts("READ-404.never-created")
def test_an_id_never_created_gets_404(api: ApiClient, items: Items) -> None:
    """READ-404: an id that was never created gets 404."""
    missing = items.unlisted_id()
    response = api.get(item_path(missing))
    verify_status(response, 404, f"GET /items/{missing} (never created)")
    verify_error_body(response)


@pytest.mark.requirement("READ-404")
@pytest.mark.asserts("READ-404.deleted")
def test_a_deleted_id_gets_404(api: ApiClient, items: Items) -> None:
    """READ-404: an id that was deleted gets 404."""
    created = items.create()
    items.delete(created["id"])
    response = api.get(item_path(created["id"]))
    summary = f"GET /items/{created['id']} after deleting it"
    verify_status(response, 404, summary, requirement=["READ-404", "DELETE-GONE"])
