"""§3.7 Ids in the path: never a 2xx and never a 5xx for an id that cannot exist."""

from __future__ import annotations

import pytest

from conformance.client import ITEMS, ApiClient
from conformance.items import Items
from conformance.verify import verify_status

SEGMENTS = {"word": "abc", "fraction": "1.5", "zero": "0", "negative": "-1", "unicode": "ünï"}
METHODS = ["GET", "PUT", "PATCH", "DELETE"]


@pytest.mark.requirement("PATH-ID")
@pytest.mark.parametrize("segment", SEGMENTS.values(), ids=SEGMENTS.keys())
@pytest.mark.parametrize("method", METHODS)
def test_an_impossible_id_gets_400_or_404(api: ApiClient, items: Items, method: str, segment: str) -> None:
    """PATH-ID: a segment that is not an integer gets 400 or 404; an id ≤ 0 gets 404 or 400."""
    body = {"PUT": items.body(), "PATCH": {"price": 2}}.get(method)
    kwargs = {"body": body} if body is not None else {}
    response = api.request(method, f"{ITEMS}/{segment}", auth=method != "GET", **kwargs)
    verify_status(response, {400, 404}, "PATH-ID", f"{method} /items/{segment}")
