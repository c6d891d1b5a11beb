"""§3.7 Ids in the path: never a 2xx and never a 5xx for an id that cannot exist."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.checks.cases import cases
from conformance.checks.items import Items
from conformance.checks.verify import verify_status, verify_unchanged
from conformance.target.client import ApiClient
from conformance.target.paths import item_path

SEGMENTS = {"word": "abc", "fraction": "1.5", "zero": "0", "negative": "-1", "unicode": "ünï"}
METHODS = ["GET", "PUT", "PATCH", "DELETE"]
BESIDE_AN_ITEM: dict[str, Callable[[int], str]] = {
    # Segments that start like an existing id: a parser that reads the leading digits (parseInt, strtol,
    # a regex without an end anchor) finds that item in them. Forms §8 leaves open (`05`, `5.0`, `1e1`) are not here.
    "letters-after-the-id": lambda item_id: f"{item_id}abc",
    "fraction-of-the-id": lambda item_id: f"{item_id}.5",
    "negated-id": lambda item_id: f"-{item_id}",
}


@pytest.mark.requirement("PATH-ID")
@pytest.mark.parametrize(
    "segment",
    cases(
        SEGMENTS,
        {
            "word": "PATH-ID.word",
            "fraction": "PATH-ID.fraction",
            "zero": "PATH-ID.zero",
            "negative": "PATH-ID.negative",
            "unicode": "PATH-ID.word",
        },
    ),
)
@pytest.mark.parametrize("method", METHODS)
def test_an_impossible_id_gets_400_or_404(items: Items, method: str, segment: str) -> None:
    """PATH-ID: a segment that is not an integer gets 400 or 404; an id ≤ 0 gets 404 or 400."""
    # A server with string ids may hold an item `abc`: a write goes there only once it is proved absent.
    path = item_path(segment) if method == "GET" else items.absent_path(segment)
    verify_status(items.send(method, path, auth=method != "GET"), {400, 404})


@pytest.mark.requirement("PATH-ID")
@pytest.mark.parametrize("segment", BESIDE_AN_ITEM.values(), ids=BESIDE_AN_ITEM.keys())
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.asserts("PATH-ID.starts-like-an-existing-id")
def test_a_segment_that_starts_like_an_existing_id_gets_400_or_404(
    api: ApiClient, items: Items, method: str, segment: Callable[[int], str]
) -> None:
    """PATH-ID: a segment that is not an integer gets 400 or 404, also when it starts with an existing item's
    id; and that item is not touched."""
    item = items.baseline(items.body(description="before"))
    path = item_path(segment(item["id"])) if method == "GET" else items.absent_path(segment(item["id"]))
    verify_status(items.send(method, path, auth=method != "GET"), {400, 404})
    verify_unchanged(api, item, f"item {item['id']} after {method} {path}")
