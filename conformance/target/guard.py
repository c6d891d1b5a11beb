"""The own-items guard: the suite writes only to items this run created, and the ledger follows what the
server says it did."""

from __future__ import annotations

import httpx

from conformance.target.errors import UnsafeWrite
from conformance.target.ledger import Ledger
from conformance.target.paths import ITEMS, path_item_id

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def check_safe(ledger: Ledger, method: str, path: str) -> None:
    if method not in WRITE_METHODS:
        return
    item_id = path_item_id(path)
    if item_id is not None and not ledger.may_write(item_id):
        raise UnsafeWrite(f"refusing {method} {path}: item {item_id} was not created by this run")


def record(ledger: Ledger, method: str, path: str, response: httpx.Response) -> None:
    """Keeps the ledger true to what the server says it did, whatever the test expected."""
    if method not in WRITE_METHODS or not response.is_success:
        if method == "GET" and response.status_code == 404 and (item_id := path_item_id(path)):
            ledger.proved_absent(item_id)
        return
    item_id = path_item_id(path)
    if method == "DELETE" and item_id is not None:
        ledger.deleted(item_id)
        return
    created = _body_id(response)
    if created is not None and (path.rstrip("/") == ITEMS or item_id == created):
        # A 2xx write to an absent id means the server upserted: that item is ours to clean up.
        ledger.created(created)


def _body_id(response: httpx.Response) -> int | None:
    try:
        data = response.json()
    except ValueError:
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
