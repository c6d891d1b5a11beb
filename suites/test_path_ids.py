"""§3.7 Ids in the path: never a 2xx and never a 5xx for an id that cannot exist."""

from __future__ import annotations

import pytest

from conformance.client import item_path
from conformance.items import Items
from conformance.verify import verify_status

SEGMENTS = {"word": "abc", "fraction": "1.5", "zero": "0", "negative": "-1", "unicode": "ünï"}
METHODS = ["GET", "PUT", "PATCH", "DELETE"]


@pytest.mark.requirement("PATH-ID")
@pytest.mark.parametrize("segment", SEGMENTS.values(), ids=SEGMENTS.keys())
@pytest.mark.parametrize("method", METHODS)
def test_an_impossible_id_gets_400_or_404(items: Items, method: str, segment: str) -> None:
    """PATH-ID: a segment that is not an integer gets 400 or 404; an id ≤ 0 gets 404 or 400."""
    response = items.send(method, item_path(segment), auth=method != "GET")
    verify_status(response, {400, 404}, "PATH-ID")
