"""§3.7 Ids in the path: anything but a positive integer is 404 here (400 would also conform)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import TestClient

Item = dict[str, Any]
SEGMENTS = ["abc", "1.5", "0", "-1", "1abc", "%20", "😀", "1%2F1"]


@pytest.mark.covers("PATH-ID")
@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_non_positive_or_non_integer_id_gets_404_and_changes_nothing(
    client: TestClient,
    auth: dict[str, str],
    make_item: Callable[..., Item],
    stored: Callable[[], list[Item]],
    method: str,
) -> None:
    make_item()  # item 1 exists: `1.5` or `1abc` must not reach it
    before = stored()
    body = None if method in {"GET", "DELETE"} else {"name": "x", "price": 1}
    for segment in SEGMENTS:
        response = client.request(method, f"/items/{segment}", json=body, headers=auth)
        assert response.status_code == 404, f"expected 404 for {method} /items/{segment}, got {response.status_code}"
        assert response.headers["Content-Type"] == "application/problem+json"
    assert stored() == before
